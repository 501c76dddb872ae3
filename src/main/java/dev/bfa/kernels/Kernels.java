package dev.bfa.kernels;

import dev.bfa.memory.FloatMatrix;

/**
 * Every numerical kernel the trainer runs. Two implementations exist: {@link ScalarKernels}, the
 * reference whose loops define the order of floating-point operations (docs/spec.md), and
 * the Panama implementation, which must return the same bits for every shape, orientation, thread
 * count and vector width. {@link KernelProvider} picks one at start-up.
 *
 * <p>Matrices are {@link FloatMatrix} views; orientation is part of the view, so {@code op(A)} is
 * expressed by passing {@code a} or {@code a.transpose()}. Row vectors (biases) are {@code 1 x n}
 * matrices. Unless a method says otherwise, inputs and outputs must not overlap.
 */
public interface Kernels {

    /** A short name: "scalar" or the vector species in use. */
    String name();

    /** The vector width in bits these kernels compute with; 0 for the scalar reference. */
    default int vectorBits() {
        return 0;
    }

    /** The GEMM's cache blocking, where it has one. */
    default java.util.Optional<Blocking> blocking() {
        return java.util.Optional.empty();
    }

    /**
     * {@code C = A·B} ({@code accumulate == false}) or {@code C += A·B}, where A is
     * {@code m x k}, B is {@code k x n} and C is {@code m x n} as logical views. Each element is
     * one chain of {@code fma} over ascending k, starting from 0 or from C's value.
     * Tiles of C are spread over {@code pool}'s threads; k is never split across threads.
     */
    void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool);

    /**
     * The hidden-layer forward epilogue: for each row {@code i},
     * {@code t = z[i] + bias}, {@code out[i] = act(t - mean(t))}. {@code out} may be {@code z}.
     */
    void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out);

    /** The output-layer epilogue: {@code z[i] += bias} for every row, in place. */
    void addBias(FloatMatrix z, FloatMatrix bias);

    /**
     * The hidden-layer backward step: for each row {@code i},
     * {@code e = incoming[i] ⊙ act'(h[i])} (the derivative is taken from the activation's output
     * {@code h}), {@code out[i] = e - mean(e)}. {@code out} may be {@code incoming}.
     */
    void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out);

    /**
     * Mean softmax cross-entropy of {@code logits} (one example per row) against {@code labels},
     * and its gradient {@code grad = (softmax(logits) - onehot(labels)) / rows}.
     * {@code grad} may be {@code logits}. Returns the loss, accumulated in double.
     */
    double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad);

    /** {@code out[j] = sum over rows i (ascending) of d[i][j]}; {@code out} is {@code 1 x cols}. */
    void columnSums(FloatMatrix d, FloatMatrix out);

    /**
     * Momentum SGD, element-wise: {@code velocity = fma(momentum, velocity, grad)};
     * {@code param = fma(-learningRate, velocity, param)}.
     */
    void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate, float momentum);

    /**
     * Adam, element-wise (see {@link AdamStep} for the per-step scalars):
     * {@code m = fma(beta1, m, oneMinusBeta1 * g)}; {@code v = fma(beta2, v, (oneMinusBeta2 * g) * g)};
     * {@code param = fma(-learningRate, (m * c1) / (sqrt(v * c2) + epsilon), param)}.
     */
    void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep step);

    /** {@code m[i][j] = m[i][j] * factor}, in place (Kolen–Pollack's weight decay). */
    void scale(FloatMatrix m, float factor);

    /**
     * {@code out[i][j] = magnitude} where {@code w[i][j] > 0}, {@code -magnitude} where it is
     * {@code < 0}, and 0 elsewhere (zeros and NaN): sign-symmetry's feedback matrix.
     */
    void signTimes(FloatMatrix w, float magnitude, FloatMatrix out);

    /** {@code sum a[i][j]·b[i][j]} in double over two views of the same logical shape. */
    double dot(FloatMatrix a, FloatMatrix b);

    /** {@code sqrt(sum a[i][j]^2)} in double. */
    default double norm(FloatMatrix a) {
        return Math.sqrt(dot(a, a));
    }

    /** Cosine similarity of two views of the same logical shape; 0 when either is all zeros. */
    default double cosine(FloatMatrix a, FloatMatrix b) {
        double normProduct = norm(a) * norm(b);
        return normProduct == 0 ? 0 : dot(a, b) / normProduct;
    }
}
