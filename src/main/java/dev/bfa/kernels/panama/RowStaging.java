package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/**
 * What every row kernel shares: the staging of a row's last, partial vector, the striped partials
 * of a row sum, and the orientation checks that send a transposed view to the reference.
 *
 * <p>No kernel masks a vector operation: a masked load or store on a MemorySegment ran the Vector
 * API's Java fallback in some compiled contexts, a heap array per operation. Full vectors are
 * processed in place; the last, partial one is copied into a per-thread scratch segment (four
 * slots of one vector) whose spare lanes hold a neutral value (0, or -inf for a maximum),
 * processed there by the same chunk method, and the valid lanes are copied back. Spare lanes add
 * +0 to a sum, which changes no partial: a partial starts at +0 and a sum from +0 is never -0.
 */
final class RowStaging {
    private static final int VL = SPECIES.length();
    /** Bytes of one staging slot: one vector. */
    static final long SLOT = (long) VL * Float.BYTES;

    private RowStaging() {
    }

    /** Four staging slots per thread, enough for the operands of any kernel's last vector. */
    static ThreadLocal<MemorySegment> newTails() {
        return ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(4 * SLOT, FloatMatrix.ALIGNMENT));
    }

    /**
     * Whether any of the views is transposed. Fixed arity, the unused places repeating a matrix:
     * a varargs array is allocated on every call that C2 does not inline, and a training step made
     * many such calls.
     */
    static boolean anyTransposed(FloatMatrix a, FloatMatrix b, FloatMatrix c, FloatMatrix d) {
        return a.isTransposed() || b.isTransposed() || c.isTransposed() || d.isTransposed();
    }

    /** Whether all of the views are transposed; fixed arity as {@link #anyTransposed}. */
    static boolean allTransposed(FloatMatrix a, FloatMatrix b, FloatMatrix c, FloatMatrix d) {
        return a.isTransposed() && b.isTransposed() && c.isTransposed() && d.isTransposed();
    }

    /** Copies the {@code count < VL} floats at {@code offset} into {@code slot}; the spare lanes get {@code spare}. */
    static void stage(MemorySegment src, long offset, int count, MemorySegment tail, long slot, float spare) {
        MemorySegment.copy(src, offset, tail, slot, (long) count * Float.BYTES);
        for (int l = count; l < VL; l++) {
            tail.set(ValueLayout.JAVA_FLOAT, slot + (long) l * Float.BYTES, spare);
        }
    }

    /** Copies the first {@code count} floats of {@code slot} back to {@code offset}. */
    static void unstage(MemorySegment tail, long slot, MemorySegment dst, long offset, int count) {
        MemorySegment.copy(tail, slot, dst, offset, (long) count * Float.BYTES);
    }

    /** Byte offset of column {@code j} in a row. */
    static long at(int j) {
        return (long) j * Float.BYTES;
    }

    /**
     * Adds the vector stored at {@code offset}, the chunk starting at column {@code j}, to the striped
     * partials (lane l goes to (j + l) mod 16). It reads the chunk back from memory, just written
     * and still in L1, rather than taking it as an argument: a vector passed to a method C2 does
     * not inline is boxed on the heap.
     */
    static void addToStripes(float[] stripes, int j, MemorySegment s, long offset) {
        int stripe = j % StripedSum.STRIPES;
        FloatVector.fromArray(SPECIES, stripes, stripe).add(FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE))
                .intoArray(stripes, stripe);
    }
}
