package dev.bfa.model;

import dev.bfa.text.UserText;

/**
 * Which of the two networks' matrices are one stored matrix (docs/spec.md, "Couplings";
 * docs/design.md, "Where a tied matrix lives"). Coupling is the model's memory layout;
 * the learning rule decides what the matrices do.
 */
public enum Coupling {
    /** Each network has its own feedback matrices. */
    NONE("none"),
    /** F's hidden-to-hidden feedback matrices are R's forward weights of the paired layers. */
    BACKWARD("backward"),
    /** As backward, and R's hidden-to-hidden feedback matrices are F's forward weights. */
    BOTH("both");

    private final String cliName;

    Coupling(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Coupling parse(String name) {
        return UserText.parseName("coupling", name, values(), Coupling::cliName);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
