package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.MR;
import static dev.bfa.kernels.panama.PanamaGemm.NR;
import static dev.bfa.kernels.panama.PanamaGemm.ceilDiv;

/**
 * Which operand every block of C shares, packed whole by each thread once per call, and the
 * thresholds that decide it; {@link GemmJob} applies them above the loops of {@link MacroKernel}.
 * When the grid splits only one dimension of C, every block needs all of the other operand; packing
 * it once per thread rather than once per block lets C be cut into more blocks than threads, which
 * the pool hands out as threads come free. Each thread packs all of it into its own buffer ({@link
 * GemmWorkspace#wholePanels}) as it takes its first block: packed once for all the threads instead,
 * its panels split among them in a parallel loop before the blocks, it cost more than the copies
 * saved, as every line a thread wrote there had been read by the other core in the previous call
 * and the loop ended in a wait for the slower thread. The measurements behind each choice here are
 * in docs/kernels.md ("Measured choices").
 *
 * <p>A is shared whether plain or transposed, also where it outgrows L2: bands of C's rows, each
 * thread packing its own rows of A and all of a plain B in whole rows, lost to a shared A once B's
 * slivers were packed in the micro-kernels ({@link MacroKernel#packsSliversInKernel}).
 *
 * <p>B is shared when its packing is a transposition, and when it is larger than {@link
 * #MAX_SHARED_FLOATS}, while all the threads' copies together stay within {@link
 * #MAX_WHOLE_B_FLOATS}. One band of C's rows per thread packs all of B in each thread too, a block
 * of k at a time; packed whole, it costs memory rather than copies, and C's rows can be cut into
 * blocks that the threads balance between them. A smaller plain B, which packs with whole vector
 * copies, stays in bands, where sharing it was no faster. A single thread shares A in one case,
 * for the blocks of columns that come with it ({@code GemmJob.aloneWithTransposedB}).
 */
enum SharedOperand {
    NONE, A, B;

    /**
     * An A larger than this many floats is packed per block instead (it would leave L2); a B larger
     * than this is shared while all the threads' copies fit {@link #MAX_WHOLE_B_FLOATS}, and a plain
     * B only then.
     */
    static final int MAX_SHARED_FLOATS = 1 << 19;
    /**
     * The most floats that all the threads' copies of a B shared beyond {@link #MAX_SHARED_FLOATS}
     * hold together (each thread keeps its copy for later calls): 16 MB, within an L3 of 16 MB or
     * more until their blocks of k are used, and a bounded part of the heap at any thread count.
     * Two threads share 1024^3's B (4 MB each).
     */
    static final int MAX_WHOLE_B_FLOATS = 1 << 22;
    /**
     * Below this many multiply-adds the blocks of a shared operand are too small to pay for
     * themselves: set by the hand-off of the parallel packing loop that came before them, and kept
     * without that loop, as sharing smaller GEMMs was no faster, and for some slower.
     */
    static final long MIN_SHARED_WORK = 1L << 22;
    /**
     * Blocks of C per thread when an operand is shared: a thread that runs slow takes fewer, and
     * the last block a thread takes is short. Eight beat four and one per thread, most of all with
     * another process busy on one of the cores now and then, which one block per thread cannot
     * hand over.
     */
    static final int BLOCKS_PER_THREAD = 8;

    /**
     * Whether the {@link SharedOperand} {@code candidate}, {@code floats} floats packed, is shared
     * whole by each of {@code threads} threads.
     */
    static boolean sharesWhole(SharedOperand candidate, long floats, boolean bTransposed, int threads) {
        if (floats <= MAX_SHARED_FLOATS) {
            return candidate == A || bTransposed;
        }
        return candidate == B && floats * threads <= MAX_WHOLE_B_FLOATS;
    }

    /**
     * Floats of an operand's {@code panels} panels for all of {@code k}, as {@link
     * GemmJob#wholeSharedOperand} lays them out: B's panels {@link Packing#B_PANEL_PAD} apart in
     * each block of {@code kc}.
     */
    static long packedFloats(SharedOperand operand, int k, int kc, int panels) {
        return ((long) k * panelWidth(operand) + (long) ceilDiv(k, kc) * panelPad(operand)) * panels;
    }

    /**
     * Where the panels of the block of k from row {@code pc} of a shared operand with {@code panels}
     * panels start in {@link GemmWorkspace#wholePanels}: every block before it is {@code kc} rows
     * deep.
     */
    static int blockStart(SharedOperand operand, int pc, int kc, int panels) {
        return (pc * panelWidth(operand) + pc / kc * panelPad(operand)) * panels;
    }

    static int panelWidth(SharedOperand operand) {
        return operand == A ? MR : NR;
    }

    static int panelPad(SharedOperand operand) {
        return operand == A ? 0 : Packing.B_PANEL_PAD;
    }
}
