package dev.bfa.statistics;

import java.util.Arrays;
import java.util.EnumSet;
import org.apache.commons.statistics.descriptive.DoubleStatistics;
import org.apache.commons.statistics.descriptive.Statistic;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * One quantity over repeated runs (a sweep's seeds): how many values, their mean and standard
 * deviation, the 95 % confidence interval of the mean, and the extremes.
 *
 * <p>Only finite values count: a run that did not finish or diverged gives NaN, and is left out
 * rather than spoiling the others, so {@code n} is the number of finite values. The standard
 * deviation divides by n - 1, and the interval is mean ± t · sd / √n with t the 97.5 % quantile of
 * Student's t with n - 1 degrees of freedom: a handful of seeds estimates its own spread poorly, so
 * with 5 seeds t is 2.78 where the normal distribution would give 1.96. With one value the standard
 * deviation and the interval are NaN (there is no spread to estimate); with none, everything but
 * {@code n} is.
 *
 * @param n                 how many finite values
 * @param mean              their mean
 * @param standardDeviation their sample standard deviation (n - 1 in the denominator)
 * @param lower             lower end of the 95 % confidence interval of the mean
 * @param upper             upper end of that interval
 * @param min               the smallest value
 * @param max               the largest value
 */
public record SampleSummary(int n, double mean, double standardDeviation, double lower, double upper, double min,
                            double max) {
    /** Confidence level of the interval. */
    public static final double CONFIDENCE = 0.95;

    /** The summary of the finite ones among {@code values}. */
    public static SampleSummary of(double... values) {
        double[] finite = Arrays.stream(values).filter(Double::isFinite).toArray();
        int n = finite.length;
        if (n == 0) {
            return new SampleSummary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        DoubleStatistics statistics = DoubleStatistics.of(
                EnumSet.of(Statistic.MEAN, Statistic.STANDARD_DEVIATION, Statistic.MIN, Statistic.MAX), finite);
        double mean = statistics.getAsDouble(Statistic.MEAN);
        // the library gives 0 for a single value; there is no spread to speak of, so NaN
        double sd = n < 2 ? Double.NaN : statistics.getAsDouble(Statistic.STANDARD_DEVIATION);
        double halfWidth = n < 2 ? Double.NaN
                : TDistribution.of(n - 1).inverseSurvivalProbability((1 - CONFIDENCE) / 2) * sd / Math.sqrt(n);
        return new SampleSummary(n, mean, sd, mean - halfWidth, mean + halfWidth, statistics.getAsDouble(Statistic.MIN),
                statistics.getAsDouble(Statistic.MAX));
    }

    /** Whether the confidence interval lies wholly above or wholly below {@code value} (false when it is NaN). */
    public boolean intervalExcludes(double value) {
        return lower > value || upper < value;
    }
}
