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
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
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

    /** The width in use. */
    public static int vectorBits() {
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

    private static boolean anyTransposed(FloatMatrix... matrices) {
        for (FloatMatrix m : matrices) {
            if (m.isTransposed()) {
                return true;
            }
        }
        return false;
    }

    private static boolean allTransposed(FloatMatrix... matrices) {
        for (FloatMatrix m : matrices) {
            if (!m.isTransposed()) {
                return false;
            }
        }
        return true;
    }

    /** Lanes of the chunk starting at column {@code j} that lie inside a row of {@code n}. */
    private static VectorMask<Float> tail(int j, int n) {
        return SPECIES.indexInRange(j, n);
    }

    /** Adds a chunk starting at column {@code j} to the striped partials (lane l goes to (j + l) mod 16). */
    private static void addToStripes(float[] stripes, int j, FloatVector chunk) {
        int s = j % StripedSum.STRIPES;
        FloatVector.fromArray(SPECIES, stripes, s).add(chunk).intoArray(stripes, s);
    }

    @Override
    public void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
        Shapes.checkRowOp(z, bias, out);
        if (anyTransposed(z, bias, out)) {
            reference.biasCenterActivate(z, bias, activation, out);
            return;
        }
        int n = z.cols();
        float[] stripes = partials.get();
        MemorySegment os = out.segment();
        for (int i = 0; i < z.rows(); i++) {
            long oRow = out.storageOffset(i, 0);
            float mean = addBiasAndSum(z.segment(), z.storageOffset(i, 0), bias.segment(), os, oRow, n, stripes) / n;
            switch (activation) {
                case RELU -> centreRelu(os, oRow, n, mean);
                case TANH -> centreTanh(os, oRow, n, mean);
                default -> throw new AssertionError(activation);
            }
        }
    }

    // The row passes below are separate small methods, each with its vectors local and its
    // constants broadcast once: inlined deep inside the trainer's step, one large method with
    // vector-valued helpers made C2 fall back to the Vector API's Java code (a heap array per
    // operation, 6 MB per step).

    /** {@code out = z + bias} over one row; returns the row's striped sum. */
    private static float addBiasAndSum(MemorySegment zs, long zRow, MemorySegment bs, MemorySegment os, long oRow, int n,
                                       float[] stripes) {
        java.util.Arrays.fill(stripes, 0f);
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector t = FloatVector.fromMemorySegment(SPECIES, zs, zRow + at, NATIVE, valid)
                    .add(FloatVector.fromMemorySegment(SPECIES, bs, at, NATIVE, valid));
            t.intoMemorySegment(os, oRow + at, NATIVE, valid);
            addToStripes(stripes, j, t);
        }
        return StripedSum.combine(stripes);
    }

    private static void centreRelu(MemorySegment row, long offset, int n, float mean) {
        FloatVector meanLanes = FloatVector.broadcast(SPECIES, mean);
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int j = 0; j < n; j += VL) {
            long at = offset + (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector.fromMemorySegment(SPECIES, row, at, NATIVE, valid).sub(meanLanes).max(zero)
                    .intoMemorySegment(row, at, NATIVE, valid);
        }
    }

    private static void centreTanh(MemorySegment row, long offset, int n, float mean) {
        FloatVector meanLanes = FloatVector.broadcast(SPECIES, mean);
        for (int j = 0; j < n; j += VL) {
            long at = offset + (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            VectorMath.tanh(FloatVector.fromMemorySegment(SPECIES, row, at, NATIVE, valid).sub(meanLanes))
                    .intoMemorySegment(row, at, NATIVE, valid);
        }
    }

    @Override
    public void addBias(FloatMatrix z, FloatMatrix bias) {
        Shapes.checkRowOp(z, bias, z);
        if (anyTransposed(z, bias)) {
            reference.addBias(z, bias);
            return;
        }
        int n = z.cols();
        for (int i = 0; i < z.rows(); i++) {
            long row = z.storageOffset(i, 0);
            for (int j = 0; j < n; j += VL) {
                long at = (long) j * Float.BYTES;
                VectorMask<Float> valid = tail(j, n);
                FloatVector.fromMemorySegment(SPECIES, z.segment(), row + at, NATIVE, valid)
                        .add(FloatVector.fromMemorySegment(SPECIES, bias.segment(), at, NATIVE, valid))
                        .intoMemorySegment(z.segment(), row + at, NATIVE, valid);
            }
        }
    }

    @Override
    public void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
        Shapes.checkSameShape(incoming, h, out);
        if (anyTransposed(incoming, h, out)) {
            reference.activationBackwardCenter(incoming, h, activation, out);
            return;
        }
        int n = incoming.cols();
        float[] stripes = partials.get();
        for (int i = 0; i < incoming.rows(); i++) {
            long inRow = incoming.storageOffset(i, 0);
            long hRow = h.storageOffset(i, 0);
            long oRow = out.storageOffset(i, 0);
            java.util.Arrays.fill(stripes, 0f);
            switch (activation) {
                case RELU -> reluBackward(incoming.segment(), inRow, h.segment(), hRow, out.segment(), oRow, n, stripes);
                case TANH -> tanhBackward(incoming.segment(), inRow, h.segment(), hRow, out.segment(), oRow, n, stripes);
                default -> throw new AssertionError(activation);
            }
            subtractMean(out.segment(), oRow, n, StripedSum.combine(stripes) / n);
        }
    }

    /** {@code out = incoming ⊙ relu'(h)} over one row, added to the stripes; relu'(NaN) is NaN. */
    private static void reluBackward(MemorySegment in, long inRow, MemorySegment hs, long hRow, MemorySegment os,
                                     long oRow, int n, float[] stripes) {
        FloatVector zero = FloatVector.zero(SPECIES);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector hv = FloatVector.fromMemorySegment(SPECIES, hs, hRow + at, NATIVE, valid);
            FloatVector derivative = zero.blend(one, hv.compare(VectorOperators.GT, zero))
                    .blend(hv, hv.test(VectorOperators.IS_NAN));
            FloatVector e = FloatVector.fromMemorySegment(SPECIES, in, inRow + at, NATIVE, valid).mul(derivative);
            e.intoMemorySegment(os, oRow + at, NATIVE, valid);
            addToStripes(stripes, j, e);
        }
    }

    /** {@code out = incoming ⊙ (1 - h²)} over one row, added to the stripes. */
    private static void tanhBackward(MemorySegment in, long inRow, MemorySegment hs, long hRow, MemorySegment os,
                                     long oRow, int n, float[] stripes) {
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector hv = FloatVector.fromMemorySegment(SPECIES, hs, hRow + at, NATIVE, valid);
            FloatVector e = FloatVector.fromMemorySegment(SPECIES, in, inRow + at, NATIVE, valid)
                    .mul(hv.neg().fma(hv, one));
            e.intoMemorySegment(os, oRow + at, NATIVE, valid);
            addToStripes(stripes, j, e);
        }
    }

    private static void subtractMean(MemorySegment row, long offset, int n, float mean) {
        FloatVector meanLanes = FloatVector.broadcast(SPECIES, mean);
        for (int j = 0; j < n; j += VL) {
            long at = offset + (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector.fromMemorySegment(SPECIES, row, at, NATIVE, valid).sub(meanLanes)
                    .intoMemorySegment(row, at, NATIVE, valid);
        }
    }

    @Override
    public double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        Shapes.checkSoftmax(logits, labels, grad);
        if (anyTransposed(logits, grad)) {
            return reference.softmaxCrossEntropy(logits, labels, grad);
        }
        int rows = logits.rows();
        int n = logits.cols();
        float batch = rows;
        float[] scratch = partials.get();
        MemorySegment ls = logits.segment();
        MemorySegment gs = grad.segment();
        double loss = 0;
        // One small method per pass over a row: vectors stay inside methods small enough for C2 to
        // inline whole, where a single large loop body left them boxed on the heap.
        for (int i = 0; i < rows; i++) {
            long lRow = logits.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            int label = labels[i];
            float max = rowMax(ls, lRow, n, scratch);
            float target = logits.get(i, label);
            float sum = expShifted(ls, lRow, gs, gRow, n, max, scratch);
            loss += StrictMath.log(sum) - ((double) target - max);
            float labelExp = grad.get(i, label);
            divideRow(gs, gRow, n, sum, batch);
            grad.set(i, label, (labelExp / sum - 1f) / batch);
        }
        return loss / rows;
    }

    /** The largest of {@code n} floats; Java's max is associative and commutative (NaN wins, +0 > -0). */
    private static float rowMax(MemorySegment row, long offset, int n, float[] scratch) {
        FloatVector maxLanes = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < n; j += VL) {
            VectorMask<Float> valid = tail(j, n);
            FloatVector x = FloatVector.fromMemorySegment(SPECIES, row, offset + (long) j * Float.BYTES, NATIVE, valid);
            maxLanes = maxLanes.lanewise(VectorOperators.MAX, x, valid);
        }
        maxLanes.intoArray(scratch, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < VL; l++) {
            max = Math.max(max, scratch[l]);
        }
        return max;
    }

    /** Writes {@code exp(x - max)} of a row into {@code out}'s row and returns their striped sum. */
    private static float expShifted(MemorySegment in, long inRow, MemorySegment out, long outRow, int n, float max,
                                    float[] stripes) {
        java.util.Arrays.fill(stripes, 0f);
        FloatVector maxLanes = FloatVector.broadcast(SPECIES, max);
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            VectorMath.exp(FloatVector.fromMemorySegment(SPECIES, in, inRow + at, NATIVE, valid).sub(maxLanes))
                    .intoMemorySegment(out, outRow + at, NATIVE, valid);
            // Lanes past the row hold exp(0 - max); reading the stored lanes back (zeros elsewhere)
            // keeps them out of the sum. A blend here ran the Vector API's Java fallback.
            addToStripes(stripes, j, FloatVector.fromMemorySegment(SPECIES, out, outRow + at, NATIVE, valid));
        }
        return StripedSum.combine(stripes);
    }

    /** {@code row[j] = (row[j] / sum) / batch}: the gradient of every class but the label's. */
    private static void divideRow(MemorySegment row, long offset, int n, float sum, float batch) {
        FloatVector sumLanes = FloatVector.broadcast(SPECIES, sum);
        FloatVector batchLanes = FloatVector.broadcast(SPECIES, batch);
        for (int j = 0; j < n; j += VL) {
            long at = offset + (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector.fromMemorySegment(SPECIES, row, at, NATIVE, valid).div(sumLanes).div(batchLanes)
                    .intoMemorySegment(row, at, NATIVE, valid);
        }
    }

    @Override
    public void columnSums(FloatMatrix d, FloatMatrix out) {
        Shapes.checkColumnSums(d, out);
        if (anyTransposed(d, out)) {
            reference.columnSums(d, out);
            return;
        }
        int n = d.cols();
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector sum = FloatVector.zero(SPECIES);
            for (int i = 0; i < d.rows(); i++) {
                sum = sum.add(FloatVector.fromMemorySegment(SPECIES, d.segment(), d.storageOffset(i, 0) + at, NATIVE, valid));
            }
            sum.intoMemorySegment(out.segment(), at, NATIVE, valid);
        }
    }

    @Override
    public void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
                                  float momentum) {
        Shapes.checkSameShape(param, grad, velocity);
        if (allTransposed(param, grad, velocity)) {
            // Element-wise: the storage order is as good as the logical one.
            sgdMomentumUpdate(param.transpose(), grad.transpose(), velocity.transpose(), learningRate, momentum);
            return;
        }
        if (anyTransposed(param, grad, velocity)) {
            reference.sgdMomentumUpdate(param, grad, velocity, learningRate, momentum);
            return;
        }
        int n = param.cols();
        float negativeRate = -learningRate;
        for (int i = 0; i < param.rows(); i++) {
            long pRow = param.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            long vRow = velocity.storageOffset(i, 0);
            for (int j = 0; j < n; j += VL) {
                long at = (long) j * Float.BYTES;
                VectorMask<Float> valid = tail(j, n);
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, grad.segment(), gRow + at, NATIVE, valid);
                FloatVector v = FloatVector.broadcast(SPECIES, momentum).fma(
                        FloatVector.fromMemorySegment(SPECIES, velocity.segment(), vRow + at, NATIVE, valid), g);
                v.intoMemorySegment(velocity.segment(), vRow + at, NATIVE, valid);
                FloatVector p = FloatVector.fromMemorySegment(SPECIES, param.segment(), pRow + at, NATIVE, valid);
                FloatVector.broadcast(SPECIES, negativeRate).fma(v, p)
                        .intoMemorySegment(param.segment(), pRow + at, NATIVE, valid);
            }
        }
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
        FloatVector beta1 = FloatVector.broadcast(SPECIES, s.beta1());
        FloatVector beta2 = FloatVector.broadcast(SPECIES, s.beta2());
        FloatVector negativeRate = FloatVector.broadcast(SPECIES, -s.learningRate());
        for (int i = 0; i < param.rows(); i++) {
            long pRow = param.storageOffset(i, 0);
            long gRow = grad.storageOffset(i, 0);
            long mRow = m.storageOffset(i, 0);
            long vRow = v.storageOffset(i, 0);
            for (int j = 0; j < n; j += VL) {
                long at = (long) j * Float.BYTES;
                VectorMask<Float> valid = tail(j, n);
                FloatVector g = FloatVector.fromMemorySegment(SPECIES, grad.segment(), gRow + at, NATIVE, valid);
                FloatVector mi = beta1.fma(FloatVector.fromMemorySegment(SPECIES, m.segment(), mRow + at, NATIVE, valid),
                        g.mul(s.oneMinusBeta1()));
                FloatVector vi = beta2.fma(FloatVector.fromMemorySegment(SPECIES, v.segment(), vRow + at, NATIVE, valid),
                        g.mul(s.oneMinusBeta2()).mul(g));
                mi.intoMemorySegment(m.segment(), mRow + at, NATIVE, valid);
                vi.intoMemorySegment(v.segment(), vRow + at, NATIVE, valid);
                FloatVector step = mi.mul(s.biasCorrection1())
                        .div(vi.mul(s.biasCorrection2()).sqrt().add(s.epsilon()));
                FloatVector p = FloatVector.fromMemorySegment(SPECIES, param.segment(), pRow + at, NATIVE, valid);
                negativeRate.fma(step, p).intoMemorySegment(param.segment(), pRow + at, NATIVE, valid);
            }
        }
    }

    @Override
    public double dot(FloatMatrix a, FloatMatrix b) {
        Shapes.checkSameShape(a, b, a);
        double[] stripes = doublePartials.get();
        java.util.Arrays.fill(stripes, 0.0);
        int n = a.cols();
        if (!anyTransposed(a, b)) {
            for (int i = 0; i < a.rows(); i++) {
                addProductsToStripes(stripes, a.segment(), a.storageOffset(i, 0), b.segment(), b.storageOffset(i, 0), n);
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
                    addProductsToStripes(stripes, heapA, offset, heapB, offset, n);
                }
            }
        }
        return StripedSum.combine(stripes);
    }

    /** Adds x[j]·y[j] (exact in double) for j in 0..n to partial j mod 16. */
    private static void addProductsToStripes(double[] stripes, MemorySegment xs, long x, MemorySegment ys, long y, int n) {
        for (int j = 0; j < n; j += VL) {
            long at = (long) j * Float.BYTES;
            VectorMask<Float> valid = tail(j, n);
            FloatVector xv = FloatVector.fromMemorySegment(SPECIES, xs, x + at, NATIVE, valid);
            FloatVector yv = FloatVector.fromMemorySegment(SPECIES, ys, y + at, NATIVE, valid);
            int s = j % StripedSum.STRIPES;
            for (int part = 0; part < 2; part++) {
                DoubleVector xd = (DoubleVector) xv.convertShape(VectorOperators.F2D, DOUBLES, part);
                DoubleVector yd = (DoubleVector) yv.convertShape(VectorOperators.F2D, DOUBLES, part);
                int to = s + part * DL;
                DoubleVector.fromArray(DOUBLES, stripes, to).add(xd.mul(yd)).intoArray(stripes, to);
            }
        }
    }
}
