package dev.bfa.cli;

import dev.bfa.data.DatasetId;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The options shared by {@code train} and {@code reproduce}. Defaults, and why, are in
 * docs/design.md ("Training defaults").
 */
final class TrainingOptions {
    static final String DEFAULT_FORWARD = "fashion-mnist";
    static final String DEFAULT_REVERSE = "mnist";
    /** Kolen-Pollack's weight decay without --kp-decay; docs/design.md ("Kolen–Pollack's decay") says why. */
    static final float DEFAULT_KP_DECAY = 1f;

    /**
     * The options that set part of a run's configuration, each with the field it sets: those that
     * --resume refuses to change and that a sweep may give several values.
     */
    static final Map<String, Function<RunConfig, Object>> CONFIG_FIELDS = configFields();

    private static Map<String, Function<RunConfig, Object>> configFields() {
        Map<String, Function<RunConfig, Object>> fields = new LinkedHashMap<>();
        fields.put("--mode", RunConfig::mode);
        fields.put("--rule", c -> c.mode().rule().name());
        fields.put("--coupling", c -> c.mode().coupling());
        fields.put("--kp-decay", c -> c.optimizer().weightDecay());
        fields.put("--dfa-scale", RunConfig::directFeedbackScale);
        fields.put("--forward", RunConfig::forwardDataset);
        fields.put("--reverse", RunConfig::reverseDataset);
        fields.put("--steps", RunConfig::steps);
        fields.put("--epochs", RunConfig::steps);
        fields.put("--eval-every", RunConfig::evaluationEvery);
        fields.put("--batch", RunConfig::batch);
        fields.put("--optimizer", c -> c.optimizer().kind());
        fields.put("--lr", c -> c.optimizer().learningRate());
        fields.put("--momentum", c -> c.optimizer().momentum());
        fields.put("--width", RunConfig::width);
        fields.put("--depth", RunConfig::depth);
        fields.put("--activation", RunConfig::activation);
        fields.put("--seed", RunConfig::seed);
        return java.util.Collections.unmodifiableMap(fields);
    }

    @Option(names = "--forward", paramLabel = "DATASET", defaultValue = DEFAULT_FORWARD,
            description = "Dataset of the forward network F: mnist, fashion-mnist, cifar10 (default: ${DEFAULT-VALUE}).")
    String forward;

    @Option(names = "--reverse", paramLabel = "DATASET", defaultValue = DEFAULT_REVERSE,
            description = "Dataset of the reverse network R (default: ${DEFAULT-VALUE}).")
    String reverse;

    @Option(names = "--steps", paramLabel = "N", description = "Training steps (each: one batch for F and one for R).")
    Long steps;

