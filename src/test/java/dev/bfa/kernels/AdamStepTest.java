package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AdamStepTest {
    /** Sixty digits: the power's error is far below the 2^-53 that rounding to double decides on. */
    private static final MathContext WIDE = new MathContext(60);

    /**
     * The power rounded once to double. Small exponents are taken exactly: a float's power can then
     * fall exactly halfway between two doubles (0.11653757f^3 does), and sixty digits would break
     * the tie. From 41 on the power of a float that is not a power of two has more than 54 bits,
     * so no tie is possible.
     */
    private static double exactPower(double base, long exponent) {
        BigDecimal b = new BigDecimal(base);
        return (exponent <= 40 ? b.pow((int) exponent) : b.pow((int) exponent, WIDE)).doubleValue();
    }

    @Test
    void powerIsCorrectlyRoundedAboveTwoToTheMinus960() {
        SplittableRandom random = new SplittableRandom(17);
        int checked = 0;
        for (int i = 0; i < 400; i++) {
            float base = i < 5 ? new float[] {0.9f, 0.999f, 0.99f, 0.5f, 0.75f}[i] : (float) random.nextDouble(1e-3, 1.0);
            for (long exponent : new long[] {1, 2, 3, 7, 10, 34, 40, 41, 100, 1000, 4097, 12_345, 100_000, 1_000_000,
                    1L + random.nextInt(2_000_000)}) {
                double exact = exactPower(base, exponent);
                if (exact < 0x1p-960) {
                    continue;
                }
                assertThat(AdamStep.power(base, exponent)).as("%s^%d", base, exponent).isEqualTo(exact);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void powerOfTheEdgeBases() {
        assertThat(AdamStep.power(0.0, 1)).isZero();
        assertThat(AdamStep.power(0.0, 5)).isZero();
        assertThat(AdamStep.power(1.0, 123_456_789)).isEqualTo(1.0);
        assertThat(AdamStep.power(0.999f, 10_000_000)).isZero();
        assertThat(AdamStep.power(0.999f, Long.MAX_VALUE)).isZero();
    }

    /**
     * StrictMath.pow was used before; with the trainer's default betas the float bias corrections
     * are the same over the first million steps, so runs keep their bits.
     */
    @Test
    void biasCorrectionsMatchStrictMathPowForTheDefaultBetas() {
        AdamStep scalars = new AdamStep(1e-4f, 0.9f, 0.999f, 1e-8f);
        for (long t = 1; t <= 1_000_000; t++) {
            scalars.moveTo(t);
            float c1 = (float) (1.0 / (1.0 - StrictMath.pow(0.9f, t)));
            float c2 = (float) (1.0 / (1.0 - StrictMath.pow(0.999f, t)));
            if (scalars.biasCorrection1() != c1 || scalars.biasCorrection2() != c2) {
                throw new AssertionError("step " + t + ": " + scalars + ", StrictMath gives c1=" + c1 + ", c2=" + c2);
            }
        }
    }

    @Test
    void moveToSetsTheScalarsOfThatStep() {
        AdamStep scalars = new AdamStep(1e-3f, 0.9f, 0.999f, 1e-8f);
        scalars.moveTo(2);
        assertThat(scalars.biasCorrection1()).isEqualTo((float) (1 / (1 - 0.9f * (double) 0.9f)));
        assertThat(scalars.biasCorrection2()).isEqualTo((float) (1 / (1 - 0.999f * (double) 0.999f)));
        assertThat(scalars.oneMinusBeta1()).isEqualTo((float) (1.0 - 0.9f));
        assertThat(scalars.learningRate()).isEqualTo(1e-3f);
        assertThat(scalars.epsilon()).isEqualTo(1e-8f);
        assertThatThrownBy(() -> scalars.moveTo(0)).hasMessage("Adam step number 0 must be at least 1");
    }
}
