/**
 * Statistics across repeated runs: {@link dev.bfa.statistics.SampleSummary} (mean, standard deviation
 * and Student's t confidence interval of one quantity over seeds) and
 * {@link dev.bfa.statistics.PairedComparison} (two settings run with the same seeds: the paired
 * difference, the paired t-test and the Wilcoxon signed-rank test). The distributions and tests are
 * Apache Commons Statistics', not written here.
 *
 * <p>Depends on nothing in bfa: plain arrays of doubles in, records of numbers out.
 */
package dev.bfa.statistics;
