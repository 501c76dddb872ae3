package dev.bfa.cli;

import dev.bfa.experiment.DirectoryLock;
import dev.bfa.sweep.Grid;
import dev.bfa.sweep.LocalExecutor;
import dev.bfa.sweep.SlurmExecutor;
import dev.bfa.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bfa sweep}: a grid of ordinary training runs, run here or on a Slurm cluster, continued from
 * its sweep.json, with statistics across seeds (docs/sweeps.md).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        modelTransformer = GridOptions.class,
        subcommands = {SweepStatusCommand.class, SweepReportCommand.class, SweepRunCellCommand.class},
        description = {"Train every combination of the values given to train's options (--mode fa,bp --seed 1..5 "
                + "--lr 1e-4,3e-4), one run directory per cell under DIR/runs/, then a report with statistics "
                + "across seeds.",
                "Cells run here (--executor local, --jobs at a time) or as one Slurm job array (--executor slurm). "
                        + "The grid and every cell's configuration are written to DIR/sweep.json first; "
                        + "--resume DIR continues the sweep from it."})
public final class SweepCommand implements Callable<Integer> {
    private static final String EXECUTORS = "local, slurm";

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "The sweep's directory (default: runs/sweep-TIMESTAMP). "
            + "Giving the directory of a sweep with the same grid continues it.")
    Path out;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the sweep in DIR from its sweep.json: finished cells are kept, interrupted ones "
                    + "continue from their checkpoints, failed and pending ones run.")
    Path resume;

    @Option(names = "--executor", paramLabel = "NAME", defaultValue = "local",
            description = "Where cells run: local (this machine) or slurm (a job array through sbatch) "
                    + "(default: ${DEFAULT-VALUE}).")
    String executor;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Cells at a time (local default: the cores / 2, at most the cells to run; slurm: the "
                    + "job array's limit on running tasks, default none).")
    Integer jobs;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads per cell (local default: the cores / --jobs; slurm default: 2, or for a "
                    + "resumed sweep the threads its cells were planned with; its --cpus-per-task).")
    Integer threads;

    @Option(names = "--slurm-opt", paramLabel = "OPT",
            description = "An sbatch option for the job array, passed through as given (repeatable), e.g. "
                    + "--slurm-opt=--partition=cpu --slurm-opt=--time=02:00:00.")
    List<String> slurmOptions = new ArrayList<>();

    @Option(names = "--dry-run",
            description = "Write sweep.json and (slurm) the batch script and print the sbatch command, but run nothing.")
    boolean dryRun;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    @Mixin
    CheckpointOptions checkpoints;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        Grid given = GridOptions.read(spec.commandLine().getParseResult());
        boolean slurm = parseExecutor();
        Sweep existing = existingSweep(given);
        Path dir = existing != null ? existing.directory() : out != null ? out : RunSupport.defaultOutput("sweep");
        if (existing == null) {
            RunSupport.checkOutput(dir, false);
            SweepPlanner.check(given, TrainCommand.DEFAULT_STEPS);
        }
        long checkpointEvery = checkpointEvery(existing);
        try (SweepData datasets = new SweepData(data.resolve().toAbsolutePath(), true)) {
            Sweep sweep = existing;
            if (sweep == null) {
                int cellThreads = slurm ? slurmThreads(null)
                        : LocalExecutor.fitting(cores(), jobs, threads, (int) Math.min(Integer.MAX_VALUE, size(given)))
                        .threads();
                sweep = SweepPlanner.plan(dir, given, TrainCommand.DEFAULT_STEPS, checkpointEvery, datasets, cellThreads);
                SweepRun.checkMemory(sweep, datasets, slurm ? 1 : jobsFor(sweep.cells().size()));
                RunSupport.createOutput(dir);
                Sweep planned = sweep;
                RunSupport.reportingFailures(() -> {
                    planned.write();
                    return null;
                });
            }
            return slurm ? SweepRun.submit(sweep, datasets, slurmThreads(existing), jobs, slurmOptions, dryRun, spec)
                    : SweepRun.runLocally(sweep, datasets, jobs, threads, quiet, dryRun, spec);
        }
    }

    private boolean parseExecutor() {
        return switch (executor) {
            case "local" -> false;
            case "slurm" -> true;
            default -> throw new CliException("--executor " + executor + ": unknown executor (" + EXECUTORS + ")",
                    CliException.USAGE);
        };
    }

    /** The sweep this command continues, or null for a new one; refuses a grid that differs from it. */
    private Sweep existingSweep(Grid given) {
        Path dir = resume != null ? resume : out;
        if (resume != null && out != null && !out.toAbsolutePath().normalize().equals(
                resume.toAbsolutePath().normalize())) {
            throw new CliException("--out " + out + " and --resume " + resume + " name different directories; "
                    + "a resumed sweep continues in its own", CliException.USAGE);
        }
        if (dir == null || !Sweep.exists(dir)) {
            if (resume != null) {
                throw new CliException("--resume " + resume + ": not a sweep directory (no " + Sweep.FILE + ")",
                        CliException.USAGE);
            }
            return null;
        }
        Sweep sweep = RunSupport.reportingFailures(() -> Sweep.read(dir));
        boolean compare = resume == null || !given.axes().isEmpty();
        List<String> differences = compare ? given.differences(sweep.grid()) : List.of();
        if (!differences.isEmpty()) {
            throw new CliException((resume != null ? "--resume " : "--out ") + dir + " holds a sweep of another grid ("
                    + String.join("; ", differences) + "); choose another --out for a new sweep, or give "
                    + "--resume " + dir + " alone to continue that one", CliException.OUTPUT);
        }
        return sweep;
    }

    private long checkpointEvery(Sweep existing) {
        long given = checkpoints.control(() -> false).checkpointEvery();
        if (existing != null && checkpoints.every != null && given != existing.checkpointEvery()) {
            throw new CliException("--checkpoint-every " + given + " conflicts with the sweep being continued ("
                    + existing.checkpointEvery() + " in " + existing.directory().resolve(Sweep.FILE) + "); leave it out",
                    CliException.USAGE);
        }
        return existing != null ? existing.checkpointEvery() : given;
    }

    /**
     * The threads (and --cpus-per-task) of each array task: as given; else, for a sweep being continued,
     * what its cells were planned with (its first submission's, not the default's); else the default.
     */
    private int slurmThreads(Sweep existing) {
        if (threads == null && existing != null) {
            return existing.cells().stream().mapToInt(c -> c.config().threads()).max().orElseThrow();
        }
        return RunSupport.threadCount(threads != null ? threads : SlurmExecutor.DEFAULT_THREADS);
    }

    private int jobsFor(int cells) {
        return LocalExecutor.fitting(cores(), jobs, threads, cells).jobs();
    }

    private static long size(Grid grid) {
        try {
            return grid.size();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** The lock a local sweep holds on its directory, so that two cannot run its cells at once. */
    static DirectoryLock lock(Sweep sweep) {
        try {
            return DirectoryLock.acquire(sweep.directory());
        } catch (DirectoryLock.HeldException e) {
            throw new CliException(sweep.directory() + ": another bfa sweep is running this sweep's cells here; "
                    + "see bfa sweep status " + sweep.directory(), CliException.OUTPUT, e);
        } catch (IOException e) {
            throw new CliException(sweep.directory() + ": cannot lock the sweep (" + e.getMessage() + ")",
                    CliException.OUTPUT, e);
        }
    }
}
