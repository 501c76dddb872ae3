package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.FAST;
import static dev.bfa.kernels.KernelTestSupport.random;
import static dev.bfa.kernels.KernelTestSupport.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The fused kernels against the mathematics they implement, computed here in double precision
 * (independently of ScalarKernels), within error bounds derived from the float operations involved.
 * {@code u = 2^-24} is the unit roundoff of float.
 */
@Tag("kernels")
class FusedKernelDoubleReferenceTest {
    private static final double U = 0x1p-24;
    private static final int[] COLUMNS = {1, 3, 16, 17, 33, 129, 784, 1024, 3072};

    private static Arena arena;

    @BeforeAll
    static void setUp() {
        arena = Arena.ofShared();
    }

    @AfterAll
    static void tearDown() {
        arena.close();
    }

    private static FloatMatrix matrix(int rows, int cols, float[] values) {
        return KernelTestSupport.matrixOf(arena, rows, cols, Layout.PADDED, values);
    }

    private static void check(boolean ok, String format, Object... args) {
        if (!ok) {
            throw new AssertionError(String.format(Locale.ROOT, format, args));
        }
    }

    /**
     * Loss: mean over rows of {@code log(sum_j e^{l_j}) - l_target}, computed in double. The float kernel
     * rounds {@code l_j - max} (relative error u, absolute up to 16u for logits in [-8, 8]), exp (a couple of
     * ulps), the striped sum (n·u relative at most) and the quotient, so q is within a few 1e-6 relative;
     * the gradient entry then rounds {@code q - 1} (target column) and the division by the batch, each within
     * u of the result. The loss, summed in double from {@code log} of the float sum,
     * within 1e-5 relative (plus 2e-6 absolute for losses near 0).
     */
    @Test
    void softmaxCrossEntropyMatchesDouble() {
        for (int classes : new int[] {1, 2, 3, 10, 17, 33, 1000}) {
            for (int rows : new int[] {1, 3, 128, 129}) {
                RandomGenerator random = random(classes * 1000L + rows);
                float[] logits = uniform(random, rows * classes, -8f, 8f);
                int[] labels = random.ints(rows, 0, classes).toArray();
                FloatMatrix grad = matrix(rows, classes, new float[rows * classes]);
                double loss = FAST.softmaxCrossEntropy(matrix(rows, classes, logits), labels, grad);
                float[] g = grad.toArray();

                double expectedLoss = 0;
                for (int i = 0; i < rows; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < classes; j++) {
                        max = Math.max(max, logits[i * classes + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < classes; j++) {
                        sum += StrictMath.exp(logits[i * classes + j] - max);
                    }
                    expectedLoss += max + StrictMath.log(sum) - logits[i * classes + labels[i]];
                    for (int j = 0; j < classes; j++) {
                        double q = StrictMath.exp(logits[i * classes + j] - max) / sum;
                        double expected = ((j == labels[i]) ? q - 1 : q) / rows;
                        double tolerance = 4e-6 * q / rows + 2 * U * Math.abs(expected) + 1e-30;
                        double actual = g[i * classes + j];
                        check(Math.abs(actual - expected) <= tolerance,
                                "softmax grad %dx%d (%d, %d): %s vs double %s (tolerance %.2e)",
                                rows, classes, i, j, actual, expected, tolerance);
                    }
                }
                expectedLoss /= rows;
                check(Math.abs(loss - expectedLoss) <= 1e-5 * Math.abs(expectedLoss) + 2e-6,
                        "softmax loss %dx%d: %s vs double %s", rows, classes, loss, expectedLoss);
            }
        }
    }

    /**
     * Error bound of {@code x = fl(fl(z + b) - mean_f)} against the exact {@code z + b - mean}: the sum
     * {@code t = z + b} is rounded once (u|t|); the float striped mean of n values has at most about
     * n/16 + 4 roundings on the way, each within u of a partial bounded by {@code S = sum |t|}, so its error
     * is at most {@code (n/16 + 5)·u·S/n}; the subtraction rounds once (u|x|). The factor 2 absorbs second-order
     * terms. ReLU and tanh have slope at most 1, so the same bound carries to the output, plus tanh's own
     * error (see {@link FloatMathTest#TANH_MAX_ULP}).
     */
    private static double centredInputBound(double t, double x, double absSum, int n) {
        return 2 * (U * Math.abs(t) + U * Math.abs(x) + (n / 16.0 + 5) * U * absSum / n) + Float.MIN_VALUE;
    }

    @Test
    void biasCenterActivateMatchesDouble() {
        for (int cols : COLUMNS) {
            for (Activation activation : Activation.values()) {
                int rows = 7;
                RandomGenerator random = random(cols * 31L + activation.ordinal());
                float[] z = uniform(random, rows * cols, -2f, 3f);
                float[] bias = uniform(random, cols, -0.5f, 0.5f);
                FloatMatrix out = matrix(rows, cols, new float[rows * cols]);
                FAST.biasCenterActivate(matrix(rows, cols, z), matrix(1, cols, bias), activation, out);
                float[] h = out.toArray();
                for (int i = 0; i < rows; i++) {
                    double sum = 0;
                    double absSum = 0;
                    for (int j = 0; j < cols; j++) {
                        double t = (double) z[i * cols + j] + bias[j];
                        sum += t;
                        absSum += Math.abs(t);
                    }
                    double mean = sum / cols;
                    for (int j = 0; j < cols; j++) {
                        double t = (double) z[i * cols + j] + bias[j];
                        double x = t - mean;
                        double expected = activation == Activation.RELU ? Math.max(x, 0) : StrictMath.tanh(x);
                        double tolerance = centredInputBound(t, x, absSum, cols);
                        if (activation == Activation.TANH) {
                            tolerance += FloatMathTest.TANH_MAX_ULP * Math.ulp((float) expected);
                        }
                        double actual = h[i * cols + j];
                        check(Math.abs(actual - expected) <= tolerance,
                                "biasCenterActivate %s %dx%d (%d, %d): %s vs double %s (tolerance %.2e)",
                                activation, rows, cols, i, j, actual, expected, tolerance);
                    }
                }
            }
        }
    }

    /**
     * Rows whose striped sum is exactly 0 (blocks of 16 values then their negations) and zero bias: the
     * centred input is exactly z, so the output is tanh(z) to within the bound of FloatMath.tanh alone.
     */
    @Test
    void tanhActivationWithinUlpsOfStrictMath() {
        int rows = 16;
        int cols = 1024;
        RandomGenerator random = random(555);
        float[] z = new float[rows * cols];
        for (int block = 0; block < z.length; block += 32) {
            for (int j = 0; j < 16; j++) {
                float x = (random.nextInt(4) == 0 ? 0.6f : 12f) * (2 * random.nextFloat() - 1);
                z[block + j] = x;
                z[block + 16 + j] = -x;
            }
        }
        FloatMatrix out = matrix(rows, cols, new float[rows * cols]);
        FAST.biasCenterActivate(matrix(rows, cols, z), matrix(1, cols, new float[cols]), Activation.TANH, out);
        float[] h = out.toArray();
        double worst = 0;
        for (int i = 0; i < z.length; i++) {
            double exact = StrictMath.tanh(z[i]);
            worst = Math.max(worst, Math.abs(h[i] - exact) / Math.ulp((float) exact));
        }
        assertThat(worst).as("max tanh error in ulps through biasCenterActivate").isLessThanOrEqualTo(FloatMathTest.TANH_MAX_ULP);
    }

    /**
     * activationBackwardCenter: {@code out = e - mean(e)} with {@code e = incoming ⊙ σ'(h)}. The product
     * (and, for tanh, {@code fma(-h, h, 1)}) rounds at most twice (2u|e|), the mean has the striped-sum bound
     * above, the subtraction one rounding. The row mean of the output is then 0 within the mean's error plus
     * the roundings of the subtractions.
     */
    @Test
    void activationBackwardCenterMatchesDoubleAndIsCentred() {
        for (int cols : COLUMNS) {
            for (Activation activation : Activation.values()) {
                int rows = 5;
                RandomGenerator random = random(cols * 37L + activation.ordinal());
                float[] incoming = uniform(random, rows * cols, -1e-2f, 2e-2f);
                float[] h = activation == Activation.RELU
                        ? uniform(random, rows * cols, -1f, 1f) : uniform(random, rows * cols, -0.99f, 0.99f);
                if (activation == Activation.RELU) {
                    for (int i = 0; i < h.length; i++) {
                        h[i] = Math.max(h[i], 0f);
                    }
                }
                FloatMatrix out = matrix(rows, cols, new float[rows * cols]);
                FAST.activationBackwardCenter(matrix(rows, cols, incoming), matrix(rows, cols, h), activation, out);
                float[] d = out.toArray();
                for (int i = 0; i < rows; i++) {
                    double[] e = new double[cols];
                    double sum = 0;
                    double absSum = 0;
                    for (int j = 0; j < cols; j++) {
                        double hj = h[i * cols + j];
                        double derivative = activation == Activation.RELU ? (hj > 0 ? 1 : 0) : 1 - hj * hj;
                        e[j] = incoming[i * cols + j] * derivative;
                        sum += e[j];
                        absSum += Math.abs(e[j]);
                    }
                    double mean = sum / cols;
                    double outSum = 0;
                    double maxOut = 0;
                    for (int j = 0; j < cols; j++) {
                        double expected = e[j] - mean;
                        double actual = d[i * cols + j];
                        double tolerance = 2 * (2 * U * Math.abs(e[j]) + U * Math.abs(expected)
                                + (cols / 16.0 + 5) * U * absSum / cols) + Float.MIN_VALUE;
                        check(Math.abs(actual - expected) <= tolerance,
                                "activationBackwardCenter %s %dx%d (%d, %d): %s vs double %s (tolerance %.2e)",
                                activation, rows, cols, i, j, actual, expected, tolerance);
                        outSum += actual;
                        maxOut = Math.max(maxOut, Math.abs(actual));
                    }
                    double outMean = outSum / cols;
                    double meanTolerance = 2 * ((cols / 16.0 + 7) * U * absSum / cols + U * maxOut);
                    check(Math.abs(outMean) <= meanTolerance, "row %d of %s %dx%d has mean %.3e (tolerance %.2e)",
                            i, activation, rows, cols, outMean, meanTolerance);
                }
            }
        }
    }

    /** Mean centring of the forward pass before ReLU: the row mean of x = t - mean(t) is 0 within the bound. */
    @Test
    void forwardCentringHasZeroRowMean() {
        // A linear view of the centring: with tanh near 0 (inputs scaled to |x| < 1e-3) tanh(x) = x (1 + O(1e-6)).
        for (int cols : COLUMNS) {
            int rows = 4;
            RandomGenerator random = random(cols);
            float[] z = uniform(random, rows * cols, 0f, 1e-3f); // all positive: centring must move them
            FloatMatrix out = matrix(rows, cols, new float[rows * cols]);
            FAST.biasCenterActivate(matrix(rows, cols, z), matrix(1, cols, new float[cols]), Activation.TANH, out);
            float[] x = out.toArray();
            for (int i = 0; i < rows; i++) {
                double sum = 0;
                double absSum = 0;
                for (int j = 0; j < cols; j++) {
                    sum += x[i * cols + j];
                    absSum += z[i * cols + j];
                }
                double mean = sum / cols;
                // Centring error as above, plus tanh(x) - x <= x^3/3 <= 3.4e-10 |x| for |x| <= 1e-3, plus tanh's ulps.
                double tolerance = 2 * ((cols / 16.0 + 7) * U * absSum / cols) + 4 * U * 1e-3 + 1e-3 * 1e-6 / 3;
                check(Math.abs(mean) <= tolerance, "centred row %d of %d columns has mean %.3e (tolerance %.2e)",
                        i, cols, mean, tolerance);
            }
        }
    }

    /**
     * SGD with momentum, one step: {@code v = fma(mu, v0, g)} is one rounding of the exact
     * {@code mu·v0 + g} (u relative); {@code p = fma(-lr, v, p0)} adds one rounding (u|p|) and carries v's
     * error times lr. Checked within 1e-6 relative to the sizes involved ({@code 1e-6 ≈ 16u}).
     */
    @Test
    void sgdMomentumMatchesDouble() {
        for (int cols : COLUMNS) {
            int rows = 3;
            RandomGenerator random = random(cols * 41L);
            float[] p0 = uniform(random, rows * cols, -0.1f, 0.1f);
            float[] g = uniform(random, rows * cols, -1e-2f, 1e-2f);
            float[] v0 = uniform(random, rows * cols, -1e-2f, 1e-2f);
            float lr = 0.05f;
            float mu = 0.9f;
            FloatMatrix param = matrix(rows, cols, p0);
            FloatMatrix velocity = matrix(rows, cols, v0);
            FAST.sgdMomentumUpdate(param, matrix(rows, cols, g), velocity, lr, mu);
            float[] p = param.toArray();
            float[] v = velocity.toArray();
            for (int i = 0; i < p.length; i++) {
                double vd = (double) mu * v0[i] + g[i];
                double pd = p0[i] - (double) lr * vd;
                check(Math.abs(v[i] - vd) <= 1e-6 * (Math.abs(mu * (double) v0[i]) + Math.abs(g[i])),
                        "sgd velocity %d: %s vs double %s", i, v[i], vd);
                check(Math.abs(p[i] - pd) <= 1e-6 * (Math.abs(pd) + Math.abs(lr * vd)),
                        "sgd param %d: %s vs double %s", i, p[i], pd);
            }
        }
    }

    /**
     * Adam, one step, against the textbook formula in double with exact bias corrections
     * {@code 1/(1 - beta^t)}: m and v carry two or three roundings each; the step
     * {@code (m·c1) / (sqrt(v·c2) + eps)} about a dozen (including c1 and c2 rounded to float), i.e. under
     * 1e-6 relative; the parameter adds one rounding of its own.
     */
    @Test
    void adamMatchesDouble() {
        for (long t : new long[] {1, 2, 10, 1000}) {
            float lr = 1e-3f;
            float beta1 = 0.9f;
            float beta2 = 0.999f;
            float eps = 1e-8f;
            AdamStep step = AdamStep.of(lr, beta1, beta2, eps, t);
            for (int cols : COLUMNS) {
                int rows = 3;
                RandomGenerator random = random(cols * 43L + t);
                float[] p0 = uniform(random, rows * cols, -0.1f, 0.1f);
                float[] g = uniform(random, rows * cols, -1e-2f, 1e-2f);
                float[] m0 = t == 1 ? new float[rows * cols] : uniform(random, rows * cols, -1e-2f, 1e-2f);
                float[] v0 = t == 1 ? new float[rows * cols] : uniform(random, rows * cols, 0f, 1e-4f);
                FloatMatrix param = matrix(rows, cols, p0);
                FloatMatrix m = matrix(rows, cols, m0);
                FloatMatrix v = matrix(rows, cols, v0);
                FAST.adamUpdate(param, matrix(rows, cols, g), m, v, step);
                float[] p = param.toArray();
                float[] mf = m.toArray();
                float[] vf = v.toArray();
                double c1 = 1 / (1 - StrictMath.pow(beta1, t));
                double c2 = 1 / (1 - StrictMath.pow(beta2, t));
                for (int i = 0; i < p.length; i++) {
                    double md = beta1 * (double) m0[i] + (1 - (double) beta1) * g[i];
                    double vd = beta2 * (double) v0[i] + (1 - (double) beta2) * g[i] * (double) g[i];
                    double update = md * c1 / (Math.sqrt(vd * c2) + eps);
                    double pd = p0[i] - lr * update;
                    check(Math.abs(mf[i] - md) <= 1e-6 * (Math.abs(beta1 * m0[i]) + Math.abs((1 - beta1) * g[i])),
                            "adam t=%d m[%d]: %s vs double %s", t, i, mf[i], md);
                    check(Math.abs(vf[i] - vd) <= 1e-6 * Math.abs(vd) + Float.MIN_VALUE,
                            "adam t=%d v[%d]: %s vs double %s", t, i, vf[i], vd);
                    check(Math.abs(p[i] - pd) <= 1e-6 * (Math.abs(pd) + Math.abs(lr * update)),
                            "adam t=%d param[%d]: %s vs double %s", t, i, p[i], pd);
                }
            }
        }
    }

    /** dot, norm and cosine in double against a plain double loop (order differs: relative 1e-12). */
    @Test
    void metricsMatchDouble() {
        int[][] shapes = {{1, 1}, {3, 129}, {17, 33}, {256, 300}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            RandomGenerator random = random(rows * 1000L + cols);
            float[] x = uniform(random, rows * cols);
            float[] y = uniform(random, rows * cols);
            double dot = 0;
            double xx = 0;
            double yy = 0;
            double absDot = 0;
            for (int i = 0; i < x.length; i++) {
                dot += (double) x[i] * y[i];
                absDot += Math.abs((double) x[i] * y[i]);
                xx += (double) x[i] * x[i];
                yy += (double) y[i] * y[i];
            }
            FloatMatrix a = matrix(rows, cols, x);
            FloatMatrix b = KernelTestSupport.matrixOf(arena, rows, cols, Layout.TRANSPOSED, y);
            double tolerance = 1e-12 * absDot;
            assertThat(FAST.dot(a, b)).isCloseTo(dot, org.assertj.core.data.Offset.offset(tolerance));
            assertThat(FAST.norm(a)).isCloseTo(Math.sqrt(xx), org.assertj.core.data.Offset.offset(1e-12 * Math.sqrt(xx)));
            double cosine = dot / Math.sqrt(xx * yy);
            assertThat(FAST.cosine(a, b)).isCloseTo(cosine,
                    org.assertj.core.data.Offset.offset(tolerance / Math.sqrt(xx * yy) + 1e-15));
        }
    }
}
