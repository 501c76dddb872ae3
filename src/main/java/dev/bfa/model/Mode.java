package dev.bfa.model;

import dev.bfa.rules.Backprop;
import dev.bfa.rules.DirectFeedbackAlignment;
import dev.bfa.rules.FeedbackAlignment;
import dev.bfa.rules.KolenPollack;
import dev.bfa.rules.LearningRule;
import dev.bfa.rules.SignSymmetry;
import dev.bfa.text.UserText;
import java.util.Arrays;
import java.util.List;

/**
 * A learning rule with a coupling, under the one name runs, reports and checkpoints use. The
 * paper's four modes keep their names; the other pairs are named after the rule. Every valid pair
 * is a constant here, so a pair that makes no sense cannot be built.
 */
public enum Mode {
    /** Standard feedback alignment: both networks with their own fixed random feedback. */
    FA("fa", FeedbackAlignment.RULE, Coupling.NONE),
    /** F's hidden feedback matrices are R's forward weights, trained by R. */
    COUPLED_BACKWARD("coupled-backward", FeedbackAlignment.RULE, Coupling.BACKWARD),
    /** As coupled-backward, and R's hidden feedback matrices are F's forward weights. */
    COUPLED_BOTH("coupled-both", FeedbackAlignment.RULE, Coupling.BOTH),
    /** Backpropagation baseline: every feedback matrix is the layer's own forward weights. */
    BP("bp", Backprop.RULE, Coupling.NONE),
    /** Direct feedback alignment: the output error goes to every hidden layer through a fixed random matrix. */
    DFA("dfa", DirectFeedbackAlignment.RULE, Coupling.NONE),
    /** Sign-symmetry: the feedback is the sign of the layer's own weights, at a fixed scale. */
    SIGN("sign", SignSymmetry.RULE, Coupling.NONE),
    /** Kolen–Pollack: each network's feedback matrices learn with its weights' updates. */
    KP("kp", KolenPollack.RULE, Coupling.NONE),
    /** Kolen–Pollack with F's hidden feedback matrices being R's forward weights. */
    KP_COUPLED_BACKWARD("kp-coupled-backward", KolenPollack.RULE, Coupling.BACKWARD),
    /** Kolen–Pollack with each network's hidden feedback matrices being the other's forward weights. */
    KP_COUPLED_BOTH("kp-coupled-both", KolenPollack.RULE, Coupling.BOTH);

    /** The paper's modes: feedback alignment in each coupling, and backprop as the baseline. */
    public static final List<Mode> PAPER = List.of(FA, COUPLED_BACKWARD, COUPLED_BOTH, BP);

    private final String cliName;
    private final LearningRule rule;
    private final Coupling coupling;

    Mode(String cliName, LearningRule rule, Coupling coupling) {
        this.cliName = cliName;
        this.rule = rule;
        this.coupling = coupling;
    }

    public String cliName() {
        return cliName;
    }

    public LearningRule rule() {
        return rule;
    }

    public Coupling coupling() {
        return coupling;
    }

    /** Whether F's hidden feedback matrices are shared with R's forward weights. */
    public boolean sharesFeedbackOfF() {
        return coupling != Coupling.NONE;
    }

    /** Whether R's hidden feedback matrices are F's forward weights. */
    public boolean sharesFeedbackOfR() {
        return coupling == Coupling.BOTH;
    }

    /**
     * The fewest hidden layers a network may have in this mode: the coupled modes share the
     * hidden-to-hidden matrices (layers 1 .. L-2), so they need two hidden layers, the others one.
     */
    public int minimumDepth() {
        return sharesFeedbackOfF() ? 2 : 1;
    }

    /**
     * The mode of {@code rule} with {@code coupling}.
     *
     * @throws IllegalArgumentException saying why, when the rule cannot be coupled that way
     */
    public static Mode of(LearningRule rule, Coupling coupling) {
        return Arrays.stream(values()).filter(m -> m.rule == rule && m.coupling == coupling).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("coupling " + coupling + " is not possible: "
                        + rule.whyNotCoupled().orElse("rule " + rule.name() + " has no such coupling")));
    }

    public static Mode parse(String name) {
        return UserText.parseName("mode", name, values(), Mode::cliName);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
