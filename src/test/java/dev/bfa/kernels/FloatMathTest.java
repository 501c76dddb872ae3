package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.random;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * {@link FloatMath#exp} and {@link FloatMath#tanh} against {@link StrictMath} (correctly rounded to within
 * 1 ulp of double, i.e. exact for float purposes).
 *
 * <p>Error measure: {@code |f(x) - exact| / ulp(exact)}, with {@code ulp(y) = 2^(e - 23)} for
 * {@code 2^e <= |y| < 2^(e+1)} (the spacing of floats in the binade of the exact value, so an error just
 * below a power of two is not undercounted), and {@code ulp(y) = 2^-149 = Float.MIN_VALUE} for results in
 * the subnormal range or zero: there the error is absolute, in units of the smallest subnormal. A correctly
 * rounded result has error at most 0.5.
 *
 * <p>Inputs: every float in the range stepped through by bit pattern with a fixed stride (so every binade
 * is sampled evenly, down to subnormal inputs), plus evenly spaced values over the range (where the range
 * reduction and the polynomial actually work), plus special values. The measured maxima are printed so that
 * docs/spec.md can state them; the asserted bounds are those maxima rounded up.
 */
class FloatMathTest {
    /**
     * Bound on FloatMath.exp's error in ulps. Measured once over every float in [-104, 89] (all 2.24e9 of
     * them): maximum 0.9386 ulp, at x = 26.688921 (0x41d582e9). Outside that range the input is clamped and
     * the result is exactly +0 or +inf, which is correctly rounded.
     */
    static final double EXP_MAX_ULP = 1.0;
    /**
     * Bound on FloatMath.tanh's error in ulps. Measured once over every float in [-20, 20]: maximum 1.5895 ulp,
     * at x = 0.5540137 (0x3f0dd3d8), just above the series limit 0.55 where 1 - 2/(e^2x + 1) cancels; beyond
     * |x| = 20 the result is ±1, correctly rounded.
     */
    static final double TANH_MAX_ULP = 2.0;

    private static final int STRIDE = 151;           // prime: low mantissa bits vary between samples
    private static final int EVENLY_SPACED = 4_000_000;

    /** The ulp of the binade of {@code exact} as a float, or Float.MIN_VALUE in the subnormal range. */
    static double ulpOf(double exact) {
        double a = Math.abs(exact);
        if (a < Float.MIN_NORMAL) {
            return Float.MIN_VALUE;
        }
        return Math.scalb(1.0, Math.getExponent(a) - 23);
    }

    /** The error of {@code actual} in ulps of {@code exact}; 0 where both are the same infinity or NaN. */
    static double ulpError(float actual, double exact) {
        if (Double.isNaN(exact) || Float.isNaN(actual)) {
            return Double.isNaN(exact) && Float.isNaN(actual) ? 0 : Double.POSITIVE_INFINITY;
        }
        float rounded = (float) exact;
        if (Float.isInfinite(rounded) || Float.isInfinite(actual)) {
            if (actual == rounded) {
                return 0;
            }
            if (Float.isInfinite(actual)) {
                return Double.POSITIVE_INFINITY;
            }
            // exact beyond the largest float: measured in ulps of the top binade.
            return Math.abs(actual - exact) / ulpOf(Float.MAX_VALUE);
        }
        return Math.abs(actual - exact) / ulpOf(exact);
    }

    /** The largest error seen, where, and how many results were not correctly rounded. */
    static final class ErrorStats {
        final String name;
        double maxUlp;
        float worstInput = Float.NaN;
        long samples;
        long notCorrectlyRounded;

        ErrorStats(String name) {
            this.name = name;
        }

        void add(float x, float actual, double exact) {
            double e = ulpError(actual, exact);
            samples++;
            if (Float.floatToRawIntBits(actual) != Float.floatToRawIntBits((float) exact)
                    && !(Float.isNaN(actual) && Double.isNaN(exact))) {
                notCorrectlyRounded++;
            }
            if (!(e <= maxUlp)) {
                maxUlp = e;
                worstInput = x;
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s: max error %.4f ulp at x = %s (0x%08x), %d samples, %.4f%% not correctly rounded",
                    name, maxUlp, Float.toString(worstInput), Float.floatToRawIntBits(worstInput), samples,
                    100.0 * notCorrectlyRounded / Math.max(1, samples));
        }
    }

