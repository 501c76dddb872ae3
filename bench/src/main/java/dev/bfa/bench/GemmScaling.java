package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import java.lang.foreign.Arena;

/**
 * Two threads over one for every shape of GemmBenchmark, measured in pairs: the same operands are
 * multiplied on a one-thread and a two-thread pool in turn (3e9 multiply-adds, about 50 ms on one
 * thread), and every pair of turns gives one ratio; the median and quartiles over 21 pairs are reported. Unlike two JMH
 * points, which run minutes apart, a pair lands in one stretch of this shared machine (see
 * StepScaling). Run with (about 4 minutes):
 *
 *   ./bfa bench --main GemmScaling
 */
public final class GemmScaling {
    private static final int PAIRS = 21;
    private static final int WARM_UP_PAIRS = 10;
    private static final double TURN_MULTIPLY_ADDS = 3e9;
    /** Before the first shape: long enough for C2 to compile the GEMM's entry points. */
    private static final long JIT_WARM_UP_NANOS = 20_000_000_000L;
    private static final int[] SIZES = {784, 1024, 3072};
    private static final String[] OPS = {"NN", "NT", "TN"};

    public static void main(String[] args) {
        Kernels kernels = KernelProvider.kernels();
        System.out.printf("%s; %d pairs of turns of %.0e multiply-adds after %d warm-up pairs%n", kernels.name(),
                PAIRS, TURN_MULTIPLY_ADDS, WARM_UP_PAIRS);
        System.out.println("| m | n | k | op | 1T GFLOP/s | 2T GFLOP/s | 2T/1T (quartiles) |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (ComputePool one = ComputePool.create(1); ComputePool two = ComputePool.create(2);
             Arena arena = Arena.ofShared()) {
            Operands warmUp = Operands.create(arena, 128, 1024, 1024, "NT", 42);
            long end = System.nanoTime() + JIT_WARM_UP_NANOS;
            while (System.nanoTime() < end) {
                warmUp.seconds(kernels, one, 10);
                warmUp.seconds(kernels, two, 10);
            }
            for (int n : SIZES) {
                for (int k : SIZES) {
                    for (String op : OPS) {
                        measure(kernels, one, two, 128, n, k, op);
                    }
                }
            }
            for (String op : OPS) {
                measure(kernels, one, two, 1024, 1024, 1024, op);
            }
        }
    }

    private static void measure(Kernels kernels, ComputePool one, ComputePool two, int m, int n, int k, String op) {
        try (Arena arena = Arena.ofShared()) {
            Operands x = Operands.create(arena, m, n, k, op, 42);
            long multiplyAdds = (long) m * n * k;
            int calls = (int) Math.max(1, TURN_MULTIPLY_ADDS / multiplyAdds);
            double[] oneTime = new double[PAIRS];
            double[] twoTime = new double[PAIRS];
            double[] ratio = new double[PAIRS];
            for (int p = -WARM_UP_PAIRS; p < PAIRS; p++) {
                double t1 = x.seconds(kernels, one, calls);
                double t2 = x.seconds(kernels, two, calls);
                if (p >= 0) {
                    oneTime[p] = t1;
                    twoTime[p] = t2;
                    ratio[p] = t1 / t2;
                }
            }
            double flops = 2.0 * multiplyAdds * calls / 1e9;
            System.out.printf("| %d | %d | %d | %s | %.1f | %.1f | %.2f (%.2f-%.2f) |%n", m, n, k, op,
                    flops / Quantiles.of(oneTime, 0.5), flops / Quantiles.of(twoTime, 0.5), Quantiles.of(ratio, 0.5),
                    Quantiles.of(ratio, 0.25), Quantiles.of(ratio, 0.75));
        }
    }
}
