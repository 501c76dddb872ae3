package dev.bfa.kernels;

/**
 * The summation order shared by every kernel that sums across a row (docs/spec.md, "Order of
 * floating-point operations"): element {@code i} goes to partial {@code i mod 16} in ascending
 * {@code i}, then the 16 partials are combined by a fixed tree (p[i] + p[i+8], then +4, +2, +1).
 * The order does not depend on the hardware's vector width: a 512-bit register holds the 16
 * partials at once, narrower ones hold them in several.
 */
public final class StripedSum {
    /** Number of partial sums. */
    public static final int STRIPES = 16;

    private StripedSum() {
    }

    /** Combines 16 float partials in place by the fixed tree and returns the total. */
    public static float combine(float[] partials) {
        for (int width = STRIPES / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                partials[i] += partials[i + width];
            }
        }
        return partials[0];
    }

    /** Combines 16 double partials in place by the fixed tree and returns the total. */
    public static double combine(double[] partials) {
        for (int width = STRIPES / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                partials[i] += partials[i + width];
            }
        }
        return partials[0];
    }
}
