package dev.bfa.training;

import dev.bfa.text.UserText;
import java.util.Locale;

/**
 * The optimiser and its settings. Defaults and the reasons for them are in docs/design.md.
 *
 * @param momentum used by SGD only
 * @param beta1    used by Adam only
 * @param beta2    used by Adam only
 * @param epsilon  used by Adam only
 * @param weightDecay decoupled weight decay: each update first multiplies a decaying parameter
 *                 ({@link dev.bfa.model.Parameter#decays}) by {@code 1 - learningRate * weightDecay}
 */
public record OptimizerConfig(Kind kind, float learningRate, float momentum, float beta1, float beta2, float epsilon,
                              float weightDecay) {
    public enum Kind {
        SGD, ADAM;

        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String name) {
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "sgd" -> SGD;
                case "adam" -> ADAM;
                default -> throw new IllegalArgumentException("unknown optimiser " + UserText.quote(name) + ": expected sgd or adam");
            };
        }
    }

    public OptimizerConfig {
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " must be finite and positive");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum " + momentum + " must be in [0, 1)");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam betas " + beta1 + ", " + beta2 + " must be in [0, 1)");
        }
        if (!(epsilon > 0) || !Float.isFinite(epsilon)) {
            throw new IllegalArgumentException("Adam epsilon " + epsilon + " must be finite and positive");
        }
        if (!(weightDecay >= 0) || !(decayFactor(learningRate, weightDecay) > 0)) {
            throw new IllegalArgumentException("weight decay " + weightDecay + " must be at least 0 and less than "
                    + "1 / learning rate (" + learningRate + ")");
        }
    }

    /** Without weight decay. */
    public OptimizerConfig(Kind kind, float learningRate, float momentum, float beta1, float beta2, float epsilon) {
        this(kind, learningRate, momentum, beta1, beta2, epsilon, 0f);
    }

    public OptimizerConfig withWeightDecay(float decay) {
        return new OptimizerConfig(kind, learningRate, momentum, beta1, beta2, epsilon, decay);
    }

    /** What a decaying parameter is multiplied by before each update: 1 - learningRate · weightDecay, in double, rounded once. */
    public float decayFactor() {
        return decayFactor(learningRate, weightDecay);
    }

    private static float decayFactor(float learningRate, float weightDecay) {
        return (float) (1.0 - (double) learningRate * weightDecay);
    }
}
