package dev.bfa.cli;

import dev.bfa.report.SweepReport;
import dev.bfa.sweep.Sweep;
import dev.bfa.sweep.SweepReports;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bfa sweep report DIR}: the statistics across seeds, written again from the cells as they stand. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write DIR/report.md, groups.csv, sweep_summary.csv and the figures: per group of cells that "
                + "differ only in seed, mean, sd and 95%% CI; each coupled mode against fa, paired by seed.")
public final class SweepReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The sweep's directory.")
    Path directory;

    @Option(names = "--compare", paramLabel = "A:B",
            description = "Also compare group A with group B, each named by its values, e.g. "
                    + "--compare mode=coupled-both,lr=1e-4:mode=fa,lr=1e-4 (repeatable).")
    List<String> comparisons = new ArrayList<>();

    @Override
    public Integer call() {
        Sweep sweep = SweepStatusCommand.read(directory);
        List<SweepReport.Comparison> extra = new ArrayList<>();
        for (String text : comparisons) {
            try {
                extra.add(SweepReport.Comparison.parse(text));
            } catch (IllegalArgumentException e) {
                throw new CliException("--compare " + text + ": " + e.getMessage(), CliException.USAGE, e);
            }
        }
        Path report;
        try {
            report = RunSupport.reportingFailures(() -> SweepReports.write(sweep, extra));
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
        spec.commandLine().getOut().println("sweep report: " + report);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
