package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.FloatVector;

/** Copies logical rows of a view into a plain array, reading a transposed view with vector loads. */
final class RowGather {
    private RowGather() {
    }

    /** {@code dst[r * cols + j] = view(i0 + r, j)} for {@code r < count <= SPECIES.length() * k}. */
    static void logicalRows(FloatMatrix view, int i0, int count, float[] dst) {
        int cols = view.cols();
        MemorySegment src = view.segment();
        if (!view.isTransposed()) {
            for (int r = 0; r < count; r++) {
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, view.storageOffset(i0 + r, 0), dst, r * cols, cols);
            }
            return;
        }
        // Logical column j is storage row j; its elements i0 .. i0+count are contiguous.
        int vl = SPECIES.length();
        float[] run = new float[vl];
        for (int j = 0; j < cols; j++) {
            long offset = view.storageOffset(j, i0);
            for (int r0 = 0; r0 < count; r0 += vl) {
                int valid = Math.min(vl, count - r0);
                FloatVector.fromMemorySegment(SPECIES, src, offset + (long) r0 * Float.BYTES, NATIVE,
                        SPECIES.indexInRange(0, valid)).intoArray(run, 0);
                for (int r = 0; r < valid; r++) {
                    dst[(r0 + r) * cols + j] = run[r];
                }
            }
        }
    }
}