    @Option(names = "--epochs", paramLabel = "E",
            description = "Training length in passes over F's training set (instead of --steps).")
    Double epochs;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Steps between evaluations on the test sets (default: steps / 20).")
    Long evalEvery;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "128", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "adam or sgd (momentum) (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Learning rate (default: 1e-4 for adam, 0.01 for sgd).")
    Float learningRate;

    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0.9", description = "SGD momentum (default: ${DEFAULT-VALUE}).")
    float momentum;

    @Option(names = "--kp-decay", paramLabel = "RATE",
            description = "Kolen-Pollack's weight decay: every update first scales the weights and feedback matrices "
                    + "by 1 - lr * RATE (rule kp only; runs of other rules in a sweep ignore it; default: "
                    + DEFAULT_KP_DECAY + ").")
    Float kpDecay;

    @Option(names = "--dfa-scale", paramLabel = "SCALE",
            description = "Direct feedback alignment's feedback scale: each layer's matrix is drawn uniform in "
                    + "+-SCALE/sqrt(width) (rule dfa only; runs of other rules in a sweep ignore it; default: 1).")
    Float dfaScale;

    @Option(names = "--width", paramLabel = "N", defaultValue = "1024", description = "Hidden units per layer (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", paramLabel = "N", defaultValue = "4", description = "Hidden layers (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--activation", paramLabel = "NAME", defaultValue = "relu", description = "relu or tanh (default: ${DEFAULT-VALUE}).")
    String activation;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of weights and data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads (default: one per available processor).")
    Integer threads;

    /**
     * The run configuration; {@code defaultSteps} applies when neither --steps nor --epochs is given.
     * Only the length from --epochs depends on the data: {@link #check} validates the rest first.
     */
    RunConfig toConfig(Mode mode, long defaultSteps, int forwardTrainingExamples) {
        if (steps != null && epochs != null) {
            throw new CliException("give --steps or --epochs, not both", CliException.USAGE);
        }
        long totalSteps = defaultSteps;
        if (steps != null) {
            totalSteps = steps;
        } else if (epochs != null) {
            if (!(epochs > 0) || epochs.isInfinite()) {
                throw new CliException("--epochs " + epochs + " must be a positive number", CliException.USAGE);
            }
            totalSteps = Math.max(1, Math.round(epochs * forwardTrainingExamples / batch));
        }
        try {
            OptimizerConfig.Kind kind = OptimizerConfig.Kind.parse(optimizer);
            float rate = learningRate != null ? learningRate : kind == OptimizerConfig.Kind.ADAM ? 1e-4f : 0.01f;
            float decay = mode.rule().trainsFeedback() ? (kpDecay != null ? kpDecay : DEFAULT_KP_DECAY) : 0f;
            OptimizerConfig optimizerConfig = new OptimizerConfig(kind, rate, momentum, 0.9f, 0.999f, 1e-8f, decay);
            long every = evalEvery != null ? evalEvery : Math.max(1, totalSteps / 20);
            float scale = dfaScale != null && mode.rule().projectsDirectly() ? dfaScale : 1f;
            return new RunConfig(mode, datasetName(forward), datasetName(reverse), width, depth, Activation.parse(activation),
                    optimizerConfig, batch, totalSteps, every, seed, threadCount(), scale);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }

    /**
     * With --resume the configuration is the run's own ({@code stored}, from {@code source}): an
     * option that sets part of it is accepted only when it repeats the stored value, so that a
     * command line pasted back with --resume works and a changed one cannot silently fork the run.
     */
    void refuseConflicts(ParseResult parsed, Mode mode, RunConfig stored, int forwardTrainingExamples, Path source) {
        Map<String, Function<RunConfig, Object>> fields = CONFIG_FIELDS;
        if (fields.keySet().stream().noneMatch(parsed::hasMatchedOption)) {
            return;
        }
        RunConfig given = toConfig(mode, stored.steps(), forwardTrainingExamples);
        fields.forEach((option, field) -> {
            if (parsed.hasMatchedOption(option) && !Objects.equals(field.apply(given), field.apply(stored))) {
                throw new CliException(option + " " + parsed.matchedOptionValue(option, (Object) null)
                        + " conflicts with the run being resumed (" + field.apply(stored) + " in " + source
                        + "); leave it out", CliException.USAGE);
            }
        });
    }

    /** The thread count of a resumed run: --threads when given, else the stored run's. */
    int threadCount(ParseResult parsed, RunConfig stored) {
        return parsed.hasMatchedOption("--threads") ? threadCount() : stored.threads();
    }

    /**
     * Validates every option for each of {@code modes} before any data is read: with a placeholder
     * training-set size, since only the length from --epochs depends on it.
     */
    void check(List<Mode> modes, long defaultSteps) {
        modes.forEach(m -> toConfig(m, defaultSteps, 1));
    }

    /**
     * Refuses a rule's own option (--kp-decay, --dfa-scale) when none of {@code modes} has that rule.
     * A sweep or reproduce that mixes rules gives it to the runs of its rule and leaves the others as
     * they are.
     */
    void refuseRuleOptionsWithout(List<Mode> modes) {
        refuseUnless(kpDecay, "--kp-decay", "kp", modes, m -> m.rule().trainsFeedback());
        refuseUnless(dfaScale, "--dfa-scale", "dfa", modes, m -> m.rule().projectsDirectly());
    }

    private static void refuseUnless(Float value, String option, String rule, List<Mode> modes,
                                     java.util.function.Predicate<Mode> uses) {
        if (value != null && modes.stream().noneMatch(uses)) {
            throw new CliException(option + " " + value + " applies to rule " + rule + " only, and no run here uses "
                    + "it", CliException.USAGE);
        }
    }

    int threadCount() {
        return RunSupport.threadCount(threads);
    }

    private static String datasetName(String name) {
        return DatasetId.parse(name).cliName();
    }
}
