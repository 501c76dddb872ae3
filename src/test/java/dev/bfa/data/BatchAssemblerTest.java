package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Normalised float batches from pixel bytes: exact values, row placement, labels, checks. */
class BatchAssemblerTest {
    private static final int F = 5;
    private Arena arena;
    private LabeledImages data;
    private final byte[] pixels = {
        0, 1, 2, 3, 4,
        10, 20, 30, 40, 50,
        (byte) 255, (byte) 128, 127, 0, 64,
        9, 8, 7, 6, 5};
    private final byte[] labels = {4, 7, 0, 9};
    private final Normalization norm = new Normalization(0.25f, 0.3f);

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        data = LabeledImages.copyOf(pixels, labels, F, 10);
    }

    @AfterEach
    void tearDown() {
        data.close();
        arena.close();
    }

    @Test
    void valuesAreTheDefinedFmaOfEachByte() {
        FloatMatrix out = FloatMatrix.allocate(arena, 4, F);
        out.fill(-99f);
        int[] labelsOut = new int[4];
        new BatchAssembler(F).assemble(data, new int[] {2, 0, 2, 99}, 3, norm, out, labelsOut);
        float scale = (float) (1.0 / (255.0 * 0.3f));
        float offset = (float) (-(double) 0.25f / 0.3f);
        int[] rows = {2, 0, 2};
        for (int r = 0; r < 3; r++) {
            for (int j = 0; j < F; j++) {
                int b = pixels[rows[r] * F + j] & 0xFF;
                assertThat(out.get(r, j)).isEqualTo(Math.fma((float) b, scale, offset));
                assertThat((double) out.get(r, j)).isCloseTo((b / 255.0 - 0.25) / 0.3, within(1e-5));
            }
        }
        assertThat(out.get(0, 0)).isCloseTo((1.0f - 0.25f) / 0.3f, within(1e-6f));
        assertThat(labelsOut).containsExactly(0, 4, 0, 0);
        for (int j = 0; j < F; j++) {
            assertThat(out.get(3, j)).isEqualTo(-99f); // rows past count are untouched
        }
    }

    @Test
    void respectsTheLeadingDimensionAndNullLabels() {
        FloatMatrix out = FloatMatrix.allocate(arena, 2, F, 8);
        new BatchAssembler(F).assemble(data, new int[] {3, 1}, 2, Normalization.UNIT, out, null);
        assertThat(out.get(0, 4)).isEqualTo(Math.fma(5f, (float) (1 / 255.0), 0f));
        assertThat(out.get(1, 0)).isEqualTo(Math.fma(10f, (float) (1 / 255.0), 0f));
        assertThat(out.segment().get(java.lang.foreign.ValueLayout.JAVA_FLOAT, 5 * 4L)).isZero(); // padding
    }

    @Test
    void checksItsArguments() {
        BatchAssembler a = new BatchAssembler(F);
        FloatMatrix out = FloatMatrix.allocate(arena, 2, F);
        assertThatThrownBy(() -> a.assemble(data, new int[] {0, 4}, 2, norm, out, null))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> a.assemble(data, new int[] {0, 1, 2}, 3, norm, out, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.assemble(data, new int[] {0}, 2, norm, out, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.assemble(data, new int[] {0}, 1, norm, FloatMatrix.allocate(arena, F, 2).transpose(),
                null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.assemble(data, new int[] {0, 1}, 2, norm, out, new int[1]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchAssembler(4).assemble(data, new int[] {0}, 1, norm, out, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void assembleDoesNotAllocate() {
        int n = 256;
        int features = 784;
        byte[] many = TestFiles.pixels(n * features, 3);
        try (LabeledImages set = LabeledImages.copyOf(many, TestFiles.labels(n, 10), features, 10)) {
            BatchAssembler a = new BatchAssembler(features);
            FloatMatrix out = FloatMatrix.allocate(arena, 64, features);
            int[] indices = new int[64];
            int[] labelsOut = new int[64];
            for (int i = 0; i < 64; i++) {
                indices[i] = (i * 37) % n;
            }
            for (int i = 0; i < 200; i++) {
                a.assemble(set, indices, 64, norm, out, labelsOut);
            }
            com.sun.management.ThreadMXBean threads =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long tid = Thread.currentThread().threadId();
            long before = threads.getThreadAllocatedBytes(tid);
            for (int i = 0; i < 500; i++) {
                a.assemble(set, indices, 64, norm, out, labelsOut);
            }
            long allocated = threads.getThreadAllocatedBytes(tid) - before;
            assertThat(allocated).isLessThan(1024);
            assertThat(out.get(63, 783)).isEqualTo(norm.apply(many[indices[63] * features + 783]));
        }
    }
}
