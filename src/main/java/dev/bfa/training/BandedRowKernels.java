package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Network;

/**
 * The row kernels of a pass (bias + centring + activation, activation derivative + centring, bias
 * gradient) as parallel loops over bands planned once per pass, so that every thread of the pool
 * works through them too. The activation kernels work row by row, so each thread takes a band of
 * rows; the bias gradient sums each column over the rows, so each thread takes a band of columns.
 * Every element sees the same operations as in one call over the whole matrix: the results are
 * the same bits for any thread count.
 *
 * <p>Bands are planned for full batches; a smaller batch (the last one of an evaluation) calls the
 * kernels once on the calling thread. Column bands start at multiples of {@link #COLUMN_ALIGNMENT}
 * floats so that only the last band of a row has a partial vector.
 */
final class BandedRowKernels implements ComputePool.Task {
    /** 64 bytes: one 512-bit vector, a whole number of narrower ones. */
    static final int COLUMN_ALIGNMENT = 16;

    private enum Loop { FORWARD, BACKWARD, BIAS_GRADIENT }

    private final Network network;
    private final Kernels kernels;
    private final ComputePool pool;
    private final int maxBatch;
    /** [level][band]: rows of activations[level] (level 0 = the input). */
    private final FloatMatrix[][] activationRows;
    /** [layer][band]: rows of errors[layer]. */
    private final FloatMatrix[][] errorRows;
    /** [layer][band]: columns of errors[layer]. */
    private final FloatMatrix[][] errorColumns;
    /** [layer][band]: the same columns of layer's bias gradient (1 x outputs). */
    private final FloatMatrix[][] biasGradientColumns;

    // The loop being run: set before pool.run, read by the tasks.
    private Loop loop;
    private int layer;

    /**
     * @param activations the pass's activation buffers, maxBatch rows each
     * @param errors      the pass's error buffers, maxBatch rows each
     */
    BandedRowKernels(Network network, FloatMatrix[] activations, FloatMatrix[] errors, Kernels kernels,
                     ComputePool pool) {
        this.network = network;
        this.kernels = kernels;
        this.pool = pool;
        this.maxBatch = activations[0].rows();
        int threads = pool.threads();
        activationRows = new FloatMatrix[activations.length][];
        for (int level = 0; level < activations.length; level++) {
            activationRows[level] = rowBands(activations[level], threads);
        }
        errorRows = new FloatMatrix[errors.length][];
        errorColumns = new FloatMatrix[errors.length][];
        biasGradientColumns = new FloatMatrix[errors.length][];
        for (int l = 0; l < errors.length; l++) {
            errorRows[l] = rowBands(errors[l], threads);
            errorColumns[l] = columnBands(errors[l], threads);
            biasGradientColumns[l] = columnBands(network.layer(l).biasGradient(), threads);
        }
    }

    private static FloatMatrix[] rowBands(FloatMatrix m, int threads) {
        int bands = Math.min(threads, m.rows());
        FloatMatrix[] views = new FloatMatrix[bands];
        for (int b = 0; b < bands; b++) {
            int first = bandStart(b, m.rows(), bands, 1);
            views[b] = m.block(first, 0, bandStart(b + 1, m.rows(), bands, 1) - first, m.cols());
        }
        return views;
    }

    private static FloatMatrix[] columnBands(FloatMatrix m, int threads) {
        int bands = Math.min(threads, (m.cols() + COLUMN_ALIGNMENT - 1) / COLUMN_ALIGNMENT);
        FloatMatrix[] views = new FloatMatrix[bands];
        for (int b = 0; b < bands; b++) {
            int first = bandStart(b, m.cols(), bands, COLUMN_ALIGNMENT);
            views[b] = m.block(0, first, m.rows(), bandStart(b + 1, m.cols(), bands, COLUMN_ALIGNMENT) - first);
        }
        return views;
    }

    /**
     * First index of band {@code b} of {@code bands} near-equal bands over {@code count} indices,
     * rounded down to a multiple of {@code alignment}; {@code b == bands} gives {@code count}. With
     * at most {@code ceil(count / alignment)} bands no band is empty.
     */
    static int bandStart(int b, int count, int bands, int alignment) {
        if (b == bands) {
            return count;
        }
        int units = (count + alignment - 1) / alignment;
        return (int) ((long) b * units / bands) * alignment;
    }

    /** {@code out = σ(centre(out + b))} for hidden layer {@code l}; {@code out} is its output's first rows. */
    void biasCenterActivate(int l, FloatMatrix out) {
        if (out.rows() != maxBatch) {
            kernels.biasCenterActivate(out, network.layer(l).bias(), network.activation(), out);
            return;
        }
        run(Loop.FORWARD, l, activationRows[l + 1].length);
    }

    /**
     * {@code below = centre(below ⊙ σ'(H_l))}, the error arriving at layer {@code l}'s input;
     * {@code below} and {@code h} are the first rows of errors[l - 1] and activations[l].
     */
    void activationBackwardCenter(int l, FloatMatrix below, FloatMatrix h) {
        if (below.rows() != maxBatch) {
            kernels.activationBackwardCenter(below, h, network.activation(), below);
            return;
        }
        run(Loop.BACKWARD, l, errorRows[l - 1].length);
    }

    /** Layer {@code l}'s bias gradient, the column sums of {@code d} (the first rows of errors[l]). */
    void biasGradient(int l, FloatMatrix d) {
        if (d.rows() != maxBatch) {
            kernels.columnSums(d, network.layer(l).biasGradient());
            return;
        }
        run(Loop.BIAS_GRADIENT, l, errorColumns[l].length);
    }

    private void run(Loop loop, int layer, int bands) {
        this.loop = loop;
        this.layer = layer;
        pool.run(bands, this);
    }

    @Override
    public void run(int band) {
        switch (loop) {
            case FORWARD -> {
                FloatMatrix out = activationRows[layer + 1][band];
                kernels.biasCenterActivate(out, network.layer(layer).bias(), network.activation(), out);
            }
            case BACKWARD -> {
                FloatMatrix below = errorRows[layer - 1][band];
                kernels.activationBackwardCenter(below, activationRows[layer][band], network.activation(), below);
            }
            case BIAS_GRADIENT -> kernels.columnSums(errorColumns[layer][band], biasGradientColumns[layer][band]);
        }
    }
}
