package dev.bfa.kernels;

/**
 * Transcendental functions as fixed sequences of exactly rounded float operations.
 *
 * <p>{@code Math.exp}, {@code Math.tanh} and the Vector API's {@code EXP}/{@code TANH} are not
 * bit-specified against each other, so the kernels use these instead. The vector kernels repeat
 * exactly these steps lane-wise, with the constants below; any change here must be made there too,
 * and the bit-identity tests enforce that. Maximum errors against {@code StrictMath} are measured in
 * {@code FloatMathTest} and stated in docs/spec.md.
 */
public final class FloatMath {
    private FloatMath() {
    }

    // exp: x = n·ln2 + r, |r| <= ln2/2, e^r by a degree-7 Taylor polynomial, 2^n applied in two
    // halves so that results in the subnormal range are rounded once, like any other product.
    public static final float EXP_MIN_INPUT = -104f;   // below: e^x rounds to +0
    public static final float EXP_MAX_INPUT = 89f;     // above: e^x overflows to +inf
    public static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    public static final float ROUNDING_MAGIC = 12582912f;
    public static final float LN2_HI = 0.693147182f;        // float nearest ln 2
    public static final float LN2_LO = -1.90465421e-09f;    // ln 2 - LN2_HI
    public static final float EXP_C2 = 1f / 2;
    public static final float EXP_C3 = 1f / 6;
    public static final float EXP_C4 = 1f / 24;
    public static final float EXP_C5 = 1f / 120;
    public static final float EXP_C6 = 1f / 720;
    public static final float EXP_C7 = 1f / 5040;

    /** e^x for every float, including ±inf (+inf, +0), NaN (NaN) and subnormal results. */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_MIN_INPUT), EXP_MAX_INPUT);
        float n = (xc * LOG2E + ROUNDING_MAGIC) - ROUNDING_MAGIC;
        float r = Math.fma(-n, LN2_HI, xc);
        r = Math.fma(-n, LN2_LO, r);
        float p = Math.fma(EXP_C7, r, EXP_C6);
        p = Math.fma(p, r, EXP_C5);
        p = Math.fma(p, r, EXP_C4);
        p = Math.fma(p, r, EXP_C3);
        p = Math.fma(p, r, EXP_C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int ni = (int) n;
        int half = ni >> 1;
        return (p * powerOfTwo(half)) * powerOfTwo(ni - half);
    }

    /** 2^e for -126 <= e <= 127, built from its bits. */
    private static float powerOfTwo(int e) {
        return Float.intBitsToFloat((e + 127) << 23);
    }

    // tanh: an odd Taylor polynomial where |x| < TANH_SERIES_LIMIT (truncation below 1e-8 relative),
    // else 1 - 2/(e^{2|x|} + 1) with the sign of x put back.
    public static final float TANH_SERIES_LIMIT = 0.55f;
    public static final float TANH_C3 = -1f / 3;
    public static final float TANH_C5 = 2f / 15;
    public static final float TANH_C7 = -17f / 315;
    public static final float TANH_C9 = 62f / 2835;
    public static final float TANH_C11 = -1382f / 155925;
    public static final float TANH_C13 = 21844f / 6081075;
    public static final float TANH_C15 = -929569f / 638512875;
    public static final float TANH_C17 = 6404582f / 10854718875f;
    public static final float TANH_C19 = -443861162f / 1856156927625f;
    public static final int SIGN_MASK = 0x8000_0000;

    /** tanh(x) for every float; tanh(±0) = ±0, tanh(±inf) = ±1, NaN stays NaN. */
    public static float tanh(float x) {
        // Both branches work on |x| and put the sign bit back, which keeps tanh(-0) = -0.
        float a = Math.abs(x);
        float t;
        if (a < TANH_SERIES_LIMIT) {
            float a2 = a * a;
            float p = Math.fma(TANH_C19, a2, TANH_C17);
            p = Math.fma(p, a2, TANH_C15);
            p = Math.fma(p, a2, TANH_C13);
            p = Math.fma(p, a2, TANH_C11);
            p = Math.fma(p, a2, TANH_C9);
            p = Math.fma(p, a2, TANH_C7);
            p = Math.fma(p, a2, TANH_C5);
            p = Math.fma(p, a2, TANH_C3);
            t = Math.fma(a * a2, p, a);
        } else {
            t = 1f - 2f / (exp(a + a) + 1f);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | (Float.floatToRawIntBits(x) & SIGN_MASK));
    }
}
