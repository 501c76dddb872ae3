package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;
import static dev.bfa.kernels.panama.RowStaging.SLOT;
import static dev.bfa.kernels.panama.RowStaging.allTransposed;
import static dev.bfa.kernels.panama.RowStaging.anyTransposed;
import static dev.bfa.kernels.panama.RowStaging.at;
import static dev.bfa.kernels.panama.RowStaging.stage;
import static dev.bfa.kernels.panama.RowStaging.unstage;

import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The element-wise kernels over parameter matrices: the optimisers' updates (momentum SGD, Adam),
 * Kolen-Pollack's decay ({@link #scale}) and sign-symmetry's feedback ({@link #signTimes}). Each
 * runs along storage rows, so a view transposed in every operand is walked in its storage order,
 * which for an element-wise kernel changes nothing.
 */
final class ParameterKernels {
    private static final int VL = SPECIES.length();

    private final ScalarKernels reference;
    private final ThreadLocal<MemorySegment> tails;

    ParameterKernels(ScalarKernels reference, ThreadLocal<MemorySegment> tails) {
        this.reference = reference;
        this.tails = tails;
    }

    void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
                           float momentum) {
        Shapes.checkSameShape(param, grad, velocity);
        if (allTransposed(param, grad, velocity, velocity)) {
            // Element-wise: the storage order is as good as the logical one.
            sgdMomentumUpdate(param.transpose(), grad.transpose(), velocity.transpose(), learningRate, momentum);
            return;
        }
        if (anyTransposed(param, grad, velocity, velocity)) {
            reference.sgdMomentumUpdate(param, grad, velocity, learningRate, momentum);
            return;
        }
        int n = param.cols();
        int full = SPECIES.loopBound(n);
        MemorySegment ps = param.segment();
        MemorySegment gs = grad.segment();
        MemorySegment vs = velocity.segment();
        MemorySegment tail = tails.get();
        for (int i = 0; i < param.rows(); i++) {
            long pRow = param.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            long vRow = velocity.storageOffset(i, 0);
            for (int j = 0; j < full; j += VL) {
                sgdChunk(ps, pRow + at(j), gs, gRow + at(j), vs, vRow + at(j), learningRate, momentum);
            }
            if (full < n) {
                int count = n - full;
                stage(ps, pRow + at(full), count, tail, 0, 0f);
                stage(gs, gRow + at(full), count, tail, SLOT, 0f);
                stage(vs, vRow + at(full), count, tail, 2 * SLOT, 0f);
                sgdChunk(tail, 0, tail, SLOT, tail, 2 * SLOT, learningRate, momentum);
                unstage(tail, 0, ps, pRow + at(full), count);
                unstage(tail, 2 * SLOT, vs, vRow + at(full), count);
            }
        }
    }

    private static void sgdChunk(MemorySegment ps, long p, MemorySegment gs, long g, MemorySegment vs, long v,
                                 float learningRate, float momentum) {
        FloatVector velocity = FloatVector.broadcast(SPECIES, momentum)
                .fma(FloatVector.fromMemorySegment(SPECIES, vs, v, NATIVE), FloatVector.fromMemorySegment(SPECIES, gs, g, NATIVE));
        velocity.intoMemorySegment(vs, v, NATIVE);
        FloatVector.broadcast(SPECIES, -learningRate).fma(velocity, FloatVector.fromMemorySegment(SPECIES, ps, p, NATIVE))
                .intoMemorySegment(ps, p, NATIVE);
    }

    void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep s) {
        Shapes.checkSameShape(param, grad, m);
        Shapes.checkSameShape(param, grad, v);
        if (allTransposed(param, grad, m, v)) {
            adamUpdate(param.transpose(), grad.transpose(), m.transpose(), v.transpose(), s);
            return;
        }
        if (anyTransposed(param, grad, m, v)) {
            reference.adamUpdate(param, grad, m, v, s);
            return;
        }
        int n = param.cols();
        int full = SPECIES.loopBound(n);
        MemorySegment ps = param.segment();
        MemorySegment gs = grad.segment();
        MemorySegment ms = m.segment();
        MemorySegment vs = v.segment();
        MemorySegment tail = tails.get();
        for (int i = 0; i < param.rows(); i++) {
            long pRow = param.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            long mRow = m.storageOffset(i, 0);
            long vRow = v.storageOffset(i, 0);
            adamRow(ps, pRow, gs, gRow, ms, mRow, vs, vRow, full, s);
            if (full < n) {
                int count = n - full;
                stage(ps, pRow + at(full), count, tail, 0, 0f);
                stage(gs, gRow + at(full), count, tail, SLOT, 0f);
                stage(ms, mRow + at(full), count, tail, 2 * SLOT, 0f);
                stage(vs, vRow + at(full), count, tail, 3 * SLOT, 0f);
                adamRow(tail, 0, tail, SLOT, tail, 2 * SLOT, tail, 3 * SLOT, VL, s);
                unstage(tail, 0, ps, pRow + at(full), count);
                unstage(tail, 2 * SLOT, ms, mRow + at(full), count);
                unstage(tail, 3 * SLOT, vs, vRow + at(full), count);
            }
        }
    }

    /** Adam over the first {@code count} (a multiple of VL) elements of one row. */
    private static void adamRow(MemorySegment ps, long pRow, MemorySegment gs, long gRow, MemorySegment ms, long mRow,
                                MemorySegment vs, long vRow, int count, AdamStep s) {
        FloatVector beta1 = FloatVector.broadcast(SPECIES, s.beta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, s.beta2());
        FloatVector negativeRate = FloatVector.broadcast(SPECIES, -s.learningRate());
        for (int j = 0; j < count; j += VL) {
            long at = at(j);
            FloatVector g = FloatVector.fromMemorySegment(SPECIES, gs, gRow + at, NATIVE);
            FloatVector mi = beta1.fma(FloatVector.fromMemorySegment(SPECIES, ms, mRow + at, NATIVE),
                    g.mul(s.oneMinusBeta1()));
            FloatVector vi = beta2.fma(FloatVector.fromMemorySegment(SPECIES, vs, vRow + at, NATIVE),
                    g.mul(s.oneMinusBeta2()).mul(g));
            mi.intoMemorySegment(ms, mRow + at, NATIVE);
            vi.intoMemorySegment(vs, vRow + at, NATIVE);
            FloatVector step = mi.mul(s.biasCorrection1()).div(vi.mul(s.biasCorrection2()).sqrt().add(s.epsilon()));
            negativeRate.fma(step, FloatVector.fromMemorySegment(SPECIES, ps, pRow + at, NATIVE))
                    .intoMemorySegment(ps, pRow + at, NATIVE);
        }
    }

    void scale(FloatMatrix m, float factor) {
        Shapes.checkSameShape(m, m, m);
        if (m.isTransposed()) {
            scale(m.transpose(), factor);
            return;
        }
        int n = m.cols();
        int full = SPECIES.loopBound(n);
        MemorySegment ms = m.segment();
        MemorySegment tail = tails.get();
        for (int i = 0; i < m.rows(); i++) {
            long row = m.storageOffset(i, 0);
            for (int j = 0; j < full; j += VL) {
                scaleChunk(ms, row + at(j), factor);
            }
            if (full < n) {
                int count = n - full;
                stage(ms, row + at(full), count, tail, 0, 0f);
                scaleChunk(tail, 0, factor);
                unstage(tail, 0, ms, row + at(full), count);
            }
        }
    }

    private static void scaleChunk(MemorySegment s, long offset, float factor) {
        FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE).mul(factor).intoMemorySegment(s, offset, NATIVE);
    }

    void signTimes(FloatMatrix w, float magnitude, FloatMatrix out) {
        Shapes.checkSameShape(w, out, out);
        if (w.isTransposed() && out.isTransposed()) {
            signTimes(w.transpose(), magnitude, out.transpose());
            return;
        }
        if (w.isTransposed() || out.isTransposed()) {
            reference.signTimes(w, magnitude, out);
            return;
        }
        int n = w.cols();
        int full = SPECIES.loopBound(n);
        MemorySegment ws = w.segment();
        MemorySegment os = out.segment();
        MemorySegment tail = tails.get();
        for (int i = 0; i < w.rows(); i++) {
            long wRow = w.storageOffset(i, 0);
            long oRow = out.storageOffset(i, 0);
            for (int j = 0; j < full; j += VL) {
                signChunk(ws, wRow + at(j), os, oRow + at(j), magnitude);
            }
            if (full < n) {
                int count = n - full;
                stage(ws, wRow + at(full), count, tail, 0, 0f);
                signChunk(tail, 0, tail, SLOT, magnitude);
                unstage(tail, SLOT, os, oRow + at(full), count);
            }
        }
    }

    private static void signChunk(MemorySegment ws, long w, MemorySegment os, long o, float magnitude) {
        FloatVector x = FloatVector.fromMemorySegment(SPECIES, ws, w, NATIVE);
        FloatVector zero = FloatVector.zero(SPECIES);
        zero.blend(magnitude, x.compare(VectorOperators.GT, 0f)).blend(-magnitude, x.compare(VectorOperators.LT, 0f))
                .intoMemorySegment(os, o, NATIVE);
    }
}
