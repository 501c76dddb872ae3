package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/** {@link Shapes#overlap}: exact for views of one leading dimension, conservative otherwise. */
class ShapesTest {
    @Test
    void blocksOfOneMatrixOverlapExactlyWhenTheyShareAnElement() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix m = FloatMatrix.allocate(arena, 8, 30);
            FloatMatrix left = m.block(0, 0, 8, 10);
            FloatMatrix middle = m.block(0, 10, 8, 10);
            FloatMatrix right = m.block(2, 20, 3, 10);
            assertThat(Shapes.overlap(left, middle)).isFalse();
            assertThat(Shapes.overlap(middle, left)).isFalse();
            assertThat(Shapes.overlap(middle, right)).isFalse();
            assertThat(Shapes.overlap(m.block(0, 0, 4, 30), m.block(4, 0, 4, 30))).isFalse();
            assertThat(Shapes.overlap(m.block(0, 9, 8, 2), middle)).isTrue();
            assertThat(Shapes.overlap(m.block(4, 25, 1, 1), right)).isTrue();
            assertThat(Shapes.overlap(m.block(5, 25, 1, 1), right)).isFalse();
            assertThat(Shapes.overlap(m, m.transpose())).isTrue();
            assertThat(Shapes.overlap(middle.transpose(), left)).isFalse();
            assertThat(Shapes.overlap(m.block(1, 3, 2, 2), m)).isTrue();
        }
    }

    @Test
    void viewsOfDifferentLeadingDimensionsOverlapWhenTheirBytesDo() {
        try (Arena arena = Arena.ofConfined()) {
            FloatMatrix m = FloatMatrix.allocate(arena, 8, 30);
            FloatMatrix other = FloatMatrix.allocate(arena, 8, 30);
            FloatMatrix reread = FloatMatrix.wrap(m.segment(), 12, 20, 20);
            assertThat(Shapes.overlap(m.block(0, 0, 8, 10), reread)).isTrue();
            assertThat(Shapes.overlap(m, other)).isFalse();
        }
    }
}
