package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The training-set mean and std, and the exact input operation they define. */
class NormalizationTest {
    @Test
    void meanAndStdMatchADirectDoubleComputation() {
        byte[] pixels = TestFiles.pixels(7 * 12, 5);
        try (LabeledImages set = LabeledImages.copyOf(pixels, TestFiles.labels(7, 10), 12, 10)) {
            Normalization n = Normalization.of(set);
            double sum = 0;
            for (byte p : pixels) {
                sum += (p & 0xFF) / 255.0;
            }
            double mean = sum / pixels.length;
            double squares = 0;
            for (byte p : pixels) {
                double d = (p & 0xFF) / 255.0 - mean;
                squares += d * d;
            }
            double std = Math.sqrt(squares / pixels.length);
            assertThat(n.mean()).isEqualTo((float) mean);
            assertThat(n.std()).isEqualTo((float) std);
        }
    }

    @Test
    void handComputedSmallCase() {
        // pixels 0 and 255 in equal numbers: mean 0.5, std 0.5
        byte[] pixels = {0, (byte) 255, 0, (byte) 255};
        try (LabeledImages set = LabeledImages.copyOf(pixels, new byte[] {0, 1}, 2, 10)) {
            Normalization n = Normalization.of(set);
            assertThat(n.mean()).isEqualTo(0.5f);
            assertThat(n.std()).isEqualTo(0.5f);
            assertThat(n.scale()).isEqualTo((float) (1.0 / 127.5));
            assertThat(n.offset()).isEqualTo(-1f);
            assertThat(n.apply(0)).isEqualTo(-1f);
            // scale rounds to float, so 255 lands one ulp above 1: the defined operation, not (b/255 - mean)/std
            assertThat(n.apply(255)).isEqualTo(Math.nextUp(1f));
        }
    }

    @Test
    void applyIsOneFusedMultiplyAdd() {
        Normalization n = new Normalization(0.13066047f, 0.3081078f);
        assertThat(n.scale()).isEqualTo((float) (1.0 / (255.0 * 0.3081078f)));
        assertThat(n.offset()).isEqualTo((float) (-(double) 0.13066047f / 0.3081078f));
        for (int b = 0; b < 256; b++) {
            assertThat(n.apply(b)).isEqualTo(Math.fma((float) b, n.scale(), n.offset()));
            assertThat((double) n.apply(b)).isCloseTo((b / 255.0 - n.mean()) / n.std(), within(1e-6));
        }
        assertThat(n.apply(-1)).isEqualTo(n.apply(255)); // only the unsigned low byte counts
        assertThat(Normalization.UNIT.apply(51)).isEqualTo(Math.fma(51f, (float) (1 / 255.0), 0f));
    }

    @Test
    void constantPixelsCannotBeStandardised() {
        try (LabeledImages set = LabeledImages.copyOf(new byte[] {7, 7, 7, 7}, new byte[] {0, 1}, 2, 10)) {
            assertThatThrownBy(() -> Normalization.of(set)).isInstanceOf(DataFormatException.class)
                    .hasMessageContaining("same value");
        }
        assertThatThrownBy(() -> new Normalization(0f, 0f)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Normalization(Float.NaN, 1f)).isInstanceOf(IllegalArgumentException.class);
    }
}
