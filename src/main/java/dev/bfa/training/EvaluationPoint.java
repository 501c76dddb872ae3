package dev.bfa.training;

import dev.bfa.model.Mode;

/**
 * Everything measured at one evaluation point of a run (one row of metrics.csv).
 *
 * @param forwardLoss           mean training loss of F over the steps since the previous point
 * @param reverseLoss           the same for R
 * @param cosine                cosine of W^F_l and (W^R_{L-1-l})ᵀ for l = 1 .. L-2 (F's layer order)
 * @param forwardFeedbackAngle  degrees between W^F_l and its feedback matrix, l = 1 .. L-1
 * @param reverseFeedbackAngle  the same for R
 * @param forwardSignalAngle    degrees between F's FA error signal D_l and the backprop one, l = 0 .. L-2
 * @param reverseSignalAngle    the same for R
 * @param examplesPerSecond     training examples (both networks) per second since the previous point
 * @param elapsedSeconds        wall time of training so far, evaluations excluded
 */
public record EvaluationPoint(long step, Mode mode, double forwardLoss, double reverseLoss, double forwardAccuracy,
                              double reverseAccuracy, double[] cosine, double[] forwardFeedbackAngle,
                              double[] reverseFeedbackAngle, double[] forwardSignalAngle, double[] reverseSignalAngle,
                              double examplesPerSecond, double elapsedSeconds) {
}
