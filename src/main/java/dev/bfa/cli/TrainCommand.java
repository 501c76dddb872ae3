package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;
import dev.bfa.report.Progress;
import dev.bfa.report.Provenance;
import dev.bfa.report.RunFiles;
import dev.bfa.report.RunSummary;
import dev.bfa.training.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bfa train}: one mode, written to a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train F and R together and write a run directory (config.json, metrics.csv, summary.json, "
                + "model.ckpt, model.safetensors, report.md, accuracy.png, cosine.png).",
                "How they learn has two axes: --rule, how each network's error reaches its hidden layers, and "
                        + "--coupling, which of F's and R's matrices are one stored matrix. --mode names a pair at "
                        + "once (the paper's modes: fa, coupled-backward, coupled-both, bp)."})
public final class TrainCommand implements Callable<Integer> {
    /** Steps of a train run without --steps or --epochs: about two passes over F's training set. */
    static final long DEFAULT_STEPS = 1000;

    @Spec
    CommandSpec spec;

    @Mixin
    MethodOptions method;

    @Mixin
    OutputOptions output;

    @Mixin
    TrainingOptions options;

    @Mixin
    CheckpointOptions checkpoints;

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = "Continue the run in RUN_DIR from its model.ckpt, with the configuration in its config.json: "
                    + "the model and metrics end bit-identical to a run that never stopped. Options that set the "
                    + "configuration may be repeated only with the same values; --threads, --checkpoint-every, "
                    + "--quiet and --data-dir may change.")
    Path resume;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        Mode parsedMode = method.mode();
        if (resume != null) {
            return resume(parsedMode);
        }
        options.check(List.of(parsedMode), DEFAULT_STEPS);
        options.refuseRuleOptionsWithout(List.of(parsedMode));
        Path dir = output.check(parsedMode.cliName());
        try (Dataset forward = RunSupport.load(options.forward, data.resolve());
             Dataset reverse = RunSupport.load(options.reverse, data.resolve())) {
            RunConfig config = options.toConfig(parsedMode, DEFAULT_STEPS, forward.train().count());
            RunSupport.checkMemory(List.of(config), forward, reverse, RunSupport.SMALLER_RUN);
            RunSupport.checkDisk(dir, () -> List.of(DiskPlan.of(config, forward, reverse, checkpoints.exportsWeights(),
                    dir)), RunSupport.FREE_SPACE_OR_ELSEWHERE);
            RunSupport.createOutput(dir);
            try (ComputePool pool = ComputePool.create(config.threads());
                 StopOnSignal stop = StopOnSignal.install()) {
                announce(pool);
                Experiments.Outcome outcome = RunSupport.reportingFailures(() -> Experiments.train(config, forward,
                        reverse, dir, KernelProvider.kernels(), pool, progress(forward, reverse, 0),
                        checkpoints.control(stop)));
                return report(outcome, config, dir, stop);
            }
        }
    }

    private Integer resume(Mode parsedMode) {
        output.checkResume(resume);
        if (!Files.isRegularFile(resume.resolve(RunFiles.CONFIG))) {
            throw new CliException("--resume " + resume + ": not a run directory (no " + RunFiles.CONFIG + ")",
                    CliException.USAGE);
        }
        RunConfig config = RunSupport.reportingFailures(() -> RunFiles.readConfig(resume));
        options.refuseRuleOptionsWithout(List.of(config.mode()));
        try (Dataset forward = RunSupport.load(config.forwardDataset(), data.resolve());
             Dataset reverse = RunSupport.load(config.reverseDataset(), data.resolve())) {
            options.refuseConflicts(spec.commandLine().getParseResult(), method.given() ? parsedMode : config.mode(),
                    config, forward.train().count(),
                    resume.resolve(RunFiles.CONFIG));
            RunSupport.checkMemory(List.of(config), forward, reverse, RunSupport.SMALLER_RUN);
            RunSupport.checkDisk(resume, () -> List.of(DiskPlan.of(config, forward, reverse,
                    checkpoints.exportsWeights(), resume)), RunSupport.FREE_SPACE_TO_RESUME);
            Path checkpoint = resume.resolve(Experiments.CHECKPOINT);
            long from = Files.exists(checkpoint)
                    ? RunSupport.reportingFailures(() -> Checkpoint.verify(checkpoint)).step() : 0;
            PrintWriter err = spec.commandLine().getErr();
            err.println("bfa train: " + (from > 0 ? "resuming " + resume + " at step " + from + " of " + config.steps()
                    : "no checkpoint in " + resume + ": starting it over"));
            err.flush();
            try (ComputePool pool = ComputePool.create(options.threadCount(spec.commandLine().getParseResult(), config));
                 StopOnSignal stop = StopOnSignal.install()) {
                announce(pool);
                Experiments.Outcome outcome = RunSupport.reportingFailures(() -> Experiments.resume(config, forward,
                        reverse, resume, KernelProvider.kernels(), pool, progress(forward, reverse, from),
                        checkpoints.control(stop)));
                return report(outcome, config, resume, stop);
            }
        }
    }

    /** What will compute the run, in one line (config.json and summary.json record the same). */
    private void announce(ComputePool pool) {
        if (!output.quiet) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("bfa train: " + Provenance.of(KernelProvider.kernels(), pool.threads()).oneLine());
            err.flush();
        }
    }

    private Function<RunConfig, Progress> progress(Dataset forward, Dataset reverse, long startStep) {
        return RunSupport.progress(output.quiet, forward.train().count(), reverse.train().count(), startStep);
    }

    /** The summary of a finished run (exit code 0), or how to continue a stopped one (128 + signal). */
    private int report(Experiments.Outcome outcome, RunConfig config, Path dir, StopOnSignal stop) {
        if (outcome.stopped()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("bfa train: stopped after step " + outcome.completedSteps() + " of " + config.steps()
                    + "; checkpoint saved in " + dir.resolve(Experiments.CHECKPOINT) + "; continue with: bfa train "
                    + "--resume " + dir);
            err.flush();
            return stop.exitCode();
        }
        printSummary(spec.commandLine().getOut(), outcome.summary(), dir);
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
