package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * A square block transposed in vector registers, for {@link Packing}: an operand read through a
 * transposed view has its storage rows along k, and a panel wants them along the panel's width.
 * Loading VL storage rows and shuffling lanes between pairs of them, log2(VL) times, gives the
 * panel's rows as whole vectors; copying element by element would cost a load and a store per
 * float. Not a loop of the GEMM: {@link Packing#packTransposedPanel} calls it per block.
 */
final class RegisterTranspose {
    private static final int VL = SPECIES.length();

    private RegisterTranspose() {
    }

    /** Whether {@link #transposeBlock}, written for 4, 8 or 16 rows, fits the species. */
    static final boolean TRANSPOSES_IN_REGISTERS = VL == 4 || VL == 8 || VL == 16;

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
     * Packing#packPanelPairs}' vectors: the first makes a vector of the lower halves of two rows,
     * the second of their upper halves.
     */
    static final float[] HALF_MERGES = halfMerges();

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
     * stride} is then VL / 2, the result contiguous. {@code loadedRows} is the block's height, or
     * 12 of 16 for A's 12-row panels at 512 bits: the last four rows are then not read, and the
     * last four lanes of every result row are to be ignored. Written for 16 rows; the
     * rows and stages past the block's height are skipped, and those past VL are constant-false
     * branches that C2 removes.
     */
    static void transposeBlock(MemorySegment src, long from, long ld, int loadedRows, float[] dst, int to,
                               int stride, boolean halfWidth) {
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
            if (loadedRows > 12) {
                r12 = FloatVector.fromMemorySegment(SPECIES, src, from + 12 * ld, NATIVE);
                r13 = FloatVector.fromMemorySegment(SPECIES, src, from + 13 * ld, NATIVE);
                r14 = FloatVector.fromMemorySegment(SPECIES, src, from + 14 * ld, NATIVE);
                r15 = FloatVector.fromMemorySegment(SPECIES, src, from + 15 * ld, NATIVE);
            }
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
}
