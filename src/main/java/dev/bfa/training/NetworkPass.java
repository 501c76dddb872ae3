package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Architecture;
import dev.bfa.model.Layer;
import dev.bfa.model.Network;
import dev.bfa.rules.LearningRule;
import java.lang.foreign.Arena;
import java.lang.foreign.SegmentAllocator;

/**
 * The forward and backward pass of one network over a batch, with every buffer planned once for
 * a maximum batch size (docs/spec.md, "Forward pass", "Loss" and "Backward pass").
 *
 * <p>Buffers (rows = examples of the batch):
 * <pre>
 *   activations[0]      batch x n_0       the input H_0
 *   activations[l]      batch x n_l       H_l = σ(centre(Z_{l-1})), l = 1 .. L-1
 *   activations[L]      batch x classes   the logits
 *   errors[l]           batch x n_{l+1}   D_l, the error at layer l's output
 * </pre>
 * Under a rule that projects the output error straight to the hidden layers (dfa), errors[0 .. L-2]
 * are the column blocks of one batch x (n_1 + ... + n_{L-1}) matrix, in the order of the blocks of
 * the network's direct feedback matrix, so that one GEMM writes them all.
 */
public final class NetworkPass implements AutoCloseable {
    private final Network network;
    private final Kernels kernels;
    private final ComputePool pool;
    private final int maxBatch;
    private final Arena arena = Arena.ofShared();
    private final FloatMatrix[] activations;
    private final FloatMatrix[] errors;
    /** Under a direct rule, the matrix whose column blocks are errors[0 .. L-2]; null otherwise. */
    private final FloatMatrix hiddenErrors;
    private final BandedRowKernels rowKernels;

