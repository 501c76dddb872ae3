package dev.bfa.training;

import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one update to every parameter a model trains, from the gradients it computed. The
 * update is element-wise, so it is planned once as a list of chunks (bands of storage rows of
 * about {@link #CHUNK_ELEMENTS} elements, views made in advance) that the pool's threads take in
 * turn: one parallel loop per step for all parameters of both networks, the same operations on
 * the same elements whatever the split, and no allocation.
 */
public final class Optimizer {
    /**
     * Elements per chunk: large enough that taking a chunk costs nothing next to updating it,
     * small enough (4 arrays x 256 KB) that a biggish matrix splits evenly over the threads.
     */
    static final int CHUNK_ELEMENTS = 1 << 16;

    /** The views of one chunk: value, gradient and optimiser slots. */
    private record Chunk(FloatMatrix value, FloatMatrix gradient, FloatMatrix slot1, FloatMatrix slot2) {
    }

    private final OptimizerConfig config;
    private final Kernels kernels;
    private final ComputePool pool;
    private final Chunk[] chunks;
    private final ComputePool.Task updateChunk = this::updateChunk;
    /** Adam's scalars, moved to each step's number before the parallel loop; null for momentum SGD. */
    private final AdamStep adam;

    public Optimizer(OptimizerConfig config, List<Parameter> parameters, Kernels kernels, ComputePool pool) {
        this.config = config;
        this.kernels = kernels;
        this.pool = pool;
        this.adam = config.kind() == OptimizerConfig.Kind.ADAM
                ? new AdamStep(config.learningRate(), config.beta1(), config.beta2(), config.epsilon())
                : null;
        List<Chunk> planned = new ArrayList<>();
        for (Parameter p : parameters) {
            plan(p, planned);
        }
        this.chunks = planned.toArray(Chunk[]::new);
    }

    /** Splits {@code p}, whose views are its plain storage (as the model allocates them), into bands of rows. */
    private static void plan(Parameter p, List<Chunk> out) {
        for (FloatMatrix view : new FloatMatrix[] {p.value(), p.gradient(), p.slot1(), p.slot2()}) {
            if (view == null || view.isTransposed()) {
                throw new IllegalArgumentException("parameter " + p.name() + " is not trained or not in its storage "
                        + "orientation: " + view);
            }
        }
        int rows = p.value().rows();
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / p.value().cols());
        for (int first = 0; first < rows; first += rowsPerChunk) {
            int count = Math.min(rowsPerChunk, rows - first);
            out.add(new Chunk(rowsOf(p.value(), first, count), rowsOf(p.gradient(), first, count),
                    rowsOf(p.slot1(), first, count), rowsOf(p.slot2(), first, count)));
        }
    }

    private static FloatMatrix rowsOf(FloatMatrix m, int first, int count) {
        return count == m.rows() ? m : m.block(first, 0, count, m.cols());
    }

    /** Update number {@code step} (1-based; Adam's bias correction depends on it) of every parameter. */
    public void update(long step) {
        if (adam != null) {
            adam.moveTo(step);
        }
        pool.run(chunks.length, updateChunk);
    }

    private void updateChunk(int index) {
        Chunk c = chunks[index];
        if (adam == null) {
            kernels.sgdMomentumUpdate(c.value(), c.gradient(), c.slot1(), config.learningRate(), config.momentum());
        } else {
            kernels.adamUpdate(c.value(), c.gradient(), c.slot1(), c.slot2(), adam);
        }
    }
}
