package dev.bfa.kernels;

import dev.bfa.memory.FloatMatrix;

/** Argument checks shared by every {@link Kernels} implementation, so both reject the same calls. */
public final class Shapes {
    private Shapes() {
    }

    /**
     * C (m x n) = A (m x k) · B (k x n), with C sharing memory with neither input, all three
     * reachable from every thread of {@code pool}.
     */
    public static void checkGemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, ComputePool pool) {
        // One call per operand rather than a loop over a new array: this runs on every GEMM call.
        checkReachable(a, pool);
        checkReachable(b, pool);
        checkReachable(c, pool);
        if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols()) {
            throw new IllegalArgumentException("gemm shapes do not fit: A " + a + ", B " + b + ", C " + c);
        }
        if (overlap(a, c) || overlap(b, c)) {
            throw new IllegalArgumentException("gemm output C must not share memory with A or B");
        }
    }

    private static void checkReachable(FloatMatrix m, ComputePool pool) {
        if (!pool.canAccess(m.segment())) {
            throw new IllegalArgumentException("matrix " + m + " lives in memory confined to one thread; "
                    + "a pool of " + pool.threads() + " threads needs a shared arena (Arena.ofShared())");
        }
    }

    /** A row-wise operation on {@code rows x n} matrices with a {@code 1 x n} row vector. */
    public static void checkRowOp(FloatMatrix z, FloatMatrix rowVector, FloatMatrix out) {
        checkSameShape(z, out, out);
        if (rowVector.rows() != 1 || rowVector.cols() != z.cols()) {
            throw new IllegalArgumentException("row vector " + rowVector + " does not fit rows of " + z);
        }
    }

    public static void checkSameShape(FloatMatrix a, FloatMatrix b, FloatMatrix c) {
        if (!a.sameShape(b) || !a.sameShape(c)) {
            throw new IllegalArgumentException("shapes differ: " + a + ", " + b + ", " + c);
        }
    }

    public static void checkColumnSums(FloatMatrix d, FloatMatrix out) {
        if (out.rows() != 1 || out.cols() != d.cols()) {
            throw new IllegalArgumentException("column sums of " + d + " do not fit " + out);
        }
    }

    public static void checkSoftmax(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        checkSameShape(logits, grad, grad);
        if (labels.length < logits.rows()) {
            throw new IllegalArgumentException(labels.length + " labels for " + logits.rows() + " rows of logits");
        }
        for (int i = 0; i < logits.rows(); i++) {
            if (labels[i] < 0 || labels[i] >= logits.cols()) {
                throw new IllegalArgumentException("label " + labels[i] + " of row " + i + " is outside 0.."
                        + (logits.cols() - 1));
            }
        }
    }

    /**
     * Whether two views may share an element. Views with the same leading dimension are compared as
     * the rectangles of storage they cover (so the column blocks of one matrix are apart); any other
     * pair whose byte ranges intersect is taken to overlap.
     */
    public static boolean overlap(FloatMatrix x, FloatMatrix y) {
        long xs = x.segment().address();
        long ys = y.segment().address();
        boolean sameBase = x.segment().isNative() == y.segment().isNative()
                && x.segment().heapBase().equals(y.segment().heapBase());
        if (!(sameBase && xs < ys + y.segment().byteSize() && ys < xs + x.segment().byteSize())) {
            return false;
        }
        if (x.ld() != y.ld() || (xs - ys) % Float.BYTES != 0) {
            return true;
        }
        // Storage rows and columns of both, counted from the first element of the lower one.
        FloatMatrix low = xs <= ys ? x : y;
        FloatMatrix high = low == x ? y : x;
        long elements = (high.segment().address() - low.segment().address()) / Float.BYTES;
        long row = elements / low.ld();
        long column = elements % low.ld();
        if (column + high.storageCols() > low.ld()) {
            return true;
        }
        return row < low.storageRows() && column < low.storageCols();
    }
}
