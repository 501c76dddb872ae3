package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Layer;
import dev.bfa.model.Network;
import java.lang.foreign.Arena;

/**
 * The alignment measurements of docs/spec.md ("Evaluation and diagnostics"), taken at evaluation
 * points: cosine of paired weights across the networks, the angle between each W_l and its feedback
 * matrix, and the angle between the error signal FA sends down and the one backprop would send,
 * on a fixed probe batch of training examples.
 */
public final class Diagnostics implements AutoCloseable {
    private final BidirectionalModel model;
    private final Kernels kernels;
    private final ComputePool pool;
    private final Probe forward;
    private final Probe reverse;
    private final Arena arena = Arena.ofShared();

    /**
     * Two passes over the same probe batch: one sends the FA signal down, the other the backprop one.
     * Under a direct rule, {@code paths[l]} (classes x n_l) holds W_{L-1} · ... · W_l for l = 1 .. L-2.
     */
    private record Probe(NetworkPass feedbackPass, NetworkPass backpropPass, int[] labels, int rows,
                         FloatMatrix[] paths) {
    }

    public Diagnostics(BidirectionalModel model, ExampleSet forwardProbe, ExampleSet reverseProbe, int probeRows,
                       Kernels kernels, ComputePool pool) {
        this.model = model;
        this.kernels = kernels;
        this.pool = pool;
        this.forward = probe(model.forward(), forwardProbe, probeRows, pool);
        this.reverse = probe(model.reverse(), reverseProbe, probeRows, pool);
    }

    private Probe probe(Network network, ExampleSet examples, int probeRows, ComputePool pool) {
        int rows = Math.min(probeRows, examples.size());
        NetworkPass feedbackPass = new NetworkPass(network, rows, kernels, pool);
        NetworkPass backpropPass = new NetworkPass(network, rows, kernels, pool);
        int[] labels = new int[rows];
        examples.slice(0, feedbackPass.input(rows), labels);
        examples.slice(0, backpropPass.input(rows), labels);
        FloatMatrix[] paths = new FloatMatrix[network.layerCount()];
        if (network.directFeedback() != null) {
            for (int l = 1; l < network.layerCount() - 1; l++) {
                paths[l] = FloatMatrix.allocate(arena, network.architecture().classes(),
                        network.architecture().levelSize(l));
            }
        }
        return new Probe(feedbackPass, backpropPass, labels, rows, paths);
    }

    /** Cosine of W^F_l and (W^R_{L-1-l})ᵀ for each paired layer l = 1 .. L-2. */
    public double[] cosines() {
        return model.pairedLayersOfF().stream()
                .mapToDouble(l -> kernels.cosine(model.forward().layer(l).weight(),
                        model.reverse().layer(model.pairedLayer(l)).weight().transpose()))
                .toArray();
    }

    /**
     * Degrees between W_l and F_l for l = 1 .. L-1 (F_l as the next backward pass would read it).
     * Under a direct rule F_l carries the output error to layer l, where backprop would carry it
     * through W_{L-1} · ... · W_l: the angle is to that product (W_{L-1} alone for the last layer).
     */
    public double[] feedbackAngles(Network network) {
        Probe probe = probeOf(network);
        probe.feedbackPass().deriveFeedback();
        int layers = network.layerCount();
        double[] angles = new double[layers - 1];
        for (int l = layers - 1; l >= 1; l--) {
            Layer layer = network.layer(l);
            FloatMatrix path = layer.weight();
            if (network.directFeedback() != null && l < layers - 1) {
                path = probe.paths()[l];
                FloatMatrix above = l + 1 < layers - 1 ? probe.paths()[l + 1] : network.layer(l + 1).weight();
                kernels.gemm(above, layer.weight(), path, false, pool);
            }
            angles[l - 1] = degrees(kernels.cosine(path, layer.feedback()));
        }
        return angles;
    }

    /** Degrees between the FA and the backprop error signal D_l for l = 0 .. L-2, on the probe batch. */
    public double[] signalAngles(Network network) {
        Probe probe = probeOf(network);
        probe.feedbackPass().forward(probe.rows());
        probe.feedbackPass().backward(probe.rows(), probe.labels(), false, false);
        probe.backpropPass().forward(probe.rows());
        probe.backpropPass().backward(probe.rows(), probe.labels(), false, true);
        double[] angles = new double[network.layerCount() - 1];
        for (int l = 0; l < angles.length; l++) {
            FloatMatrix fa = probe.feedbackPass().error(l, probe.rows());
            FloatMatrix bp = probe.backpropPass().error(l, probe.rows());
            angles[l] = degrees(kernels.cosine(fa, bp));
        }
        return angles;
    }

    private Probe probeOf(Network network) {
        return network == model.forward() ? forward : reverse;
    }

    private static double degrees(double cosine) {
        return Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cosine))));
    }

    @Override
    public void close() {
        forward.feedbackPass().close();
        forward.backpropPass().close();
        reverse.feedbackPass().close();
        reverse.backpropPass().close();
        arena.close();
    }
}
