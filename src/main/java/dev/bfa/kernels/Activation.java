package dev.bfa.kernels;

import dev.bfa.text.UserText;
import java.util.Locale;

/**
 * Hidden-layer non-linearities. Each defines its value and its derivative, the derivative taken
 * from the activation's <em>output</em> h = σ(x) so that the backward pass needs only H.
 * These scalar definitions are the reference; vector kernels perform the same operations.
 */
public enum Activation {
    /** σ(x) = max(x, 0) with Java's max (NaN stays NaN, -0 becomes +0); σ' = 1 where h &gt; 0, NaN where h is NaN, else 0. */
    RELU {
        @Override
        public float apply(float x) {
            return Math.max(x, 0f);
        }

        @Override
        public float derivativeFromOutput(float h) {
            return h > 0f ? 1f : (Float.isNaN(h) ? h : 0f);
        }
    },
    /** σ(x) = {@link FloatMath#tanh}; σ' = fma(-h, h, 1). */
    TANH {
        @Override
        public float apply(float x) {
            return FloatMath.tanh(x);
        }

        @Override
        public float derivativeFromOutput(float h) {
            return Math.fma(-h, h, 1f);
        }
    };

    public abstract float apply(float x);

    public abstract float derivativeFromOutput(float h);

    /** The name users type: "relu" or "tanh". */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The activation a user named, ignoring case and surrounding blanks.
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static Activation parse(String name) {
        return UserText.parseName("activation", name, values(), Activation::cliName);
    }
}
