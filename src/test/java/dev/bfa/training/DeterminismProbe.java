package dev.bfa.training;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;

/**
 * Trains a small model of every mode (each learning rule, each coupling) for a few steps and prints
 * one fingerprint of all their weights. Run in a child JVM with another forced vector width by
 * {@link DeterminismAcrossWidthsTest}.
 */
public final class DeterminismProbe {
    /** Starts the line naming the kernels the probe trained with (the provider's, passed to each Trainer). */
    static final String KERNELS_LINE = "kernels ";

    private DeterminismProbe() {
    }

    static long fingerprintAfterTraining(int threads) {
        long combined = 0;
        for (Mode mode : Mode.values()) {
            combined = combined * 31 + fingerprintAfterTraining(mode, threads);
        }
        return combined;
    }

    private static long fingerprintAfterTraining(Mode mode, int threads) {
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f,
                mode.rule().trainsFeedback() ? 5f : 0f);
        return ModelFixtures.fingerprintAfterTraining(ModelFixtures.spec(mode, Activation.TANH, 11), adam, threads, 5);
    }

    public static void main(String[] args) {
        System.out.println(KERNELS_LINE + KernelProvider.kernels().name());
        System.out.println("fingerprint " + fingerprintAfterTraining(Integer.parseInt(args[0])));
    }
}
