package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;
import static dev.bfa.kernels.panama.RowStaging.addToStripes;
import static dev.bfa.kernels.panama.RowStaging.anyTransposed;
import static dev.bfa.kernels.panama.RowStaging.at;
import static dev.bfa.kernels.panama.RowStaging.stage;
import static dev.bfa.kernels.panama.RowStaging.unstage;

import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The loss: softmax cross-entropy of the logits, row by row, and its gradient. Each row is three
 * passes along its storage: the maximum, {@code exp(x - max)} with its striped sum, and the
 * division (docs/spec.md, "Order of floating-point operations"). The loss is summed over rows in
 * order, so this kernel runs on the calling thread alone.
 */
final class SoftmaxKernel {
    private static final int VL = SPECIES.length();

    private final ScalarKernels reference;
    private final ThreadLocal<float[]> partials;
    private final ThreadLocal<MemorySegment> tails;

    SoftmaxKernel(ScalarKernels reference, ThreadLocal<float[]> partials, ThreadLocal<MemorySegment> tails) {
        this.reference = reference;
        this.partials = partials;
        this.tails = tails;
    }

    double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        Shapes.checkSoftmax(logits, labels, grad);
        if (anyTransposed(logits, grad, grad, grad)) {
            return reference.softmaxCrossEntropy(logits, labels, grad);
        }
        int rows = logits.rows();
        int n = logits.cols();
        float batch = rows;
        float[] scratch = partials.get();
        MemorySegment tail = tails.get();
        MemorySegment ls = logits.segment();
        MemorySegment gs = grad.segment();
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            long lRow = logits.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            int label = labels[i];
            float max = rowMax(ls, lRow, n, scratch, tail);
            float target = logits.get(i, label);
            float sum = expShifted(ls, lRow, gs, gRow, n, max, scratch, tail);
            loss += StrictMath.log(sum) - ((double) target - max);
            float labelExp = grad.get(i, label);
            divideRow(gs, gRow, n, sum, batch, tail);
            grad.set(i, label, (labelExp / sum - 1f) / batch);
        }
        return loss / rows;
    }

    /** The largest of {@code n} floats; Java's max is associative and commutative (NaN wins, +0 > -0). */
    private static float rowMax(MemorySegment row, long offset, int n, float[] lanes, MemorySegment tail) {
        java.util.Arrays.fill(lanes, 0, VL, Float.NEGATIVE_INFINITY);
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            maxChunk(row, offset + at(j), lanes);
        }
        if (full < n) {
            stage(row, offset + at(full), n - full, tail, 0, Float.NEGATIVE_INFINITY);
            maxChunk(tail, 0, lanes);
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < VL; l++) {
            max = Math.max(max, lanes[l]);
        }
        return max;
    }

    private static void maxChunk(MemorySegment s, long offset, float[] lanes) {
        FloatVector.fromArray(SPECIES, lanes, 0).max(FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE))
                .intoArray(lanes, 0);
    }

    /** Writes {@code exp(x - max)} of a row into {@code out}'s row and returns their striped sum. */
    private static float expShifted(MemorySegment in, long inRow, MemorySegment out, long outRow, int n, float max,
                                    float[] stripes, MemorySegment tail) {
        java.util.Arrays.fill(stripes, 0f);
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            expChunk(in, inRow + at(j), out, outRow + at(j), max);
            addToStripes(stripes, j, out, outRow + at(j));
        }
        if (full < n) {
            // The spare lanes hold exp(-max): the sum reads the row back through a fresh staging.
            stage(in, inRow + at(full), n - full, tail, 0, 0f);
            expChunk(tail, 0, tail, 0, max);
            unstage(tail, 0, out, outRow + at(full), n - full);
            stage(out, outRow + at(full), n - full, tail, 0, 0f);
            addToStripes(stripes, full, tail, 0);
        }
        return StripedSum.combine(stripes);
    }

    private static void expChunk(MemorySegment in, long inAt, MemorySegment out, long outAt, float max) {
        VectorMath.exp(FloatVector.fromMemorySegment(SPECIES, in, inAt, NATIVE).sub(max)).intoMemorySegment(out, outAt, NATIVE);
    }

    /** {@code row[j] = (row[j] / sum) / batch}: the gradient of every class but the label's. */
    private static void divideRow(MemorySegment row, long offset, int n, float sum, float batch, MemorySegment tail) {
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            divideChunk(row, offset + at(j), sum, batch);
        }
        if (full < n) {
            stage(row, offset + at(full), n - full, tail, 0, 0f);
            divideChunk(tail, 0, sum, batch);
            unstage(tail, 0, row, offset + at(full), n - full);
        }
    }

    private static void divideChunk(MemorySegment s, long offset, float sum, float batch) {
        FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE).div(sum).div(batch).intoMemorySegment(s, offset, NATIVE);
    }
}
