package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Coupling;
import dev.bfa.model.Mode;
import dev.bfa.rules.Backprop;
import dev.bfa.rules.DirectFeedbackAlignment;
import dev.bfa.rules.FeedbackAlignment;
import dev.bfa.rules.KolenPollack;
import dev.bfa.rules.SignSymmetry;
import java.lang.foreign.Arena;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every mode's training step against a naive double-precision implementation written from the
 * rules' definitions alone (docs/spec.md, "Learning rules" and "Couplings"): plain arrays, each
 * network's matrices in its own orientation, the coupling spelled out as "this matrix is that one
 * transposed", and nothing of the model's memory layout or kernels. Momentum SGD with weight decay, on tanh so that
 * no kink sits near a value.
 */
class LearningRuleReferenceTest {
    private static final int WIDTH = 6;
    private static final int DEPTH = 3;
    private static final int LAYERS = DEPTH + 1;
    private static final int BATCH = 5;
    private static final int STEPS = 3;
    private static final float RATE = 0.05f;
    private static final float MOMENTUM = 0.5f;
    private static final float DECAY = 2f;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aStepIsWhatTheRuleDefines(Mode mode) {
        boolean kp = mode.rule() == KolenPollack.RULE;
        OptimizerConfig sgd = new OptimizerConfig(OptimizerConfig.Kind.SGD, RATE, MOMENTUM, 0.9f, 0.999f, 1e-8f,
                kp ? DECAY : 0f);
        try (ComputePool pool = ComputePool.create(2);
             BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(mode, Activation.TANH, 13, WIDTH));
             Arena arena = Arena.ofConfined()) {
            Reference reference = new Reference(mode, model);
            SyntheticData forwardData = new SyntheticData(64, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1);
            SyntheticData reverseData = new SyntheticData(64, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2);
            FloatMatrix forwardBatch = FloatMatrix.allocate(arena, BATCH, ModelFixtures.F_INPUTS);
            FloatMatrix reverseBatch = FloatMatrix.allocate(arena, BATCH, ModelFixtures.R_INPUTS);
            int[] forwardLabels = new int[BATCH];
            int[] reverseLabels = new int[BATCH];
            try (Trainer trainer = new Trainer(model, sgd, BATCH,
                    new SyntheticData(64, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1),
                    new SyntheticData(64, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2),
                    KernelProvider.kernels(), pool)) {
                for (int step = 0; step < STEPS; step++) {
                    trainer.step();
                    forwardData.nextBatch(forwardBatch, forwardLabels);
                    reverseData.nextBatch(reverseBatch, reverseLabels);
                    reference.step(ModelFixtures.toDouble(forwardBatch), forwardLabels,
                            ModelFixtures.toDouble(reverseBatch), reverseLabels);
                }
            }
            for (int l = 0; l < LAYERS; l++) {
                assertClose(reference.forward.weights[l], model.forward().layer(l).weight(), mode + " F.W" + l);
                assertClose(reference.forward.biases[l], model.forward().layer(l).bias(), mode + " F.b" + l);
                assertClose(reference.reverse.weights[l], model.reverse().layer(l).weight(), mode + " R.W" + l);
                assertClose(reference.reverse.biases[l], model.reverse().layer(l).bias(), mode + " R.b" + l);
                if (l > 0 && mode.rule() != SignSymmetry.RULE && mode.rule() != Backprop.RULE) {
                    assertClose(reference.forward.feedback(l), model.forward().layer(l).feedback(), mode + " F's feedback " + l);
                    assertClose(reference.reverse.feedback(l), model.reverse().layer(l).feedback(), mode + " R's feedback " + l);
                }
            }
        }
    }

    private static void assertClose(double[][] expected, FloatMatrix actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i][j]);
                assertThat((double) actual.get(i, j)).as("%s[%d][%d]", what, i, j)
                        .isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(tolerance));
            }
        }
    }

    /** One network's state in double: W_l and b_l in its own orientation, its own feedback matrices, momentum. */
    private static final class Net {
        final double[][][] weights = new double[LAYERS][][];
        final double[][][] biases = new double[LAYERS][][];
        final double[][][] ownFeedback = new double[LAYERS][][];
        /** Set once both networks exist: layer l's feedback when it is the other network's weights. */
        IntFunction<double[][]> sharedFeedback = l -> null;
        final double[][][] weightVelocity = new double[LAYERS][][];
        final double[][][] biasVelocity = new double[LAYERS][][];
        final double[][][] feedbackVelocity = new double[LAYERS][][];
        // Of the last backward pass:
        final double[][][] weightGradients = new double[LAYERS][][];
        final double[][][] biasGradients = new double[LAYERS][][];

        double[][] feedback(int l) {
            double[][] shared = sharedFeedback.apply(l);
            return shared != null ? shared : ownFeedback[l];
        }
    }

    private static final class Reference {
        final Mode mode;
        final Net forward = new Net();
        final Net reverse = new Net();

        Reference(Mode mode, BidirectionalModel model) {
            this.mode = mode;
            for (int l = 0; l < LAYERS; l++) {
                forward.weights[l] = ModelFixtures.toDouble(model.forward().layer(l).weight());
                forward.biases[l] = ModelFixtures.toDouble(model.forward().layer(l).bias());
                reverse.weights[l] = ModelFixtures.toDouble(model.reverse().layer(l).weight());
                reverse.biases[l] = ModelFixtures.toDouble(model.reverse().layer(l).bias());
            }
            boolean stored = mode.rule() == FeedbackAlignment.RULE || mode.rule() == KolenPollack.RULE;
            if (mode.rule() == DirectFeedbackAlignment.RULE) {
                // Each hidden layer's block of the one direct matrix, side by side in layer order.
                for (String network : new String[] {"F", "R"}) {
                    double[][] direct = ModelFixtures.toDouble(model.parameter(network + ".D").value());
                    for (int l = 1; l < LAYERS; l++) {
                        double[][] block = new double[direct.length][WIDTH];
                        for (int c = 0; c < direct.length; c++) {
                            System.arraycopy(direct[c], (l - 1) * WIDTH, block[c], 0, WIDTH);
                        }
                        (network.equals("F") ? forward : reverse).ownFeedback[l] = block;
                    }
                }
            }
            for (int l = 1; l < LAYERS; l++) {
                if (stored && !forwardShared(l)) {
                    forward.ownFeedback[l] = ModelFixtures.toDouble(model.parameter("F.B" + l).value());
                }
                if (stored && !reverseShared(l)) {
                    reverse.ownFeedback[l] = ModelFixtures.toDouble(model.parameter("R.B" + l).value());
                }
            }
            // The coupling, by definition: F's feedback of hidden layer l is R's W_{L-1-l} transposed,
            // and in "both" R's feedback of j is F's W_{L-1-j} transposed.
            forward.sharedFeedback = l -> forwardShared(l) ? transpose(reverse.weights[LAYERS - 1 - l]) : null;
            reverse.sharedFeedback = j -> reverseShared(j) ? transpose(forward.weights[LAYERS - 1 - j]) : null;
        }

        boolean forwardShared(int l) {
            return mode.coupling() != Coupling.NONE && l >= 1 && l <= LAYERS - 2;
        }

        boolean reverseShared(int j) {
            return mode.coupling() == Coupling.BOTH && j >= 1 && j <= LAYERS - 2;
        }

        void step(double[][] forwardInput, int[] forwardLabels, double[][] reverseInput, int[] reverseLabels) {
            // Both networks' passes read the matrices as they were before the step.
            double[][][] forwardFeedback = feedbackMatrices(forward);
            double[][][] reverseFeedback = feedbackMatrices(reverse);
            backward(forward, forwardFeedback, forwardInput, forwardLabels);
            backward(reverse, reverseFeedback, reverseInput, reverseLabels);
            boolean kp = mode.rule() == KolenPollack.RULE;
            double decay = kp ? (float) (1.0 - (double) RATE * DECAY) : 1.0;
            // Every matrix's gradient, each added up over the roles it plays.
            double[][][] forwardWeightGradients = forward.weightGradients.clone();
            double[][][] reverseWeightGradients = reverse.weightGradients.clone();
            double[][][] forwardFeedbackGradients = new double[LAYERS][][];
            double[][][] reverseFeedbackGradients = new double[LAYERS][][];
            if (kp) {
                for (int l = 1; l < LAYERS; l++) {
                    // Kolen–Pollack: a feedback matrix receives its layer's weight gradient.
                    if (forwardShared(l)) {
                        int j = LAYERS - 1 - l;
                        reverseWeightGradients[j] = add(reverseWeightGradients[j], transpose(forward.weightGradients[l]));
                    } else {
                        forwardFeedbackGradients[l] = forward.weightGradients[l];
                    }
                    if (reverseShared(l)) {
                        int i = LAYERS - 1 - l;
                        forwardWeightGradients[i] = add(forwardWeightGradients[i], transpose(reverse.weightGradients[l]));
                    } else {
                        reverseFeedbackGradients[l] = reverse.weightGradients[l];
                    }
                }
            }
            for (Net n : new Net[] {forward, reverse}) {
                double[][][] weightGradients = n == forward ? forwardWeightGradients : reverseWeightGradients;
                double[][][] feedbackGradients = n == forward ? forwardFeedbackGradients : reverseFeedbackGradients;
                for (int l = 0; l < LAYERS; l++) {
                    n.weightVelocity[l] = update(n.weights[l], weightGradients[l], n.weightVelocity[l], decay);
                    n.biasVelocity[l] = update(n.biases[l], n.biasGradients[l], n.biasVelocity[l], 1.0);
                    if (feedbackGradients[l] != null) {
                        n.feedbackVelocity[l] = update(n.ownFeedback[l], feedbackGradients[l], n.feedbackVelocity[l], decay);
                    }
                }
            }
        }

        /** M_l for l >= 1 as the rule defines it, from the matrices before the step. */
        double[][][] feedbackMatrices(Net n) {
            double[][][] m = new double[LAYERS][][];
            for (int l = 1; l < LAYERS; l++) {
                double[][] w = n.weights[l];
                if (mode.rule() == Backprop.RULE) {
                    m[l] = copy(w);
                } else if (mode.rule() == SignSymmetry.RULE) {
                    double scale = (float) Math.sqrt(2.0 / (w.length + w[0].length));
                    m[l] = new double[w.length][w[0].length];
                    for (int i = 0; i < w.length; i++) {
                        for (int j = 0; j < w[0].length; j++) {
                            m[l][i][j] = Math.signum(w[i][j]) * scale;
                        }
                    }
                } else {
                    m[l] = copy(n.feedback(l));
                }
            }
            return m;
        }

        /** Forward and backward over one batch; leaves the gradients in {@code n}. */
        void backward(Net n, double[][][] feedback, double[][] input, int[] labels) {
            double[][][] h = new double[LAYERS + 1][][];
            h[0] = input;
            for (int l = 0; l < LAYERS; l++) {
                double[][] z = multiplyTransposed(h[l], n.weights[l]);
                for (double[] row : z) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] += n.biases[l][0][j];
                    }
                    if (l < LAYERS - 1) {
                        double mean = mean(row);
                        for (int j = 0; j < row.length; j++) {
                            row[j] = Math.tanh(row[j] - mean);
                        }
                    }
                }
                h[l + 1] = z;
            }
            double[][] d = new double[BATCH][];
            double[][] outputError = d;
            for (int i = 0; i < BATCH; i++) {
                double[] logits = h[LAYERS][i];
                double max = java.util.Arrays.stream(logits).max().orElseThrow();
                double sum = java.util.Arrays.stream(logits).map(v -> Math.exp(v - max)).sum();
                d[i] = new double[logits.length];
                for (int j = 0; j < logits.length; j++) {
                    d[i][j] = (Math.exp(logits[j] - max) / sum - (j == labels[i] ? 1 : 0)) / BATCH;
                }
            }
            for (int l = LAYERS - 1; l >= 0; l--) {
                n.weightGradients[l] = multiplyTransposed(transpose(d), transpose(h[l]));
                n.biasGradients[l] = new double[1][d[0].length];
                for (double[] row : d) {
                    for (int j = 0; j < row.length; j++) {
                        n.biasGradients[l][0][j] += row[j];
                    }
                }
                if (l > 0) {
                    // dfa: every hidden layer's error is the output error through its own matrix.
                    double[][] source = mode.rule() == DirectFeedbackAlignment.RULE ? outputError : d;
                    double[][] below = multiplyTransposed(source, transpose(feedback[l]));
                    for (int i = 0; i < BATCH; i++) {
                        for (int j = 0; j < below[i].length; j++) {
                            double y = h[l][i][j];
                            below[i][j] *= 1 - y * y;
                        }
                        double mean = mean(below[i]);
                        for (int j = 0; j < below[i].length; j++) {
                            below[i][j] -= mean;
                        }
                    }
                    d = below;
                }
            }
        }

        /** Momentum SGD after the decay: v = μv + g; θ = θ·decay − η·v. Returns the new velocity. */
        static double[][] update(double[][] theta, double[][] gradient, double[][] velocity, double decay) {
            double[][] v = new double[theta.length][theta[0].length];
            for (int i = 0; i < theta.length; i++) {
                for (int j = 0; j < theta[0].length; j++) {
                    v[i][j] = (velocity == null ? 0 : MOMENTUM * velocity[i][j]) + gradient[i][j];
                    theta[i][j] = theta[i][j] * decay - RATE * v[i][j];
                }
            }
            return v;
        }
    }

    /** {@code a · bᵀ}. */
    private static double[][] multiplyTransposed(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                double sum = 0;
                for (int k = 0; k < a[i].length; k++) {
                    sum += a[i][k] * b[j][k];
                }
                c[i][j] = sum;
            }
        }
        return c;
    }

    private static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] c = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                c[i][j] = a[i][j] + b[i][j];
            }
        }
        return c;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static double mean(double[] row) {
        return java.util.Arrays.stream(row).sum() / row.length;
    }
}
