package dev.bfa.kernels.panama;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Which m = 128-style GEMMs take bands of rows instead of a shared A (results are bit-identical
 * either way, so GemmBitIdentityTest cannot tell; this pins the choice to what was measured).
 */
class RowBandsTest {
    private static final int MR = PanamaGemm.MR;
    private static final int NR = PanamaGemm.NR;

    /** The layout the GEMM picks on {@code threads} threads for a plain or transposed B. */
    private static boolean bands(int m, int n, int k, boolean bTransposed, int threads) {
        int rowPanels = (m + MR - 1) / MR;
        long grid = Partition.of(rowPanels, (n + NR - 1) / NR, threads, (long) m * n * k);
        if (Partition.rowParts(grid) != 1 || Partition.columnParts(grid) < 2) {
            return false;
        }
        return PanamaGemm.rowBandsBeatSharedA((long) k * rowPanels * MR, m, n, bTransposed, rowPanels, threads);
    }

    @Test
    void bandsWhereTheSharedAOutgrowsL2BesideAPlainNarrowB() {
        assertThat(bands(128, 784, 3072, false, 2)).isTrue();
        assertThat(bands(128, 1024, 3072, false, 2)).isTrue();
        // GemmBitIdentityTest's shape for this path, on each of its thread counts.
        for (int threads : new int[] {2, 3, 8}) {
            assertThat(bands(129, 1000, 1100, false, threads)).as("threads %d", threads).isTrue();
        }
    }

    @Test
    void sharedAWhereItFitsL2OrBIsWideOrTransposed() {
        assertThat(bands(128, 1024, 1024, false, 2)).as("A of 512 KB fits").isFalse();
        assertThat(bands(128, 784, 784, false, 2)).isFalse();
        assertThat(bands(128, 3072, 3072, false, 2)).as("n = 3072").isFalse();
        assertThat(bands(128, 1024, 3072, true, 2)).as("NT").isFalse();
        assertThat(bands(128, 784, 8192, false, 2)).as("A beyond the shared limit").isFalse();
        assertThat(bands(128, 784, 3072, false, 1)).as("one thread").isFalse();
    }
}
