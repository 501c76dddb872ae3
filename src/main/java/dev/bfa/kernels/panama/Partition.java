package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.ceilDiv;

/**
 * How the tiles of C are split among threads, planned by {@link PanamaGemm} for {@link GemmJob}'s
 * parallel loop: a grid of {@code rowParts x columnParts} blocks, each a run of whole micro-tile
 * rows and columns, one block per task. The grid is two ints packed in a long rather than an
 * object: a record returned from here was meant to be removed by escape analysis, but in some JVMs
 * it was not, and every training step allocated some.
 *
 * <p>The grid minimises the work of the largest block: its multiply-adds plus the packing it
 * repeats (every block packs its own rows of A and columns of B); ties go to the grid with more
 * row parts.
 */
final class Partition {
    /** Below this many multiply-adds a second thread costs more to wake than it saves. */
    static final long MIN_PARALLEL_WORK = 1L << 17;
    /** Packing one element costs about this many multiply-adds of the micro-kernel. */
    private static final long PACKING_COST = 16;

    private Partition() {
    }

    /** The grid for {@code rowPanels x columnPanels} micro-tiles, read with {@link #rowParts} and {@link #columnParts}. */
    static long of(int rowPanels, int columnPanels, int threads, long multiplyAdds) {
        int bestRows = 1;
        int bestColumns = 1;
        if (threads > 1 && multiplyAdds >= MIN_PARALLEL_WORK) {
            long bestCost = Long.MAX_VALUE;
            for (int rows = 1; rows <= Math.min(threads, rowPanels); rows++) {
                for (int columns = 1; rows * columns <= threads && columns <= columnPanels; columns++) {
                    long blockRows = ceilDiv(rowPanels, rows) * (long) PanamaGemm.MR;
                    long blockColumns = ceilDiv(columnPanels, columns) * (long) PanamaGemm.NR;
                    long cost = blockRows * blockColumns + PACKING_COST * (blockRows + blockColumns);
                    // On a tie, more row parts: a band of C's rows is one contiguous range of its
                    // storage, which made the second thread's part of the weight-gradient GEMM
                    // cheaper than two interleaved column halves (docs/kernels.md).
                    if (cost < bestCost || (cost == bestCost && rows > bestRows)) {
                        bestCost = cost;
                        bestRows = rows;
                        bestColumns = columns;
                    }
                }
            }
        }
        return (long) bestRows << 32 | bestColumns;
    }

    static int rowParts(long grid) {
        return (int) (grid >>> 32);
    }

    static int columnParts(long grid) {
        return (int) grid;
    }

    /**
     * First of {@code panels} micro-panels in block {@code part} of {@code parts} near-equal
     * blocks; {@code part == parts} gives the end.
     */
    static int start(int part, int panels, int parts) {
        return (int) ((long) part * panels / parts);
    }
}
