package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One op is one {@code C = op(A)·op(B)} of {@code m x n} by depth {@code k}, so
 * GFLOP/s = 2·m·n·k · ops/s / 1e9. {@code op} names the orientation of A and B: N reads the stored
 * matrix as is, T reads a stored transpose through a view (no copy).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    @Param({"128"})
    public int m;
    @Param({"784", "1024", "3072"})
    public int n;
    @Param({"784", "1024", "3072"})
    public int k;
    @Param({"NN", "NT", "TN"})
    public String op;
    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private ComputePool pool;
    private Kernels kernels;
    private FloatMatrix a;
    private FloatMatrix b;
    private FloatMatrix c;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        pool = ComputePool.create(threads);
        kernels = KernelProvider.kernels();
        Operands operands = Operands.create(arena, m, n, k, op, 42);
        a = operands.a();
        b = operands.b();
        c = operands.c();
    }

    @Benchmark
    public FloatMatrix gemm() {
        kernels.gemm(a, b, c, false, pool);
        return c;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }
}
