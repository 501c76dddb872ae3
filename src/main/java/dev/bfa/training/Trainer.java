package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Layer;
import dev.bfa.model.Network;
import dev.bfa.model.Parameter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains F and R together (docs/spec.md, "One training step"): each step draws one batch per
 * network, runs both forward and backward passes on the parameters as they stand, then applies both
 * updates. A parameter's update starts as soon as its gradient is complete and no later part of
 * the step reads it, so that the memory-bound updates overlap the backward GEMMs; what the step
 * computes is unchanged, since nothing reads a value after its update has started.
 */
public final class Trainer implements AutoCloseable {
    /** Test accuracy of both networks. */
    public record Accuracy(double forward, double reverse) {
    }

    private final BidirectionalModel model;
    private final Optimizer optimizer;
    private final BatchSource forwardData;
    private final BatchSource reverseData;
    private final NetworkPass forwardPass;
    private final NetworkPass reversePass;
    /**
     * Per backward position (F's layers from the last down to 0, then R's likewise): the
     * optimiser's chunks whose parameters the step is done with once that position is finished.
     */
    private final int[] releasedAfter;
    private final NetworkPass.LayerDone forwardLayerDone;
    private final NetworkPass.LayerDone reverseLayerDone;
    private final int batch;
    private final int[] forwardLabels;
    private final int[] reverseLabels;
    private long steps;
    /** Mean losses of the last step: fields rather than a returned record, so a step allocates nothing. */
    private double forwardLoss = Double.NaN;
    private double reverseLoss = Double.NaN;

    public Trainer(BidirectionalModel model, OptimizerConfig optimizer, int batch, BatchSource forwardData,
                   BatchSource reverseData, Kernels kernels, ComputePool pool) {
        this.model = model;
        Network f = model.forward();
        Network r = model.reverse();
        List<Parameter> trained = new ArrayList<>(f.trainedParameters());
        trained.addAll(r.trainedParameters());
        Map<Parameter, Integer> positions = new IdentityHashMap<>();
        for (Parameter p : trained) {
            positions.put(p, releasePosition(p, f, r));
        }
        trained.sort(Comparator.comparingInt(positions::get));
        this.optimizer = new Optimizer(optimizer, trained, kernels, pool);
        this.releasedAfter = new int[f.layerCount() + r.layerCount()];
        for (Parameter p : trained) {
            int position = positions.get(p);
            releasedAfter[position] = Math.max(releasedAfter[position], this.optimizer.chunkEnd(p));
        }
        for (int position = 1; position < releasedAfter.length; position++) {
            releasedAfter[position] = Math.max(releasedAfter[position], releasedAfter[position - 1]);
        }
        this.forwardLayerDone = l -> this.optimizer.release(releasedAfter[f.layerCount() - 1 - l]);
        this.reverseLayerDone = l -> this.optimizer.release(releasedAfter[f.layerCount() + r.layerCount() - 1 - l]);
        this.forwardData = forwardData;
        this.reverseData = reverseData;
        this.batch = batch;
        this.forwardPass = new NetworkPass(model.forward(), batch, kernels, pool);
        this.reversePass = new NetworkPass(model.reverse(), batch, kernels, pool);
        this.forwardLabels = new int[batch];
        this.reverseLabels = new int[batch];
    }

    /**
     * The backward position ({@link #releasedAfter}) after which a step is done with {@code p}: its
     * gradient is complete and no error GEMM still to come reads its value as a feedback matrix
     * (R's backward reads F's weights in coupled-both; in bp each layer's error reads its own).
     * Both forward passes run before either backward pass, so they read every value first.
     */
    private static int releasePosition(Parameter p, Network forward, Network reverse) {
        int position = -1;
        int offset = 0;
        for (Network n : List.of(forward, reverse)) {
            int layers = n.layerCount();
            for (int l = 0; l < layers; l++) {
                Layer layer = n.layer(l);
                boolean trainsIt = Shapes.overlap(layer.weightGradient(), p.gradient())
                        || Shapes.overlap(layer.biasGradient(), p.gradient())
                        || layer.feedbackGradient() != null && Shapes.overlap(layer.feedbackGradient(), p.gradient());
                boolean readsIt = l > 0 && Shapes.overlap(layer.feedback(), p.value());
                if (trainsIt || readsIt) {
                    position = Math.max(position, offset + layers - 1 - l);
                }
            }
            offset += layers;
        }
        if (position < 0) {
            throw new IllegalArgumentException("parameter " + p.name() + " is trained by no layer of either network");
        }
        return position;
    }

    public int batch() {
        return batch;
    }

    /** Steps completed so far. */
    public long steps() {
        return steps;
    }

    /**
     * Continues a run restored from a checkpoint taken after {@code completedSteps} steps: Adam's
     * bias correction depends on the step number, so the count must carry on, not restart.
     */
    public void resumeAt(long completedSteps) {
        if (completedSteps < 0) {
            throw new IllegalArgumentException("completed steps " + completedSteps + " is negative");
        }
        steps = completedSteps;
    }

    /**
     * One step: both batches, both forward passes and losses, both backward passes with each
     * parameter's update released when the step is done with it, then the rest of the update. Its
     * losses are read afterwards with {@link #forwardLoss()} and {@link #reverseLoss()}.
     *
     * @throws Divergence.DivergedException when a loss is not finite; no parameter is then updated
     */
    public void step() {
        forwardData.nextBatch(forwardPass.input(batch), forwardLabels);
        reverseData.nextBatch(reversePass.input(batch), reverseLabels);
        forwardPass.forward(batch);
        forwardLoss = forwardPass.loss(batch, forwardLabels);
        reversePass.forward(batch);
        reverseLoss = reversePass.loss(batch, reverseLabels);
        // Before any update: a diverged step is reported with the weights that caused it, not with
        // the NaNs its update would spread to every matrix.
        Divergence.checkLoss(steps + 1, forwardLoss, reverseLoss, model);
        optimizer.begin(steps + 1);
        boolean updated = false;
        try {
            // Without the backprop signal: releasePosition assumes errors read only feedback matrices.
            forwardPass.backward(batch, true, false, forwardLayerDone);
            reversePass.backward(batch, true, false, reverseLayerDone);
            steps++;
            optimizer.finish();
            updated = true;
        } finally {
            if (!updated) {
                optimizer.abandon();
            }
        }
    }

    /** F's mean loss over the last step's batch (NaN before the first step). */
    public double forwardLoss() {
        return forwardLoss;
    }

    /** R's mean loss over the last step's batch (NaN before the first step). */
    public double reverseLoss() {
        return reverseLoss;
    }

    /** Fraction of {@code forwardTest} and {@code reverseTest} each network classifies correctly. */
    public Accuracy evaluate(ExampleSet forwardTest, ExampleSet reverseTest) {
        return new Accuracy(forwardPass.accuracy(forwardTest), reversePass.accuracy(reverseTest));
    }

    @Override
    public void close() {
        forwardPass.close();
        reversePass.close();
    }
}
