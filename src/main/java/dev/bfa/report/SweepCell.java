package dev.bfa.report;

import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of a sweep, a cell of its grid, as {@link SweepReport} reads it.
 *
 * @param name    the cell's name in the report and in sweep_summary.csv (its run directory's name)
 * @param values  each option that varies in the grid, named without dashes ("mode", "seed", "lr"),
 *                with this cell's value as given on the command line, in the grid's order of options
 * @param config  the cell's configuration
 * @param summary the cell's outcome, or null when it has not finished: it is then listed in the report
 *                as not finished and left out of every statistic and figure
 * @param points  its evaluation points so far, in step order (partial or empty when not finished)
 */
public record SweepCell(String name, Map<String, String> values, RunConfig config, RunSummary summary,
                        List<EvaluationPoint> points) {
    public SweepCell {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        points = List.copyOf(points);
    }

    /** Whether the cell ran to its end (it has a summary). */
    public boolean finished() {
        return summary != null;
    }
}
