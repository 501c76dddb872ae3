package dev.bfa.training;

import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Parameter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies one update to every parameter a model trains, from the gradients it computed. The
 * update is element-wise, so it is planned once as a list of chunks (bands of storage rows of
 * about {@link #CHUNK_ELEMENTS} elements, views made in advance, the parameters' chunks in the
 * order of the list given) that the pool runs as background tasks: each step's chunks begin with
 * {@link #begin}, a parameter's become runnable with {@link #release} as soon as the step is done
 * with it, so that the memory-bound update overlaps the step's remaining GEMMs, and
 * {@link #finish} runs the rest. The same operations on the same elements whatever the split or
 * the thread, and no allocation.
 */
public final class Optimizer {
    /**
     * Elements per chunk: large enough that taking a chunk costs nothing next to updating it,
     * small enough (4 arrays x 256 KB) that a biggish matrix splits evenly over the threads.
     */
    static final int CHUNK_ELEMENTS = 1 << 16;

    /** The views of one chunk: value, gradient and optimiser slots; whether it decays first. */
    private record Chunk(FloatMatrix value, FloatMatrix gradient, FloatMatrix slot1, FloatMatrix slot2, boolean decays) {
    }

    private final OptimizerConfig config;
    private final Kernels kernels;
    private final ComputePool pool;
    private final Chunk[] chunks;
    /** For each parameter, in the order given, the index after its last chunk. */
    private final Map<Parameter, Integer> chunkEnds = new IdentityHashMap<>();
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
            chunkEnds.put(p, planned.size());
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
                    rowsOf(p.slot1(), first, count), rowsOf(p.slot2(), first, count), p.decays()));
        }
    }

    private static FloatMatrix rowsOf(FloatMatrix m, int first, int count) {
        return count == m.rows() ? m : m.block(first, 0, count, m.cols());
    }

    /** Starts update number {@code step} (1-based; Adam's bias correction depends on it); nothing runs yet. */
    public void begin(long step) {
        if (adam != null) {
            adam.moveTo(step);
        }
        pool.beginBackground(chunks.length, updateChunk);
    }

    /**
     * Lets the pool update the parameters up to {@code chunkEnd} (a {@link #chunkEnd} value): their
     * gradients must be complete, and the step must no longer read their values.
     */
    public void release(int chunkEnd) {
        pool.releaseBackground(chunkEnd);
    }

    /** Completes the update begun by {@link #begin}: every chunk not yet run, on all threads. */
    public void finish() {
        pool.finishBackground();
    }

    /** Drops the update begun by {@link #begin} after a failed step: no chunk still waiting runs. */
    public void abandon() {
        pool.abandonBackground();
    }

    /** The chunk index after {@code p}'s last chunk: releasing up to it releases {@code p} and all before it. */
    public int chunkEnd(Parameter p) {
        Integer end = chunkEnds.get(p);
        if (end == null) {
            throw new IllegalArgumentException("parameter " + p.name() + " is not updated by this optimiser");
        }
        return end;
    }

    private void updateChunk(int index) {
        Chunk c = chunks[index];
        if (c.decays()) {
            kernels.scale(c.value(), config.decayFactor());
        }
        if (adam == null) {
            kernels.sgdMomentumUpdate(c.value(), c.gradient(), c.slot1(), config.learningRate(), config.momentum());
        } else {
            kernels.adamUpdate(c.value(), c.gradient(), c.slot1(), c.slot2(), adam);
        }
    }
}
