package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Layer;
import dev.bfa.model.Mode;
import dev.bfa.model.Network;
import java.util.random.RandomGenerator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * In {@code bp} mode the backward pass must give the true gradient of the loss. The reference is
 * independent of the trainer: a forward pass in double precision written here (centring,
 * activation, softmax cross-entropy as docs/spec.md, "One training step", defines them),
 * differentiated by central finite differences.
 */
class BackpropGradientCheckTest {
    private static final int ROWS = 5;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void backpropGradientsMatchFiniteDifferences(Activation activation) {
        ModelSpec spec = new ModelSpec(Mode.BP, new Architecture(6, 9, 3, 4), new Architecture(7, 9, 3, 4), activation, 21);
        try (ComputePool pool = ComputePool.create(2); BidirectionalModel model = BidirectionalModel.create(spec)) {
            for (Network network : new Network[] {model.forward(), model.reverse()}) {
                checkNetwork(network, pool);
            }
        }
    }

    private static void checkNetwork(Network network, ComputePool pool) {
        RandomGenerator random = BidirectionalModel.generatorFor(5, "gradient-check-" + network.name());
        int inputs = network.architecture().inputs();
        double[][] x = new double[ROWS][inputs];
        int[] labels = new int[ROWS];
        try (NetworkPass pass = new NetworkPass(network, ROWS, KernelProvider.kernels(), pool)) {
            FloatMatrix input = pass.input(ROWS);
            for (int i = 0; i < ROWS; i++) {
                labels[i] = random.nextInt(network.architecture().classes());
                for (int j = 0; j < inputs; j++) {
                    float v = (float) random.nextGaussian();
                    input.set(i, j, v);
                    x[i][j] = v;
                }
            }
            pass.forward(ROWS);
            pass.backward(ROWS, labels, true, false);

            double[][][] weights = new double[network.layerCount()][][];
            double[][] biases = new double[network.layerCount()][];
            for (int l = 0; l < network.layerCount(); l++) {
                weights[l] = ModelFixtures.toDouble(network.layer(l).weight());
                biases[l] = ModelFixtures.toDouble(network.layer(l).bias())[0];
            }
            for (int l = 0; l < network.layerCount(); l++) {
                Layer layer = network.layer(l);
                for (int i = 0; i < layer.outputs(); i++) {
                    for (int j = 0; j < layer.inputs(); j++) {
                        double numeric = centralDifference(weights[l][i], j, () -> loss(network, weights, biases, x, labels));
                        assertClose(layer.weightGradient().get(i, j), numeric,
                                network.name() + " dL/dW" + l + "[" + i + "][" + j + "]");
                    }
                    double numeric = centralDifference(biases[l], i, () -> loss(network, weights, biases, x, labels));
                    assertClose(layer.biasGradient().get(0, i), numeric, network.name() + " dL/db" + l + "[" + i + "]");
                }
            }
        }
    }

    private static double centralDifference(double[] values, int index, java.util.function.DoubleSupplier loss) {
        double h = 1e-6;
        double saved = values[index];
        values[index] = saved + h;
        double up = loss.getAsDouble();
        values[index] = saved - h;
        double down = loss.getAsDouble();
        values[index] = saved;
        return (up - down) / (2 * h);
    }

    /** The float gradient agrees with the double one to float accuracy (relative 1e-3, absolute 1e-6). */
    private static void assertClose(float analytic, double numeric, String what) {
        double tolerance = 1e-3 * Math.max(Math.abs(numeric), 1e-3) + 1e-6;
        assertThat((double) analytic).as(what + " (finite difference " + numeric + ")").isCloseTo(numeric,
                org.assertj.core.data.Offset.offset(tolerance));
    }

    /** Mean softmax cross-entropy of the network in double, as docs/spec.md ("Loss") defines it. */
    private static double loss(Network network, double[][][] w, double[][] b, double[][] x, int[] labels) {
        double total = 0;
        for (int row = 0; row < x.length; row++) {
            double[] h = x[row];
            for (int l = 0; l < w.length; l++) {
                double[] z = new double[w[l].length];
                for (int i = 0; i < z.length; i++) {
                    double sum = b[l][i];
                    for (int j = 0; j < h.length; j++) {
                        sum += w[l][i][j] * h[j];
                    }
                    z[i] = sum;
                }
                if (l < w.length - 1) {
                    double mean = 0;
                    for (double v : z) {
                        mean += v;
                    }
                    mean /= z.length;
                    for (int i = 0; i < z.length; i++) {
                        double c = z[i] - mean;
                        z[i] = network.activation() == Activation.RELU ? Math.max(c, 0) : Math.tanh(c);
                    }
                }
                h = z;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (double v : h) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (double v : h) {
                sum += Math.exp(v - max);
            }
            total += Math.log(sum) + max - h[labels[row]];
        }
        return total / x.length;
    }
}