    /** Samples f over [lo, hi] by bit pattern with {@link #STRIDE} and evenly; returns the error statistics. */
    static ErrorStats sweep(String name, float lo, float hi, FloatUnary f, DoubleUnaryOperator exact) {
        ErrorStats stats = new ErrorStats(name);
        // Non-negative floats in [0, hi] and negative ones in [lo, -0], by bit pattern.
        for (long bits = 0; bits <= Float.floatToRawIntBits(hi); bits += STRIDE) {
            float x = Float.intBitsToFloat((int) bits);
            stats.add(x, f.apply(x), exact.applyAsDouble(x));
        }
        for (long bits = 0x8000_0000L; bits <= (Float.floatToRawIntBits(lo) & 0xffff_ffffL); bits += STRIDE) {
            float x = Float.intBitsToFloat((int) bits);
            stats.add(x, f.apply(x), exact.applyAsDouble(x));
        }
        // Evenly spaced over the range.
        double step = ((double) hi - lo) / EVENLY_SPACED;
        for (int i = 0; i <= EVENLY_SPACED; i++) {
            float x = (float) (lo + i * step);
            stats.add(x, f.apply(x), exact.applyAsDouble(x));
        }
        return stats;
    }

    @FunctionalInterface
    interface FloatUnary {
        float apply(float x);
    }

    // ------------------------------------------------------------------------------------------
    // exp
    // ------------------------------------------------------------------------------------------

    @Test
    void expErrorOverItsWholeRange() {
        ErrorStats stats = sweep("FloatMath.exp on [-104, 89]", FloatMath.EXP_MIN_INPUT, FloatMath.EXP_MAX_INPUT,
                FloatMath::exp, StrictMath::exp);
        // Densely where results are subnormal (absolute error in units of Float.MIN_VALUE) and near overflow.
        ErrorStats edges = new ErrorStats("FloatMath.exp near underflow and overflow");
        RandomGenerator random = random(1);
        for (int i = 0; i < 1_000_000; i++) {
            float x = random.nextBoolean() ? -87.4f - 16.6f * random.nextFloat() : 88f + 0.8f * random.nextFloat();
            edges.add(x, FloatMath.exp(x), StrictMath.exp(x));
        }
        System.out.println(stats);
        System.out.println(edges);
        assertThat(stats.maxUlp).as(stats.toString()).isLessThanOrEqualTo(EXP_MAX_ULP);
        assertThat(edges.maxUlp).as(edges.toString()).isLessThanOrEqualTo(EXP_MAX_ULP);
    }

