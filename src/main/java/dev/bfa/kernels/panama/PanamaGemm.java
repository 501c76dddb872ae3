package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Shapes;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Tiled, packed, multithreaded GEMM in the BLIS layering: one loop per cache level around a
 * register-blocked micro-kernel.
 *
 * <pre>
 * for jc in N step NC            B block   kc x nc  (L3)
 *   for pc in K step KC          pack B    -> nr-wide panels, zero-padded
 *     for ic in M step MC        pack A    -> mr-tall panels, zero-padded (L2)
 *       for jr in nc step NR     B sliver  kc x nr  (L1)
 *         for ir in mc step MR   micro-kernel: C[mr x nr] += A-panel · B-panel
 * </pre>
 *
 * A plain B whose block of columns is only part of its rows is packed a sliver at a time instead,
 * by the first micro-kernel that uses the sliver ({@link #packsSliversInKernel}).
 *
 * Every C element is one fma chain over ascending k: blocks of k continue the chain through C,
 * whose stored floats are exact, so the result equals the scalar reference for any blocking and
 * any split of C across threads. Threads own disjoint blocks of C; k is never split.
 */
final class PanamaGemm {
    private static final int VL = SPECIES.length();
    /**
     * Rows of the register tile ({@link Blocking#microKernelRows}): 8 with 512-bit vectors, where
     * AVX-512's 32 registers hold the 16 accumulators; 4 with narrower ones, for AVX2's 16
     * registers. A micro-kernel is unrolled for each.
     */
    static final int MR = Blocking.microKernelRows(VL);
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * VL;
    private static final long FLOAT_BYTES = Float.BYTES;
    /**
     * Floats between one of B's panels and the next in a thread's own packing buffers, beyond the
     * panel's kc x NR. Unpadded, a 256 x 32 panel is 32 KB, a whole multiple of the span an L1
     * set repeats at (4 KB), so packing a plain B row by row sent each row's stores to every panel
     * into one 8-way set. One cache line of padding spreads them over consecutive sets. In pairs on
     * the Zen 4 (two JVMs, before and after): two threads, the bands-of-rows shapes (each thread
     * packs all of B) 1.08-1.12 x as fast, the shared-A ones 1.01 x; one thread, both ways round,
     * 128 x 1024 x 3072 NN 1.04 x, 128 x 784 x 3072 TN 1.05 x, 128 x 3072 x 1024 TN 1.02 x.
     */
    static final int B_PANEL_PAD = 16;

    private final Blocking blocking = Blocking.forMicroKernel(MR, NR);
    private final ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(() -> new Workspace(blocking));
    private final ThreadLocal<Job> jobs = ThreadLocal.withInitial(Job::new);
    /** Numbers the calls, so that a thread knows whether its {@link Workspace#wholePanels} are this call's. */
    private static final AtomicLong CALLS = new AtomicLong();

    Blocking blocking() {
        return blocking;
    }

    /** Per-thread packing buffers, allocated once and reused by every call on that thread. */
    private static final class Workspace {
        final float[] packedA;
        final float[] packedB;
        /** Rows of a transposed operand on their way into a panel. */
        final float[] lines;
        final MemorySegment edgeTile;
        /**
         * All of the {@link SharedOperand}'s panels, for every block of k, each block laid out as
         * {@link #pack} writes it, B's panels {@link #B_PANEL_PAD} apart beyond their kc x NR as
         * in {@link #packedB}. Grows, never shrinks.
         */
        float[] wholePanels = new float[0];
        /** The call whose operand {@link #wholePanels} holds; 0 for none. */
        long wholePanelsCall;

        Workspace(Blocking b) {
            packedA = new float[b.mc() * b.kc()];
            packedB = new float[b.nc() * b.kc() + ceilDiv(b.nc(), NR) * B_PANEL_PAD];
            lines = new float[Math.max(MR, NR) * b.kc()];
            edgeTile = Arena.ofAuto().allocate((long) MR * NR * Float.BYTES, 64);
        }
    }

    void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        Shapes.checkGemm(a, b, c, pool);
        if (c.isTransposed()) {
            // C^T = B^T A^T: the same products summed in the same order, written through plain rows.
            gemm(b.transpose(), a.transpose(), c.transpose(), accumulate, pool);
            return;
        }
        int m = c.rows();
        int n = c.cols();
        long multiplyAdds = (long) m * n * a.cols();
        int rowPanels = ceilDiv(m, MR);
        int columnPanels = ceilDiv(n, NR);
        long grid = Partition.of(rowPanels, columnPanels, pool.threads(), multiplyAdds);
        Job job = jobs.get();
        job.set(a.transpose(), b, c, accumulate, grid, rowPanels, columnPanels, pool.threads(), multiplyAdds);
        try {
            pool.run(job.computeTasks(), job);
        } finally {
            job.clear();
        }
    }

    /**
     * Which operand every block of C shares, packed whole by each thread once per call. When the
     * grid splits only one dimension of C, every block needs all of the other operand; packing it
     * once per thread rather than once per block lets C be cut into more blocks than threads,
     * which the pool hands out as threads come free. Each thread packs all of it into its own
     * buffer ({@link Workspace#wholePanels}) as it takes its first block. Packed once for all the
     * threads instead, its panels split among them in a parallel loop before the blocks, it cost
     * more than the copies saved: on the Zen 5 at 128 x 784 x 1024 and 128 x 3072 x 1024 NN, that
     * loop took 54-72 us of wall time and 100-117 us of two threads' time, where each thread packs
     * all of A on its own in 25-43 us (every line a thread wrote there had been read by the other
     * core in the previous call, and the loop ended in a wait for the slower thread); in pairs on
     * two threads, both ways round, 128 x 784 x 784 NN and 128 x 1024 x 1024 NN and NT ran
     * 1.06-1.09 x as fast this way, the rest 0.99-1.01 x.
     *
     * <p>A is shared whether plain or transposed (128 x 784 x 3072 TN ran 11 % faster on two
     * threads with its plain A shared, when A's rows were still copied with masks), also where it
     * outgrows L2: bands of C's rows, each thread packing its own rows of A and all of a plain B
     * in whole rows, had beaten a shared A there until B's slivers were packed in the micro-kernels
     * ({@link #packsSliversInKernel}); since then sharing A is 1.11-1.48 x as fast at 128 x 784 and
     * 1024 x 3072 NN and TN, 1.19 x at 512 x 1024 x 1024 NN and 1.25 x at 256 x 1024 x 2048 NN
     * (pairs on two threads, both ways round).
     *
     * <p>B is shared when its packing is a transposition, and when it is larger than {@link
     * #MAX_SHARED_FLOATS}, while all the threads' copies together stay within {@link
     * #MAX_WHOLE_B_FLOATS}. One band of C's rows per thread packs
     * all of B in each thread too, a block of k at a time; packed whole, it costs memory rather than
     * copies, and C's rows can be cut into blocks that the threads balance between them. On the Zen
     * 5 at 1024^3, two threads, in pairs both ways round: 0.96-1.05 x as fast; with another process
     * busy on one of the two cores 3 ms in every 15 ({@code bench/busy_core.py}), 1.03-1.12 x. A
     * smaller plain B, which packs with whole vector copies, stays in bands: shared in blocks of
     * 128 rows, 1024 x 1024 x 128 TN (the weight gradient) ran 0.96 x as fast and 1024 x 784 x 128
     * TN 1.00 x; in blocks of 64, 0.95 and 0.98 x (1.06 and 1.02 x with the other process). A
     * single thread shares A in one case, for the blocks of columns that come with it ({@code
     * aloneWithTransposedB}).
     */
    enum SharedOperand { NONE, A, B }

    /**
     * An A larger than this many floats is packed per block instead (it would leave L2); a B larger
     * than this is shared while all the threads' copies fit {@link #MAX_WHOLE_B_FLOATS}, and a plain
     * B only then ({@link SharedOperand}).
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
     * themselves: set by the hand-off of the parallel packing loop that came before them (128 x 10
     * x 1024 NT, 1.3 million, was no faster shared), and kept without that loop: sharing from any
     * size, in pairs on two threads, ran 64 x 784 x 64 NN (3.2 million) 0.89 x as fast, 128 x 10
     * x 1024 NT, 128 x 128 x 256 and 128 x 64 x 784 NN 0.99-1.04 x.
     */
    static final long MIN_SHARED_WORK = 1L << 22;
    /**
     * Blocks of C per thread when an operand is shared: a thread that runs slow takes fewer, and
     * the last block a thread takes is short. Eight rather than four made the 784-wide m = 128
     * shapes (25 column panels) 5-7 % faster on two threads; one per thread instead of four was
     * 8-13 % slower on the NT shapes. A plain B beyond the Zen 4's L3 (128 x 3072 x 3072 NN and
     * TN) had been cut into one block of columns per thread there, each packing its part of B's
     * rows in longer runs (1.06-1.08 x); on the Zen 5, with B's slivers packed in the
     * micro-kernels, eight per thread ran 1.03 x as fast, and 1.05-1.08 x with another process busy
     * on one of the two cores 3 ms in every 15, which one block per thread cannot hand over (one
     * build either way, in pairs; docs/data/gemm-zen5-1a18d35-pairs.txt).
     */
    static final int BLOCKS_PER_THREAD = 8;

    /**
     * Whether the {@link SharedOperand} {@code candidate}, {@code floats} floats packed, is shared
     * whole by each of {@code threads} threads.
     */
    static boolean sharesWhole(SharedOperand candidate, long floats, boolean bTransposed, int threads) {
        if (floats <= MAX_SHARED_FLOATS) {
            return candidate == SharedOperand.A || bTransposed;
        }
        return candidate == SharedOperand.B && floats * threads <= MAX_WHOLE_B_FLOATS;
    }

    /**
     * Floats of an operand's {@code panels} panels for all of {@code k}, as {@link
     * Job#wholeSharedOperand} lays them out: B's panels {@link #B_PANEL_PAD} apart in each block of
     * {@code kc}.
     */
    static long packedFloats(SharedOperand operand, int k, int kc, int panels) {
        return ((long) k * panelWidth(operand) + (long) ceilDiv(k, kc) * panelPad(operand)) * panels;
    }

    private static int panelWidth(SharedOperand operand) {
        return operand == SharedOperand.A ? MR : NR;
    }

    private static int panelPad(SharedOperand operand) {
        return operand == SharedOperand.A ? 0 : B_PANEL_PAD;
    }

    /**
     * One GEMM's parallel loop body, the blocks of C, reused by every call from the same thread so
     * that a call allocates nothing (a capturing lambda would be a new object per call).
     */
    private final class Job implements ComputePool.Task {
        private FloatMatrix at;
        private FloatMatrix b;
        private FloatMatrix c;
        private boolean accumulate;
        private int rowParts;
        private int columnParts;
        private int rowPanels;
        private int columnPanels;
        private int threads;
        private SharedOperand sharedOperand = SharedOperand.NONE;
        /** Whether a thread's blocks of C are adjacent ({@link #blockOf}). */
        private boolean adjacentRuns;
        /** This call's number from {@link #CALLS}. */
        private long call;

        void set(FloatMatrix at, FloatMatrix b, FloatMatrix c, boolean accumulate, long grid, int rowPanels,
                 int columnPanels, int threads, long multiplyAdds) {
            this.at = at;
            this.b = b;
            this.c = c;
            this.accumulate = accumulate;
            this.rowParts = Partition.rowParts(grid);
            this.columnParts = Partition.columnParts(grid);
            this.rowPanels = rowPanels;
            this.columnPanels = columnPanels;
            this.threads = threads;
            call = CALLS.incrementAndGet();
            sharedOperand = SharedOperand.NONE;
            adjacentRuns = false;
            boolean splitsOneDimension = rowParts * columnParts > 1 && (rowParts == 1 || columnParts == 1);
            if ((splitsOneDimension || aloneWithTransposedB(threads, b, c)) && multiplyAdds >= MIN_SHARED_WORK) {
                SharedOperand candidate = rowParts == 1 ? SharedOperand.A : SharedOperand.B;
                long floats = packedFloats(candidate);
                if (sharesWhole(candidate, floats, b.isTransposed(), threads)) {
                    sharedOperand = candidate;
                    // More blocks than threads along the split dimension; the grid's split is kept
                    // only as the decision of which dimension to cut.
                    int splitPanels = candidate == SharedOperand.A ? columnPanels : rowPanels;
                    int blocks = Math.min(splitPanels, BLOCKS_PER_THREAD * threads);
                    if (floats > MAX_SHARED_FLOATS) {
                        // A large B's bands are as few as keeps each within mc rows (and one per
                        // thread at least): each of B's slivers then serves up to an mc of
                        // micro-kernels, as in one band per thread.
                        blocks = Math.min(blocks, Math.max(threads, ceilDiv(splitPanels, blocking.mc() / MR)));
                    }
                    adjacentRuns = splitPanels % blocks == 0 && blocks % threads == 0;
                    rowParts = candidate == SharedOperand.A ? 1 : blocks;
                    columnParts = candidate == SharedOperand.A ? blocks : 1;
                }
            }
        }

        /**
         * Whether one thread takes A's shared packing and C's blocks of columns, as a split of the
         * columns would. With a transposed B and C's rows in one block, a block's packed B (kc x
         * 384 at n = 3072) and its part of C then stay in L2, where one block as wide as nc packs
         * 3 MB of B out to L3 and sends all of C's rows there and back for every block of k. On
         * the Zen 4 (1 MB of L2), one thread, in pairs (two JVMs taking turns, both ways round):
         * 128 x 3072 x k NT 1.07 x as fast at k = 784 and 1024, 1.11 x at 3072; the narrower m =
         * 128 NT shapes 0.99-1.04 x, no clear change. With a plain B, whose rows are then packed
         * in shorter runs, it lost up to 10 %.
         */
        private boolean aloneWithTransposedB(int threads, FloatMatrix b, FloatMatrix c) {
            return threads == 1 && b.isTransposed() && c.rows() <= blocking.mc();
        }

        /** The operand as {@link #pack} reads it: logically k x width. */
        private FloatMatrix viewOf(SharedOperand operand) {
            return operand == SharedOperand.A ? at : b;
        }

        /** Floats of the operand's panels for all of k, as {@link #wholeSharedOperand} lays them out. */
        private long packedFloats(SharedOperand operand) {
            return PanamaGemm.packedFloats(operand, at.rows(), blocking.kc(), panelsOf(operand));
        }

        private int panelsOf(SharedOperand operand) {
            return operand == SharedOperand.A ? rowPanels : columnPanels;
        }


        int computeTasks() {
            return rowParts * columnParts;
        }

        /** Drops the operands so a finished call does not keep views (and their memory) reachable. */
        void clear() {
            at = null;
            b = null;
            c = null;
        }

        @Override
        public void run(int task) {
            int block = blockOf(task);
            int rowBlock = block / columnParts;
            int colBlock = block % columnParts;
            int i0 = Partition.start(rowBlock, rowPanels, rowParts) * MR;
            int i1 = Math.min(c.rows(), Partition.start(rowBlock + 1, rowPanels, rowParts) * MR);
            int j0 = Partition.start(colBlock, columnPanels, columnParts) * NR;
            int j1 = Math.min(c.cols(), Partition.start(colBlock + 1, columnPanels, columnParts) * NR);
            Workspace ws = workspaces.get();
            float[] shared = sharedOperand == SharedOperand.NONE ? null : wholeSharedOperand(ws);
            float[] sharedA = sharedOperand == SharedOperand.A ? shared : null;
            float[] sharedB = sharedOperand == SharedOperand.B ? shared : null;
            computeBlock(at, b, c, i0, i1, j0, j1, accumulate, ws, sharedA, sharedB);
        }

        /**
         * The block of C that compute task {@code task} multiplies. The pool hands tasks out in
         * turn, so of T threads each tends to take every T-th task. When the blocks are equal and
         * a whole number per thread, those tasks are mapped to a run of adjacent blocks, the first
         * thread's from the start, the second's from 1 / T of the way in, and so on, so that a
         * thread reads a plain B's rows on from where its previous block stopped. On the Zen 5, two
         * threads, C's columns in 16 blocks: 1.07-1.15 x as fast at n = 3072 with a plain B (in
         * pairs both ways round), about the same elsewhere; with unequal blocks (n = 784, 25
         * panels) 0.95-1.00 x, so those stay interleaved. Any thread can still take any task, so
         * one that runs slow takes fewer; which thread computes a block never changes its result.
         */
        private int blockOf(int task) {
            int runLength = rowParts * columnParts / threads;
            return adjacentRuns ? task % threads * runLength + task / threads : task;
        }

        /** The shared operand's panels in this thread's workspace, packed by the first block it takes. */
        private float[] wholeSharedOperand(Workspace ws) {
            if (ws.wholePanelsCall == call) {
                return ws.wholePanels;
            }
            FloatMatrix view = viewOf(sharedOperand);
            int panels = panelsOf(sharedOperand);
            int width = panelWidth(sharedOperand);
            long floats = packedFloats(sharedOperand);
            if (ws.wholePanels.length < floats) {
                ws.wholePanels = new float[(int) floats];
            }
            for (int pc = 0; pc < view.rows(); pc += blocking.kc()) {
                int blockK = Math.min(blocking.kc(), view.rows() - pc);
                pack(view, pc, blockK, 0, view.cols(), width, ws.wholePanels, sharedBlockStart(sharedOperand, pc, panels),
                        blockK * width + panelPad(sharedOperand), ws);
            }
            ws.wholePanelsCall = call;
            return ws.wholePanels;
        }
    }

    /**
     * Where the panels of the block of k from row {@code pc} of a shared operand with {@code panels}
     * panels start in {@link Workspace#wholePanels}: every block before it is kc rows deep.
     */
    private int sharedBlockStart(SharedOperand operand, int pc, int panels) {
        return (pc * panelWidth(operand) + pc / blocking.kc() * panelPad(operand)) * panels;
    }

    /**
     * C[i0:i1, j0:j1] (+)= A[i0:i1, :] · B[:, j0:j1], single-threaded. {@code at} is A read as k x m.
     * A non-null {@code sharedA} ({@code sharedB}) holds all of A's (B's) panels packed by
     * {@link Job}; then {@code i0} ({@code j0}) is a multiple of MR (NR) and only the other operand
     * is packed here.
     */
    private void computeBlock(FloatMatrix at, FloatMatrix b, FloatMatrix c, int i0, int i1, int j0, int j1,
                              boolean accumulate, Workspace ws, float[] sharedA, float[] sharedB) {
        int k = at.rows();
        int rowPanels = ceilDiv(c.rows(), MR);
        int columnPanels = ceilDiv(c.cols(), NR);
        for (int jc = j0; jc < j1; jc += blocking.nc()) {
            int nc = Math.min(blocking.nc(), j1 - jc);
            for (int pc = 0; pc < k; pc += blocking.kc()) {
                int kc = Math.min(blocking.kc(), k - pc);
                boolean fromZero = !accumulate && pc == 0;
                float[] bPanels = ws.packedB;
                int bBase = 0;
                int bStride = kc * NR + B_PANEL_PAD;
                boolean packInKernel = sharedB == null && packsSliversInKernel(b, nc);
                if (sharedB != null) {
                    bPanels = sharedB;
                    bBase = sharedBlockStart(SharedOperand.B, pc, columnPanels) + (jc / NR) * bStride;
                } else if (!packInKernel) {
                    pack(b, pc, kc, jc, nc, NR, ws.packedB, 0, bStride, ws);
                }
                for (int ic = i0; ic < i1; ic += blocking.mc()) {
                    int mc = Math.min(blocking.mc(), i1 - ic);
                    float[] aPanels = ws.packedA;
                    int aBase = 0;
                    if (sharedA != null) {
                        aPanels = sharedA;
                        aBase = sharedBlockStart(SharedOperand.A, pc, rowPanels) + (ic / MR) * kc * MR;
                    } else {
                        pack(at, pc, kc, ic, mc, MR, ws.packedA, 0, kc * MR, ws);
                    }
                    FloatMatrix unpackedB = packInKernel && ic == i0 ? b : null;
                    macroKernel(aPanels, aBase, bPanels, bBase, bStride, ws.edgeTile, kc, mc, nc, c, ic, jc,
                            fromZero, unpackedB, pc);
                }
            }
        }
    }

    /**
     * Whether a plain B's panels for a block {@code nc} columns wide are packed a sliver at a time,
     * each by the first micro-kernel that multiplies it ({@link #microKernel}'s {@code unpackedB}),
     * rather than all before the block's micro-kernels. Packed apart, rows of B read in part cost
     * about twice as much per float as whole rows: on the Zen 5, one thread cutting
     * 128 x 3072 x 1024 NN into two blocks of columns packed each half-row block of k in 206-227 us,
     * more than the 183-186 us of a whole-row one, and two threads with 16 blocks spent 0.42 ns a
     * float against 0.25 for one thread's whole rows (docs/performance.md). Inside the micro-kernel
     * the loads of B overlap its multiply-adds (packing each sliver apart, just before its
     * micro-kernels, was slower still: 0.66-0.90 x). In pairs on two threads against packing apart:
     * 128 x 3072 x 1024 NN and TN 1.18-1.23 x as fast, 128 x 3072 x 3072 NN and TN 1.26-1.27 x,
     * 128 x 3072 x 784 NN 1.15 x, 128 x 1024 x 1024 NN 1.11 x, 128 x 784 x 1024 NN and TN
     * 1.10-1.14 x, 1024^3 0.96-1.03 x. For whole rows (one thread at n = 3072) it was 0.96 x, so
     * those are packed apart as before.
     */
    static boolean packsSliversInKernel(FloatMatrix b, int nc) {
        return !b.isTransposed() && nc < b.cols();
    }

    /**
     * The micro-kernels of one block of k over one block of C. With a non-null {@code unpackedB}
     * (plain, its rows from {@code pc}), each full sliver of B is packed into {@code bPanels} by the
     * micro-kernel of the first row panel, which then must be a whole MR rows ({@code mc >= MR}
     * ensures it), and a ragged sliver is packed before its micro-kernels.
     */
    private static void macroKernel(float[] aPanels, int aBase, float[] bPanels, int bBase, int bPanelStride,
                                    MemorySegment edgeTile, int kc, int mc, int nc, FloatMatrix c, int ic, int jc,
                                    boolean fromZero, FloatMatrix unpackedB, int pc) {
        MemorySegment cSegment = c.segment();
        long ldc = (long) c.ld() * FLOAT_BYTES;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int bOffset = bBase + (jr / NR) * bPanelStride;
            boolean packsHere = unpackedB != null && nr == NR && mc >= MR;
            if (unpackedB != null && !packsHere) {
                packPlainRows(unpackedB, pc, kc, jc + jr, nr, NR, bPanels, bOffset, bPanelStride);
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int aOffset = aBase + (ir / MR) * kc * MR;
                long cOffset = c.storageOffset(ic + ir, jc + jr);
                if (packsHere && ir == 0) {
                    microKernel(aPanels, aOffset, bPanels, bOffset, kc, cSegment, cOffset, ldc, fromZero,
                            unpackedB.segment(), unpackedB.storageOffset(pc, jc + jr),
                            (long) unpackedB.ld() * FLOAT_BYTES);
                } else if (mr == MR && nr == NR) {
                    microKernel(aPanels, aOffset, bPanels, bOffset, kc, cSegment, cOffset, ldc, fromZero, null, 0, 0);
                } else {
                    // Ragged edge: run the same micro-kernel on a full tile in scratch memory.
                    long tileLd = (long) NR * FLOAT_BYTES;
                    if (!fromZero) {
                        copyTile(cSegment, cOffset, ldc, edgeTile, 0, tileLd, mr, nr);
                    }
                    microKernel(aPanels, aOffset, bPanels, bOffset, kc, edgeTile, 0, tileLd, fromZero, null, 0, 0);
                    copyTile(edgeTile, 0, tileLd, cSegment, cOffset, ldc, mr, nr);
                }
            }
        }
    }

    private static void copyTile(MemorySegment src, long srcOffset, long srcLd, MemorySegment dst, long dstOffset,
                                 long dstLd, int rows, int cols) {
        VectorMask<Float> first = SPECIES.indexInRange(0, cols);
        VectorMask<Float> second = SPECIES.indexInRange(VL, cols);
        long secondOffset = (long) VL * FLOAT_BYTES;
        for (int r = 0; r < rows; r++) {
            long s = srcOffset + r * srcLd;
            long d = dstOffset + r * dstLd;
            FloatVector.fromMemorySegment(SPECIES, src, s, NATIVE, first).intoMemorySegment(dst, d, NATIVE, first);
            FloatVector.fromMemorySegment(SPECIES, src, s + secondOffset, NATIVE, second)
                    .intoMemorySegment(dst, d + secondOffset, NATIVE, second);
        }
    }

    /**
     * Packs rows {@code k0 .. k0+kc} and columns {@code j0 .. j0+width} of {@code view} (logically
     * k x j) into {@code panelWidth}-wide panels: element (kk, j) goes to
     * {@code dst[dstOffset + (j / panelWidth) * panelStride + kk * panelWidth + j % panelWidth]}
     * (j counted from {@code j0}; {@code panelStride} at least {@code kc * panelWidth}), and the
     * columns past {@code width} in the last panel are zeros.
     * Used for B (panels of NR columns) and for A read as k x m (panels of MR rows).
     */
    private static void pack(FloatMatrix view, int k0, int kc, int j0, int width, int panelWidth, float[] dst,
                             int dstOffset, int panelStride, Workspace ws) {
        if (!view.isTransposed()) {
            packPlainRows(view, k0, kc, j0, width, panelWidth, dst, dstOffset, panelStride);
            return;
        }
        for (int p = 0; p * panelWidth < width; p++) {
            packTransposedPanel(view, k0, kc, j0 + p * panelWidth, Math.min(panelWidth, width - p * panelWidth),
                    panelWidth, dst, dstOffset + p * panelStride, ws.lines);
        }
    }

    /**
     * {@link #pack} for an operand whose storage rows run along j. Each storage row is walked once,
     * left to right, handing its runs out to the panels: filling one panel at a time strides down
     * {@code kc} rows instead, which on an AVX2 Zen 3 made the packing of B take about as long as
     * the micro-kernel (128 x 1024 x 1024 NN: 26 GFLOP/s, 50 row by row). Runs are whole vectors
     * without masks. Panels half a vector wide (A's) are the exception: they are packed two at a
     * time, down all their rows, by {@link #packPanelPairs}; what that leaves (an odd last panel,
     * the last row of an odd {@code kc}), a ragged last panel, whose padding is zeroed, and panels
     * of other widths below a vector (A's 4 rows forced with {@code -Dbfa.gemm.mr=4} at 512 bits)
     * are copied exactly.
     */
    private static void packPlainRows(FloatMatrix view, int k0, int kc, int j0, int width, int panelWidth,
                                      float[] dst, int dstOffset, int panelStride) {
        MemorySegment src = view.segment();
        int fullPanels = width / panelWidth;
        int raggedWidth = width - fullPanels * panelWidth;
        int vectorPanels = panelWidth % VL == 0 ? fullPanels : 0;
        int pairedPanels = 2 * panelWidth == VL ? fullPanels & ~1 : 0;
        int pairedRows = pairedPanels > 0 ? kc & ~1 : 0;
        if (pairedRows > 0) {
            packPanelPairs(view, k0, pairedRows, j0, pairedPanels, dst, dstOffset, panelStride);
        }
        for (int kk = 0; kk < kc; kk++) {
            long row = view.storageOffset(k0 + kk, j0);
            int to = dstOffset + kk * panelWidth;
            for (int p = 0; p < vectorPanels; p++) {
                long from = row + (long) p * panelWidth * FLOAT_BYTES;
                for (int col = 0; col < panelWidth; col += VL) {
                    FloatVector.fromMemorySegment(SPECIES, src, from + (long) col * FLOAT_BYTES, NATIVE)
                            .intoArray(dst, to + p * panelStride + col);
                }
            }
            int firstCopied = Math.max(vectorPanels, kk < pairedRows ? pairedPanels : 0);
            for (int p = firstCopied; p < fullPanels; p++) {
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, row + (long) p * panelWidth * FLOAT_BYTES,
                        dst, to + p * panelStride, panelWidth);
            }
            if (raggedWidth > 0) {
                int at = to + fullPanels * panelStride;
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED,
                        row + (long) fullPanels * panelWidth * FLOAT_BYTES, dst, at, raggedWidth);
                Arrays.fill(dst, at + raggedWidth, at + panelWidth, 0f);
            }
        }
    }

    /**
     * {@link #packPlainRows} for the first {@code rows} rows (even) and {@code panels} panels (even)
     * half a vector wide: one vector holds a pair of panels' row, and the lower halves of two
     * successive rows' vectors, merged, are one whole vector of the first panel, the upper halves
     * one of the second. A pair of panels is filled down all its rows before the next: row by row
     * across all the panels, A's packing at 128 x 1024 x 3072 TN took 216-257 us a call on one
     * thread on the Zen 5, in bands of 16 rows 156-172, pair by pair 102-111, where copying a
     * vector per panel and row had taken 235-249.
     */
    private static void packPanelPairs(FloatMatrix view, int k0, int rows, int j0, int panels, float[] dst,
                                       int dstOffset, int panelStride) {
        MemorySegment src = view.segment();
        long ld = (long) view.ld() * FLOAT_BYTES;
        FloatVector lower = FloatVector.fromArray(SPECIES, HALF_MERGES, 0);
        FloatVector upper = FloatVector.fromArray(SPECIES, HALF_MERGES, VL);
        for (int p = 0; p < panels; p += 2) {
            long from = view.storageOffset(k0, j0 + p * (VL / 2));
            int to = dstOffset + p * panelStride;
            for (int kk = 0; kk < rows; kk += 2) {
                FloatVector first = FloatVector.fromMemorySegment(SPECIES, src, from, NATIVE);
                FloatVector second = FloatVector.fromMemorySegment(SPECIES, src, from + ld, NATIVE);
                lower.selectFrom(first, second).intoArray(dst, to);
                upper.selectFrom(first, second).intoArray(dst, to + panelStride);
                from += 2 * ld;
                to += VL;
            }
        }
    }

    /**
     * A panel of an operand whose storage rows run along k. Whole VL x VL blocks (VL storage rows,
     * VL floats of each) are transposed in registers ({@link #transposeBlock}), and so are whole
     * panels half a vector wide (A's), VL deep at a time; what is left, the columns of a ragged
     * panel or of other narrow panels and the last {@code kc % VL} rows of k, goes through {@link
     * #copyTransposed}, and the columns past {@code w} are zeros. On a Zen 4 (512-bit) the blocks
     * cost about 0.3 ns per float against 0.9-1.2 for the copy, which had taken 43 % of the JFR
     * samples of a 128 x 3072 x 1024 NT GEMM; on an AVX2 Zen 3 the same idea measured no faster,
     * reading B's 1 KB runs being the limit there.
     */
    private static void packTransposedPanel(FloatMatrix view, int k0, int kc, int jStart, int w, int panelWidth,
                                            float[] dst, int base, float[] lines) {
        boolean halfWidth = VL >= 8 && 2 * panelWidth == VL && w == panelWidth;
        int blockColumns = !TRANSPOSES_IN_REGISTERS ? 0 : halfWidth ? w : panelWidth % VL == 0 ? w / VL * VL : 0;
        int blockDepth = blockColumns > 0 ? kc / VL * VL : 0;
        MemorySegment src = view.segment();
        long ld = (long) view.ld() * FLOAT_BYTES;
        for (int jj = 0; jj < blockColumns; jj += VL) {
            long row = view.storageOffset(jStart + jj, k0);
            for (int kk = 0; kk < blockDepth; kk += VL) {
                transposeBlock(src, row + (long) kk * FLOAT_BYTES, ld, dst, base + kk * panelWidth + jj, panelWidth,
                        halfWidth);
            }
        }
        copyTransposed(view, k0, blockDepth, kc, jStart, 0, blockColumns, panelWidth, dst, base, lines);
        copyTransposed(view, k0, 0, kc, jStart, blockColumns, w, panelWidth, dst, base, lines);
        for (int kk = 0; w < panelWidth && kk < kc; kk++) {
            Arrays.fill(dst, base + kk * panelWidth + w, base + (kk + 1) * panelWidth, 0f);
        }
    }

    /**
     * Rows {@code kFrom .. kTo} of columns {@code jFrom .. jTo} of a panel (as {@link
     * #packTransposedPanel}): the storage rows' runs are copied in bulk into {@code lines}, then
     * transposed array to array, writing the panel's rows sequentially.
     */
    private static void copyTransposed(FloatMatrix view, int k0, int kFrom, int kTo, int jStart, int jFrom, int jTo,
                                       int panelWidth, float[] dst, int base, float[] lines) {
        int depth = kTo - kFrom;
        if (depth == 0) {
            return;
        }
        for (int jj = jFrom; jj < jTo; jj++) {
            MemorySegment.copy(view.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                    view.storageOffset(jStart + jj, k0 + kFrom), lines, (jj - jFrom) * depth, depth);
        }
        for (int kk = kFrom; kk < kTo; kk++) {
            int to = base + kk * panelWidth;
            for (int jj = jFrom; jj < jTo; jj++) {
                dst[to + jj] = lines[(jj - jFrom) * depth + kk - kFrom];
            }
        }
    }

    /** Whether {@link #transposeBlock}, written for 4, 8 or 16 rows, fits the species. */
    private static final boolean TRANSPOSES_IN_REGISTERS = VL == 4 || VL == 8 || VL == 16;

    /**
     * The lane selections of {@link #transposeBlock}, one pair per stage: stage s pairs rows r and
     * r + d (d = 2^s, bit s of r clear) and swaps the lanes of r that have bit s set with the lanes
     * of r + d that have it clear. Selection row {@code 2s} makes the new row r, {@code 2s + 1} the
     * new row r + d; an index of VL or more selects from the second row of the pair.
     */
    private static final float[] TRANSPOSE_SELECTIONS = transposeSelections();

    private static float[] transposeSelections() {
        int stages = Integer.numberOfTrailingZeros(VL);
        float[] selections = new float[2 * stages * VL];
        for (int s = 0; s < stages; s++) {
            int d = 1 << s;
            for (int t = 0; t < VL; t++) {
                boolean upper = (t & d) != 0;
                selections[2 * s * VL + t] = upper ? VL + (t ^ d) : t;
                selections[(2 * s + 1) * VL + t] = upper ? VL + t : t ^ d;
            }
        }
        return selections;
    }

    /**
     * The lane selections that end a half-width {@link #transposeBlock} and make {@link
     * #packPanelPairs}' vectors: the first makes a vector of the lower halves of two rows, the
     * second of their upper halves.
     */
    private static final float[] HALF_MERGES = halfMerges();

    private static float[] halfMerges() {
        int half = VL / 2;
        float[] merges = new float[2 * VL];
        for (int t = 0; t < VL; t++) {
            int lane = t % half;
            int fromSecond = t < half ? 0 : VL;
            merges[t] = fromSecond + lane;
            merges[VL + t] = fromSecond + half + lane;
        }
        return merges;
    }

    /**
     * Transposes the block whose row r is the VL floats at {@code from + r * ld} of {@code src}
     * into {@code dst}, row t at {@code to + t * stride}: log2 of its height in stages of two-row
     * lane selections (one two-table permute each where the CPU has it). The block is VL rows high,
     * or VL / 2 with {@code halfWidth}, for a panel half a vector wide (A's 8 x 16 at 512 bits, 4 x
     * 8 at 256), whose rows then hold two rows of the result each (row r: rows r and r + VL / 2 of
     * the transposition, in its lower and upper half), merged in pairs into whole vectors; {@code
     * stride} is then VL / 2, the result contiguous. Written for 16 rows; the rows and stages past
     * the block's height are skipped, and those past VL are constant-false branches that C2 removes.
     */
    private static void transposeBlock(MemorySegment src, long from, long ld, float[] dst, int to, int stride,
                                       boolean halfWidth) {
        int rows = halfWidth ? VL / 2 : VL;
        FloatVector r0 = FloatVector.fromMemorySegment(SPECIES, src, from, NATIVE);
        FloatVector r1 = FloatVector.fromMemorySegment(SPECIES, src, from + ld, NATIVE);
        FloatVector r2 = FloatVector.fromMemorySegment(SPECIES, src, from + 2 * ld, NATIVE);
        FloatVector r3 = FloatVector.fromMemorySegment(SPECIES, src, from + 3 * ld, NATIVE);
        FloatVector r4 = r0, r5 = r0, r6 = r0, r7 = r0;
        FloatVector r8 = r0, r9 = r0, r10 = r0, r11 = r0, r12 = r0, r13 = r0, r14 = r0, r15 = r0;
        if (rows > 4) {
            r4 = FloatVector.fromMemorySegment(SPECIES, src, from + 4 * ld, NATIVE);
            r5 = FloatVector.fromMemorySegment(SPECIES, src, from + 5 * ld, NATIVE);
            r6 = FloatVector.fromMemorySegment(SPECIES, src, from + 6 * ld, NATIVE);
            r7 = FloatVector.fromMemorySegment(SPECIES, src, from + 7 * ld, NATIVE);
        }
        if (rows > 8) {
            r8 = FloatVector.fromMemorySegment(SPECIES, src, from + 8 * ld, NATIVE);
            r9 = FloatVector.fromMemorySegment(SPECIES, src, from + 9 * ld, NATIVE);
            r10 = FloatVector.fromMemorySegment(SPECIES, src, from + 10 * ld, NATIVE);
            r11 = FloatVector.fromMemorySegment(SPECIES, src, from + 11 * ld, NATIVE);
            r12 = FloatVector.fromMemorySegment(SPECIES, src, from + 12 * ld, NATIVE);
            r13 = FloatVector.fromMemorySegment(SPECIES, src, from + 13 * ld, NATIVE);
            r14 = FloatVector.fromMemorySegment(SPECIES, src, from + 14 * ld, NATIVE);
            r15 = FloatVector.fromMemorySegment(SPECIES, src, from + 15 * ld, NATIVE);
        }
        FloatVector lower = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 0);
        FloatVector upper = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, VL);
        FloatVector t;
        t = lower.selectFrom(r0, r1); r1 = upper.selectFrom(r0, r1); r0 = t;
        t = lower.selectFrom(r2, r3); r3 = upper.selectFrom(r2, r3); r2 = t;
        if (rows > 4) {
            t = lower.selectFrom(r4, r5); r5 = upper.selectFrom(r4, r5); r4 = t;
            t = lower.selectFrom(r6, r7); r7 = upper.selectFrom(r6, r7); r6 = t;
        }
        if (rows > 8) {
            t = lower.selectFrom(r8, r9); r9 = upper.selectFrom(r8, r9); r8 = t;
            t = lower.selectFrom(r10, r11); r11 = upper.selectFrom(r10, r11); r10 = t;
            t = lower.selectFrom(r12, r13); r13 = upper.selectFrom(r12, r13); r12 = t;
            t = lower.selectFrom(r14, r15); r15 = upper.selectFrom(r14, r15); r14 = t;
        }
        lower = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 2 * VL);
        upper = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 3 * VL);
        t = lower.selectFrom(r0, r2); r2 = upper.selectFrom(r0, r2); r0 = t;
        t = lower.selectFrom(r1, r3); r3 = upper.selectFrom(r1, r3); r1 = t;
        if (rows > 4) {
            t = lower.selectFrom(r4, r6); r6 = upper.selectFrom(r4, r6); r4 = t;
            t = lower.selectFrom(r5, r7); r7 = upper.selectFrom(r5, r7); r5 = t;
        }
        if (rows > 8) {
            t = lower.selectFrom(r8, r10); r10 = upper.selectFrom(r8, r10); r8 = t;
            t = lower.selectFrom(r9, r11); r11 = upper.selectFrom(r9, r11); r9 = t;
            t = lower.selectFrom(r12, r14); r14 = upper.selectFrom(r12, r14); r12 = t;
            t = lower.selectFrom(r13, r15); r15 = upper.selectFrom(r13, r15); r13 = t;
        }
        if (rows > 4) {
            lower = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 4 * VL);
            upper = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 5 * VL);
            t = lower.selectFrom(r0, r4); r4 = upper.selectFrom(r0, r4); r0 = t;
            t = lower.selectFrom(r1, r5); r5 = upper.selectFrom(r1, r5); r1 = t;
            t = lower.selectFrom(r2, r6); r6 = upper.selectFrom(r2, r6); r2 = t;
            t = lower.selectFrom(r3, r7); r7 = upper.selectFrom(r3, r7); r3 = t;
        }
        if (rows > 8) {
            t = lower.selectFrom(r8, r12); r12 = upper.selectFrom(r8, r12); r8 = t;
            t = lower.selectFrom(r9, r13); r13 = upper.selectFrom(r9, r13); r9 = t;
            t = lower.selectFrom(r10, r14); r14 = upper.selectFrom(r10, r14); r10 = t;
            t = lower.selectFrom(r11, r15); r15 = upper.selectFrom(r11, r15); r11 = t;
            lower = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 6 * VL);
            upper = FloatVector.fromArray(SPECIES, TRANSPOSE_SELECTIONS, 7 * VL);
            t = lower.selectFrom(r0, r8); r8 = upper.selectFrom(r0, r8); r0 = t;
            t = lower.selectFrom(r1, r9); r9 = upper.selectFrom(r1, r9); r1 = t;
            t = lower.selectFrom(r2, r10); r10 = upper.selectFrom(r2, r10); r2 = t;
            t = lower.selectFrom(r3, r11); r11 = upper.selectFrom(r3, r11); r3 = t;
            t = lower.selectFrom(r4, r12); r12 = upper.selectFrom(r4, r12); r4 = t;
            t = lower.selectFrom(r5, r13); r13 = upper.selectFrom(r5, r13); r5 = t;
            t = lower.selectFrom(r6, r14); r14 = upper.selectFrom(r6, r14); r6 = t;
            t = lower.selectFrom(r7, r15); r15 = upper.selectFrom(r7, r15); r7 = t;
        }
        if (halfWidth) {
            int second = rows * stride;
            lower = FloatVector.fromArray(SPECIES, HALF_MERGES, 0);
            upper = FloatVector.fromArray(SPECIES, HALF_MERGES, VL);
            lower.selectFrom(r0, r1).intoArray(dst, to);
            upper.selectFrom(r0, r1).intoArray(dst, to + second);
            lower.selectFrom(r2, r3).intoArray(dst, to + 2 * stride);
            upper.selectFrom(r2, r3).intoArray(dst, to + second + 2 * stride);
            if (rows > 4) {
                lower.selectFrom(r4, r5).intoArray(dst, to + 4 * stride);
                upper.selectFrom(r4, r5).intoArray(dst, to + second + 4 * stride);
                lower.selectFrom(r6, r7).intoArray(dst, to + 6 * stride);
                upper.selectFrom(r6, r7).intoArray(dst, to + second + 6 * stride);
            }
            return;
        }
        r0.intoArray(dst, to);
        r1.intoArray(dst, to + stride);
        r2.intoArray(dst, to + 2 * stride);
        r3.intoArray(dst, to + 3 * stride);
        if (rows > 4) {
            r4.intoArray(dst, to + 4 * stride);
            r5.intoArray(dst, to + 5 * stride);
            r6.intoArray(dst, to + 6 * stride);
            r7.intoArray(dst, to + 7 * stride);
        }
        if (rows > 8) {
            r8.intoArray(dst, to + 8 * stride);
            r9.intoArray(dst, to + 9 * stride);
            r10.intoArray(dst, to + 10 * stride);
            r11.intoArray(dst, to + 11 * stride);
            r12.intoArray(dst, to + 12 * stride);
            r13.intoArray(dst, to + 13 * stride);
            r14.intoArray(dst, to + 14 * stride);
            r15.intoArray(dst, to + 15 * stride);
        }
    }

    /**
     * C[MR x NR] at {@code c + cOffset} = (fromZero ? 0 : C) + A-panel · B-panel over {@code kc}.
     * Each micro-kernel broadcasts one A value per row and multiplies it into two B vectors, and is
     * kept free of calls and of loops other than k so that C2 keeps every accumulator in a register.
     * With a non-null {@code unpackedB}, row kk of the B-panel is read from there instead, at
     * {@code unpackedOffset + kk * unpackedLd} bytes, and stored into {@code b} as {@link #pack}
     * would. The test does not change with kk; where it is always false (whole rows of B), one
     * thread measured 0.97-1.01 x against the kernel without it.
     */
    private static void microKernel(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                    long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                    long unpackedOffset, long unpackedLd) {
        if (MR == 8) {
            microKernel8(a, aOffset, b, bOffset, kc, c, cOffset, ldc, fromZero, unpackedB, unpackedOffset, unpackedLd);
        } else {
            microKernel4(a, aOffset, b, bOffset, kc, c, cOffset, ldc, fromZero, unpackedB, unpackedOffset, unpackedLd);
        }
    }

    /** The vector of a plain B at byte {@code from}, stored on its way at {@code b[bi]}, its place in the panel. */
    private static FloatVector packed(MemorySegment unpackedB, long from, float[] b, int bi) {
        FloatVector v = FloatVector.fromMemorySegment(SPECIES, unpackedB, from, NATIVE);
        v.intoArray(b, bi);
        return v;
    }

    /** 8 x NR: 16 accumulators, 2 loads and 8 broadcasts per step of k. */
    private static void microKernel8(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                     long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                     long unpackedOffset, long unpackedLd) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        long second = (long) VL * FLOAT_BYTES;
        if (fromZero) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero; c30 = zero; c31 = zero;
            c40 = zero; c41 = zero; c50 = zero; c51 = zero; c60 = zero; c61 = zero; c70 = zero; c71 = zero;
        } else {
            long r = cOffset;
            c00 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c01 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c10 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c11 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c20 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c21 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c30 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c31 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c40 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c41 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c50 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c51 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c60 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c61 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c70 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c71 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
        }
        // Indices are written as affine functions of kk so that C2 can hoist the array range checks.
        for (int kk = 0; kk < kc; kk++) {
            int ai = aOffset + kk * 8;
            int bi = bOffset + kk * NR;
            FloatVector b0 = unpackedB == null
                    ? FloatVector.fromArray(SPECIES, b, bi) : packed(unpackedB, unpackedOffset + kk * unpackedLd, b, bi);
            FloatVector b1 = unpackedB == null ? FloatVector.fromArray(SPECIES, b, bi + VL)
                    : packed(unpackedB, unpackedOffset + kk * unpackedLd + second, b, bi + VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        long r = cOffset;
        c00.intoMemorySegment(c, r, NATIVE);
        c01.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c10.intoMemorySegment(c, r, NATIVE);
        c11.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c20.intoMemorySegment(c, r, NATIVE);
        c21.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c30.intoMemorySegment(c, r, NATIVE);
        c31.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c40.intoMemorySegment(c, r, NATIVE);
        c41.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c50.intoMemorySegment(c, r, NATIVE);
        c51.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c60.intoMemorySegment(c, r, NATIVE);
        c61.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c70.intoMemorySegment(c, r, NATIVE);
        c71.intoMemorySegment(c, r + second, NATIVE);
    }

    /** 4 x NR: 8 accumulators, 2 loads and 4 broadcasts per step of k. */
    private static void microKernel4(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                     long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                     long unpackedOffset, long unpackedLd) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        long second = (long) VL * FLOAT_BYTES;
        if (fromZero) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero; c30 = zero; c31 = zero;
        } else {
            long r = cOffset;
            c00 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c01 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c10 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c11 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c20 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c21 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c30 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c31 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
        }
        for (int kk = 0; kk < kc; kk++) {
            int ai = aOffset + kk * 4;
            int bi = bOffset + kk * NR;
            FloatVector b0 = unpackedB == null
                    ? FloatVector.fromArray(SPECIES, b, bi) : packed(unpackedB, unpackedOffset + kk * unpackedLd, b, bi);
            FloatVector b1 = unpackedB == null ? FloatVector.fromArray(SPECIES, b, bi + VL)
                    : packed(unpackedB, unpackedOffset + kk * unpackedLd + second, b, bi + VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        long r = cOffset;
        c00.intoMemorySegment(c, r, NATIVE);
        c01.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c10.intoMemorySegment(c, r, NATIVE);
        c11.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c20.intoMemorySegment(c, r, NATIVE);
        c21.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c30.intoMemorySegment(c, r, NATIVE);
        c31.intoMemorySegment(c, r + second, NATIVE);
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
