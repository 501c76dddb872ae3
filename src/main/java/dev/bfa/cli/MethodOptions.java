package dev.bfa.cli;

import dev.bfa.model.Coupling;
import dev.bfa.model.Mode;
import dev.bfa.rules.LearningRule;
import picocli.CommandLine.Option;

/**
 * How a run learns, on two axes: the learning rule and the coupling of the two networks, or both
 * at once under one of the mode names runs, reports and checkpoints use (--mode coupled-both is
 * --rule fa --coupling both).
 */
final class MethodOptions {
    @Option(names = "--rule", paramLabel = "RULE",
            description = "How the error reaches the hidden layers: bp (the weights' transpose), fa (fixed random "
                    + "matrices), dfa (the output error straight to each layer through a fixed random matrix), sign "
                    + "(the signs of the weights) or kp (Kolen-Pollack: random matrices that learn with the weights) "
                    + "(default: fa).")
    String rule;

    @Option(names = "--coupling", paramLabel = "HOW",
            description = "none, backward (F's hidden feedback matrices are R's forward weights) or both (and R's "
                    + "are F's); fa and kp only (default: none).")
    String coupling;

    @Option(names = "--mode", paramLabel = "MODE",
            description = "A rule and a coupling by one name: fa, coupled-backward, coupled-both, bp (the paper's), "
                    + "dfa, sign, kp, kp-coupled-backward, kp-coupled-both; instead of --rule and --coupling.")
    String mode;

    /** Whether any of these options was given. */
    boolean given() {
        return rule != null || coupling != null || mode != null;
    }

    /** The mode these options name (fa when none is given). */
    Mode mode() {
        try {
            if (mode != null) {
                if (rule != null || coupling != null) {
                    throw new CliException("--mode " + mode + " already names a rule and a coupling: give --mode, or "
                            + "--rule and --coupling, not both", CliException.USAGE);
                }
                return Mode.parse(mode);
            }
            LearningRule parsedRule = rule == null ? Mode.FA.rule() : LearningRule.parse(rule);
            Coupling parsedCoupling = coupling == null ? Coupling.NONE : Coupling.parse(coupling);
            return Mode.of(parsedRule, parsedCoupling);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
    }
}
