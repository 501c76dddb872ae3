package dev.bfa.training;

import dev.bfa.kernels.Activation;
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
}
