package dev.bfa.memory;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * A float32 matrix view over off-heap memory.
 *
 * <p>Storage is row-major with an explicit leading dimension {@code ld} (elements between the
 * starts of consecutive storage rows). A view is either <em>plain</em> (logical element (i, j) is
 * storage element (i, j)) or <em>transposed</em> (logical (i, j) is storage (j, i)). Transposing
 * never copies: a tied matrix exists once and each network reads it in its own orientation.
 *
 * <p>Views are immutable; the memory they describe is not. Its lifetime belongs to the arena that
 * allocated it, which the caller owns.
 */
public final class FloatMatrix {
    /** Alignment of every allocation: one cache line, also the width of a 512-bit vector. */
    public static final long ALIGNMENT = 64;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final MemorySegment segment;
    private final int rows;
    private final int cols;
    private final int ld;
    private final boolean transposed;
    /**
     * The other orientation, made on first use and then reused, so that the hot paths (which read
     * weights and errors transposed every step) allocate nothing. A racy first use may make two
     * equal views; both are correct, so no synchronisation is needed.
     */
    private FloatMatrix other;

    private FloatMatrix(MemorySegment segment, int rows, int cols, int ld, boolean transposed) {
        this.segment = segment;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
        this.transposed = transposed;
    }

    /** Bytes a dense {@code rows x cols} matrix takes, rounded up to {@link #ALIGNMENT}. */
    public static long bytesFor(int rows, int cols) {
        checkShape(rows, cols);
        // exact: a shape from the command line may be absurd, and a wrapped size would look small
        long bytes = Math.multiplyExact((long) rows * cols, (long) Float.BYTES);
        return Math.addExact(bytes, ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * A zeroed dense matrix from {@code allocator}: an {@link java.lang.foreign.Arena}, or a
     * {@link SegmentAllocator#slicingAllocator slicing allocator} over one segment when all the
     * parameters of a model should live in a single block.
     */
    public static FloatMatrix allocate(SegmentAllocator allocator, int rows, int cols) {
        return allocate(allocator, rows, cols, cols);
    }

    /** As {@link #allocate(SegmentAllocator, int, int)} with a leading dimension {@code ld >= cols}. */
    public static FloatMatrix allocate(SegmentAllocator allocator, int rows, int cols, int ld) {
        checkShape(rows, cols);
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension " + ld + " is smaller than the " + cols + " columns");
        }
        long bytes = ((long) (rows - 1) * ld + cols) * Float.BYTES;
        MemorySegment memory = allocator.allocate(bytes, ALIGNMENT);
        memory.fill((byte) 0);
        return new FloatMatrix(memory, rows, cols, ld, false);
    }

    /** A plain view of {@code rows x cols} over existing memory with leading dimension {@code ld}. */
    public static FloatMatrix wrap(MemorySegment segment, int rows, int cols, int ld) {
        checkShape(rows, cols);
        if (ld < cols) {
            throw new IllegalArgumentException("leading dimension " + ld + " is smaller than the " + cols + " columns");
        }
        long needed = ((long) (rows - 1) * ld + cols) * Float.BYTES;
        if (segment.byteSize() < needed) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for a "
                    + rows + "x" + cols + " matrix with leading dimension " + ld + " (" + needed + " bytes)");
        }
        return new FloatMatrix(segment, rows, cols, ld, false);
    }

