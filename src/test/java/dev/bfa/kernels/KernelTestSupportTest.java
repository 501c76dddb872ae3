package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.assertBitIdentical;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** The comparison helper itself: it must see every bit that matters and only those. */
class KernelTestSupportTest {

    @Test
    void oneUlpSignedZeroAndSubnormalDifferencesFail() {
        float x = 1.2345f;
        assertThatThrownBy(() -> assertBitIdentical(new float[] {0f, x}, new float[] {0f, Math.nextUp(x)}, "ulp"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("index 1").hasMessageContaining("0x3f9e0419").hasMessageContaining("0x3f9e041a");
        assertThatThrownBy(() -> assertBitIdentical(new float[] {0f}, new float[] {-0f}, "zero"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("0x80000000");
        assertThatThrownBy(() -> assertBitIdentical(new float[] {Float.MIN_VALUE}, new float[] {0f}, "ftz"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertBitIdentical(new float[] {Float.NaN}, new float[] {Float.POSITIVE_INFINITY}, "nan"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> assertBitIdentical(new float[2], new float[3], "length"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("lengths");
        assertThatThrownBy(() -> assertBitIdentical(new float[] {1, 2, 3, 4, 5, 6}, new float[] {1, 2, 3, 4, 5, 7}, 3, "rc"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("(1, 2)");
        assertThatThrownBy(() -> assertBitIdentical(0.1, Math.nextUp(0.1), "double"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("0x3fb999999999999a");
    }

    @Test
    void nanPayloadsAreEqual() {
        float quiet = Float.NaN;
        float payload = Float.intBitsToFloat(0xffc0_1234);
        float signalling = Float.intBitsToFloat(0x7f80_0001);
        assertThatCode(() -> assertBitIdentical(new float[] {quiet, payload}, new float[] {signalling, quiet}, "nan"))
                .doesNotThrowAnyException();
        assertThatCode(() -> assertBitIdentical(Double.NaN, Double.longBitsToDouble(0xfff8_0000_0000_0001L), "nan"))
                .doesNotThrowAnyException();
    }

    @Test
    void layoutsHoldTheSameLogicalValues() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = KernelTestSupport.uniform(KernelTestSupport.random(1), 5 * 7);
            for (Layout layout : Layout.values()) {
                FloatMatrix m = KernelTestSupport.matrixOf(arena, 5, 7, layout, values);
                assertThat(m.rows()).isEqualTo(5);
                assertThat(m.cols()).isEqualTo(7);
                assertThat(m.isTransposed()).isEqualTo(layout.transposed);
                assertThat(m.ld() > m.storageCols()).isEqualTo(layout.padded);
                assertThat(m.toArray()).containsExactly(values);
            }
            KernelTestSupport.Scratch scratch = new KernelTestSupport.Scratch(arena, 1);
            FloatMatrix padded = scratch.matrix(0, 3, 4, Layout.PADDED, new float[12]);
            float[] raw = KernelTestSupport.rawStorage(padded);
            assertThat(raw[4]).as("gap after row 0").isEqualTo(KernelTestSupport.GAP_SENTINEL);
        }
    }

    @Test
    void seededDataIsReproducible() {
        float[] a = KernelTestSupport.wideRange(KernelTestSupport.random(42), 100);
        float[] b = KernelTestSupport.wideRange(KernelTestSupport.random(42), 100);
        assertThat(a).containsExactly(b);
        assertThat(KernelTestSupport.random(42).nextLong()).isEqualTo(KernelTestSupport.random(42).nextLong());
    }
}
