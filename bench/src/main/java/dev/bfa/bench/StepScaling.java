package dev.bfa.bench;

import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.training.Trainer;
import java.util.ArrayList;
import java.util.Arrays;
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
 * reported. Run after {@code ./bfa bench -l} has built the benchmark jar (about 3 minutes per mode):
 *
 *   $JDK25/bin/java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *       -cp target/bench/benchmarks.jar dev.bfa.bench.StepScaling [MODE ...]
 */
public final class StepScaling {
    /** C2 compiles the step's softmax and GEMM entry points after about 25 s (see TrainStepBenchmark). */
    private static final long WARM_UP_NANOS = 40_000_000_000L;
    private static final int ROUNDS = 40;
    private static final int STEPS_PER_TURN = 8;

    /** One thread count's trainer and the replay of its step's GEMMs, with everything they own. */
    private static final class Contender implements AutoCloseable {
        final ComputePool pool;
        final BidirectionalModel model;
        final Dataset forwardData;
        final Dataset reverseData;
        final Trainer trainer;
        final Trainer recordingTrainer;
        final RecordingKernels.Gemm[] gemms;
        final Kernels kernels = KernelProvider.kernels();

        Contender(Mode mode, int threads) {
            pool = ComputePool.create(threads);
            forwardData = TrainStepBenchmark.synthetic(DatasetId.CIFAR10, TrainStepBenchmark.FORWARD_INPUTS, 1);
            reverseData = TrainStepBenchmark.synthetic(DatasetId.MNIST, TrainStepBenchmark.REVERSE_INPUTS, 2);
            model = BidirectionalModel.create(new BidirectionalModel.ModelSpec(mode,
                    TrainStepBenchmark.FORWARD_ARCHITECTURE, TrainStepBenchmark.REVERSE_ARCHITECTURE, Activation.RELU,
                    TrainStepBenchmark.SEED));
            RecordingKernels recorder = new RecordingKernels(kernels);
            recordingTrainer = new Trainer(model, TrainStepBenchmark.ADAM, TrainStepBenchmark.BATCH,
                    TrainStepBenchmark.batches(forwardData, 5), TrainStepBenchmark.batches(reverseData, 6), recorder,
                    pool);
            gemms = recorder.record(recordingTrainer::step).toArray(RecordingKernels.Gemm[]::new);
            trainer = new Trainer(model, TrainStepBenchmark.ADAM, TrainStepBenchmark.BATCH,
                    TrainStepBenchmark.batches(forwardData, 3), TrainStepBenchmark.batches(reverseData, 4), kernels,
                    pool);
        }

        /** Milliseconds per step over {@code steps} steps. */
        double steps(int steps) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                trainer.step();
            }
            return (System.nanoTime() - start) / 1e6 / steps;
        }

        /** Milliseconds per replay of the step's GEMMs over {@code replays} replays. */
        double gemmsOnly(int replays) {
            long start = System.nanoTime();
            for (int i = 0; i < replays; i++) {
                for (RecordingKernels.Gemm g : gemms) {
                    kernels.gemm(g.a(), g.b(), g.c(), g.accumulate(), pool);
                }
            }
            return (System.nanoTime() - start) / 1e6 / replays;
        }

        @Override
        public void close() {
            trainer.close();
            recordingTrainer.close();
            model.close();
            forwardData.close();
            reverseData.close();
            pool.close();
        }
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
            try (Contender one = new Contender(mode, 1); Contender two = new Contender(mode, 2)) {
                long warmUpEnd = System.nanoTime() + WARM_UP_NANOS;
                while (System.nanoTime() < warmUpEnd) {
                    one.steps(STEPS_PER_TURN);
                    one.gemmsOnly(STEPS_PER_TURN);
                    two.steps(STEPS_PER_TURN);
                    two.gemmsOnly(STEPS_PER_TURN);
                }
                double[] step1 = new double[ROUNDS];
                double[] step2 = new double[ROUNDS];
                double[] scaling = new double[ROUNDS];
                double[] roofline1 = new double[ROUNDS];
                double[] roofline2 = new double[ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    step1[r] = one.steps(STEPS_PER_TURN);
                    double gemms1 = one.gemmsOnly(STEPS_PER_TURN);
                    step2[r] = two.steps(STEPS_PER_TURN);
                    double gemms2 = two.gemmsOnly(STEPS_PER_TURN);
                    scaling[r] = step1[r] / step2[r];
                    roofline1[r] = 100 * gemms1 / step1[r];
                    roofline2[r] = 100 * gemms2 / step2[r];
                }
                System.out.printf("| %s | %.1f | %.1f | %.2f (%.2f-%.2f) | %.0f %% (%.0f-%.0f) | %.0f %% (%.0f-%.0f) |%n",
                        mode.cliName(), quantile(step1, 0.5), quantile(step2, 0.5), quantile(scaling, 0.5),
                        quantile(scaling, 0.25), quantile(scaling, 0.75), quantile(roofline1, 0.5),
                        quantile(roofline1, 0.25), quantile(roofline1, 0.75), quantile(roofline2, 0.5),
                        quantile(roofline2, 0.25), quantile(roofline2, 0.75));
            }
        }
    }

    private static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
