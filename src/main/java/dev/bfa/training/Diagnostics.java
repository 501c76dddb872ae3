package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Layer;
import dev.bfa.model.Network;

/**
 * The alignment measurements of SPEC.md ("What is measured"), taken at evaluation points:
 * cosine of paired weights across the networks, the angle between each W_l and its feedback
 * matrix, and the angle between the error signal FA sends down and the one backprop would send,
 * on a fixed probe batch of training examples.
 */
public final class Diagnostics implements AutoCloseable {
    private final BidirectionalModel model;
    private final Kernels kernels;
    private final Probe forward;
    private final Probe reverse;

    /** Two passes over the same probe batch: one sends the FA signal down, the other the backprop one. */
    private record Probe(NetworkPass feedbackPass, NetworkPass backpropPass, int[] labels, int rows) {
    }

    public Diagnostics(BidirectionalModel model, ExampleSet forwardProbe, ExampleSet reverseProbe, int probeRows,
                       Kernels kernels, ComputePool pool) {
        this.model = model;
        this.kernels = kernels;
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
        return new Probe(feedbackPass, backpropPass, labels, rows);
    }

    /** Cosine of W^F_l and (W^R_{L-1-l})ᵀ for each paired layer l = 1 .. L-2. */
    public double[] cosines() {
        return model.pairedLayersOfF().stream()
                .mapToDouble(l -> kernels.cosine(model.forward().layer(l).weight(),
                        model.reverse().layer(model.pairedLayer(l)).weight().transpose()))
                .toArray();
    }

    /** Degrees between W_l and F_l for l = 1 .. L-1 (F_l as the next backward pass would read it). */
    public double[] feedbackAngles(Network network) {
        probeOf(network).feedbackPass().deriveFeedback();
        double[] angles = new double[network.layerCount() - 1];
        for (int l = 1; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            angles[l - 1] = degrees(kernels.cosine(layer.weight(), layer.feedback()));
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
    }
}
