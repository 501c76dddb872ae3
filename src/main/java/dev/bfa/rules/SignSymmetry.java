package dev.bfa.rules;

import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import java.util.Optional;

/**
 * Sign-symmetry (Liao, Leibo &amp; Poggio 2016; biotorch's uSF): the feedback matrix has the signs
 * of the layer's current weights and one magnitude, sqrt(2 / (n_in + n_out)), the standard
 * deviation of Glorot's initialisation (biotorch's choice). A fixed magnitude keeps the feedback as
 * large as a fixed random matrix of the usual scale, whatever the weights' own size does during
 * training; only the signs carry information about W.
 */
public final class SignSymmetry implements LearningRule {
    public static final SignSymmetry RULE = new SignSymmetry();

    private SignSymmetry() {
    }

    @Override
    public String name() {
        return "sign";
    }

    @Override
    public String summary() {
        return "sign-symmetry: the error goes down through the signs of the layer's own weights, at a fixed scale";
    }

    @Override
    public Feedback feedback() {
        return Feedback.DERIVED;
    }

    /** sqrt(2 / (n_in + n_out)) for an n_out x n_in layer, rounded once to float. */
    public static float magnitude(int outputs, int inputs) {
        return (float) Math.sqrt(2.0 / (inputs + outputs));
    }

    @Override
    public void derive(FloatMatrix weight, FloatMatrix feedback, Kernels kernels) {
        kernels.signTimes(weight, magnitude(weight.rows(), weight.cols()), feedback);
    }

    @Override
    public Optional<String> whyNotCoupled() {
        return Optional.of("rule sign derives each feedback matrix from the network's own weights, so it cannot be "
                + "the other network's weights");
    }
}
