package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Coupling;
import dev.bfa.model.Mode;
import dev.bfa.rules.LearningRule;
import dev.bfa.report.RunFiles;
import dev.bfa.sweep.Sweep;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
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
    CheckpointOptions checkpoints;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the experiment in DIR with the configuration of its runs (MODE/config.json): "
                    + "finished modes are kept, a stopped one continues from its checkpoint, bit-identical to a run "
                    + "that never stopped, the others start. Give --no-bp again if the experiment had it.")
    Path resume;

    @Option(names = "--rules", paramLabel = "LIST",
            description = "Run the comparison under these learning rules (a list fa,kp): each rule uncoupled and, "
                    + "where it can be, coupled backward and both, beside bp; other rules than fa run as a sweep "
                    + "(default: fa).")
    String rules;

    @Option(names = "--seeds", paramLabel = "LIST",
            description = "Run every mode with each of these seeds (a list 1,2,3 or a range 1..5) as a sweep: one run "
                    + "directory per mode and seed under DIR/runs/, then a report with mean, sd and 95%% CIs across "
                    + "seeds and each coupled mode against fa, paired by seed (bfa sweep).")
    String seeds;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        List<Mode> modes = modes();
        options.refuseRuleOptionsWithout(modes);
        if (seeds != null || rules != null || (resume != null && Sweep.exists(resume))) {
            return asSweep(modes);
        }
        RunConfig stored = resume != null ? storedConfig() : null;
        Path newDir = null;
        if (stored == null) {
            options.check(modes, DEFAULT_STEPS);
            newDir = output.check("reproduce");
        }
        try (Dataset forward = RunSupport.load(stored != null ? stored.forwardDataset() : options.forward, data.resolve());
             Dataset reverse = RunSupport.load(stored != null ? stored.reverseDataset() : options.reverse,
                     data.resolve())) {
            RunConfig base;
            Path dir;
            int threads;
            if (stored != null) {
                options.refuseConflicts(spec.commandLine().getParseResult(), Mode.FA, stored, forward.train().count(),
                        resume);
                base = stored;
                dir = resume;
                threads = options.threadCount(spec.commandLine().getParseResult(), stored);
            } else {
                base = options.toConfig(Mode.FA, DEFAULT_STEPS, forward.train().count());
                dir = newDir;
                threads = base.threads();
            }
            RunSupport.checkMemory(modes.stream().map(base::withMode).toList(), forward, reverse,
                    RunSupport.SMALLER_RUN);
            // Every mode's files stay once it is done, so they add up; a finished mode writes nothing more.
            RunSupport.checkDisk(dir, () -> {
                List<DiskPlan> plans = new ArrayList<>();
                for (Mode mode : modes) {
                    Path modeDir = dir.resolve(mode.cliName());
                    if (stored == null || !Files.exists(modeDir.resolve(RunFiles.SUMMARY))) {
                        plans.add(DiskPlan.of(base.withMode(mode), forward, reverse, checkpoints.exportsWeights(),
                                modeDir));
                    }
                }
                return plans;
            }, stored == null ? RunSupport.FREE_SPACE_OR_ELSEWHERE : RunSupport.FREE_SPACE_TO_RESUME);
            if (stored == null) {
                RunSupport.createOutput(dir);
            }
            try (ComputePool pool = ComputePool.create(threads);
                 StopOnSignal stop = StopOnSignal.install()) {
                Map<Mode, Experiments.Outcome> outcomes = RunSupport.reportingFailures(() -> Experiments.reproduce(
                        base, modes, forward, reverse, dir, KernelProvider.kernels(), pool,
                        RunSupport.progress(output.quiet, forward.train().count(), reverse.train().count(), 0),
                        checkpoints.control(stop), stored != null));
                for (Map.Entry<Mode, Experiments.Outcome> e : outcomes.entrySet()) {
                    Path modeDir = dir.resolve(e.getKey().cliName());
                    if (e.getValue().stopped()) {
                        spec.commandLine().getErr().println("bfa reproduce: stopped in " + e.getKey().cliName()
                                + " after step " + e.getValue().completedSteps() + "; its checkpoint is in "
                                + modeDir.resolve(Experiments.CHECKPOINT) + "; continue with: bfa reproduce --resume "
                                + dir + (noBackprop ? " --no-bp" : ""));
                        spec.commandLine().getErr().flush();
                        return stop.exitCode();
                    }
                    TrainCommand.printSummary(spec.commandLine().getOut(), e.getValue().summary(), modeDir);
                }
                spec.commandLine().getOut().println("combined report: " + dir.resolve("report.md"));
            }
        }
        return 0;
    }

    /** Each rule of --rules in each coupling it allows, then bp unless --no-bp or already there. */
    private List<Mode> modes() {
        List<Mode> modes = new ArrayList<>();
        for (String name : rules == null ? List.of(Mode.FA.rule().name()) : List.of(rules.split(",", -1))) {
            LearningRule rule;
            try {
                rule = LearningRule.parse(name);
            } catch (IllegalArgumentException e) {
                throw new CliException("--rules " + rules + ": " + e.getMessage(), CliException.USAGE);
            }
            for (Coupling coupling : Coupling.values()) {
                if (coupling == Coupling.NONE || rule.whyNotCoupled().isEmpty()) {
                    Mode mode = Mode.of(rule, coupling);
                    if (modes.contains(mode)) {
                        throw new CliException("--rules " + rules + " names " + rule.name() + " twice",
                                CliException.USAGE);
                    }
                    modes.add(mode);
                }
            }
        }
        if (!noBackprop && !modes.contains(Mode.BP)) {
            modes.add(Mode.BP);
        }
        return modes;
    }

    /**
     * The experiment over several seeds or rules: {@code bfa sweep} over the modes and --seeds, with this
     * command's other options as they were given and its default length; --resume continues it.
     */
    private int asSweep(List<Mode> modes) {
        ParseResult parsed = spec.commandLine().getParseResult();
        List<String> args = new ArrayList<>();
        if (resume != null) {
            if (seeds != null || rules != null || TrainingOptions.CONFIG_FIELDS.keySet().stream().anyMatch(parsed::hasMatchedOption)) {
                throw new CliException("--resume " + resume + " continues the seeds of its sweep.json; leave out the "
                        + "options that set the runs", CliException.USAGE);
            }
            args.addAll(List.of("--resume", resume.toString()));
        } else {
            if (seeds != null && parsed.hasMatchedOption("--seed")) {
                throw new CliException("give --seed or --seeds, not both", CliException.USAGE);
            }
            args.addAll(List.of("--out", output.check("reproduce").toString(),
                    "--mode", String.join(",", modes.stream().map(Mode::cliName).toList()),
                    "--seed", seeds != null ? seeds : String.valueOf(options.seed)));
            for (String option : TrainingOptions.CONFIG_FIELDS.keySet()) {
                if (parsed.hasMatchedOption(option) && !option.equals("--seed")) {
                    args.addAll(List.of(option, parsed.matchedOption(option).stringValues().getFirst()));
                }
            }
            if (!parsed.hasMatchedOption("--steps") && !parsed.hasMatchedOption("--epochs")) {
                args.addAll(List.of("--steps", String.valueOf(DEFAULT_STEPS)));
            }
            if (checkpoints.every != null) {
                args.addAll(List.of("--checkpoint-every", checkpoints.every.toString()));
            }
        }
        if (options.threads != null) {
            args.addAll(List.of("--threads", options.threads.toString()));
        }
        args.addAll(List.of("--data-dir", data.resolve().toString()));
        if (output.quiet) {
            args.add("--quiet");
        }
        return spec.commandLine().getParent().getSubcommands().get("sweep").execute(args.toArray(String[]::new));
    }

    /** The configuration of the experiment in --resume DIR: that of its first mode's run, as mode fa. */
    private RunConfig storedConfig() {
        output.checkResume(resume);
        for (Mode mode : Mode.values()) {
            Path config = resume.resolve(mode.cliName()).resolve(RunFiles.CONFIG);
            if (Files.isRegularFile(config)) {
                return RunSupport.reportingFailures(() -> RunFiles.readConfig(config)).withMode(Mode.FA);
            }
        }
        throw new CliException("--resume " + resume + ": not a reproduce directory (no MODE/" + RunFiles.CONFIG + ")",
                CliException.USAGE);
    }
}
