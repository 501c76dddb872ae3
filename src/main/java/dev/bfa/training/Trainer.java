package dev.bfa.training;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains F and R together (SPEC.md, "One training step"): each step draws one batch per network,
 * runs both forward and backward passes on the parameters as they stand, then applies both
 * updates. Gradients are complete before any parameter changes, so the two updates commute.
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
        List<Parameter> trained = new ArrayList<>(model.forward().trainedParameters());
        trained.addAll(model.reverse().trainedParameters());
        this.optimizer = new Optimizer(optimizer, trained, kernels, pool);
        this.forwardData = forwardData;
        this.reverseData = reverseData;
        this.batch = batch;
        this.forwardPass = new NetworkPass(model.forward(), batch, kernels, pool);
        this.reversePass = new NetworkPass(model.reverse(), batch, kernels, pool);
        this.forwardLabels = new int[batch];
        this.reverseLabels = new int[batch];
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
     * One step: both batches, both passes, then the update of every trained parameter. Its losses
     * are read afterwards with {@link #forwardLoss()} and {@link #reverseLoss()}.
     *
     * @throws Divergence.DivergedException when a loss is not finite; the update is then not applied
     */
    public void step() {
        forwardData.nextBatch(forwardPass.input(batch), forwardLabels);
        reverseData.nextBatch(reversePass.input(batch), reverseLabels);
        forwardPass.forward(batch);
        forwardLoss = forwardPass.backward(batch, forwardLabels, true, false);
        reversePass.forward(batch);
        reverseLoss = reversePass.backward(batch, reverseLabels, true, false);
        // Before the update: a diverged step is reported with the weights that caused it, not with
        // the NaNs its update would spread to every matrix.
        Divergence.checkLoss(steps + 1, forwardLoss, reverseLoss, model);
        steps++;
        optimizer.update(steps);
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
