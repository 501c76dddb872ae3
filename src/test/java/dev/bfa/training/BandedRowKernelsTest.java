package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Layer;
import dev.bfa.model.Mode;
import dev.bfa.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A pass whose row kernels run in bands over several threads leaves the same bits in every
 * activation, error and gradient as one thread does, for full batches (banded) and a smaller one
 * (one call), with widths that do not divide into bands evenly.
 */
class BandedRowKernelsTest {
    /** Hidden width 40: column bands of 16 + 24 (2 threads) or 16 + 16 + 8 (3 and more). */
    private static final ModelSpec SPEC = new ModelSpec(Mode.FA, new Architecture(20, 40, 3, 5),
            new Architecture(12, 40, 3, 5), Activation.RELU, 5);
    private static final int MAX_BATCH = 17;

    @ParameterizedTest
    @EnumSource(Activation.class)
    void bandedPassMatchesOneThreadBitForBit(Activation activation) {
        ModelSpec spec = new ModelSpec(SPEC.mode(), SPEC.forward(), SPEC.reverse(), activation, SPEC.seed());
        Kernels kernels = KernelProvider.kernels();
        for (int threads : new int[] {2, 3, 8}) {
            try (BidirectionalModel model = BidirectionalModel.create(spec);
                 ComputePool one = ComputePool.create(1);
                 ComputePool many = ComputePool.create(threads);
                 NetworkPass reference = new NetworkPass(model.forward(), MAX_BATCH, kernels, one);
                 NetworkPass banded = new NetworkPass(model.forward(), MAX_BATCH, kernels, many)) {
                for (int rows : new int[] {MAX_BATCH, 6}) {
                    List<int[]> expected = runPass(reference, rows, 41);
                    List<int[]> actual = runPass(banded, rows, 41);
                    for (int i = 0; i < expected.size(); i++) {
                        assertThat(actual.get(i)).as("%d threads, %d rows, buffer %d", threads, rows, i)
                                .isEqualTo(expected.get(i));
                    }
                }
            }
        }
    }

    /** Forward and backward on seeded inputs; the raw bits of every buffer and gradient it wrote. */
    private static List<int[]> runPass(NetworkPass pass, int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        FloatMatrix input = pass.input(rows);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < input.cols(); j++) {
                input.set(i, j, (float) random.nextGaussian());
            }
        }
        int[] labels = random.ints(rows, 0, 5).toArray();
        // NaN everywhere the pass should write, so that an element it skips cannot match.
        Network network = pass.network();
        for (int l = 0; l < network.layerCount(); l++) {
            pass.activation(l + 1, rows).fill(Float.NaN);
            pass.error(l, rows).fill(Float.NaN);
            network.layer(l).weightGradient().fill(Float.NaN);
            network.layer(l).biasGradient().fill(Float.NaN);
        }
        pass.forward(rows);
        pass.backward(rows, labels, true, false);
        List<int[]> buffers = new ArrayList<>();
        for (int level = 0; level <= network.layerCount(); level++) {
            buffers.add(bits(pass.activation(level, rows)));
        }
        for (int l = 0; l < network.layerCount(); l++) {
            Layer layer = network.layer(l);
            buffers.add(bits(pass.error(l, rows)));
            buffers.add(bits(layer.weightGradient()));
            buffers.add(bits(layer.biasGradient()));
        }
        return buffers;
    }

    private static int[] bits(FloatMatrix m) {
        float[] values = m.toArray();
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Test
    void bandsCoverEveryIndexOnceAndStartAligned() {
        for (int count : new int[] {1, 5, 16, 17, 40, 1000, 1024}) {
            for (int alignment : new int[] {1, 16}) {
                int maxBands = (count + alignment - 1) / alignment;
                for (int bands = 1; bands <= Math.min(maxBands, 9); bands++) {
                    assertThat(BandedRowKernels.bandStart(0, count, bands, alignment)).isZero();
                    assertThat(BandedRowKernels.bandStart(bands, count, bands, alignment)).isEqualTo(count);
                    for (int b = 0; b < bands; b++) {
                        int start = BandedRowKernels.bandStart(b, count, bands, alignment);
                        int end = BandedRowKernels.bandStart(b + 1, count, bands, alignment);
                        assertThat(start % alignment).as("start of band %d", b).isZero();
                        assertThat(end).as("band %d of %d over %d", b, bands, count).isGreaterThan(start);
                    }
                }
            }
        }
    }
}
