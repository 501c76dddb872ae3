package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.DOUBLES;
import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;
import static dev.bfa.kernels.panama.RowStaging.SLOT;
import static dev.bfa.kernels.panama.RowStaging.anyTransposed;
import static dev.bfa.kernels.panama.RowStaging.at;
import static dev.bfa.kernels.panama.RowStaging.stage;

import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The reductions over a whole matrix: the bias gradient's column sums, in float, over rows in
 * order ({@link #columnSums}), and the diagnostics' dot product, in double, through the striped
 * partials ({@link #dot}); docs/spec.md, "Order of floating-point operations", gives both orders.
 */
final class Reductions {
    private static final int VL = SPECIES.length();
    private static final int DL = DOUBLES.length();

    private final ScalarKernels reference;
    private final ThreadLocal<float[]> partials;
    private final ThreadLocal<double[]> doublePartials;
    private final ThreadLocal<MemorySegment> tails;

    Reductions(ScalarKernels reference, ThreadLocal<float[]> partials, ThreadLocal<double[]> doublePartials,
               ThreadLocal<MemorySegment> tails) {
        this.reference = reference;
        this.partials = partials;
        this.doublePartials = doublePartials;
        this.tails = tails;
    }

    void columnSums(FloatMatrix d, FloatMatrix out) {
        Shapes.checkColumnSums(d, out);
        if (anyTransposed(d, out, out, out)) {
            reference.columnSums(d, out);
            return;
        }
        int n = d.cols();
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            columnSumChunk(d, at(j), out.segment(), at(j));
        }
        if (full < n) {
            columnSumTail(d, full, n - full, out, tails.get(), partials.get());
        }
    }

    /** Sums one vector-wide band of columns over every row, in row order. */
    private static void columnSumChunk(FloatMatrix d, long column, MemorySegment out, long outAt) {
        FloatVector sum = FloatVector.zero(SPECIES);
        for (int i = 0; i < d.rows(); i++) {
            sum = sum.add(FloatVector.fromMemorySegment(SPECIES, d.segment(), d.storageOffset(i, 0) + column, NATIVE));
        }
        sum.intoMemorySegment(out, outAt, NATIVE);
    }

    /**
     * {@link #columnSumChunk} for the last {@code count} columns, each row staged in turn and added
     * into {@code lanes} by a small method. Called once per bias gradient, this method itself stays
     * in C1 for a long time (hundreds of training steps), and a vector live in its loop would run
     * the Vector API's allocating Java fallback there.
     */
    private static void columnSumTail(FloatMatrix d, int first, int count, FloatMatrix out, MemorySegment tail,
                                      float[] lanes) {
        java.util.Arrays.fill(lanes, 0, VL, 0f);
        for (int i = 0; i < d.rows(); i++) {
            stage(d.segment(), d.storageOffset(i, first), count, tail, 0, 0f);
            addChunk(tail, 0, lanes);
        }
        MemorySegment.copy(lanes, 0, out.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, at(first), count);
    }

    private static void addChunk(MemorySegment s, long offset, float[] lanes) {
        FloatVector.fromArray(SPECIES, lanes, 0).add(FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE))
                .intoArray(lanes, 0);
    }

    double dot(FloatMatrix a, FloatMatrix b) {
        Shapes.checkSameShape(a, b, a);
        double[] stripes = doublePartials.get();
        java.util.Arrays.fill(stripes, 0.0);
        MemorySegment tail = tails.get();
        int n = a.cols();
        if (!anyTransposed(a, b, b, b)) {
            for (int i = 0; i < a.rows(); i++) {
                addProductsToStripes(stripes, a.segment(), a.storageOffset(i, 0), b.segment(), b.storageOffset(i, 0), n,
                        tail);
            }
        } else {
            // Logical rows of a transposed view are strided: gather blocks of them into arrays first.
            int blockRows = StripedSum.STRIPES;
            float[] rowsOfA = new float[blockRows * n];
            float[] rowsOfB = new float[blockRows * n];
            MemorySegment heapA = MemorySegment.ofArray(rowsOfA);
            MemorySegment heapB = MemorySegment.ofArray(rowsOfB);
            for (int i0 = 0; i0 < a.rows(); i0 += blockRows) {
                int count = Math.min(blockRows, a.rows() - i0);
                RowGather.logicalRows(a, i0, count, rowsOfA);
                RowGather.logicalRows(b, i0, count, rowsOfB);
                for (int r = 0; r < count; r++) {
                    long offset = (long) r * n * Float.BYTES;
                    addProductsToStripes(stripes, heapA, offset, heapB, offset, n, tail);
                }
            }
        }
        return StripedSum.combine(stripes);
    }

    /** Adds x[j]·y[j] (exact in double) for j in 0..n to partial j mod 16. */
    private static void addProductsToStripes(double[] stripes, MemorySegment xs, long x, MemorySegment ys, long y, int n,
                                             MemorySegment tail) {
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            productChunk(stripes, xs, x + at(j), ys, y + at(j), j);
        }
        if (full < n) {
            stage(xs, x + at(full), n - full, tail, 0, 0f);
            stage(ys, y + at(full), n - full, tail, SLOT, 0f);
            productChunk(stripes, tail, 0, tail, SLOT, full);
        }
    }

    private static void productChunk(double[] stripes, MemorySegment xs, long x, MemorySegment ys, long y, int j) {
        FloatVector xv = FloatVector.fromMemorySegment(SPECIES, xs, x, NATIVE);
        FloatVector yv = FloatVector.fromMemorySegment(SPECIES, ys, y, NATIVE);
        int s = j % StripedSum.STRIPES;
        for (int part = 0; part < 2; part++) {
            DoubleVector xd = (DoubleVector) xv.convertShape(VectorOperators.F2D, DOUBLES, part);
            DoubleVector yd = (DoubleVector) yv.convertShape(VectorOperators.F2D, DOUBLES, part);
            int to = s + part * DL;
            DoubleVector.fromArray(DOUBLES, stripes, to).add(xd.mul(yd)).intoArray(stripes, to);
        }
    }
}
