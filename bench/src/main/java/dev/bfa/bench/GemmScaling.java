package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * T threads over one, measured in pairs: the same operands are multiplied on a one-thread and a
 * T-thread pool in turn (3e9 multiply-adds, about 50 ms on one thread), and every pair of turns
 * gives one ratio; the median and quartiles over 21 pairs are reported, with T/1 over T, the
 * parallel efficiency. Unlike two JMH points, which run minutes apart, a pair lands in one stretch
 * of a shared machine (see StepScaling). T defaults to 2 and the shapes to GemmBenchmark's and
 * 1024³ (about 4 minutes); on a larger machine run it once per thread count:
 *
 *   ./bfa bench --main GemmScaling [THREADS [MxNxK:OP ...]]
 *   ./bfa bench --main GemmScaling 16 128x1024x1024:NN 1024x1024x1024:NN
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
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        List<String> shapes = args.length > 1 ? List.of(args).subList(1, args.length) : defaultShapes();
        for (String shape : shapes) {
            parse(shape);
        }
        Kernels kernels = KernelProvider.kernels();
        System.out.printf("%s; %d threads; %d pairs of turns of %.0e multiply-adds after %d warm-up pairs%n",
                kernels.name(), threads, PAIRS, TURN_MULTIPLY_ADDS, WARM_UP_PAIRS);
        System.out.printf("| m | n | k | op | 1T GFLOP/s | %1$dT GFLOP/s | %1$dT/1T (quartiles) | efficiency |%n", threads);
        System.out.println("|---|---|---|---|---|---|---|---|");
        try (ComputePool one = ComputePool.create(1); ComputePool two = ComputePool.create(threads);
             Arena arena = Arena.ofShared()) {
            Operands warmUp = Operands.create(arena, 128, 1024, 1024, "NT", 42);
            long end = System.nanoTime() + JIT_WARM_UP_NANOS;
            while (System.nanoTime() < end) {
                warmUp.seconds(kernels, one, 10);
                warmUp.seconds(kernels, two, 10);
            }
            for (String shape : shapes) {
                String[] p = parse(shape);
                measure(kernels, one, two, threads, Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                        Integer.parseInt(p[2]), p[3]);
            }
        }
    }

    private static List<String> defaultShapes() {
        List<String> shapes = new ArrayList<>();
        for (int n : SIZES) {
            for (int k : SIZES) {
                for (String op : OPS) {
                    shapes.add("128x" + n + "x" + k + ":" + op);
                }
            }
        }
        for (String op : OPS) {
            shapes.add("1024x1024x1024:" + op);
        }
        return shapes;
    }

    /** {m, n, k, op} from MxNxK:OP. */
    private static String[] parse(String shape) {
        String[] p = shape.split("[x:]");
        if (p.length != 4 || !p[3].matches("[NT][NT]")) {
            throw new IllegalArgumentException("shape " + shape + " is not MxNxK:OP, such as 128x1024x1024:NT");
        }
        return p;
    }

    private static void measure(Kernels kernels, ComputePool one, ComputePool two, int threads, int m, int n, int k,
                                String op) {
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
            System.out.printf("| %d | %d | %d | %s | %.1f | %.1f | %.2f (%.2f-%.2f) | %.0f %% |%n", m, n, k, op,
                    flops / Quantiles.of(oneTime, 0.5), flops / Quantiles.of(twoTime, 0.5), Quantiles.of(ratio, 0.5),
                    Quantiles.of(ratio, 0.25), Quantiles.of(ratio, 0.75), 100 * Quantiles.of(ratio, 0.5) / threads);
        }
    }
}
