package dev.bfa.bench;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The baseline: {@code dev.ludovic.netlib:blas}'s pure-Java Vector API sgemm (single-threaded),
 * on the same shapes and orientations as {@link GemmBenchmark}, row-major data passed as its
 * column-major transpose (C^T = op(B)^T · op(A)^T), so no copies are made.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class NetlibGemmBenchmark {
    @Param({"128"})
    public int m;
    @Param({"784", "1024", "3072"})
    public int n;
    @Param({"784", "1024", "3072"})
    public int k;
    @Param({"NN", "NT", "TN"})
    public String op;

    private BLAS blas;
    private float[] a;
    private float[] b;
    private float[] c;
    private String transA;
    private String transB;
    private int lda;
    private int ldb;

    @Setup(Level.Trial)
    public void setUp() {
        blas = JavaBLAS.getInstance();
        if (!blas.getClass().getSimpleName().equals("VectorBLAS")) {
            throw new IllegalStateException("netlib-java picked " + blas.getClass().getName()
                    + ", not its Vector API implementation");
        }
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        a = randomArray(m * k, random);
        b = randomArray(k * n, random);
        c = new float[m * n];
        boolean aTransposed = op.charAt(0) == 'T';
        boolean bTransposed = op.charAt(1) == 'T';
        transA = aTransposed ? "T" : "N";
        transB = bTransposed ? "T" : "N";
        lda = aTransposed ? m : k;
        ldb = bTransposed ? k : n;
    }

    private static float[] randomArray(int length, RandomGenerator random) {
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextFloat(-1f, 1f);
        }
        return values;
    }

    @Benchmark
    public float[] sgemm() {
        blas.sgemm(transB, transA, n, m, k, 1f, b, ldb, a, lda, 0f, c, n);
        return c;
    }
}
