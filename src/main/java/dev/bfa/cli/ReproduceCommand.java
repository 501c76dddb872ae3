package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;
import dev.bfa.training.RunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bfa reproduce}: the paper's experiment, every FA mode (and bp) on the same data and seed. */
@Command(name = "reproduce", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run fa, coupled-backward, coupled-both (and bp as a baseline) on the same data and seed, "
                + "one run directory per mode, then a combined report.md, summary.json and the paper's two figures.",
                "The default length takes about 15 minutes on 2 cores; --steps or --epochs sets another."})
public final class ReproduceCommand implements Callable<Integer> {
    /** Steps per mode of the default run, chosen so that all four modes take about 15 minutes on 2 cores. */
    static final long DEFAULT_STEPS = 2500;

    @Spec
    CommandSpec spec;

    @Option(names = "--no-bp", description = "Leave out the backprop baseline.")
    boolean noBackprop;

    @Mixin
    OutputOptions output;

    @Mixin
    TrainingOptions options;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        List<Mode> modes = new ArrayList<>(List.of(Mode.FA, Mode.COUPLED_BACKWARD, Mode.COUPLED_BOTH));
        if (!noBackprop) {
            modes.add(Mode.BP);
        }
        options.check(modes, DEFAULT_STEPS);
        Path dir = output.check("reproduce");
        try (Dataset forward = RunSupport.load(options.forward, data.resolve());
             Dataset reverse = RunSupport.load(options.reverse, data.resolve())) {
            RunConfig base = options.toConfig(Mode.FA, DEFAULT_STEPS, forward.train().count());
            RunSupport.checkMemory(modes.stream().map(base::withMode).toList(), forward, reverse,
                    RunSupport.SMALLER_RUN);
            RunSupport.createOutput(dir);
            try (ComputePool pool = ComputePool.create(base.threads())) {
                Map<Mode, Experiments.Outcome> outcomes = RunSupport.reportingFailures(() -> Experiments.reproduce(
                        base, modes, forward, reverse, dir, KernelProvider.kernels(), pool,
                        RunSupport.progress(output.quiet, forward.train().count(), reverse.train().count())));
                outcomes.values().forEach(o -> TrainCommand.printSummary(spec.commandLine().getOut(), o.summary(),
                        dir.resolve(o.summary().mode().cliName())));
                spec.commandLine().getOut().println("combined report: " + dir.resolve("report.md"));
            }
        }
        return 0;
    }
}