    private static void checkShape(int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("matrix shape " + rows + "x" + cols + " must be at least 1x1");
        }
    }

    /** The same memory read in the other orientation. */
    public FloatMatrix transpose() {
        FloatMatrix t = other;
        if (t == null) {
            t = new FloatMatrix(segment, cols, rows, ld, !transposed);
            t.other = this;
            other = t;
        }
        return t;
    }

    /** A view of the logical block starting at (row, col) of size {@code nRows x nCols}. */
    public FloatMatrix block(int row, int col, int nRows, int nCols) {
        checkShape(nRows, nCols);
        if (row < 0 || col < 0 || row + nRows > rows || col + nCols > cols) {
            throw new IndexOutOfBoundsException("block " + nRows + "x" + nCols + " at (" + row + ", " + col
                    + ") is outside a " + rows + "x" + cols + " matrix");
        }
        int storageRow = transposed ? col : row;
        int storageCol = transposed ? row : col;
        int storageRows = transposed ? nCols : nRows;
        int storageCols = transposed ? nRows : nCols;
        long start = ((long) storageRow * ld + storageCol) * Float.BYTES;
        long length = ((long) (storageRows - 1) * ld + storageCols) * Float.BYTES;
        return new FloatMatrix(segment.asSlice(start, length), nRows, nCols, ld, transposed);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Elements between consecutive storage rows. */
    public int ld() {
        return ld;
    }

    public boolean isTransposed() {
        return transposed;
    }

    /** Rows of the underlying storage: {@code rows()} for a plain view, {@code cols()} for a transposed one. */
    public int storageRows() {
        return transposed ? cols : rows;
    }

    /** Columns of the underlying storage (the contiguous direction). */
    public int storageCols() {
        return transposed ? rows : cols;
    }

    /** Whether storage rows follow each other without gaps. */
    public boolean isContiguous() {
        return ld == storageCols() || storageRows() == 1;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** Byte offset in {@link #segment()} of storage element (storageRow, storageCol). */
    public long storageOffset(int storageRow, int storageCol) {
        return ((long) storageRow * ld + storageCol) * Float.BYTES;
    }

    /** Byte offset in {@link #segment()} of logical element (i, j). */
    public long offset(int i, int j) {
        return transposed ? storageOffset(j, i) : storageOffset(i, j);
    }

    /** Element access for set-up, I/O and tests; kernels never read element by element. */
    public float get(int i, int j) {
        checkIndex(i, j);
        return segment.get(FLOAT, offset(i, j));
    }

    public void set(int i, int j, float value) {
        checkIndex(i, j);
        segment.set(FLOAT, offset(i, j), value);
    }

    private void checkIndex(int i, int j) {
        if (i < 0 || i >= rows || j < 0 || j >= cols) {
            throw new IndexOutOfBoundsException("(" + i + ", " + j + ") is outside a " + rows + "x" + cols + " matrix");
        }
    }

    /** Copies logical row {@code i} into {@code dst[dstIndex .. dstIndex + cols)}. */
    public void copyRowTo(int i, float[] dst, int dstIndex) {
        if (!transposed) {
            MemorySegment.copy(segment, FLOAT, storageOffset(i, 0), dst, dstIndex, cols);
        } else {
            for (int j = 0; j < cols; j++) {
                dst[dstIndex + j] = segment.get(FLOAT, storageOffset(j, i));
            }
        }
    }

    /** Copies {@code src} (logical row-major, {@code rows*cols} values) into this view. */
    public void copyFrom(float[] src) {
        if (src.length != rows * cols) {
            throw new IllegalArgumentException(src.length + " values for a " + rows + "x" + cols + " matrix");
        }
        for (int i = 0; i < rows; i++) {
            if (!transposed) {
                MemorySegment.copy(src, i * cols, segment, FLOAT, storageOffset(i, 0), cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    segment.set(FLOAT, storageOffset(j, i), src[i * cols + j]);
                }
            }
        }
    }

    /** The logical contents, row-major. */
    public float[] toArray() {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            copyRowTo(i, out, i * cols);
        }
        return out;
    }

    /** Sets every element to {@code value}. */
    public void fill(float value) {
        for (int r = 0; r < storageRows(); r++) {
            MemorySegment row = segment.asSlice(storageOffset(r, 0), (long) storageCols() * Float.BYTES);
            if (Float.floatToRawIntBits(value) == 0) {
                row.fill((byte) 0);
            } else {
                for (int c = 0; c < storageCols(); c++) {
                    row.set(FLOAT, (long) c * Float.BYTES, value);
                }
            }
        }
    }

    /** Whether both views describe the same logical shape. */
    public boolean sameShape(FloatMatrix other) {
        return rows == other.rows && cols == other.cols;
    }

    @Override
    public String toString() {
        return rows + "x" + cols + (transposed ? " (transposed view)" : "") + ", ld " + ld;
    }
}
