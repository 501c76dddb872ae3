package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;
import dev.bfa.report.RunSummary;
import dev.bfa.training.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bfa train}: one mode, written to a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train F and R together in one coupling mode and write a run directory "
                + "(config.json, metrics.csv, summary.json, model.ckpt, report.md, accuracy.png, cosine.png).")
public final class TrainCommand implements Callable<Integer> {
    /** Steps of a train run without --steps or --epochs: about two passes over F's training set. */
    static final long DEFAULT_STEPS = 1000;

    @Spec
    CommandSpec spec;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "fa",
            description = "fa, coupled-backward, coupled-both or bp (default: ${DEFAULT-VALUE}).")
    String mode;

    @Mixin
    OutputOptions output;

    @Mixin
    TrainingOptions options;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        Mode parsedMode;
        try {
            parsedMode = Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
        options.check(List.of(parsedMode), DEFAULT_STEPS);
        Path dir = output.check(parsedMode.cliName());
        try (Dataset forward = RunSupport.load(options.forward, data.resolve());
             Dataset reverse = RunSupport.load(options.reverse, data.resolve())) {
            RunConfig config = options.toConfig(parsedMode, DEFAULT_STEPS, forward.train().count());
            RunSupport.checkMemory(List.of(config), forward, reverse, RunSupport.SMALLER_RUN);
            RunSupport.createOutput(dir);
            try (ComputePool pool = ComputePool.create(config.threads())) {
                Experiments.Outcome outcome = RunSupport.reportingFailures(() -> Experiments.train(config, forward,
                        reverse, dir, KernelProvider.kernels(), pool,
                        RunSupport.progress(output.quiet, forward.train().count(), reverse.train().count())));
                printSummary(spec.commandLine().getOut(), outcome.summary(), dir);
            }
        }
        return 0;
    }

    static void printSummary(PrintWriter out, RunSummary s, Path dir) {
        out.printf("%s: F on %s %.2f%%, R on %s %.2f%% after %d steps; cosine %s; %.0f examples/s; run in %s%n",
                s.mode().cliName(), s.forward().dataset(), 100 * s.forward().testAccuracy(), s.reverse().dataset(),
                100 * s.reverse().testAccuracy(), s.steps(), java.util.Arrays.toString(
                        java.util.Arrays.stream(s.cosine()).mapToObj(c -> String.format("%.3f", c)).toArray()),
                s.examplesPerSecond(), dir);
        out.flush();
    }
}
