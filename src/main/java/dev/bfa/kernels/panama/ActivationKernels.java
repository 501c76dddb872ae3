package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;
import static dev.bfa.kernels.panama.RowStaging.SLOT;
import static dev.bfa.kernels.panama.RowStaging.addToStripes;
import static dev.bfa.kernels.panama.RowStaging.anyTransposed;
import static dev.bfa.kernels.panama.RowStaging.at;
import static dev.bfa.kernels.panama.RowStaging.stage;
import static dev.bfa.kernels.panama.RowStaging.unstage;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The layer epilogues, row by row: the hidden forward pass's bias, centring and activation
 * ({@link #biasCenterActivate}), the output layer's bias ({@link #addBias}) and the hidden backward
 * step's activation derivative and centring ({@link #activationBackwardCenter}). Each row is one
 * or two passes of whole vectors along its storage, the row's mean from the striped sum of the
 * first pass (docs/spec.md, "Order of floating-point operations").
 *
 * <p>The passes are separate small methods, each with its vectors local and its constants
 * broadcast once: inlined deep inside the trainer's step, one large method with vector-valued
 * helpers made C2 fall back to the Vector API's Java code, a heap array per operation. The
 * in-place passes (centreRelu, centreTanh, subtractMean, and the softmax's divideRow) repeat the
 * same full-vectors-then-staged-tail loop on purpose: folded into one method with a switch over
 * the operation, the tanh pass fell back to the allocating Java code again. The measurements are
 * in docs/kernels.md ("Measured choices").
 */
final class ActivationKernels {
    private static final int VL = SPECIES.length();

    private final ScalarKernels reference;
    private final ThreadLocal<float[]> partials;
    private final ThreadLocal<MemorySegment> tails;

    ActivationKernels(ScalarKernels reference, ThreadLocal<float[]> partials, ThreadLocal<MemorySegment> tails) {
        this.reference = reference;
        this.partials = partials;
        this.tails = tails;
    }

    void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
        Shapes.checkRowOp(z, bias, out);
        if (anyTransposed(z, bias, out, out)) {
            reference.biasCenterActivate(z, bias, activation, out);
            return;
        }
        int n = z.cols();
        float[] stripes = partials.get();
        MemorySegment tail = tails.get();
        MemorySegment os = out.segment();
        for (int i = 0; i < z.rows(); i++) {
            long oRow = out.storageOffset(i, 0);
            float mean = addBiasAndSum(z.segment(), z.storageOffset(i, 0), bias.segment(), os, oRow, n, stripes, tail) / n;
            switch (activation) {
                case RELU -> centreRelu(os, oRow, n, mean, tail);
                case TANH -> centreTanh(os, oRow, n, mean, tail);
                default -> throw new AssertionError(activation);
            }
        }
    }

    /** {@code out = z + bias} over one row; returns the row's striped sum. */
    private static float addBiasAndSum(MemorySegment zs, long zRow, MemorySegment bs, MemorySegment os, long oRow, int n,
                                       float[] stripes, MemorySegment tail) {
        java.util.Arrays.fill(stripes, 0f);
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            addBiasChunk(zs, zRow + at(j), bs, at(j), os, oRow + at(j), stripes, j);
        }
        if (full < n) {
            stage(zs, zRow + at(full), n - full, tail, 0, 0f);
            stage(bs, at(full), n - full, tail, SLOT, 0f);
            addBiasChunk(tail, 0, tail, SLOT, tail, 0, stripes, full);
            unstage(tail, 0, os, oRow + at(full), n - full);
        }
        return StripedSum.combine(stripes);
    }

    /** One vector of {@code out = z + bias}, added to the stripes when there are any. */
    private static void addBiasChunk(MemorySegment zs, long z, MemorySegment bs, long b, MemorySegment os, long o,
                                     float[] stripes, int j) {
        FloatVector t = FloatVector.fromMemorySegment(SPECIES, zs, z, NATIVE)
                .add(FloatVector.fromMemorySegment(SPECIES, bs, b, NATIVE));
        t.intoMemorySegment(os, o, NATIVE);
        if (stripes != null) {
            addToStripes(stripes, j, os, o);
        }
    }

    private static void centreRelu(MemorySegment row, long offset, int n, float mean, MemorySegment tail) {
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            centreReluChunk(row, offset + at(j), mean);
        }
        if (full < n) {
            stage(row, offset + at(full), n - full, tail, 0, 0f);
            centreReluChunk(tail, 0, mean);
            unstage(tail, 0, row, offset + at(full), n - full);
        }
    }

    private static void centreReluChunk(MemorySegment s, long offset, float mean) {
        FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE).sub(mean).max(0f).intoMemorySegment(s, offset, NATIVE);
    }

    private static void centreTanh(MemorySegment row, long offset, int n, float mean, MemorySegment tail) {
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            centreTanhChunk(row, offset + at(j), mean);
        }
        if (full < n) {
            stage(row, offset + at(full), n - full, tail, 0, 0f);
            centreTanhChunk(tail, 0, mean);
            unstage(tail, 0, row, offset + at(full), n - full);
        }
    }

    private static void centreTanhChunk(MemorySegment s, long offset, float mean) {
        VectorMath.tanh(FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE).sub(mean))
                .intoMemorySegment(s, offset, NATIVE);
    }

    void addBias(FloatMatrix z, FloatMatrix bias) {
        Shapes.checkRowOp(z, bias, z);
        if (anyTransposed(z, bias, bias, bias)) {
            reference.addBias(z, bias);
            return;
        }
        int n = z.cols();
        int full = SPECIES.loopBound(n);
        MemorySegment zs = z.segment();
        MemorySegment bs = bias.segment();
        MemorySegment tail = tails.get();
        for (int i = 0; i < z.rows(); i++) {
            long row = z.storageOffset(i, 0);
            for (int j = 0; j < full; j += VL) {
                addBiasChunk(zs, row + at(j), bs, at(j), zs, row + at(j), null, j);
            }
            if (full < n) {
                stage(zs, row + at(full), n - full, tail, 0, 0f);
                stage(bs, at(full), n - full, tail, SLOT, 0f);
                addBiasChunk(tail, 0, tail, SLOT, tail, 0, null, full);
                unstage(tail, 0, zs, row + at(full), n - full);
            }
        }
    }

    void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
        Shapes.checkSameShape(incoming, h, out);
        if (anyTransposed(incoming, h, out, out)) {
            reference.activationBackwardCenter(incoming, h, activation, out);
            return;
        }
        int n = incoming.cols();
        int full = SPECIES.loopBound(n);
        float[] stripes = partials.get();
        MemorySegment tail = tails.get();
        MemorySegment in = incoming.segment();
        MemorySegment hs = h.segment();
        MemorySegment os = out.segment();
        for (int i = 0; i < incoming.rows(); i++) {
            long inRow = incoming.storageOffset(i, 0);
            long hRow = h.storageOffset(i, 0);
            long oRow = out.storageOffset(i, 0);
            java.util.Arrays.fill(stripes, 0f);
            for (int j = 0; j < full; j += VL) {
                backwardChunk(activation, in, inRow + at(j), hs, hRow + at(j), os, oRow + at(j), stripes, j);
            }
            if (full < n) {
                stage(in, inRow + at(full), n - full, tail, 0, 0f);
                stage(hs, hRow + at(full), n - full, tail, SLOT, 0f);
                backwardChunk(activation, tail, 0, tail, SLOT, tail, 0, stripes, full);
                unstage(tail, 0, os, oRow + at(full), n - full);
            }
            subtractMean(os, oRow, n, StripedSum.combine(stripes) / n, tail);
        }
    }

    private static void backwardChunk(Activation activation, MemorySegment in, long inAt, MemorySegment hs, long hAt,
                                      MemorySegment os, long oAt, float[] stripes, int j) {
        switch (activation) {
            case RELU -> reluBackwardChunk(in, inAt, hs, hAt, os, oAt, stripes, j);
            case TANH -> tanhBackwardChunk(in, inAt, hs, hAt, os, oAt, stripes, j);
            default -> throw new AssertionError(activation);
        }
    }

    /** One vector of {@code out = incoming ⊙ relu'(h)}, added to the stripes; relu'(NaN) is NaN. */
    private static void reluBackwardChunk(MemorySegment in, long inAt, MemorySegment hs, long hAt, MemorySegment os,
                                          long oAt, float[] stripes, int j) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector hv = FloatVector.fromMemorySegment(SPECIES, hs, hAt, NATIVE);
        FloatVector derivative = zero.blend(FloatVector.broadcast(SPECIES, 1f), hv.compare(VectorOperators.GT, zero))
                .blend(hv, hv.test(VectorOperators.IS_NAN));
        FloatVector e = FloatVector.fromMemorySegment(SPECIES, in, inAt, NATIVE).mul(derivative);
        e.intoMemorySegment(os, oAt, NATIVE);
        addToStripes(stripes, j, os, oAt);
    }

    /** One vector of {@code out = incoming ⊙ (1 - h²)}, added to the stripes. */
    private static void tanhBackwardChunk(MemorySegment in, long inAt, MemorySegment hs, long hAt, MemorySegment os,
                                          long oAt, float[] stripes, int j) {
        FloatVector hv = FloatVector.fromMemorySegment(SPECIES, hs, hAt, NATIVE);
        FloatVector e = FloatVector.fromMemorySegment(SPECIES, in, inAt, NATIVE)
                .mul(hv.neg().fma(hv, FloatVector.broadcast(SPECIES, 1f)));
        e.intoMemorySegment(os, oAt, NATIVE);
        addToStripes(stripes, j, os, oAt);
    }

    private static void subtractMean(MemorySegment row, long offset, int n, float mean, MemorySegment tail) {
        int full = SPECIES.loopBound(n);
        for (int j = 0; j < full; j += VL) {
            subtractChunk(row, offset + at(j), mean);
        }
        if (full < n) {
            stage(row, offset + at(full), n - full, tail, 0, 0f);
            subtractChunk(tail, 0, mean);
            unstage(tail, 0, row, offset + at(full), n - full);
        }
    }

    private static void subtractChunk(MemorySegment s, long offset, float mean) {
        FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE).sub(mean).intoMemorySegment(s, offset, NATIVE);
    }
}