    @Test
    void expSpecialValues() {
        assertThat(FloatMath.exp(0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(-0f)).isEqualTo(1f);
        assertThat(FloatMath.exp(Float.MIN_VALUE)).isEqualTo(1f);
        assertThat(FloatMath.exp(-Float.MIN_VALUE)).isEqualTo(1f);
        assertThat(FloatMath.exp(1e-40f)).isEqualTo(1f);
        assertThat(FloatMath.exp(Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(FloatMath.exp(Float.NEGATIVE_INFINITY))).isZero();
        assertThat(FloatMath.exp(Float.NaN)).isNaN();
        assertThat(FloatMath.exp(Float.intBitsToFloat(0xffc0_0001))).isNaN();
        assertThat(FloatMath.exp(Float.MAX_VALUE)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(FloatMath.exp(-Float.MAX_VALUE))).isZero();
        assertThat(FloatMath.exp(1000f)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(Float.floatToRawIntBits(FloatMath.exp(-1000f))).isZero();
        assertThat(FloatMath.exp(1f)).isCloseTo((float) Math.E, org.assertj.core.data.Offset.offset(Math.ulp((float) Math.E)));

        // Overflow threshold: ln(MAX_VALUE) = 88.7228391...; the largest float below it gives a finite result.
        float largestFinite = Math.nextDown((float) StrictMath.log(Float.MAX_VALUE));
        assertThat(FloatMath.exp(largestFinite)).isFinite();
        assertThat(FloatMath.exp(89f)).isEqualTo(Float.POSITIVE_INFINITY);
        // Underflow: e^-103.9 is about 1e-45, rounds to MIN_VALUE; below ln(MIN_VALUE / 2) ~ -103.97 it is 0.
        assertThat(FloatMath.exp(-103.5f)).isEqualTo(Float.MIN_VALUE);
        assertThat(Float.floatToRawIntBits(FloatMath.exp(-104f))).isZero();
        assertThat(Float.floatToRawIntBits(FloatMath.exp(-150f))).isZero();

        float[] edges = {88.72283f, 88.7f, 88f, 87.5f, -87.33655f, -87.3f, -88f, -100f, -103f, -103.9f, 50f, -50f,
                0.34657359f, -0.34657359f, 0.5f, -0.5f, 1e-8f, -1e-8f, 10f, -10f};
        for (float x : edges) {
            assertThat(ulpError(FloatMath.exp(x), StrictMath.exp(x))).as("exp(%s)", x).isLessThanOrEqualTo(EXP_MAX_ULP);
        }
    }

    /** Results in the subnormal range are rounded like any other result, not flushed to zero. */
    @Test
    void expKeepsSubnormalResults() {
        for (float x = -87.4f; x > -103.9f; x -= 0.37f) {
            float y = FloatMath.exp(x);
            assertThat(y).as("exp(%s)", x).isPositive();
            if (x < -87.5f) {
                assertThat(y).as("exp(%s) is subnormal", x).isLessThan(Float.MIN_NORMAL);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // tanh
    // ------------------------------------------------------------------------------------------

    @Test
    void tanhErrorOverItsWholeRange() {
        ErrorStats stats = sweep("FloatMath.tanh on [-20, 20]", -20f, 20f, FloatMath::tanh, StrictMath::tanh);
        ErrorStats boundary = new ErrorStats("FloatMath.tanh around the series limit 0.55");
        float limit = FloatMath.TANH_SERIES_LIMIT;
        for (int d = -200_000; d <= 200_000; d++) {
            float x = Float.intBitsToFloat(Float.floatToRawIntBits(limit) + d);
            boundary.add(x, FloatMath.tanh(x), StrictMath.tanh(x));
            boundary.add(-x, FloatMath.tanh(-x), StrictMath.tanh(-x));
        }
        System.out.println(stats);
        System.out.println(boundary);
        assertThat(stats.maxUlp).as(stats.toString()).isLessThanOrEqualTo(TANH_MAX_ULP);
        assertThat(boundary.maxUlp).as(boundary.toString()).isLessThanOrEqualTo(TANH_MAX_ULP);
    }

    /** tanh is odd to the bit, bounded by 1 in magnitude, and monotone over the sampled range. */
    @Test
    void tanhIsOddBoundedAndMonotone() {
        float previous = FloatMath.tanh(0f);
        // From the smallest subnormal up (the sign of tanh(-0) is checked in tanhKeepsTheSignOfZero).
        for (long bits = 1; bits <= Float.floatToRawIntBits(25f); bits += 997) {
            float x = Float.intBitsToFloat((int) bits);
            float y = FloatMath.tanh(x);
            assertThat(Float.floatToRawIntBits(FloatMath.tanh(-x))).as("tanh(-%s)", x)
                    .isEqualTo(Float.floatToRawIntBits(y) ^ 0x8000_0000);
            assertThat(y).as("tanh(%s)", x).isBetween(0f, 1f).isGreaterThanOrEqualTo(previous);
            previous = y;
        }
    }

    @Test
    void tanhSpecialValues() {
        assertThat(Float.floatToRawIntBits(FloatMath.tanh(0f))).isZero();
        assertThat(FloatMath.tanh(Float.POSITIVE_INFINITY)).isEqualTo(1f);
        assertThat(FloatMath.tanh(Float.NEGATIVE_INFINITY)).isEqualTo(-1f);
        assertThat(FloatMath.tanh(Float.NaN)).isNaN();
        assertThat(FloatMath.tanh(Float.intBitsToFloat(0xffc0_0001))).isNaN();
        assertThat(FloatMath.tanh(Float.MAX_VALUE)).isEqualTo(1f);
        assertThat(FloatMath.tanh(-Float.MAX_VALUE)).isEqualTo(-1f);
        assertThat(FloatMath.tanh(20f)).isEqualTo(1f);
        assertThat(FloatMath.tanh(-20f)).isEqualTo(-1f);
        assertThat(FloatMath.tanh(9.1f)).isEqualTo(1f); // tanh(9.1) = 1 - 2.5e-8 rounds to 1
        // Tiny and subnormal inputs: tanh(x) = x to the bit.
        for (float x : new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, -1e-40f, Float.MIN_NORMAL, 1e-30f, -1e-20f,
                1e-8f, -1e-5f}) {
            assertThat(FloatMath.tanh(x)).as("tanh(%s)", x).isEqualTo(x);
        }
        for (float x : new float[] {0.55f, -0.55f, Math.nextDown(0.55f), Math.nextUp(-0.55f), 0.5f, 1f, 2f, 5f, 8.5f}) {
            assertThat(ulpError(FloatMath.tanh(x), StrictMath.tanh(x))).as("tanh(%s)", x).isLessThanOrEqualTo(TANH_MAX_ULP);
        }
    }

    /** FloatMath's documentation promises tanh(±0) = ±0. */
    @Test
    void tanhKeepsTheSignOfZero() {
        assertThat(Float.floatToRawIntBits(FloatMath.tanh(-0f)))
                .as("bits of FloatMath.tanh(-0f): the polynomial branch computes fma(x*x^2, p, x) = (-0)(-1/3) + (-0) = +0")
                .isEqualTo(0x8000_0000);
    }
}
