package dev.bfa.report;

import dev.bfa.statistics.SampleSummary;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The sweep's two tables for pandas or R, CSV as {@link Csv#FORMAT} has it. Accuracies are fractions
 * as in summary.json; a value that is missing (a cell that has not finished, a layer a shallower cell
 * lacks) is an empty field, which both read as NaN / NA; other numbers are written as
 * {@link Double#toString(double)} writes them, which reads back to the same double. Metric columns
 * are named as in summary.json and metrics.csv ({@link SweepMetric#all}).
 * <ul>
 *   <li>{@value SweepReport#SUMMARY_CSV}: one row per cell: its name, its group, whether it finished,
 *       every swept option and the mode and seed (also when they are not swept), its steps, datasets
 *       and the step of each network's best accuracy, every metric, and its throughput and times.</li>
 *   <li>{@value SweepReport#GROUPS_CSV}: one row per group: its label, the swept options but the
 *       seed, its mode, how many cells it has and how many finished, then for every metric
 *       {@code _n} (finite values), {@code _mean}, {@code _sd}, {@code _ci_low}, {@code _ci_high}
 *       (the 95 % interval of the mean) and {@code _min}, {@code _max} over its finished seeds.</li>
 * </ul>
 */
final class SweepCsv {
    private SweepCsv() {
    }

    /** The text of {@value SweepReport#SUMMARY_CSV}. */
    static String cells(Sweep sweep) {
        List<SweepMetric> metrics = SweepMetric.all(sweep.deepest());
        Set<String> options = withModeAndSeed(sweep.options().keySet());
        List<String> header = new ArrayList<>(List.of("cell", "group", "finished"));
        header.addAll(options);
        header.addAll(List.of("steps", "forward_dataset", "reverse_dataset", "forward_best_step",
                "reverse_best_step"));
        metrics.forEach(m -> header.add(m.column()));
        header.addAll(List.of("examples_per_second", "training_seconds", "wall_seconds"));
        List<List<String>> rows = new ArrayList<>();
        for (Sweep.Group group : sweep.groups()) {
            for (SweepCell cell : group.cells()) {
                List<String> row = new ArrayList<>(List.of(cell.name(), group.label(),
                        Boolean.toString(cell.finished())));
                for (String option : options) {
                    row.add(value(cell, option));
                }
                row.add(steps(cell));
                row.add(cell.config().forwardDataset());
                row.add(cell.config().reverseDataset());
                row.add(ifFinished(cell, s -> Long.toString(s.forward().bestStep())));
                row.add(ifFinished(cell, s -> Long.toString(s.reverse().bestStep())));
                for (SweepMetric metric : metrics) {
                    row.add(ifFinished(cell, s -> number(metric.of(s))));
                }
                row.add(ifFinished(cell, s -> number(s.examplesPerSecond())));
                row.add(ifFinished(cell, s -> number(s.trainingSeconds())));
                row.add(ifFinished(cell, s -> number(s.wallSeconds())));
                rows.add(row);
            }
        }
        return table(header, rows);
    }

    /** The text of {@value SweepReport#GROUPS_CSV}. */
    static String groups(Sweep sweep) {
        List<SweepMetric> metrics = SweepMetric.all(sweep.deepest());
        Set<String> options = withModeAndSeed(sweep.options().keySet());
        options.remove(Sweep.SEED);
        List<String> header = new ArrayList<>(List.of("group"));
        header.addAll(options);
        header.addAll(List.of("cells", "finished"));
        for (SweepMetric metric : metrics) {
            for (String statistic : List.of("n", "mean", "sd", "ci_low", "ci_high", "min", "max")) {
                header.add(metric.column() + "_" + statistic);
            }
        }
        List<List<String>> rows = new ArrayList<>();
        for (Sweep.Group group : sweep.groups()) {
            List<String> row = new ArrayList<>(List.of(group.label()));
            for (String option : options) {
                row.add(option.equals(Sweep.MODE) ? group.mode().cliName() : group.values().get(option));
            }
            row.add(Integer.toString(group.cells().size()));
            row.add(Integer.toString(group.finished().size()));
            for (SweepMetric metric : metrics) {
                SampleSummary s = group.summary(metric);
                row.add(Integer.toString(s.n()));
                for (double v : new double[] {s.mean(), s.standardDeviation(), s.lower(), s.upper(), s.min(),
                        s.max()}) {
                    row.add(number(v));
                }
            }
            rows.add(row);
        }
        return table(header, rows);
    }

    /** The swept options, then the mode and the seed unless they are among them. */
    private static Set<String> withModeAndSeed(Set<String> options) {
        Set<String> columns = new LinkedHashSet<>(options);
        columns.add(Sweep.MODE);
        columns.add(Sweep.SEED);
        return columns;
    }

    /** The cell's value of {@code option}: as swept, or its mode or seed when those are not swept. */
    private static String value(SweepCell cell, String option) {
        Map<String, String> values = cell.values();
        if (values.containsKey(option)) {
            return values.get(option);
        }
        return option.equals(Sweep.MODE) ? cell.config().mode().cliName() : Long.toString(cell.config().seed());
    }

    /** The step the cell reached: its last, or while it runs its last evaluation point's; empty before any. */
    private static String steps(SweepCell cell) {
        if (cell.finished()) {
            return Long.toString(cell.summary().steps());
        }
        return cell.points().isEmpty() ? "" : Long.toString(cell.points().getLast().step());
    }

    /** {@code field} of the cell's summary, or empty when it has not finished. */
    private static String ifFinished(SweepCell cell, Function<RunSummary, String> field) {
        return cell.finished() ? field.apply(cell.summary()) : "";
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }

    private static String table(List<String> header, List<List<String>> rows) {
        List<List<String>> records = new ArrayList<>(rows.size() + 1);
        records.add(header);
        records.addAll(rows);
        return Csv.print(records);
    }
}
