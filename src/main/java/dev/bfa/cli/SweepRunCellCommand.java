package dev.bfa.cli;

import dev.bfa.experiment.DirectoryLock;
import dev.bfa.sweep.CellRunner;
import dev.bfa.sweep.CellStatus;
import dev.bfa.sweep.Sweep;
import dev.bfa.text.UserText;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bfa sweep run-cell DIR INDEX}: trains one cell of a sweep from its sweep.json, as a Slurm
 * array task does (the batch script runs it with the task id). Its exit code is the one
 * {@code bfa train} would give. The data must be in place: a task never fetches.
 */
@Command(name = "run-cell", hidden = true, mixinStandardHelpOptions = true,
        description = "Train cell INDEX of the sweep in DIR (what each Slurm array task runs).")
public final class SweepRunCellCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "The sweep's directory.")
    Path directory;

    @Parameters(index = "1", paramLabel = "INDEX", description = "The cell's index in sweep.json (the array task id).")
    int index;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: one per processor).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        Sweep sweep = SweepStatusCommand.read(directory);
        Sweep.PlannedCell cell;
        try {
            cell = sweep.cell(index);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
        int threadCount = RunSupport.threadCount(threads);
        try (SweepData datasets = new SweepData(data.resolve(), false);
             StopOnSignal stop = StopOnSignal.install()) {
            CellRunner.Result result = CellStatus.attempt(sweep, cell, where(),
                    () -> new SweepCellRunner(sweep, datasets, stop, quiet).run(cell, threadCount, true, () -> false));
            if (result.exitCode() != 0) {
                spec.commandLine().getErr().println("bfa sweep run-cell: " + cell.name() + ": " + result.message());
                spec.commandLine().getErr().flush();
            } else {
                spec.commandLine().getOut().println("sweep cell " + cell.name() + " done in " + sweep.runDirectory(cell));
                spec.commandLine().getOut().flush();
            }
            return result.exitCode();
        } catch (DirectoryLock.HeldException e) {
            throw new CliException(e.getMessage(), CliException.OUTPUT, e);
        } catch (IOException e) {
            throw new CliException(sweep.statusFile(cell) + ": cannot record the cell's outcome (" + UserText.reason(e)
                    + ")", CliException.OUTPUT, e);
        }
    }

    /** This host, and the Slurm array task when run by one. */
    private static String where() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        String job = System.getenv("SLURM_ARRAY_JOB_ID");
        String task = System.getenv("SLURM_ARRAY_TASK_ID");
        return host + (job != null ? " (Slurm task " + job + "_" + task + ")" : " (pid " + ProcessHandle.current().pid() + ")");
    }
}