    public NetworkPass(Network network, int maxBatch, Kernels kernels, ComputePool pool) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("batch size " + maxBatch + " must be at least 1");
        }
        this.network = network;
        this.kernels = kernels;
        this.pool = pool;
        this.maxBatch = maxBatch;
        Architecture a = network.architecture();
        // One segment sliced in the order bufferBytes counts: a miscount fails here, not later.
        boolean direct = network.rule().projectsDirectly();
        SegmentAllocator buffers = SegmentAllocator.slicingAllocator(
                arena.allocate(bufferBytes(a, network.rule(), maxBatch), FloatMatrix.ALIGNMENT));
        activations = new FloatMatrix[a.layers() + 1];
        errors = new FloatMatrix[a.layers()];
        for (int level = 0; level <= a.layers(); level++) {
            activations[level] = FloatMatrix.allocate(buffers, maxBatch, a.levelSize(level));
        }
        if (direct) {
            hiddenErrors = FloatMatrix.allocate(buffers, maxBatch, hiddenUnits(a));
            for (int l = 0, column = 0; l < a.layers() - 1; column += a.levelSize(l + 1), l++) {
                errors[l] = hiddenErrors.block(0, column, maxBatch, a.levelSize(l + 1));
            }
            errors[a.layers() - 1] = FloatMatrix.allocate(buffers, maxBatch, a.classes());
        } else {
            hiddenErrors = null;
            for (int l = 0; l < a.layers(); l++) {
                errors[l] = FloatMatrix.allocate(buffers, maxBatch, a.levelSize(l + 1));
            }
        }
        rowKernels = new BandedRowKernels(network, activations, errors, kernels, pool);
    }

    /**
     * Off-heap bytes of the buffers of a pass over {@code a} under {@code rule} with batches of up to
     * {@code maxBatch} rows (the class comment lists them), computed from the shapes alone.
     *
     * @throws ArithmeticException if the size does not fit in a long
     */
    public static long bufferBytes(Architecture a, LearningRule rule, int maxBatch) {
        long bytes = 0;
        for (int level = 0; level <= a.layers(); level++) {
            bytes = Math.addExact(bytes, FloatMatrix.bytesFor(maxBatch, a.levelSize(level)));
        }
        if (rule.projectsDirectly()) {
            bytes = Math.addExact(bytes, FloatMatrix.bytesFor(maxBatch, hiddenUnits(a)));
            return Math.addExact(bytes, FloatMatrix.bytesFor(maxBatch, a.classes()));
        }
        for (int l = 0; l < a.layers(); l++) {
            bytes = Math.addExact(bytes, FloatMatrix.bytesFor(maxBatch, a.levelSize(l + 1)));
        }
        return bytes;
    }


    /** n_1 + ... + n_{L-1}. */
    private static int hiddenUnits(Architecture a) {
        int units = 0;
        for (int level = 1; level < a.layers(); level++) {
            units += a.levelSize(level);
        }
        return units;
    }

    public Network network() {
        return network;
    }

    /** The input buffer's first {@code rows} rows: fill it before {@link #forward}. */
    public FloatMatrix input(int rows) {
        return firstRows(activations[0], rows);
    }

    /** The logits of the last forward pass. */
    public FloatMatrix logits(int rows) {
        return firstRows(activations[network.layerCount()], rows);
    }

    /** H at {@code level} (0 = input) of the last forward pass. */
    public FloatMatrix activation(int level, int rows) {
        return firstRows(activations[level], rows);
    }

    /** D_l of the last backward pass. */
    public FloatMatrix error(int layer, int rows) {
        return firstRows(errors[layer], rows);
    }

    private FloatMatrix firstRows(FloatMatrix buffer, int rows) {
        if (rows < 1 || rows > maxBatch) {
            throw new IllegalArgumentException("batch of " + rows + " rows, buffers hold 1.." + maxBatch);
        }
        return rows == maxBatch ? buffer : buffer.block(0, 0, rows, buffer.cols());
    }

    /** Z_l = H_l · W_lᵀ + b_l, then centring and σ on hidden layers; logits on the last. */
    public void forward(int rows) {
        int layers = network.layerCount();
        for (int l = 0; l < layers; l++) {
            Layer layer = network.layer(l);
            FloatMatrix out = activation(l + 1, rows);
            kernels.gemm(activation(l, rows), layer.weight().transpose(), out, false, pool);
            if (l < layers - 1) {
                rowKernels.biasCenterActivate(l, out);
            } else {
                kernels.addBias(out, layer.bias());
            }
        }
    }

    /** Told when the backward pass has finished with a layer: its gradients and the error below it. */
    @FunctionalInterface
    public interface LayerDone {
        LayerDone NOTHING = layer -> { };

        void after(int layer);
    }

    /**
     * {@link #loss} then {@link #backward(int, boolean, boolean, LayerDone)}.
     *
     * @return the mean loss of the batch
     */
    public double backward(int rows, int[] labels, boolean computeGradients, boolean backpropSignal) {
        double loss = loss(rows, labels);
        backward(rows, computeGradients, backpropSignal, LayerDone.NOTHING);
        return loss;
    }

    /**
     * D_{L-1}, the softmax cross-entropy's gradient at the logits of the last {@link #forward},
     * which starts the backward pass.
     *
     * @return the mean loss of the batch
     */
    public double loss(int rows, int[] labels) {
        int layers = network.layerCount();
        return kernels.softmaxCrossEntropy(logits(rows), labels, error(layers - 1, rows));
    }

    /**
     * The backward pass after {@link #loss}: for l = L-1 down to 0 the gradients G_W_l = D_lᵀ·H_l
     * and G_b_l (when {@code computeGradients}; a learning feedback matrix gets G_W_l too), and
     * D_{l-1} = centre((D_l · F_l) ⊙ σ'(H_l)), then {@code done.after(l)}. Under a direct rule
     * D_l · F_l is D_{L-1} · F_l instead, for every hidden layer at once, right after the last
     * layer's gradients. With {@code backpropSignal} the error travels through W_l instead of the
     * feedback matrix F_l (the true gradient, for diagnostics).
     */
    public void backward(int rows, boolean computeGradients, boolean backpropSignal, LayerDone done) {
        int layers = network.layerCount();
        if (!backpropSignal) {
            deriveFeedback();
        }
        for (int l = layers - 1; l >= 0; l--) {
            Layer layer = network.layer(l);
            FloatMatrix d = error(l, rows);
            if (computeGradients) {
                kernels.gemm(d.transpose(), activation(l, rows), layer.weightGradient(),
                        layer.accumulates().weightGradient(), pool);
                if (layer.feedbackGradient() != null) {
                    kernels.gemm(d.transpose(), activation(l, rows), layer.feedbackGradient(),
                            layer.accumulates().feedbackGradient(), pool);
                }
                rowKernels.biasGradient(l, d);
            }
            boolean direct = hiddenErrors != null && !backpropSignal;
            if (direct && l == layers - 1 && l > 0) {
                kernels.gemm(d, network.directFeedback(), firstRows(hiddenErrors, rows), false, pool);
            }
            if (l > 0) {
                FloatMatrix below = error(l - 1, rows);
                if (!direct) {
                    kernels.gemm(d, backpropSignal ? layer.weight() : layer.feedback(), below, false, pool);
                }
                rowKernels.activationBackwardCenter(l, below, activation(l, rows));
            }
            done.after(l);
        }
    }

    /**
     * Brings feedback matrices the rule derives from the weights (sign-symmetry) up to date; the
     * backward pass does it before it reads them, a diagnostic before it measures them.
     */
    public void deriveFeedback() {
        if (network.rule().feedback() != LearningRule.Feedback.DERIVED) {
            return;
        }
        for (int l = 1; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            network.rule().derive(layer.weight(), layer.feedback(), kernels);
        }
    }

    /** Fraction of {@code examples} classified correctly (the first largest logit is the prediction). */
    public double accuracy(ExampleSet examples) {
        int[] labels = new int[maxBatch];
        long correct = 0;
        for (int first = 0; first < examples.size(); first += maxBatch) {
            int rows = Math.min(maxBatch, examples.size() - first);
            examples.slice(first, input(rows), labels);
            forward(rows);
            FloatMatrix logits = logits(rows);
            for (int i = 0; i < rows; i++) {
                if (argmax(logits, i) == labels[i]) {
                    correct++;
                }
            }
        }
        return (double) correct / examples.size();
    }

    static int argmax(FloatMatrix logits, int i) {
        int best = 0;
        float bestValue = logits.get(i, 0);
        for (int j = 1; j < logits.cols(); j++) {
            float v = logits.get(i, j);
            if (v > bestValue) {
                best = j;
                bestValue = v;
            }
        }
        return best;
    }

    @Override
    public void close() {
        arena.close();
    }
}
