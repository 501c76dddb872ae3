package dev.bfa.training;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Mode;
import dev.bfa.model.Parameter;
import java.util.zip.CRC32C;

/** Small models for the trainer's tests, and a fingerprint of all their memory. */
final class ModelFixtures {
    static final int F_INPUTS = 20;
    static final int R_INPUTS = 12;
    static final int WIDTH = 64;
    static final int DEPTH = 3;
    static final int CLASSES = 5;

    private ModelFixtures() {
    }

    static ModelSpec spec(Mode mode, Activation activation, long seed) {
        return spec(mode, activation, seed, WIDTH);
    }

    static ModelSpec spec(Mode mode, Activation activation, long seed, int width) {
        return new ModelSpec(mode, new Architecture(F_INPUTS, width, DEPTH, CLASSES),
                new Architecture(R_INPUTS, width, DEPTH, CLASSES), activation, seed);
    }

    /**
     * Trains a model of {@code spec} for {@code steps} steps of batch 16 on the two synthetic datasets
     * the trainer's tests share, with the provider's kernels on {@code threads} threads, and returns
     * its {@link #fingerprint}.
     */
    static long fingerprintAfterTraining(ModelSpec spec, OptimizerConfig optimizer, int threads, int steps) {
        try (ComputePool pool = ComputePool.create(threads);
             BidirectionalModel model = BidirectionalModel.create(spec);
             Trainer trainer = new Trainer(model, optimizer, 16,
                     new SyntheticData(128, F_INPUTS, CLASSES, 0.5f, 1),
                     new SyntheticData(128, R_INPUTS, CLASSES, 0.5f, 2),
                     KernelProvider.kernels(), pool)) {
            for (int step = 0; step < steps; step++) {
                trainer.step();
            }
            return fingerprint(model);
        }
    }

    /** CRC32C over the raw bits of every parameter value, in model order. */
    static long fingerprint(BidirectionalModel model) {
        CRC32C crc = new CRC32C();
        for (Parameter p : model.parameters()) {
            for (float v : p.value().toArray()) {
                int bits = Float.floatToRawIntBits(v);
                crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16), (byte) (bits >> 24)});
            }
        }
        return crc.getValue();
    }

    /** The logical elements of {@code m}, row by row, in double (exact), for the double-precision references. */
    static double[][] toDouble(FloatMatrix m) {
        double[][] out = new double[m.rows()][m.cols()];
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                out[i][j] = m.get(i, j);
            }
        }
        return out;
    }
}
