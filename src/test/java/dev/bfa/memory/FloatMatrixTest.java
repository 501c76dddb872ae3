package dev.bfa.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Views over off-heap memory: orientation without copies, blocks, leading dimensions, alignment, checks. */
class FloatMatrixTest {
    private Arena arena;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private static float[] iota(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i + 1;
        }
        return values;
    }

    @Test
    void allocateGivesAZeroedRowMajorMatrix() {
        FloatMatrix m = FloatMatrix.allocate(arena, 3, 5);
        assertThat(m.rows()).isEqualTo(3);
        assertThat(m.cols()).isEqualTo(5);
        assertThat(m.ld()).isEqualTo(5);
        assertThat(m.isTransposed()).isFalse();
        assertThat(m.isContiguous()).isTrue();
        assertThat(m.toArray()).containsOnly(0f);
        m.copyFrom(iota(15));
        assertThat(m.get(1, 2)).isEqualTo(8f);
        assertThat(m.offset(1, 2)).isEqualTo((1 * 5 + 2) * 4L);
        assertThat(m.segment().get(ValueLayout.JAVA_FLOAT, (1 * 5 + 2) * 4L)).isEqualTo(8f);
        assertThat(m.toArray()).containsExactly(iota(15));
        assertThat(m.toString()).contains("3x5");
    }

    @Test
    void transposeIsAViewOfTheSameMemory() {
        FloatMatrix m = FloatMatrix.allocate(arena, 3, 4);
        m.copyFrom(iota(12));
        FloatMatrix t = m.transpose();
        assertThat(t.rows()).isEqualTo(4);
        assertThat(t.cols()).isEqualTo(3);
        assertThat(t.isTransposed()).isTrue();
        assertThat(t.segment().address()).isEqualTo(m.segment().address());
        assertThat(t.segment().byteSize()).isEqualTo(m.segment().byteSize());
        assertThat(t.storageRows()).isEqualTo(3);
        assertThat(t.storageCols()).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertThat(t.get(j, i)).isEqualTo(m.get(i, j));
                assertThat(t.offset(j, i)).isEqualTo(m.offset(i, j));
            }
        }
        // Writes through either view are seen through the other: no copy anywhere.
        t.set(3, 1, -7f);
        assertThat(m.get(1, 3)).isEqualTo(-7f);
        m.set(0, 2, 42f);
        assertThat(t.get(2, 0)).isEqualTo(42f);
        // Transposing twice gives the original orientation.
        FloatMatrix back = t.transpose();
        assertThat(back.isTransposed()).isFalse();
        assertThat(back.toArray()).containsExactly(m.toArray());
        // toArray / copyFrom of a transposed view are in its logical (transposed) row-major order.
        assertThat(t.toArray()).containsExactly(1f, 5f, 9f, 2f, 6f, 10f, 42f, 7f, 11f, 4f, -7f, 12f);
        t.copyFrom(iota(12));
        assertThat(m.toArray()).containsExactly(1f, 4f, 7f, 10f, 2f, 5f, 8f, 11f, 3f, 6f, 9f, 12f);
        float[] row = new float[5];
        t.copyRowTo(1, row, 2);
        assertThat(row).containsExactly(0f, 0f, 4f, 5f, 6f);
    }

    @Test
    void leadingDimensionLeavesGapsBetweenRows() {
        FloatMatrix m = FloatMatrix.allocate(arena, 3, 4, 7);
        assertThat(m.ld()).isEqualTo(7);
        assertThat(m.isContiguous()).isFalse();
        // The segment ends right after the last element: (rows - 1) * ld + cols floats.
        assertThat(m.segment().byteSize()).isEqualTo((2 * 7 + 4) * 4L);
        m.copyFrom(iota(12));
        float[] raw = m.segment().toArray(ValueLayout.JAVA_FLOAT);
        assertThat(raw).containsExactly(1, 2, 3, 4, 0, 0, 0, 5, 6, 7, 8, 0, 0, 0, 9, 10, 11, 12);
        assertThat(m.offset(2, 1)).isEqualTo((2 * 7 + 1) * 4L);
        // fill and copyFrom never touch the gaps.
        m.fill(-1f);
        raw = m.segment().toArray(ValueLayout.JAVA_FLOAT);
        assertThat(raw).containsExactly(-1, -1, -1, -1, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, -1, -1, -1, -1);
        FloatMatrix t = m.transpose();
        assertThat(t.ld()).isEqualTo(7);
        assertThat(t.get(3, 2)).isEqualTo(-1f);
        // A single-row matrix with ld > cols is contiguous.
        assertThat(FloatMatrix.allocate(arena, 1, 4, 9).isContiguous()).isTrue();
    }

    @Test
    void fillWithNegativeZeroKeepsTheSign() {
        FloatMatrix m = FloatMatrix.allocate(arena, 2, 3);
        m.fill(-0f);
        for (float x : m.toArray()) {
            assertThat(Float.floatToRawIntBits(x)).isEqualTo(0x8000_0000);
        }
        m.fill(0f);
        for (float x : m.toArray()) {
            assertThat(Float.floatToRawIntBits(x)).isZero();
        }
    }

    @Test
    void blockIsAViewIntoTheParent() {
        FloatMatrix m = FloatMatrix.allocate(arena, 5, 6);
        m.copyFrom(iota(30));
        FloatMatrix b = m.block(1, 2, 3, 3);
        assertThat(b.rows()).isEqualTo(3);
        assertThat(b.cols()).isEqualTo(3);
        assertThat(b.ld()).isEqualTo(6);
        assertThat(b.isContiguous()).isFalse();
        assertThat(b.toArray()).containsExactly(9, 10, 11, 15, 16, 17, 21, 22, 23);
        assertThat(b.segment().address()).isEqualTo(m.segment().address() + m.offset(1, 2));
        // The block's segment covers just its extent.
        assertThat(b.segment().byteSize()).isEqualTo((2 * 6 + 3) * 4L);
        b.set(2, 0, -5f);
        assertThat(m.get(3, 2)).isEqualTo(-5f);
        b.fill(0f);
        // Only the block changed.
        float[] expected = iota(30);
        for (int i = 1; i < 4; i++) {
            for (int j = 2; j < 5; j++) {
                expected[i * 6 + j] = 0f;
            }
        }
        assertThat(m.toArray()).containsExactly(expected);
        // A block of a block.
        FloatMatrix inner = m.block(1, 1, 4, 4).block(2, 1, 2, 3);
        assertThat(inner.toArray()).containsExactly(m.block(3, 2, 2, 3).toArray());
        assertThat(inner.get(1, 2)).isEqualTo(m.get(4, 4));
    }

    @Test
    void blockOfATransposedViewIsTheTransposedBlock() {
        FloatMatrix m = FloatMatrix.allocate(arena, 4, 6, 8);
        m.copyFrom(iota(24));
        FloatMatrix t = m.transpose(); // 6 x 4
        FloatMatrix tb = t.block(1, 2, 3, 2); // logical rows 1..3, cols 2..3 of the transpose
        assertThat(tb.isTransposed()).isTrue();
        assertThat(tb.rows()).isEqualTo(3);
        assertThat(tb.cols()).isEqualTo(2);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 2; j++) {
                assertThat(tb.get(i, j)).isEqualTo(t.get(1 + i, 2 + j)).isEqualTo(m.get(2 + j, 1 + i));
            }
        }
        assertThat(tb.transpose().toArray()).containsExactly(m.block(2, 1, 2, 3).toArray());
        tb.set(0, 1, 100f);
        assertThat(m.get(3, 1)).isEqualTo(100f);
    }

    @Test
    void allocationsAreAlignedToACacheLine() {
        assertThat(FloatMatrix.ALIGNMENT).isEqualTo(64);
        for (int cols : new int[] {1, 3, 17, 1000}) {
            FloatMatrix m = FloatMatrix.allocate(arena, 3, cols);
            assertThat(m.segment().address() % 64).as("address of a 3x%d matrix", cols).isZero();
            FloatMatrix padded = FloatMatrix.allocate(arena, 2, cols, cols + 5);
            assertThat(padded.segment().address() % 64).isZero();
        }
        assertThat(FloatMatrix.bytesFor(1, 1)).isEqualTo(64);
        assertThat(FloatMatrix.bytesFor(4, 4)).isEqualTo(64);
        assertThat(FloatMatrix.bytesFor(1, 17)).isEqualTo(128);
        assertThat(FloatMatrix.bytesFor(1024, 1024)).isEqualTo(4L * 1024 * 1024);
    }

    @Test
    void slicingAllocatorPacksMatricesIntoOneSegment() {
        int[][] shapes = {{3, 5}, {1, 1}, {17, 33}, {10, 16}};
        long total = 0;
        for (int[] s : shapes) {
            total += FloatMatrix.bytesFor(s[0], s[1]);
        }
        MemorySegment block = arena.allocate(total, FloatMatrix.ALIGNMENT);
        SegmentAllocator slicing = SegmentAllocator.slicingAllocator(block);
        FloatMatrix[] matrices = new FloatMatrix[shapes.length];
        for (int k = 0; k < shapes.length; k++) {
            matrices[k] = FloatMatrix.allocate(slicing, shapes[k][0], shapes[k][1]);
            long address = matrices[k].segment().address();
            assertThat(address % 64).isZero();
            assertThat(address).isBetween(block.address(), block.address() + block.byteSize() - 1);
            assertThat(address + matrices[k].segment().byteSize()).isLessThanOrEqualTo(block.address() + block.byteSize());
            if (k > 0) {
                long previousEnd = matrices[k - 1].segment().address() + matrices[k - 1].segment().byteSize();
                assertThat(address).as("matrix %d starts after matrix %d ends", k, k - 1).isGreaterThanOrEqualTo(previousEnd);
            }
        }
        // They are independent: writing one leaves the others as they were.
        for (int k = 0; k < shapes.length; k++) {
            matrices[k].fill(k + 1);
        }
        for (int k = 0; k < shapes.length; k++) {
            assertThat(matrices[k].toArray()).containsOnly(k + 1f);
        }
        // The block is full: the next allocation fails.
        assertThatThrownBy(() -> FloatMatrix.allocate(slicing, 1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void wrapViewsExistingMemory() {
        MemorySegment segment = arena.allocate(4L * 20, 64);
        FloatMatrix m = FloatMatrix.wrap(segment, 3, 5, 6);
        m.copyFrom(iota(15));
        assertThat(segment.getAtIndex(ValueLayout.JAVA_FLOAT, 6)).isEqualTo(6f);
        assertThat(segment.getAtIndex(ValueLayout.JAVA_FLOAT, 5)).isZero();
        assertThatThrownBy(() -> FloatMatrix.wrap(segment, 4, 5, 6))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small").hasMessageContaining("4x5");
        assertThatThrownBy(() -> FloatMatrix.wrap(segment, 2, 5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimension 4");
    }

    @Test
    void badShapesAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> FloatMatrix.allocate(arena, 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x3");
        assertThatThrownBy(() -> FloatMatrix.allocate(arena, 3, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3x-1");
        assertThatThrownBy(() -> FloatMatrix.allocate(arena, 3, 5, 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leading dimension 4")
                .hasMessageContaining("5");
        assertThatThrownBy(() -> FloatMatrix.bytesFor(0, 0)).isInstanceOf(IllegalArgumentException.class);

        FloatMatrix m = FloatMatrix.allocate(arena, 3, 4);
        assertThatThrownBy(() -> m.block(2, 0, 2, 4))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("2x4").hasMessageContaining("3x4");
        assertThatThrownBy(() -> m.block(0, 3, 1, 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.block(-1, 0, 1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.block(0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> m.transpose().block(0, 0, 4, 4)).isInstanceOf(IndexOutOfBoundsException.class);

        assertThatThrownBy(() -> m.get(3, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("(3, 0)");
        assertThatThrownBy(() -> m.get(0, 4)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.set(-1, 0, 1f)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.transpose().get(0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.copyFrom(new float[11]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11").hasMessageContaining("3x4");
    }

    @Test
    void sameShapeComparesLogicalShapes() {
        FloatMatrix a = FloatMatrix.allocate(arena, 3, 4);
        FloatMatrix b = FloatMatrix.allocate(arena, 4, 3, 9);
        assertThat(a.sameShape(b)).isFalse();
        assertThat(a.sameShape(b.transpose())).isTrue();
        assertThat(a.transpose().sameShape(b)).isTrue();
    }

    @Test
    void viewsWorkAcrossThreadsOfASharedArena() throws InterruptedException {
        try (Arena shared = Arena.ofShared()) {
            FloatMatrix m = FloatMatrix.allocate(shared, 2, 2);
            Thread other = new Thread(() -> m.transpose().set(1, 0, 3f));
            other.start();
            other.join();
            assertThat(m.get(0, 1)).isEqualTo(3f);
        }
    }
}
