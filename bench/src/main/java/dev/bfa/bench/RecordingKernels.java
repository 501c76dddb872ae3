package dev.bfa.bench;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import java.util.ArrayList;
import java.util.List;

/**
 * Passes every call to the real kernels and, while recording, notes each GEMM's operands, so a
 * benchmark can replay exactly the GEMMs of a training step (same shapes, orientations, memory)
 * without the rest of the step.
 */
final class RecordingKernels implements Kernels {
    /** One recorded {@code gemm} call. */
    record Gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate) {
        long multiplyAdds() {
            return (long) c.rows() * c.cols() * a.cols();
        }
    }

    private final Kernels delegate;
    private List<Gemm> recording;

    RecordingKernels(Kernels delegate) {
        this.delegate = delegate;
    }

    /** Records the GEMMs {@code body} runs. */
    List<Gemm> record(Runnable body) {
        recording = new ArrayList<>();
        try {
            body.run();
            return List.copyOf(recording);
        } finally {
            recording = null;
        }
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public java.util.Optional<dev.bfa.kernels.Blocking> blocking() {
        return delegate.blocking();
    }

    @Override
    public void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        if (recording != null) {
            recording.add(new Gemm(a, b, c, accumulate));
        }
        delegate.gemm(a, b, c, accumulate, pool);
    }

    @Override
    public void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
        delegate.biasCenterActivate(z, bias, activation, out);
    }

    @Override
    public void addBias(FloatMatrix z, FloatMatrix bias) {
        delegate.addBias(z, bias);
    }

    @Override
    public void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
        delegate.activationBackwardCenter(incoming, h, activation, out);
    }

    @Override
    public double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        return delegate.softmaxCrossEntropy(logits, labels, grad);
    }

    @Override
    public void columnSums(FloatMatrix d, FloatMatrix out) {
        delegate.columnSums(d, out);
    }

    @Override
    public void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
                                  float momentum) {
        delegate.sgdMomentumUpdate(param, grad, velocity, learningRate, momentum);
    }

    @Override
    public void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep step) {
        delegate.adamUpdate(param, grad, m, v, step);
    }

    @Override
    public void scale(FloatMatrix m, float factor) {
        delegate.scale(m, factor);
    }

    @Override
    public void signTimes(FloatMatrix w, float magnitude, FloatMatrix out) {
        delegate.signTimes(w, magnitude, out);
    }

    @Override
    public double dot(FloatMatrix a, FloatMatrix b) {
        return delegate.dot(a, b);
    }
}
