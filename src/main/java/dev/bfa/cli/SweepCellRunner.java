package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.DirectoryLock;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.experiment.Experiments;
import dev.bfa.experiment.TrainingRun;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.sweep.CellRunner;
import dev.bfa.sweep.Sweep;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Trains a sweep's cell as {@code bfa train --resume} would: a new cell starts, an interrupted one
 * continues from its checkpoint (bit-identical to a run that never stopped), a finished one is left
 * as it is. Failures become the exit code and one-line message {@code bfa train} would give.
 */
final class SweepCellRunner implements CellRunner {
    private final Sweep sweep;
    private final SweepData data;
    private final StopOnSignal signal;
    private final boolean quiet;

    SweepCellRunner(Sweep sweep, SweepData data, StopOnSignal signal, boolean quiet) {
        this.sweep = sweep;
        this.data = data;
        this.signal = signal;
        this.quiet = quiet;
    }

    @Override
    public Result run(Sweep.PlannedCell cell, int threads, boolean showProgress, BooleanSupplier sweepStopping) {
        RunConfig config = cell.config();
        Path directory = sweep.runDirectory(cell);
        Path checkpoint = directory.resolve(Experiments.CHECKPOINT);
        try {
            long from = Files.exists(checkpoint)
                    ? RunSupport.reportingFailures(() -> Checkpoint.readHeader(checkpoint)).step() : 0;
            Dataset forward = data.get(config.forwardDataset());
            Dataset reverse = data.get(config.reverseDataset());
            // Before each cell, not only before the sweep: the disk fills while the sweep runs.
            RunSupport.checkDisk(directory, () -> List.of(DiskPlan.of(config, forward, reverse, true, directory)),
                    "free some space, then continue with bfa sweep --resume " + sweep.directory());
            try (ComputePool pool = ComputePool.create(threads)) {
                Experiments.Outcome outcome = RunSupport.reportingFailures(() -> Experiments.resume(config, forward,
                        reverse, directory, KernelProvider.kernels(), pool,
                        RunSupport.progress(cell.name(), quiet || !showProgress, forward.train().count(),
                                reverse.train().count(), from),
                        new TrainingRun.Control(sweep.checkpointEvery(),
                                () -> signal.getAsBoolean() || sweepStopping.getAsBoolean())));
                if (outcome.stopped()) {
                    String saved = "stopped after step " + outcome.completedSteps() + ", its checkpoint saved";
                    return signal.getAsBoolean() ? new Result(signal.exitCode(), saved, true, false)
                            : new Result(CliException.OUTPUT, saved + ", when the sweep stopped", true, false);
                }
                return Result.DONE;
            }
        } catch (CliException e) {
            // Every cell writes to the same disk; only a directory another process holds is this cell's own fault.
            boolean endsSweep = e.exitCode() == CliException.OUTPUT && !(e.getCause() instanceof DirectoryLock.HeldException);
            return new Result(e.exitCode(), e.getMessage(), false, endsSweep);
        } catch (RuntimeException e) {
            return new Result(CliException.FAILED, "internal error: " + e, false, false);
        }
    }
}
