package dev.bfa.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * The paired difference and its tests against values computed without Commons Statistics: by hand,
 * and in plain Python (each test's comment has the snippet).
 */
class PairedComparisonTest {
    /** The second sample of {@link #againstPython}, and the differences first − second. */
    private static final double[] SECOND = {84.0, 85.5, 83.2, 86.1, 84.7, 85.0, 83.9};
    private static final double[] DIFFERENCES = {0.8, -0.3, 1.9, 0.45, 1.1, -0.05, 0.7};

    private static double[] plus(double[] base, double[] differences) {
        double[] sum = new double[base.length];
        for (int i = 0; i < base.length; i++) {
            sum[i] = base[i] + differences[i];
        }
        return sum;
    }

    /**
     * Five positive differences of distinct sizes: W+ is the largest possible rank sum, 15, which one
     * of the 2^5 equally likely sign patterns reaches; its mirror image, W+ = 0, is as extreme, so the
     * exact two-sided p is 2 / 32.
     */
    @Test
    void fivePositiveDifferencesGiveTheSmallestExactWilcoxonP() {
        PairedComparison c = PairedComparison.of(new double[] {0.81, 0.83, 0.86, 0.84, 0.90},
                new double[] {0.80, 0.81, 0.83, 0.80, 0.85});
        assertThat(c.wilcoxonP()).isCloseTo(2.0 / 32, within(1e-15));
        assertThat(c.wilcoxonExact()).isTrue();
        assertThat(c.difference().n()).isEqualTo(5);
        assertThat(c.difference().mean()).isCloseTo(0.03, within(1e-12));
        assertThat(c.untestedReason()).isEmpty();
    }

    /**
     * Seven pairs, two negative differences. Python, numpy only: the paired t statistic, its p from
     * the t density integrated by Simpson's rule, and the exact Wilcoxon p from all 2^7 sign patterns.
     * <pre>
     * import itertools, math, numpy as np
     * d = np.array([0.8, -0.3, 1.9, 0.45, 1.1, -0.05, 0.7]); n = len(d)
     * def pdf(x, df):
     *     return (math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
     *             * (1 + x * x / df) ** (-(df + 1) / 2))
     * t = d.mean() / (d.std(ddof=1) / math.sqrt(n))
     * steps = 200000; ys = np.array([pdf(x, n - 1) for x in np.linspace(0, t, steps + 1)])
     * print(t, 1 - 2 * t / steps / 3 * (ys[0] + ys[-1] + 4 * ys[1:-1:2].sum() + 2 * ys[2:-1:2].sum()))
     * # 2.372531794505359 0.055329143156666594
     * ranks = np.argsort(np.argsort(np.abs(d))) + 1; w = ranks[d &gt; 0].sum(); centre = n * (n + 1) / 4
     * print(w, sum(abs(sum(r for r, s in zip(ranks, signs) if s) - centre) &gt;= abs(w - centre)
     *              for signs in itertools.product([0, 1], repeat=n)) / 2 ** n)
     * # 25 0.078125
     * </pre>
     * The confidence interval: t_{0.975, 6} = 2.4469119 (a printed t table) times sd / √7.
     */
    @Test
    void againstPython() {
        PairedComparison c = PairedComparison.of(plus(SECOND, DIFFERENCES), SECOND);
        assertThat(c.tTestP()).isCloseTo(0.055329143156666594, within(1e-9));
        assertThat(c.wilcoxonP()).isCloseTo(0.078125, within(1e-15));
        assertThat(c.wilcoxonExact()).isTrue();
        SampleSummary d = c.difference();
        assertThat(d.n()).isEqualTo(7);
        assertThat(d.mean()).isCloseTo(0.6571428571428571, within(1e-12));
        double halfWidth = 2.4469119 * d.standardDeviation() / Math.sqrt(7);
        assertThat(d.lower()).isCloseTo(d.mean() - halfWidth, within(1e-7));
        assertThat(d.upper()).isCloseTo(d.mean() + halfWidth, within(1e-7));
        assertThat(d.intervalExcludes(0)).isFalse();

        PairedComparison reversed = PairedComparison.of(SECOND, plus(SECOND, DIFFERENCES));
        assertThat(reversed.difference().mean()).isCloseTo(-d.mean(), within(1e-12));
        assertThat(reversed.tTestP()).isCloseTo(c.tTestP(), within(1e-12));
        assertThat(reversed.wilcoxonP()).isCloseTo(c.wilcoxonP(), within(1e-15));
    }

    /**
     * Two pairs of equal differences: no exact p. The normal approximation with the tie correction
     * and a continuity correction of 0.5, in Python:
     * <pre>
     * import math
     * # |d| = 0.5, 0.5, 0.2, 1.0, 1.0, 0.3: ranks 3.5, 3.5, 1, 5.5, 5.5, 2; all but 0.2 positive
     * n, w, ties = 6, 2 + 3.5 + 3.5 + 5.5 + 5.5, (2**3 - 2) + (2**3 - 2)
     * z = (abs(w - n * (n + 1) / 4) - 0.5) / math.sqrt((n * (n + 1) * (2 * n + 1) - ties / 2) / 24)
     * print(math.erfc(z / math.sqrt(2)))  # 0.05777957112359727
     * </pre>
     */
    @Test
    void tiedDifferencesUseTheNormalApproximation() {
        double[] second = {1, 1, 1, 1, 1, 1};
        PairedComparison c = PairedComparison.of(new double[] {1.5, 1.5, 0.8, 2, 2, 1.3}, second);
        assertThat(c.wilcoxonExact()).isFalse();
        assertThat(c.wilcoxonP()).isCloseTo(0.05777957112359727, within(1e-12));
        assertThat(c.tTestP()).isBetween(0.0, 1.0);
    }

    @Test
    void pairsWithAMissingSideAreLeftOut() {
        double[] first = plus(SECOND, DIFFERENCES);
        double[] second = SECOND.clone();
        first[1] = Double.NaN;
        second[3] = Double.NaN;
        PairedComparison c = PairedComparison.of(first, second);
        assertThat(c.difference().n()).isEqualTo(5);
        int[] kept = {0, 2, 4, 5, 6};
        assertThat(c).isEqualTo(PairedComparison.of(pick(first, kept), pick(second, kept)));
    }

    private static double[] pick(double[] values, int[] indices) {
        double[] picked = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = values[indices[i]];
        }
        return picked;
    }

    @Test
    void fewerThanTwoPairsCannotBeTested() {
        PairedComparison one = PairedComparison.of(new double[] {0.9, Double.NaN}, new double[] {0.8, 0.7});
        assertThat(one.difference().n()).isEqualTo(1);
        assertThat(one.difference().mean()).isCloseTo(0.1, within(1e-15));
        assertThat(one.tTestP()).isNaN();
        assertThat(one.wilcoxonP()).isNaN();
        assertThat(one.untestedReason()).isEqualTo("1 pair: a test needs at least 2");

        PairedComparison none = PairedComparison.of(new double[0], new double[0]);
        assertThat(none.difference().n()).isZero();
        assertThat(none.tTestP()).isNaN();
        assertThat(none.untestedReason()).isEqualTo("no pairs");
    }

    @Test
    void allZeroDifferencesCannotBeTested() {
        PairedComparison c = PairedComparison.of(new double[] {0.8, 0.9, 0.7}, new double[] {0.8, 0.9, 0.7});
        assertThat(c.difference().mean()).isZero();
        assertThat(c.tTestP()).isNaN();
        assertThat(c.wilcoxonP()).isNaN();
        assertThat(c.untestedReason()).isEqualTo("every difference is zero");
    }

    /** Equal differences have no spread for the t statistic to divide by; the ranks still say something. */
    @Test
    void equalDifferencesHaveNoTTest() {
        PairedComparison c = PairedComparison.of(new double[] {3, 4, 5, 6}, new double[] {1, 2, 3, 4});
        assertThat(c.tTestP()).isNaN();
        assertThat(c.untestedReason()).contains("t-test").contains("undefined");
        assertThat(c.wilcoxonP()).isBetween(0.0, 1.0);
        assertThat(c.wilcoxonExact()).isFalse(); // four equal ranks
    }

    @Test
    void arraysOfDifferentLengthsAreAnError() {
        assertThatThrownBy(() -> PairedComparison.of(new double[3], new double[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("paired samples must have the same length: 3 and 4 values");
    }
}
