package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.MR;
import static dev.bfa.kernels.panama.PanamaGemm.NR;
import static dev.bfa.kernels.panama.PanamaGemm.ceilDiv;
import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.kernels.Blocking;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The five loops around the micro-kernel, for one block of C on one thread. {@link #computeBlock}
 * runs the cache-level loops: jc over the block's columns in steps of nc, pc over k in steps of kc
 * (packing B's kc x nc block into NR-wide panels), ic over the block's rows in steps of mc (packing
 * A's mc x kc block into MR-tall panels). {@link #macroKernel} runs the register-level loops over
 * those panels: jr in steps of NR, ir in steps of MR, one {@link MicroKernels micro-kernel} per
 * tile of C. Each block of k continues every element's fma chain through C, whose stored floats
 * are exact, so the blocking never changes a bit.
 */
final class MacroKernel {
    private static final int VL = SPECIES.length();
    private static final long FLOAT_BYTES = Float.BYTES;

    private MacroKernel() {
    }

    /**
     * C[i0:i1, j0:j1] (+)= A[i0:i1, :] · B[:, j0:j1], single-threaded. {@code at} is A read as k x m.
     * A non-null {@code sharedA} ({@code sharedB}) holds all of A's (B's) panels packed by
     * {@link GemmJob}; then {@code i0} ({@code j0}) is a multiple of MR (NR) and only the other
     * operand is packed here.
     */
    static void computeBlock(Blocking blocking, FloatMatrix at, FloatMatrix b, FloatMatrix c, int i0, int i1, int j0,
                             int j1, boolean accumulate, GemmWorkspace ws, float[] sharedA, float[] sharedB) {
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
                int bStride = kc * NR + Packing.B_PANEL_PAD;
                boolean packInKernel = sharedB == null && packsSliversInKernel(b, nc);
                if (sharedB != null) {
                    bPanels = sharedB;
                    bBase = SharedOperand.blockStart(SharedOperand.B, pc, blocking.kc(), columnPanels)
                            + (jc / NR) * bStride;
                } else if (!packInKernel) {
                    Packing.pack(b, pc, kc, jc, nc, NR, ws.packedB, 0, bStride, ws);
                }
                for (int ic = i0; ic < i1; ic += blocking.mc()) {
                    int mc = Math.min(blocking.mc(), i1 - ic);
                    float[] aPanels = ws.packedA;
                    int aBase = 0;
                    if (sharedA != null) {
                        aPanels = sharedA;
                        aBase = SharedOperand.blockStart(SharedOperand.A, pc, blocking.kc(), rowPanels)
                                + (ic / MR) * kc * MR;
                    } else {
                        Packing.pack(at, pc, kc, ic, mc, MR, ws.packedA, 0, kc * MR, ws);
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
     * each by the first micro-kernel that multiplies it ({@link MicroKernels#microKernel}'s {@code
     * unpackedB}), rather than all before the block's micro-kernels. Packed apart, rows of B read
     * in part cost about twice as much per float as whole rows (docs/performance.md, "What limits
     * the speed now"); inside the micro-kernel the loads of B overlap its multiply-adds. Packing
     * each sliver apart, just before its micro-kernels, was slower still. Whole rows were a little
     * slower packed in the kernel, so those are packed apart as before.
     */
    static boolean packsSliversInKernel(FloatMatrix b, int nc) {
        return !b.isTransposed() && nc < b.cols();
    }

    /**
     * The micro-kernels of one block of k over one block of C: the jr and ir loops. With a non-null
     * {@code unpackedB} (plain, its rows from {@code pc}), each full sliver of B is packed into
     * {@code bPanels} by the micro-kernel of the first row panel, which then must be a whole MR rows
     * ({@code mc >= MR} ensures it), and a ragged sliver is packed before its micro-kernels.
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
                Packing.packPlainRows(unpackedB, pc, kc, jc + jr, nr, NR, bPanels, bOffset, bPanelStride);
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int aOffset = aBase + (ir / MR) * kc * MR;
                long cOffset = c.storageOffset(ic + ir, jc + jr);
                if (packsHere && ir == 0) {
                    MicroKernels.microKernel(aPanels, aOffset, bPanels, bOffset, kc, cSegment, cOffset, ldc,
                            fromZero, unpackedB.segment(), unpackedB.storageOffset(pc, jc + jr),
                            (long) unpackedB.ld() * FLOAT_BYTES);
                } else if (mr == MR && nr == NR) {
                    MicroKernels.microKernel(aPanels, aOffset, bPanels, bOffset, kc, cSegment, cOffset, ldc,
                            fromZero, null, 0, 0);
                } else {
                    // Ragged edge: run the same micro-kernel on a full tile in scratch memory.
                    long tileLd = (long) NR * FLOAT_BYTES;
                    if (!fromZero) {
                        copyTile(cSegment, cOffset, ldc, edgeTile, 0, tileLd, mr, nr);
                    }
                    MicroKernels.microKernel(aPanels, aOffset, bPanels, bOffset, kc, edgeTile, 0, tileLd,
                            fromZero, null, 0, 0);
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
}
