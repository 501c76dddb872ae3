package dev.bfa.rules;

import java.util.Optional;

/** Backpropagation: the error goes down through the transposed forward weights, the true gradient. */
public final class Backprop implements LearningRule {
    public static final Backprop RULE = new Backprop();

    private Backprop() {
    }

    @Override
    public String name() {
        return "bp";
    }

    @Override
    public String summary() {
        return "backpropagation: the error goes down through the layer's own forward weights";
    }

    @Override
    public Feedback feedback() {
        return Feedback.OWN_WEIGHTS;
    }

    @Override
    public Optional<String> whyNotCoupled() {
        return Optional.of("rule bp sends the error through each network's own weights, so there is no feedback "
                + "matrix to share");
    }
}
