package dev.bfa.kernels.panama;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Blocking;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Which operand a GEMM shares whole per thread. Results are bit-identical either way, so
 * GemmBitIdentityTest cannot tell; this pins the rule to what was measured, and checks that the
 * shape GemmBitIdentityTest names for a large shared B still takes that path at this vector width.
 */
@Tag("kernels")
class SharedOperandTest {
    private static final Blocking BLOCKING = Blocking.forMicroKernel(PanamaGemm.MR, PanamaGemm.NR);
    private static final int MAX = SharedOperand.MAX_SHARED_FLOATS;

    @Test
    void aIsSharedWithinL2WhateverItsOrientation() {
        assertThat(SharedOperand.sharesWhole(SharedOperand.A, MAX, false, 2)).isTrue();
        assertThat(SharedOperand.sharesWhole(SharedOperand.A, MAX, true, 2)).isTrue();
        assertThat(SharedOperand.sharesWhole(SharedOperand.A, MAX + 1L, false, 2)).isFalse();
    }

    @Test
    void aSmallBIsSharedOnlyWhenTransposed() {
        assertThat(SharedOperand.sharesWhole(SharedOperand.B, MAX, true, 2)).isTrue();
        assertThat(SharedOperand.sharesWhole(SharedOperand.B, MAX, false, 2)).as("plain: bands").isFalse();
    }

    @Test
    void aLargeBIsSharedWhileAllTheThreadsCopiesFit() {
        long oneThousandAndTwentyFourCubed = SharedOperand.packedFloats(SharedOperand.B, 1024, BLOCKING.kc(),
                1024 / PanamaGemm.NR);
        for (boolean transposed : new boolean[] {false, true}) {
            assertThat(SharedOperand.sharesWhole(SharedOperand.B, oneThousandAndTwentyFourCubed, transposed, 2))
                    .as("1024^3 on two threads, B transposed: %s", transposed).isTrue();
            assertThat(SharedOperand.sharesWhole(SharedOperand.B, oneThousandAndTwentyFourCubed, transposed, 8))
                    .as("eight copies exceed the bound").isFalse();
        }
        long bound = SharedOperand.MAX_WHOLE_B_FLOATS;
        assertThat(SharedOperand.sharesWhole(SharedOperand.B, bound / 2, false, 2)).isTrue();
        assertThat(SharedOperand.sharesWhole(SharedOperand.B, bound / 2 + 1, false, 2)).isFalse();
    }

    @Test
    void theBitIdentityShapeForALargeSharedBSplitsOnlyItsRows() {
        int m = 510;
        int n = 580;
        int k = 920;
        int rowPanels = (m + PanamaGemm.MR - 1) / PanamaGemm.MR;
        int columnPanels = (n + PanamaGemm.NR - 1) / PanamaGemm.NR;
        long floats = SharedOperand.packedFloats(SharedOperand.B, k, BLOCKING.kc(), columnPanels);
        for (int threads : new int[] {2, 3}) {
            long grid = Partition.of(rowPanels, columnPanels, threads, (long) m * n * k);
            assertThat(Partition.columnParts(grid)).as("threads %d", threads).isEqualTo(1);
            assertThat(Partition.rowParts(grid)).as("threads %d", threads).isEqualTo(threads);
            assertThat(floats).isGreaterThan(MAX);
            assertThat(SharedOperand.sharesWhole(SharedOperand.B, floats, false, threads)).isTrue();
        }
    }
}
