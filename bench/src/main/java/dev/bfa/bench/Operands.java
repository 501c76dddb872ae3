package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.random.RandomGenerator;

/** GEMM operands for an orientation code such as "NT": A is m x k, B is k x n as logical views. */
record Operands(FloatMatrix a, FloatMatrix b, FloatMatrix c) {
    static Operands create(Arena arena, int m, int n, int k, String op, long seed) {
        if (op.length() != 2 || "NT".indexOf(op.charAt(0)) < 0 || "NT".indexOf(op.charAt(1)) < 0) {
            throw new IllegalArgumentException("op " + op + " must be two letters from N and T");
        }
        RandomGenerator random = RandomGenerator.of("L64X128MixRandom");
        FloatMatrix a = op.charAt(0) == 'N' ? FloatMatrix.allocate(arena, m, k)
                : FloatMatrix.allocate(arena, k, m).transpose();
        FloatMatrix b = op.charAt(1) == 'N' ? FloatMatrix.allocate(arena, k, n)
                : FloatMatrix.allocate(arena, n, k).transpose();
        fill(a, random);
        fill(b, random);
        return new Operands(a, b, FloatMatrix.allocate(arena, m, n));
    }

    /** Seconds taken by {@code calls} GEMMs C = A·B on {@code pool}. */
    double seconds(Kernels kernels, ComputePool pool, int calls) {
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            kernels.gemm(a, b, c, false, pool);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void fill(FloatMatrix x, RandomGenerator random) {
        float[] values = new float[x.rows() * x.cols()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat(-1f, 1f);
        }
        x.copyFrom(values);
    }
}
