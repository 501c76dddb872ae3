package dev.bfa.model;

import dev.bfa.memory.FloatMatrix;

/**
 * One weight layer as its network sees it: every matrix is a view in this network's orientation
 * ({@code n_out x n_in}), whatever the orientation of the memory behind it.
 *
 * @param weight         W_l, read in the forward pass
 * @param weightGradient where this network writes dL/dW_l (same orientation as {@code weight})
 * @param feedback       F_l, carries the error down in the backward pass; null for layer 0
 * @param feedbackSource what F_l is, for reports ("fixed random", "R.W3 (shared)", ...)
 * @param feedbackGradient where this network writes the update of a trained F_l (Kolen–Pollack: the
 *                       same dL/dW_l), in F_l's orientation; null when F_l does not learn from this network
 * @param accumulates    whether the gradients of this layer are added to what the other network wrote
 *                       earlier in the step (a matrix both networks train), instead of replacing it
 */
public record Layer(int index, FloatMatrix weight, FloatMatrix weightGradient, FloatMatrix bias,
                    FloatMatrix biasGradient, FloatMatrix feedback, String feedbackSource,
                    FloatMatrix feedbackGradient, Accumulation accumulates) {
    /** Which of a layer's gradient products add to an earlier one instead of replacing it. */
    public record Accumulation(boolean weightGradient, boolean feedbackGradient) {
        public static final Accumulation NONE = new Accumulation(false, false);
    }

    public int inputs() {
        return weight.cols();
    }

    public int outputs() {
        return weight.rows();
    }
}
