package dev.bfa.training;

import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import java.util.random.RandomGenerator;

/**
 * A learnable fixture: each class is a random centre in input space, examples are centre + noise.
 * Deterministic for a seed, independent of the code under test.
 */
final class SyntheticData implements BatchSource, ExampleSet {
    private final float[][] inputs;
    private final int[] labels;
    private int next;

    SyntheticData(int examples, int features, int classes, float noise, long seed) {
        RandomGenerator random = BidirectionalModel.generatorFor(seed, "synthetic");
        float[][] centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int j = 0; j < features; j++) {
                centre[j] = (float) random.nextGaussian();
            }
        }
        inputs = new float[examples][features];
        labels = new int[examples];
        for (int i = 0; i < examples; i++) {
            labels[i] = random.nextInt(classes);
            for (int j = 0; j < features; j++) {
                inputs[i][j] = centres[labels[i]][j] + noise * (float) random.nextGaussian();
            }
        }
    }

    @Override
    public void nextBatch(FloatMatrix input, int[] batchLabels) {
        for (int r = 0; r < input.rows(); r++) {
            copy(next, input, r, batchLabels);
            next = (next + 1) % labels.length;
        }
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public void slice(int first, FloatMatrix input, int[] batchLabels) {
        for (int r = 0; r < input.rows(); r++) {
            copy(first + r, input, r, batchLabels);
        }
    }

    private void copy(int example, FloatMatrix input, int row, int[] batchLabels) {
        for (int j = 0; j < input.cols(); j++) {
            input.set(row, j, inputs[example][j]);
        }
        batchLabels[row] = labels[example];
    }
}
