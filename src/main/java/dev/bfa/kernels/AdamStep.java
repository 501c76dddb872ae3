package dev.bfa.kernels;

/**
 * The scalars of one Adam step, computed once per step (in double, then rounded to float) so that
 * the scalar and the vector kernels see exactly the same constants. The hyperparameters are fixed;
 * the bias corrections follow the step number, set with {@link #moveTo} before the step's kernels
 * run. An optimiser keeps one instance for the whole run, so a step allocates nothing.
 */
public final class AdamStep {
    private final float learningRate;
    private final float beta1;
    private final float beta2;
    private final float oneMinusBeta1;
    private final float oneMinusBeta2;
    private final float epsilon;
    private float biasCorrection1;
    private float biasCorrection2;
    private long step;

    /** The scalars before any step; {@link #moveTo} must be called before a kernel reads them. */
    public AdamStep(float learningRate, float beta1, float beta2, float epsilon) {
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.oneMinusBeta1 = (float) (1.0 - beta1);
        this.oneMinusBeta2 = (float) (1.0 - beta2);
        this.epsilon = epsilon;
        this.biasCorrection1 = Float.NaN;
        this.biasCorrection2 = Float.NaN;
    }

    /** The scalars for step {@code t >= 1}. */
    public static AdamStep of(float learningRate, float beta1, float beta2, float epsilon, long t) {
        AdamStep scalars = new AdamStep(learningRate, beta1, beta2, epsilon);
        scalars.moveTo(t);
        return scalars;
    }

    /**
     * Sets the bias corrections {@code 1 / (1 - beta^t)} for step {@code t >= 1}. Not thread-safe:
     * call it before handing the step's work to the pool, which publishes it to the workers.
     */
    public void moveTo(long t) {
        if (t < 1) {
            throw new IllegalArgumentException("Adam step number " + t + " must be at least 1");
        }
        step = t;
        biasCorrection1 = (float) (1.0 / (1.0 - power(beta1, t)));
        biasCorrection2 = (float) (1.0 / (1.0 - power(beta2, t)));
    }

    /**
     * {@code base^exponent} for {@code exponent >= 1} by binary powering on double-double values,
     * each product taken exactly with {@code Math.fma}. Each squaring doubles the error before it,
     * so the relative error before the last rounding is about exponent x 2^-120 (2^-101 at a
     * million, at most 2^-57 for any long): the result is the correctly rounded power unless the
     * exact one lies that close to a midpoint between doubles, and above 2^-960 (below, the low
     * parts lose bits to underflow; a bias correction is 1 there either way).
     * It replaces {@code StrictMath.pow}, whose JDK code allocates three arrays per call; like it,
     * it uses only IEEE operations, so every machine gets the same bits.
     */
    static double power(double base, long exponent) {
        double resultHigh = 1.0;
        double resultLow = 0.0;
        double baseHigh = base;
        double baseLow = 0.0;
        for (long remaining = exponent; ; ) {
            if ((remaining & 1) != 0) {
                double high = resultHigh * baseHigh;
                double low = Math.fma(resultHigh, baseHigh, -high) + (resultHigh * baseLow + resultLow * baseHigh);
                resultHigh = high + low;
                resultLow = low - (resultHigh - high);
            }
            remaining >>>= 1;
            if (remaining == 0) {
                return resultHigh;
            }
            double high = baseHigh * baseHigh;
            double low = Math.fma(baseHigh, baseHigh, -high) + 2.0 * baseHigh * baseLow;
            baseHigh = high + low;
            baseLow = low - (baseHigh - high);
        }
    }

    public float learningRate() {
        return learningRate;
    }

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float oneMinusBeta1() {
        return oneMinusBeta1;
    }

    public float oneMinusBeta2() {
        return oneMinusBeta2;
    }

    /** {@code 1 / (1 - beta1^t)}. */
    public float biasCorrection1() {
        return biasCorrection1;
    }

    /** {@code 1 / (1 - beta2^t)}. */
    public float biasCorrection2() {
        return biasCorrection2;
    }

    public float epsilon() {
        return epsilon;
    }

    @Override
    public String toString() {
        return "AdamStep[t=" + step + ", lr=" + learningRate + ", beta1=" + beta1 + ", beta2=" + beta2 + ", eps="
                + epsilon + ", c1=" + biasCorrection1 + ", c2=" + biasCorrection2 + "]";
    }
}
