package dev.bfa.sweep;

import dev.bfa.report.RunFiles;
import dev.bfa.report.RunSummary;
import dev.bfa.report.SweepCell;
import dev.bfa.report.SweepReport;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sweep report of a sweep's directory, from its cells' run directories as they stand. */
public final class SweepReports {
    private SweepReports() {
    }

    /**
     * Writes report.md, the CSVs and the figures into the sweep's directory, counting the cells that
     * are done and listing the rest.
     *
     * @param extra comparisons the user named, besides each coupled mode against fa
     * @return the report's path
     */
    public static Path write(Sweep sweep, List<SweepReport.Comparison> extra) throws IOException {
        List<SweepCell> cells = new ArrayList<>();
        for (SweepStatus.CellView view : SweepStatus.of(sweep, java.util.Map.of())) {
            Path run = sweep.runDirectory(view.cell());
            boolean done = view.phase() == SweepStatus.Phase.DONE && Files.exists(run.resolve(RunFiles.SUMMARY));
            RunSummary summary = done ? RunFiles.readSummary(run) : null;
            List<EvaluationPoint> points = Files.exists(run.resolve(RunFiles.METRICS))
                    ? RunFiles.readMetrics(run) : List.of();
            cells.add(new SweepCell(view.cell().name(), view.cell().cell().values(), view.cell().config(), summary,
                    points));
        }
        SweepReport.write(sweep.directory(), cells, extra);
        return sweep.directory().resolve(RunFiles.REPORT);
    }
}
