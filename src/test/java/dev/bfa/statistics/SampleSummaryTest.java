package dev.bfa.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Mean, standard deviation and Student's t interval against values computed without Commons
 * Statistics: textbook t quantiles, and numbers from plain Python given in each test's comment.
 */
class SampleSummaryTest {
    /** t_{0.975, 4} from a printed t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2). */
    private static final double T_975_DF_4 = 2.7764451;
    /** t_{0.975, 2}, the same table. */
    private static final double T_975_DF_2 = 4.3026527;

    @Test
    void fiveValuesUseStudentsTWithFourDegreesOfFreedom() {
        SampleSummary s = SampleSummary.of(1, 2, 3, 4, 5);
        double sd = Math.sqrt(2.5); // squared deviations 4 + 1 + 0 + 1 + 4 = 10, over n - 1 = 4
        assertThat(s.n()).isEqualTo(5);
        assertThat(s.mean()).isEqualTo(3);
        assertThat(s.standardDeviation()).isCloseTo(sd, within(1e-15));
        double halfWidth = T_975_DF_4 * sd / Math.sqrt(5);
        assertThat(s.lower()).isCloseTo(3 - halfWidth, within(1e-7));
        assertThat(s.upper()).isCloseTo(3 + halfWidth, within(1e-7));
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.max()).isEqualTo(5);
    }

    @Test
    void nanAndInfinitiesAreLeftOut() {
        SampleSummary s = SampleSummary.of(Double.NaN, 0.80, Double.POSITIVE_INFINITY, 0.84, 0.88, Double.NaN);
        assertThat(s.n()).isEqualTo(3);
        assertThat(s.mean()).isCloseTo(0.84, within(1e-15));
        assertThat(s.standardDeviation()).isCloseTo(0.04, within(1e-15));
        double halfWidth = T_975_DF_2 * 0.04 / Math.sqrt(3);
        assertThat(s.lower()).isCloseTo(0.84 - halfWidth, within(1e-8));
        assertThat(s.upper()).isCloseTo(0.84 + halfWidth, within(1e-8));
        assertThat(s.min()).isEqualTo(0.80);
        assertThat(s.max()).isEqualTo(0.88);
    }

    /**
     * Seven degrees of freedom, a quantile no table above holds. Python, numpy only: the t density
     * integrated by Simpson's rule, the 97.5 % quantile found by bisection.
     * <pre>
     * import math, numpy as np
     * def pdf(x, df):
     *     return (math.gamma((df + 1) / 2) / (math.sqrt(df * math.pi) * math.gamma(df / 2))
     *             * (1 + x * x / df) ** (-(df + 1) / 2))
     * def cdf(t, df, steps=20000):  # Simpson's rule from 0 to t, plus the lower half
     *     ys = np.array([pdf(x, df) for x in np.linspace(0, t, steps + 1)])
     *     return 0.5 + t / steps / 3 * (ys[0] + ys[-1] + 4 * ys[1:-1:2].sum() + 2 * ys[2:-1:2].sum())
     * lo, hi = 0.0, 20.0
     * for _ in range(60):
     *     mid = (lo + hi) / 2
     *     lo, hi = (mid, hi) if cdf(mid, 7) &lt; 0.975 else (lo, mid)
     * x = [3.1, 2.4, 5.0, 4.4, 3.9, 2.2, 4.8, 3.3]
     * print(lo, np.mean(x), np.std(x, ddof=1), lo * np.std(x, ddof=1) / math.sqrt(len(x)))
     * # 2.364624251592784 3.6375 1.0595652747370363 0.8858187375124952
     * </pre>
     */
    @Test
    void eightValuesAgainstAnIntegratedTDensity() {
        SampleSummary s = SampleSummary.of(3.1, 2.4, 5.0, 4.4, 3.9, 2.2, 4.8, 3.3);
        assertThat(s.mean()).isCloseTo(3.6375, within(1e-14));
        assertThat(s.standardDeviation()).isCloseTo(1.0595652747370363, within(1e-14));
        assertThat(s.lower()).isCloseTo(3.6375 - 0.8858187375124952, within(1e-12));
        assertThat(s.upper()).isCloseTo(3.6375 + 0.8858187375124952, within(1e-12));
    }

    @Test
    void oneValueHasAMeanButNoSpread() {
        SampleSummary s = SampleSummary.of(Double.NaN, 0.9);
        assertThat(s.n()).isEqualTo(1);
        assertThat(s.mean()).isEqualTo(0.9);
        assertThat(s.min()).isEqualTo(0.9);
        assertThat(s.max()).isEqualTo(0.9);
        assertThat(s.standardDeviation()).isNaN();
        assertThat(s.lower()).isNaN();
        assertThat(s.upper()).isNaN();
        assertThat(s.intervalExcludes(0)).isFalse();
    }

    @Test
    void noValuesIsAllNaN() {
        SampleSummary s = SampleSummary.of(Double.NaN);
        assertThat(s.n()).isZero();
        for (double v : new double[] {s.mean(), s.standardDeviation(), s.lower(), s.upper(), s.min(), s.max()}) {
            assertThat(v).isNaN();
        }
        assertThat(SampleSummary.of().n()).isZero();
    }

    @Test
    void theIntervalExcludesAValueOutsideIt() {
        SampleSummary s = SampleSummary.of(1, 2, 3, 4, 5); // [1.04, 4.96]
        assertThat(s.intervalExcludes(0)).isTrue();
        assertThat(s.intervalExcludes(5)).isTrue();
        assertThat(s.intervalExcludes(1.1)).isFalse();
        assertThat(s.intervalExcludes(3)).isFalse();
    }
}
