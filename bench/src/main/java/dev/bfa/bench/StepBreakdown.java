package dev.bfa.bench;

import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.Mode;
import dev.bfa.training.Trainer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a training step's time goes: trains at the shapes of TrainStepBenchmark (F 3072 -> 1024 x 4
 * -> 10, R 784 -> 1024 x 4 -> 10, batch 128, Adam, synthetic bytes) with every kernel call timed,
 * and prints the time per step of each kernel (GEMMs by shape and orientation) and of the whole
 * step. Kernels that run inside a parallel loop (Adam chunks, banded row kernels) are timed per
 * call on each thread, so on several threads their figure is thread time, not wall time. The
 * timing wrapper costs about a microsecond per call. Reported in docs/performance.md; run with:
 *
 *   ./bfa bench --main StepBreakdown [MODE] [THREADS]
 */
public final class StepBreakdown {
    private static final int WARM_UP_STEPS = 500;
    private static final int MEASURED_STEPS = 200;
    private static final Map<String, long[]> TIMES = new TreeMap<>();

    public static void main(String[] args) {
        Mode mode = Mode.parse(args.length > 0 ? args[0] : "fa");
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Kernels timed = timing(KernelProvider.kernels());
        try (StepFixture fixture = new StepFixture(mode, threads, timed)) {
            Trainer trainer = fixture.trainer;
            for (int i = 0; i < WARM_UP_STEPS; i++) {
                trainer.step();
            }
            synchronized (TIMES) {
                TIMES.clear();
            }
            long start = System.nanoTime();
            for (int i = 0; i < MEASURED_STEPS; i++) {
                trainer.step();
            }
            double stepMs = (System.nanoTime() - start) / 1e6 / MEASURED_STEPS;
            System.out.printf("mode %s, %d thread(s), %s%n", mode, threads, KernelProvider.kernels().name());
            double kernelMs = 0;
            for (Map.Entry<String, long[]> e : TIMES.entrySet()) {
                double ms = e.getValue()[0] / 1e6 / MEASURED_STEPS;
                kernelMs += ms;
                System.out.printf("%-30s %4d calls/step %8.3f ms/step%n", e.getKey(), e.getValue()[1] / MEASURED_STEPS, ms);
            }
            System.out.printf("%-30s %23.3f ms/step%n", "all kernels", kernelMs);
            System.out.printf("%-30s %23.3f ms/step (wall)%n", "step", stepMs);
        }
    }

    /** {@code real}, with the time of every call added to {@link #TIMES} under its kernel (and GEMM shape). */
    private static Kernels timing(Kernels real) {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class},
                (proxy, method, arguments) -> {
                    long start = System.nanoTime();
                    Object result;
                    try {
                        result = method.invoke(real, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    long elapsed = System.nanoTime() - start;
                    String key = method.getName();
                    if (key.equals("gemm")) {
                        FloatMatrix a = (FloatMatrix) arguments[0];
                        FloatMatrix b = (FloatMatrix) arguments[1];
                        FloatMatrix c = (FloatMatrix) arguments[2];
                        key = String.format("gemm %dx%dx%d %s%s", c.rows(), c.cols(), a.cols(),
                                a.isTransposed() ? "T" : "N", b.isTransposed() ? "T" : "N");
                    }
                    synchronized (TIMES) {
                        long[] entry = TIMES.computeIfAbsent(key, k -> new long[2]);
                        entry[0] += elapsed;
                        entry[1]++;
                    }
                    return result;
                });
    }
}
