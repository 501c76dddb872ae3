package dev.bfa.training;

import dev.bfa.kernels.Activation;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;

/**
 * Everything needed to rerun a training run (config.json).
 *
 * @param forwardDataset   dataset name of F ("fashion-mnist", "mnist", "cifar10")
 * @param reverseDataset   dataset name of R
 * @param evaluationEvery  steps between evaluation points (the last step is always evaluated)
 * @param directFeedbackScale under a rule that projects the output error directly (dfa), the factor on
 *                         the bound of its matrices' draw; 1 otherwise
 */
public record RunConfig(Mode mode, String forwardDataset, String reverseDataset, int width, int depth,
                        Activation activation, OptimizerConfig optimizer, int batch, long steps, long evaluationEvery,
                        long seed, int threads, float directFeedbackScale) {
    /** A run at the default direct feedback scale, 1. */
    public RunConfig(Mode mode, String forwardDataset, String reverseDataset, int width, int depth,
                     Activation activation, OptimizerConfig optimizer, int batch, long steps, long evaluationEvery,
                     long seed, int threads) {
        this(mode, forwardDataset, reverseDataset, width, depth, activation, optimizer, batch, steps, evaluationEvery,
                seed, threads, 1f);
    }

    public RunConfig {
        if (width < 1) {
            throw new IllegalArgumentException("width " + width + " must be at least 1");
        }
        if (depth < mode.minimumDepth()) {
            throw new IllegalArgumentException(mode.minimumDepth() == 1 ? "depth " + depth + " must be at least 1"
                    : "depth " + depth + " is too small for mode " + mode + ", which couples hidden-to-hidden "
                    + "layers: it needs depth " + mode.minimumDepth() + " or more");
        }
        if (optimizer.weightDecay() != 0 && !mode.rule().trainsFeedback()) {
            throw new IllegalArgumentException("weight decay " + optimizer.weightDecay() + " applies to rule kp only, "
                    + "not to mode " + mode);
        }
        BidirectionalModel.ModelSpec.checkDirectFeedbackScale(mode, directFeedbackScale);
        if (batch < 1) {
            throw new IllegalArgumentException("batch size " + batch + " must be at least 1");
        }
        if (steps < 1) {
            throw new IllegalArgumentException("steps " + steps + " must be at least 1");
        }
        if (evaluationEvery < 1) {
            throw new IllegalArgumentException("evaluation interval " + evaluationEvery + " must be at least 1 step");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("thread count " + threads + " must be at least 1");
        }
    }

    /** The same run on another number of threads: the results are bit-identical at every count. */
    public RunConfig withThreads(int count) {
        return new RunConfig(mode, forwardDataset, reverseDataset, width, depth, activation, optimizer, batch, steps,
                evaluationEvery, seed, count, directFeedbackScale);
    }

    public RunConfig withMode(Mode other) {
        return new RunConfig(other, forwardDataset, reverseDataset, width, depth, activation, optimizer, batch, steps,
                evaluationEvery, seed, threads, other.rule().projectsDirectly()
                ? directFeedbackScale : 1f);
    }
}
