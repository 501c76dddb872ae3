package dev.bfa.data;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Builds input batches: the pixel bytes of chosen examples, normalised to floats, one example per
 * row of a {@link FloatMatrix}. Each input is exactly
 *
 * <pre>{@code x = Math.fma((float) (b & 0xFF), norm.scale(), norm.offset())}</pre>
 *
 * for pixel byte {@code b}: one fused multiply-add, rounded once (see {@link Normalization}). The
 * trainer's bit-level determinism relies on this being the only way inputs are made.
 *
 * <p>Each example's bytes are copied in bulk into a scratch array, converted there and copied in bulk
 * into the row, so the hot loop never reads a segment byte by byte. The scratch arrays belong to the
 * instance: {@link #assemble} allocates nothing, and an assembler is not thread-safe.
 */
public final class BatchAssembler {
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final int features;
    private final byte[] bytes;
    private final float[] floats;

    /** An assembler for examples of {@code features} pixel bytes. */
    public BatchAssembler(int features) {
        if (features < 1) {
            throw new IllegalArgumentException("features " + features + " must be at least 1");
        }
        this.features = features;
        this.bytes = new byte[features];
        this.floats = new float[features];
    }

    public int features() {
        return features;
    }

    /**
     * Writes examples {@code indices[0 .. count)} of {@code data}, normalised with {@code norm}, into the
     * first {@code count} rows of {@code out} (a plain, not transposed, view with {@code features}
     * columns and at least {@code count} rows), and their labels into {@code labelsOut[0 .. count)}
     * ({@code labelsOut} may be null when labels are not needed).
     */
    public void assemble(LabeledImages data, int[] indices, int count, Normalization norm, FloatMatrix out,
            int[] labelsOut) {
        if (data.features() != features) {
            throw new IllegalArgumentException("examples of " + data.features() + " features given to an assembler for "
                    + features);
        }
        if (count < 0 || count > indices.length) {
            throw new IllegalArgumentException("batch of " + count + " from " + indices.length + " indices");
        }
        if (out.isTransposed() || out.cols() != features || out.rows() < count) {
            throw new IllegalArgumentException("output " + out + " cannot hold a plain " + count + "x" + features
                    + " batch");
        }
        if (labelsOut != null && labelsOut.length < count) {
            throw new IllegalArgumentException("label array of length " + labelsOut.length + " for a batch of " + count);
        }
        Objects.requireNonNull(norm, "norm");
        float scale = norm.scale();
        float offset = norm.offset();
        MemorySegment pixels = data.segment();
        MemorySegment target = out.segment();
        int n = data.count();
        byte[] b = bytes;
        float[] x = floats;
        for (int r = 0; r < count; r++) {
            int example = Objects.checkIndex(indices[r], n);
            MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) example * features, b, 0, features);
            for (int j = 0; j < features; j++) {
                x[j] = Math.fma((float) (b[j] & 0xFF), scale, offset);
            }
            MemorySegment.copy(x, 0, target, FLOAT, out.storageOffset(r, 0), features);
            if (labelsOut != null) {
                labelsOut[r] = data.label(example);
            }
        }
    }
}
