package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.sweep.CellRunner;
import dev.bfa.sweep.Sweep;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Trains a sweep's cell as {@code bfa train --resume} would: a new cell starts, an interrupted one
 * continues from its checkpoint (bit-identical to a run that never stopped), a finished one is left
 * as it is. Failures become the exit code and one-line message {@code bfa train} would give.
 */
final class SweepCellRunner implements CellRunner {
    private final Sweep sweep;
    private final SweepData data;
    private final StopOnSignal stop;
    private final boolean quiet;

    SweepCellRunner(Sweep sweep, SweepData data, StopOnSignal stop, boolean quiet) {
        this.sweep = sweep;
        this.data = data;
        this.stop = stop;
        this.quiet = quiet;
    }

    @Override
    public Result run(Sweep.PlannedCell cell, int threads, boolean showProgress) {
        RunConfig config = cell.config();
        Path checkpoint = sweep.runDirectory(cell).resolve(Experiments.CHECKPOINT);
        try {
            long from = Files.exists(checkpoint)
                    ? RunSupport.reportingFailures(() -> Checkpoint.readHeader(checkpoint)).step() : 0;
            Dataset forward = data.get(config.forwardDataset());
            Dataset reverse = data.get(config.reverseDataset());
            try (ComputePool pool = ComputePool.create(threads)) {
                Experiments.Outcome outcome = RunSupport.reportingFailures(() -> Experiments.resume(config, forward,
                        reverse, sweep.runDirectory(cell), KernelProvider.kernels(), pool,
                        RunSupport.progress(cell.name(), quiet || !showProgress, forward.train().count(),
                                reverse.train().count(), from),
                        new dev.bfa.experiment.TrainingRun.Control(sweep.checkpointEvery(), stop)));
                if (outcome.stopped()) {
                    return new Result(stop.exitCode(), "stopped after step " + outcome.completedSteps()
                            + ", its checkpoint saved", true);
                }
                return Result.DONE;
            }
        } catch (CliException e) {
            return new Result(e.exitCode(), e.getMessage(), false);
        } catch (RuntimeException e) {
            return new Result(CliException.FAILED, "internal error: " + e, false);
        }
    }
}
