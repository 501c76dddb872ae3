package dev.bfa.model;

import dev.bfa.text.UserText;

/** How the two networks' matrices are coupled (SPEC.md, "Two networks, three couplings"). */
public enum Mode {
    /** Standard feedback alignment: both networks with their own fixed random feedback. */
    FA("fa"),
    /** F's hidden feedback matrices are R's forward weights, trained by R. */
    COUPLED_BACKWARD("coupled-backward"),
    /** As coupled-backward, and R's hidden feedback matrices are F's forward weights. */
    COUPLED_BOTH("coupled-both"),
    /** Backpropagation baseline: every feedback matrix is the layer's own forward weights. */
    BP("bp");

    private final String cliName;

    Mode(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Whether F's hidden feedback matrices are shared with R's forward weights. */
    public boolean sharesFeedbackOfF() {
        return this == COUPLED_BACKWARD || this == COUPLED_BOTH;
    }

    /**
     * The fewest hidden layers a network may have in this mode: the coupled modes share the
     * hidden-to-hidden matrices (layers 1 .. L-2), so they need two hidden layers, the others one.
     */
    public int minimumDepth() {
        return sharesFeedbackOfF() ? 2 : 1;
    }

    public static Mode parse(String name) {
        return UserText.parseName("mode", name, values(), Mode::cliName);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
