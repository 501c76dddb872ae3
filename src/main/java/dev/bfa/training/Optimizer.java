package dev.bfa.training;

import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Parameter;
import java.util.List;

/**
 * Applies one update to the parameters a network trains, from the gradients it computed. The
 * update is element-wise, so each matrix is split into bands of rows, one per thread: the same
 * operations on the same elements whatever the split.
 */
public final class Optimizer {
    private final OptimizerConfig config;
    private final Kernels kernels;
    private final ComputePool pool;

    public Optimizer(OptimizerConfig config, Kernels kernels, ComputePool pool) {
        this.config = config;
        this.kernels = kernels;
        this.pool = pool;
    }

    /** Update number {@code step} (1-based; Adam's bias correction depends on it). */
    public void update(List<Parameter> parameters, long step) {
        AdamStep adam = config.kind() == OptimizerConfig.Kind.ADAM
                ? AdamStep.of(config.learningRate(), config.beta1(), config.beta2(), config.epsilon(), step)
                : null;
        for (Parameter p : parameters) {
            int rows = p.value().rows();
            int bands = Math.min(pool.threads(), rows);
            pool.run(bands, band -> {
                int first = (int) ((long) band * rows / bands);
                int count = (int) ((long) (band + 1) * rows / bands) - first;
                FloatMatrix value = rowsOf(p.value(), first, count);
                FloatMatrix gradient = rowsOf(p.gradient(), first, count);
                FloatMatrix slot1 = rowsOf(p.slot1(), first, count);
                if (adam == null) {
                    kernels.sgdMomentumUpdate(value, gradient, slot1, config.learningRate(), config.momentum());
                } else {
                    kernels.adamUpdate(value, gradient, slot1, rowsOf(p.slot2(), first, count), adam);
                }
            });
        }
    }

    private static FloatMatrix rowsOf(FloatMatrix m, int first, int count) {
        return count == m.rows() ? m : m.block(first, 0, count, m.cols());
    }
}
