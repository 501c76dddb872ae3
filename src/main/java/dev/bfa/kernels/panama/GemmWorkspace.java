package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.MR;
import static dev.bfa.kernels.panama.PanamaGemm.NR;
import static dev.bfa.kernels.panama.PanamaGemm.ceilDiv;

import dev.bfa.kernels.Blocking;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One thread's packing buffers, sized by the blocking when the thread first runs a GEMM and reused
 * by every later call on that thread, so that a call allocates nothing.
 */
final class GemmWorkspace {
    /** A's mc x kc block, as MR-tall panels. */
    final float[] packedA;
    /** B's kc x nc block, as NR-wide panels {@link Packing#B_PANEL_PAD} apart beyond their kc x NR. */
    final float[] packedB;
    /** Rows of a transposed operand on their way into a panel. */
    final float[] lines;
    /** One MR x NR tile: the micro-kernel computes a ragged edge of C here, whole, and the valid part is copied out. */
    final MemorySegment edgeTile;
    /**
     * All of the {@link SharedOperand}'s panels, for every block of k, each block laid out as
     * {@link Packing#pack} writes it, B's panels {@link Packing#B_PANEL_PAD} apart beyond their
     * kc x NR as in {@link #packedB}. Grows, never shrinks.
     */
    float[] wholePanels = new float[0];
    /** The call whose operand {@link #wholePanels} holds; 0 for none. */
    long wholePanelsCall;

    GemmWorkspace(Blocking b) {
        packedA = new float[b.mc() * b.kc()];
        packedB = new float[b.nc() * b.kc() + ceilDiv(b.nc(), NR) * Packing.B_PANEL_PAD];
        lines = new float[Math.max(MR, NR) * b.kc()];
        edgeTile = Arena.ofAuto().allocate((long) MR * NR * Float.BYTES, 64);
    }
}
