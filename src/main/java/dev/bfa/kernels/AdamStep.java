package dev.bfa.kernels;

/**
 * The scalars of one Adam step, computed once per step (in double, then rounded to float) so that
 * the scalar and the vector kernels see exactly the same constants.
 *
 * @param biasCorrection1 {@code 1 / (1 - beta1^t)}
 * @param biasCorrection2 {@code 1 / (1 - beta2^t)}
 */
public record AdamStep(float learningRate, float beta1, float beta2, float oneMinusBeta1, float oneMinusBeta2,
                       float biasCorrection1, float biasCorrection2, float epsilon) {

    /** The scalars for step {@code t >= 1}. */
    public static AdamStep of(float learningRate, float beta1, float beta2, float epsilon, long t) {
        if (t < 1) {
            throw new IllegalArgumentException("Adam step number " + t + " must be at least 1");
        }
        float c1 = (float) (1.0 / (1.0 - StrictMath.pow(beta1, t)));
        float c2 = (float) (1.0 / (1.0 - StrictMath.pow(beta2, t)));
        return new AdamStep(learningRate, beta1, beta2, (float) (1.0 - beta1), (float) (1.0 - beta2), c1, c2, epsilon);
    }
}
