package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.SavedModel;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.training.RunConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bfa eval}: test accuracy of a saved model. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a saved model (a run directory or its model.ckpt) on the test sets of its datasets.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "A run directory, or a model.ckpt file.")
    Path run;

    @Option(names = "--threads", paramLabel = "N", description = "Compute threads (default: one per available processor).")
    Integer threads;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        int threadCount = RunSupport.threadCount(threads);
        Path checkpoint = RunSupport.checkpointOf(run);
        RunConfig config = RunSupport.reportingFailures(() -> SavedModel.config(checkpoint));
        try (Dataset forward = RunSupport.load(config.forwardDataset(), data.resolve());
             Dataset reverse = RunSupport.load(config.reverseDataset(), data.resolve());
             ComputePool pool = ComputePool.create(threadCount)) {
            // the checkpoint's config sizes the model, and a checkpoint is a file from outside
            RunSupport.checkMemory(List.of(config), forward, reverse,
                    "the model in " + checkpoint + " is too large for this machine");
            SavedModel.Evaluation e = RunSupport.reportingFailures(
                    () -> SavedModel.evaluate(checkpoint, forward, reverse, KernelProvider.kernels(), pool));
            spec.commandLine().getOut().printf("%s at step %d: F on %s %.2f%%, R on %s %.2f%%%n",
                    config.mode().cliName(), e.step(), config.forwardDataset(), 100 * e.accuracy().forward(),
                    config.reverseDataset(), 100 * e.accuracy().reverse());
        }
        return 0;
    }
}
