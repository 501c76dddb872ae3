package dev.bfa.statistics;

import java.util.Arrays;
import org.apache.commons.statistics.inference.PValueMethod;
import org.apache.commons.statistics.inference.TTest;
import org.apache.commons.statistics.inference.WilcoxonSignedRankTest;

/**
 * Two settings measured on the same seeds (say, the final accuracy of coupled-both and of fa, each
 * seed run in both): the differences first − second, pair by pair, with their 95 % confidence
 * interval, and two-sided tests of whether they are centred on zero. Pairing takes out what a seed
 * does to both settings alike (the initial weights, the data order), so a difference smaller than the
 * spread between seeds can still show.
 *
 * <ul>
 *   <li>The paired t-test assumes the differences are roughly normal; with a handful of seeds nobody
 *       can check that, so</li>
 *   <li>the Wilcoxon signed-rank test, which assumes only that they are symmetric, is given beside it.
 *       Its p-value is exact (the distribution of the rank sum over all 2^n sign patterns) when there
 *       are at most {@value #EXACT_WILCOXON_LIMIT} pairs, no difference is zero and no two are equal in
 *       size; otherwise it is the normal approximation with corrections for ties and zeros and a
 *       continuity correction ({@link #wilcoxonExact()} says which). With n pairs the exact p can be no
 *       smaller than 2 / 2^n: 0.0625 with 5 seeds, all differences of one sign.</li>
 * </ul>
 *
 * <p>A pair with a NaN or infinite value on either side (a run that did not finish) is left out. A
 * p-value is NaN, and {@link #untestedReason()} says why, when there are fewer than 2 pairs or every
 * difference is zero (neither test is defined), or when the differences are all equal (the t
 * statistic divides by their standard deviation, 0).
 *
 * @param difference     the differences first − second of the pairs kept
 * @param tTestP         two-sided p of the paired t-test
 * @param wilcoxonP      two-sided p of the Wilcoxon signed-rank test
 * @param wilcoxonExact  whether {@code wilcoxonP} is exact rather than the normal approximation
 * @param untestedReason why a p-value is NaN, or empty when both are numbers
 */
public record PairedComparison(SampleSummary difference, double tTestP, double wilcoxonP, boolean wilcoxonExact,
                               String untestedReason) {
    /** The most pairs for which the Wilcoxon p-value is computed exactly (the library's own default). */
    public static final int EXACT_WILCOXON_LIMIT = 50;

    /**
     * The comparison of {@code first[i]} with {@code second[i]} for every i.
     *
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public static PairedComparison of(double[] first, double[] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException("paired samples must have the same length: " + first.length + " and "
                    + second.length + " values");
        }
        double[] a = new double[first.length];
        double[] b = new double[first.length];
        int n = 0;
        for (int i = 0; i < first.length; i++) {
            if (Double.isFinite(first[i]) && Double.isFinite(second[i])) {
                a[n] = first[i];
                b[n] = second[i];
                n++;
            }
        }
        a = Arrays.copyOf(a, n);
        b = Arrays.copyOf(b, n);
        double[] differences = new double[n];
        for (int i = 0; i < n; i++) {
            differences[i] = a[i] - b[i];
        }
        SampleSummary difference = SampleSummary.of(differences);
        if (n < 2) {
            return untested(difference, n == 0 ? "no pairs" : "1 pair: a test needs at least 2");
        }
        if (Arrays.stream(differences).allMatch(d -> d == 0)) {
            return untested(difference, "every difference is zero");
        }
        WilcoxonSignedRankTest.Result wilcoxon = WilcoxonSignedRankTest.withDefaults()
                .with(n <= EXACT_WILCOXON_LIMIT ? PValueMethod.EXACT : PValueMethod.ASYMPTOTIC).test(a, b);
        boolean exact = n <= EXACT_WILCOXON_LIMIT && !wilcoxon.hasTiedValues() && !wilcoxon.hasZeroValues();
        if (difference.standardDeviation() == 0) {
            return new PairedComparison(difference, Double.NaN, wilcoxon.getPValue(), exact,
                    "the differences are all equal, so the t-test (which divides by their standard deviation) "
                            + "is undefined");
        }
        double t = TTest.withDefaults().pairedTest(a, b).getPValue();
        return new PairedComparison(difference, t, wilcoxon.getPValue(), exact, "");
    }

    private static PairedComparison untested(SampleSummary difference, String reason) {
        return new PairedComparison(difference, Double.NaN, Double.NaN, false, reason);
    }
}
