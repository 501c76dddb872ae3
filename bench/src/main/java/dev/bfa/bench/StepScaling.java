package dev.bfa.bench;

import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;
import java.util.ArrayList;
import java.util.List;

/**
 * The two ratios of the training-throughput targets, each measured as a pair in the same moments:
 * two threads over one (whole step), and a step's GEMMs alone over the whole step (the share of
 * the GEMM roofline). On this project's shared virtual machine whole stretches of a few minutes
 * run 15-20 % slower, so two separately measured throughputs (JMH's forks of TrainStepBenchmark)
 * can land in different stretches. Here one JVM holds a one-thread and a two-thread trainer at
 * the shapes of TrainStepBenchmark, each with a replay of its step's GEMMs (recorded as in
 * TrainStepBenchmark.gemmsOnly), and runs the four in turn, a few steps each, round after round;
 * every round gives one value of each ratio, and the medians and quartiles over the rounds are
 * reported. Run with (about 5 minutes per mode):
 *
 *   ./bfa bench --main StepScaling [MODE ...]
 */
public final class StepScaling {
    /** C2 compiles the whole step after about 200 steps, 50 s at one thread on a Zen 3 (see TrainStepBenchmark). */
    static final long WARM_UP_NANOS = 60_000_000_000L;
    private static final int ROUNDS = 40;
    private static final int STEPS_PER_TURN = 8;

    /** Milliseconds per step of {@code fixture}'s trainer over {@code steps} steps. */
    private static double steps(StepFixture fixture, int steps) {
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            fixture.trainer.step();
        }
        return (System.nanoTime() - start) / 1e6 / steps;
    }

    /** Milliseconds per replay of {@code fixture}'s step GEMMs over {@code replays} replays. */
    private static double gemmsOnly(StepFixture fixture, int replays) {
        long start = System.nanoTime();
        for (int i = 0; i < replays; i++) {
            fixture.replayGemms();
        }
        return (System.nanoTime() - start) / 1e6 / replays;
    }

    public static void main(String[] args) {
        List<Mode> modes = new ArrayList<>();
        for (String arg : args) {
            modes.add(Mode.parse(arg));
        }
        if (modes.isEmpty()) {
            modes.addAll(List.of(Mode.values()));
        }
        System.out.printf("%s; %d rounds of %d steps per turn after %d s of warm-up%n", KernelProvider.kernels().name(),
                ROUNDS, STEPS_PER_TURN, WARM_UP_NANOS / 1_000_000_000L);
        System.out.println("| mode | 1T ms/step | 2T ms/step | 2T/1T (quartiles) | 1T % of GEMM roofline | "
                + "2T % of GEMM roofline |");
        System.out.println("|---|---|---|---|---|---|");
        for (Mode mode : modes) {
            try (StepFixture one = new StepFixture(mode, 1, KernelProvider.kernels());
                 StepFixture two = new StepFixture(mode, 2, KernelProvider.kernels())) {
                long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
                while (System.nanoTime() < warmUpEnd) {
                    steps(one, STEPS_PER_TURN);
                    gemmsOnly(one, STEPS_PER_TURN);
                    steps(two, STEPS_PER_TURN);
                    gemmsOnly(two, STEPS_PER_TURN);
                }
                double[] step1 = new double[ROUNDS];
                double[] step2 = new double[ROUNDS];
                double[] scaling = new double[ROUNDS];
                double[] roofline1 = new double[ROUNDS];
                double[] roofline2 = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    step1[r] = steps(one, STEPS_PER_TURN);
                    double gemms1 = gemmsOnly(one, STEPS_PER_TURN);
                    step2[r] = steps(two, STEPS_PER_TURN);
                    double gemms2 = gemmsOnly(two, STEPS_PER_TURN);
                    scaling[r] = step1[r] / step2[r];
                    roofline1[r] = 100 * gemms1 / step1[r];
                    roofline2[r] = 100 * gemms2 / step2[r];
                }
                System.out.printf("| %s | %.1f | %.1f | %.2f (%.2f-%.2f) | %.0f %% (%.0f-%.0f) | %.0f %% (%.0f-%.0f) |%n",
                        mode.cliName(), Quantiles.of(step1, 0.5), Quantiles.of(step2, 0.5), Quantiles.of(scaling, 0.5),
                        Quantiles.of(scaling, 0.25), Quantiles.of(scaling, 0.75), Quantiles.of(roofline1, 0.5),
                        Quantiles.of(roofline1, 0.25), Quantiles.of(roofline1, 0.75), Quantiles.of(roofline2, 0.5),
                        Quantiles.of(roofline2, 0.25), Quantiles.of(roofline2, 0.75));
            }
        }
    }
}
