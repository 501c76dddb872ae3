package dev.bfa.kernels.panama;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.Shapes;
import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels. The species is fixed once per JVM (a {@code static final}, so C2 folds
 * it): the CPU's preferred shape, or the width forced by {@code -Dbfa.vector.bits}. Every kernel
 * performs, lane by lane, the operations of {@link ScalarKernels} in the same order; sums across a
 * row keep the 16 striped partials in a small array so the order is independent of the width.
 *
 * <p>Row kernels vectorise along storage rows; for the rare transposed view they hand the call
 * to the reference, whose results are the same by definition.
 */
public final class PanamaKernels implements Kernels {
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, SPECIES.vectorShape());
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final int VL = SPECIES.length();
    private static final int DL = DOUBLES.length();
    private static final long VECTOR_BYTES = (long) VL * Float.BYTES;

    private final ScalarKernels reference = new ScalarKernels();
    private final PanamaGemm gemm = new PanamaGemm();
    private final ThreadLocal<float[]> partials = ThreadLocal.withInitial(() -> new float[StripedSum.STRIPES]);
    private final ThreadLocal<double[]> doublePartials = ThreadLocal.withInitial(() -> new double[StripedSum.STRIPES]);
    /** Four staging slots per thread for row tails (see {@link #stage}). */
    private final ThreadLocal<MemorySegment> tails =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(4 * VECTOR_BYTES, FloatMatrix.ALIGNMENT));

    private PanamaKernels() {
    }

    private static VectorSpecies<Float> chooseSpecies() {
        int requested = KernelProvider.parseRequestedBits(
                System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY, "auto"));
        return requested > 0 ? VectorSpecies.of(float.class, VectorShape.forBitSize(requested))
                : FloatVector.SPECIES_PREFERRED;
    }

    /** Entry point for {@link KernelProvider}. */
    public static Kernels create() {
        return new PanamaKernels();
    }

    /** The float vector width the CPU prefers, whatever is forced. */
    public static int preferredBits() {
        return VectorShape.preferredShape().vectorBitSize();
    }

    @Override
    public int vectorBits() {
        return SPECIES.vectorBitSize();
    }

    @Override
    public String name() {
        return "panama-" + SPECIES.vectorBitSize() + "bit (" + VL + " floats)";
    }

    @Override
    public java.util.Optional<dev.bfa.kernels.Blocking> blocking() {
        return java.util.Optional.of(gemm.blocking());
    }

    @Override
    public void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        gemm.gemm(a, b, c, accumulate, pool);
    }

    /*
     * Fixed arity, the unused places repeating a matrix: a varargs array is allocated on every call
     * that C2 does not inline, and JFR found 170 such arrays per training step in adamUpdate.
     */
    private static boolean anyTransposed(FloatMatrix a, FloatMatrix b, FloatMatrix c, FloatMatrix d) {
        return a.isTransposed() || b.isTransposed() || c.isTransposed() || d.isTransposed();
    }

    private static boolean allTransposed(FloatMatrix a, FloatMatrix b, FloatMatrix c, FloatMatrix d) {
        return a.isTransposed() && b.isTransposed() && c.isTransposed() && d.isTransposed();
    }

    // Staging of row tails. No kernel masks a vector operation: a masked load or store on a
    // MemorySegment ran the Vector API's Java fallback in some compiled contexts (a heap array per
    // operation, about 100 KB per softmax over 10 classes). Full vectors are processed in place;
    // the last, partial one is copied into a per-thread scratch segment whose spare lanes hold a
    // neutral value (0, or -inf for a maximum), processed there by the same chunk method, and
    // the valid lanes are copied back. Spare lanes add +0 to a sum, which changes no partial: a
    // partial starts at +0 and a sum from +0 is never -0.

    /** Bytes of one staging slot: one vector. */
    private static final long SLOT = VECTOR_BYTES;

    /** Copies the {@code count < VL} floats at {@code offset} into {@code slot}; the spare lanes get {@code spare}. */
    private static void stage(MemorySegment src, long offset, int count, MemorySegment tail, long slot, float spare) {
        MemorySegment.copy(src, offset, tail, slot, (long) count * Float.BYTES);
        for (int l = count; l < VL; l++) {
            tail.set(ValueLayout.JAVA_FLOAT, slot + (long) l * Float.BYTES, spare);
        }
    }

    /** Copies the first {@code count} floats of {@code slot} back to {@code offset}. */
    private static void unstage(MemorySegment tail, long slot, MemorySegment dst, long offset, int count) {
        MemorySegment.copy(tail, slot, dst, offset, (long) count * Float.BYTES);
    }

    /** Byte offset of column {@code j} in a row. */
    private static long at(int j) {
        return (long) j * Float.BYTES;
    }

    /**
     * Adds the vector stored at {@code offset}, the chunk starting at column {@code j}, to the striped
     * partials (lane l goes to (j + l) mod 16). It reads the chunk back from memory, just written
     * and still in L1, rather than taking it as an argument: a vector passed to a method C2 does
     * not inline is boxed on the heap.
     */
    private static void addToStripes(float[] stripes, int j, MemorySegment s, long offset) {
        int stripe = j % StripedSum.STRIPES;
        FloatVector.fromArray(SPECIES, stripes, stripe).add(FloatVector.fromMemorySegment(SPECIES, s, offset, NATIVE))
                .intoArray(stripes, stripe);
    }

    @Override
    public void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
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

    // The row passes below are separate small methods, each with its vectors local and its
    // constants broadcast once: inlined deep inside the trainer's step, one large method with
    // vector-valued helpers made C2 fall back to the Vector API's Java code (a heap array per
    // operation, 6 MB per step). The in-place passes (centreRelu, centreTanh, subtractMean,
    // divideRow) repeat the same full-vectors-then-staged-tail loop on purpose: folded into one
    // method with a switch over the operation, the tanh pass allocated 1.5 MB per 128 x 1024 call.

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

    @Override
    public void addBias(FloatMatrix z, FloatMatrix bias) {
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

    @Override
    public void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
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

    @Override
    public double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
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

    @Override
    public void columnSums(FloatMatrix d, FloatMatrix out) {
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
     * in C1 for a long time (about 200 training steps at the paper's shapes), and a vector live in
     * its loop would run the Vector API's allocating Java fallback there (34 KB per step).
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

    @Override
    public void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
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

    @Override
    public void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep s) {
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

    @Override
    public void scale(FloatMatrix m, float factor) {
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

    @Override
    public void signTimes(FloatMatrix w, float magnitude, FloatMatrix out) {
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

    @Override
    public double dot(FloatMatrix a, FloatMatrix b) {
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
