package dev.bfa.cli;

import dev.bfa.sweep.SlurmExecutor;
import dev.bfa.sweep.Sweep;
import dev.bfa.sweep.SweepStatus;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bfa sweep status DIR}: where each cell stands. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Each cell of the sweep in DIR: pending, queued, running (how far), done, failed (exit code and "
                + "error) or interrupted; from the cells' files and, for a Slurm sweep, from scontrol.")
public final class SweepStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The sweep's directory.")
    Path directory;

    @Override
    public Integer call() {
        Sweep sweep = read(directory);
        Map<Integer, SweepStatus.ClusterTask> cluster = clusterTasks(sweep, spec.commandLine().getErr());
        List<SweepStatus.CellView> views = RunSupport.reportingFailures(() -> SweepStatus.of(sweep, cluster));
        PrintWriter out = spec.commandLine().getOut();
        int nameWidth = Math.max(4, views.stream().mapToInt(v -> v.cell().name().length()).max().orElse(0));
        out.printf("%-" + nameWidth + "s  %-11s  %-22s  %s%n", "cell", "state", "progress", "exit code, error / where");
        Map<SweepStatus.Phase, Integer> counts = new EnumMap<>(SweepStatus.Phase.class);
        for (SweepStatus.CellView v : views) {
            counts.merge(v.phase(), 1, Integer::sum);
            String progress = String.format(Locale.ROOT, "%d/%d (%.0f%%)", v.step(), v.steps(), 100.0 * v.step() / v.steps());
            String detail = switch (v.phase()) {
                case FAILED, INTERRUPTED -> (v.exitCode() != 0 ? v.exitCode() + ": " : "") + v.message()
                        + (v.where().isEmpty() ? "" : " [" + v.where() + "]");
                case RUNNING -> v.where();
                default -> "";
            };
            out.printf("%-" + nameWidth + "s  %-11s  %-22s  %s%n", v.cell().name(),
                    v.phase().name().toLowerCase(Locale.ROOT), progress, detail);
        }
        StringBuilder total = new StringBuilder(views.size() + " cells:");
        counts.forEach((phase, n) -> total.append(' ').append(n).append(' ').append(phase.name().toLowerCase(Locale.ROOT))
                .append(','));
        total.setLength(total.length() - 1);
        out.println(total);
        out.flush();
        return 0;
    }

    /**
     * What Slurm says of the cells of {@code sweep} (nothing when it was never submitted); nothing, with a
     * warning on {@code err}, when Slurm cannot be asked (the cluster was taken down, or this machine is not
     * part of it): the cells' own files still say which are done or failed.
     */
    static Map<Integer, SweepStatus.ClusterTask> clusterTasks(Sweep sweep, PrintWriter err) {
        if (!Files.isDirectory(sweep.directory().resolve(SlurmExecutor.DIRECTORY))) {
            return Map.of();
        }
        return RunSupport.reportingFailures(() -> {
            try {
                return new SlurmExecutor(sweep).tasks();
            } catch (SlurmExecutor.SlurmException e) {
                err.println("bfa sweep: warning: Slurm could not be asked (" + e.getMessage()
                        + "); the cells' states come from their files alone");
                err.flush();
                return Map.of();
            }
        });
    }

    /** The sweep in {@code directory}, or a one-line error naming it. */
    static Sweep read(Path directory) {
        if (!Sweep.exists(directory)) {
            throw new CliException(directory + ": not a sweep directory (no " + Sweep.FILE + ")", CliException.USAGE);
        }
        return RunSupport.reportingFailures(() -> Sweep.read(directory));
    }
}
