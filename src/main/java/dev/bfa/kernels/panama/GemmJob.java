package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.MR;
import static dev.bfa.kernels.panama.PanamaGemm.NR;
import static dev.bfa.kernels.panama.PanamaGemm.ceilDiv;

import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.ComputePool;
import dev.bfa.memory.FloatMatrix;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GEMM's parallel loop, the one outside {@link MacroKernel}'s five: C is cut into blocks of
 * whole MR x NR tiles, one block per task, and the pool's threads take the tasks as they come free.
 * {@link Partition} says which dimensions to cut; when it cuts only one, the other operand may be
 * shared ({@link SharedOperand}) and C cut into more blocks than threads. Threads own disjoint
 * blocks of C and k is never split, so which thread computes a block never changes a bit. One job
 * per calling thread is reused by every call, so that a call allocates nothing (a capturing lambda
 * would be a new object per call).
 */
final class GemmJob implements ComputePool.Task {
    /** Numbers the calls, so that a thread knows whether its {@link GemmWorkspace#wholePanels} are this call's. */
    private static final AtomicLong CALLS = new AtomicLong();

    private final Blocking blocking;
    private final ThreadLocal<GemmWorkspace> workspaces;
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

    GemmJob(Blocking blocking, ThreadLocal<GemmWorkspace> workspaces) {
        this.blocking = blocking;
        this.workspaces = workspaces;
    }

    /** Plans one call: {@code at} is A read as k x m, {@code grid} the {@link Partition} of C's tiles. */
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
        if ((splitsOneDimension || aloneWithTransposedB(threads, b, c))
                && multiplyAdds >= SharedOperand.MIN_SHARED_WORK) {
            SharedOperand candidate = rowParts == 1 ? SharedOperand.A : SharedOperand.B;
            long floats = packedFloats(candidate);
            if (SharedOperand.sharesWhole(candidate, floats, b.isTransposed(), threads)) {
                sharedOperand = candidate;
                // More blocks than threads along the split dimension; the grid's split is kept
                // only as the decision of which dimension to cut.
                int splitPanels = candidate == SharedOperand.A ? columnPanels : rowPanels;
                int blocks = Math.min(splitPanels, SharedOperand.BLOCKS_PER_THREAD * threads);
                if (floats > SharedOperand.MAX_SHARED_FLOATS) {
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
     * 3 MB of B out to L3 and sends all of C's rows there and back for every block of k. With a
     * plain B, whose rows are then packed in shorter runs, it was slower.
     */
    private boolean aloneWithTransposedB(int threads, FloatMatrix b, FloatMatrix c) {
        return threads == 1 && b.isTransposed() && c.rows() <= blocking.mc();
    }

    /** The operand as {@link Packing#pack} reads it: logically k x width. */
    private FloatMatrix viewOf(SharedOperand operand) {
        return operand == SharedOperand.A ? at : b;
    }

    /** Floats of the operand's panels for all of k, as {@link #wholeSharedOperand} lays them out. */
    private long packedFloats(SharedOperand operand) {
        return SharedOperand.packedFloats(operand, at.rows(), blocking.kc(), panelsOf(operand));
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
        GemmWorkspace ws = workspaces.get();
        float[] shared = sharedOperand == SharedOperand.NONE ? null : wholeSharedOperand(ws);
        float[] sharedA = sharedOperand == SharedOperand.A ? shared : null;
        float[] sharedB = sharedOperand == SharedOperand.B ? shared : null;
        MacroKernel.computeBlock(blocking, at, b, c, i0, i1, j0, j1, accumulate, ws, sharedA, sharedB);
    }

    /**
     * The block of C that compute task {@code task} multiplies. The pool hands tasks out in
     * turn, so of T threads each tends to take every T-th task. When the blocks are equal and
     * a whole number per thread, those tasks are mapped to a run of adjacent blocks, the first
     * thread's from the start, the second's from 1 / T of the way in, and so on, so that a
     * thread reads a plain B's rows on from where its previous block stopped. With unequal blocks
     * that was no faster, so those stay interleaved. Any thread can still take any task, so one
     * that runs slow takes fewer; which thread computes a block never changes its result.
     */
    private int blockOf(int task) {
        int runLength = rowParts * columnParts / threads;
        return adjacentRuns ? task % threads * runLength + task / threads : task;
    }

    /** The shared operand's panels in this thread's workspace, packed by the first block it takes. */
    private float[] wholeSharedOperand(GemmWorkspace ws) {
        if (ws.wholePanelsCall == call) {
            return ws.wholePanels;
        }
        FloatMatrix view = viewOf(sharedOperand);
        int panels = panelsOf(sharedOperand);
        int width = SharedOperand.panelWidth(sharedOperand);
        long floats = packedFloats(sharedOperand);
        if (ws.wholePanels.length < floats) {
            ws.wholePanels = new float[(int) floats];
        }
        for (int pc = 0; pc < view.rows(); pc += blocking.kc()) {
            int blockK = Math.min(blocking.kc(), view.rows() - pc);
            Packing.pack(view, pc, blockK, 0, view.cols(), width, ws.wholePanels,
                    SharedOperand.blockStart(sharedOperand, pc, blocking.kc(), panels),
                    blockK * width + SharedOperand.panelPad(sharedOperand), ws);
        }
        ws.wholePanelsCall = call;
        return ws.wholePanels;
    }
}
