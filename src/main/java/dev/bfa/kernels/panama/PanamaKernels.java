package dev.bfa.kernels.panama;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.kernels.ScalarKernels;
import dev.bfa.kernels.StripedSum;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Optional;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels, the entry {@link KernelProvider} loads: it fixes the species and hands
 * each call to the family that computes it, {@link PanamaGemm} for the GEMM, {@link
 * ActivationKernels}, {@link SoftmaxKernel}, {@link Reductions} and {@link ParameterKernels} for the
 * row kernels. The species is fixed once per JVM (a {@code static final}, so C2 folds it): the
 * CPU's preferred shape, or the width forced by {@code -Dbfa.vector.bits}. Every kernel performs,
 * lane by lane, the operations of {@link ScalarKernels} in the same order; sums across a row keep
 * the 16 striped partials in a small array so the order is independent of the width.
 *
 * <p>Row kernels vectorise along storage rows; for the rare transposed view they hand the call
 * to the reference, whose results are the same by definition.
 */
public final class PanamaKernels implements Kernels {
    static final VectorSpecies<Float> SPECIES = chooseSpecies();
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, SPECIES.vectorShape());
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private final ScalarKernels reference = new ScalarKernels();
    private final PanamaGemm gemm = new PanamaGemm();
    private final ThreadLocal<float[]> partials = ThreadLocal.withInitial(() -> new float[StripedSum.STRIPES]);
    private final ThreadLocal<double[]> doublePartials = ThreadLocal.withInitial(() -> new double[StripedSum.STRIPES]);
    private final ThreadLocal<MemorySegment> tails = RowStaging.newTails();
    private final ActivationKernels activations = new ActivationKernels(reference, partials, tails);
    private final SoftmaxKernel softmax = new SoftmaxKernel(reference, partials, tails);
    private final Reductions reductions = new Reductions(reference, partials, doublePartials, tails);
    private final ParameterKernels parameters = new ParameterKernels(reference, tails);

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
        return "panama-" + SPECIES.vectorBitSize() + "bit (" + SPECIES.length() + " floats)";
    }

    @Override
    public Optional<Blocking> blocking() {
        return Optional.of(gemm.blocking());
    }

    @Override
    public void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        gemm.gemm(a, b, c, accumulate, pool);
    }

    @Override
    public void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
        activations.biasCenterActivate(z, bias, activation, out);
    }

    @Override
    public void addBias(FloatMatrix z, FloatMatrix bias) {
        activations.addBias(z, bias);
    }

    @Override
    public void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
        activations.activationBackwardCenter(incoming, h, activation, out);
    }

    @Override
    public double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        return softmax.softmaxCrossEntropy(logits, labels, grad);
    }

    @Override
    public void columnSums(FloatMatrix d, FloatMatrix out) {
        reductions.columnSums(d, out);
    }

    @Override
    public void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
                                  float momentum) {
        parameters.sgdMomentumUpdate(param, grad, velocity, learningRate, momentum);
    }

    @Override
    public void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep s) {
        parameters.adamUpdate(param, grad, m, v, s);
    }

    @Override
    public void scale(FloatMatrix m, float factor) {
        parameters.scale(m, factor);
    }

    @Override
    public void signTimes(FloatMatrix w, float magnitude, FloatMatrix out) {
        parameters.signTimes(w, magnitude, out);
    }

    @Override
    public double dot(FloatMatrix a, FloatMatrix b) {
        return reductions.dot(a, b);
    }
}
