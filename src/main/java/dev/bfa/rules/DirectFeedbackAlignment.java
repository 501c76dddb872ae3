package dev.bfa.rules;

import java.util.Optional;

/**
 * Direct feedback alignment (Nøkland 2016): the output error goes straight to every hidden layer
 * through a fixed random classes x n_l matrix per layer; no error travels from layer to layer. The
 * matrices lie side by side in one classes x (n_1 + ... + n_{L-1}) matrix, so the projections of
 * all layers are one GEMM. Each is drawn uniform in ±1/sqrt(n_l), the bound fa's B_{L-1} (the one
 * matrix the two rules share in shape) has.
 */
public final class DirectFeedbackAlignment implements LearningRule {
    public static final DirectFeedbackAlignment RULE = new DirectFeedbackAlignment();

    private DirectFeedbackAlignment() {
    }

    @Override
    public String name() {
        return "dfa";
    }

    @Override
    public String summary() {
        return "direct feedback alignment: the output error goes to every hidden layer through its own fixed random "
                + "matrix";
    }

    @Override
    public Feedback feedback() {
        return Feedback.DIRECT;
    }

    @Override
    public Optional<String> whyNotCoupled() {
        return Optional.of("rule dfa projects the output error straight to each layer and has no layer-to-layer "
                + "feedback matrices to share");
    }
}
