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
 */
public record Layer(int index, FloatMatrix weight, FloatMatrix weightGradient, FloatMatrix bias,
                    FloatMatrix biasGradient, FloatMatrix feedback, String feedbackSource) {
    public int inputs() {
        return weight.cols();
    }

    public int outputs() {
        return weight.rows();
    }
}
