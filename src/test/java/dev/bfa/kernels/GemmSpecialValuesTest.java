package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.FAST;
import static dev.bfa.kernels.KernelTestSupport.FAST_IS_REFERENCE;
import static dev.bfa.kernels.KernelTestSupport.REF;
import static dev.bfa.kernels.KernelTestSupport.assertBitIdentical;
import static dev.bfa.kernels.KernelTestSupport.random;
import static dev.bfa.kernels.KernelTestSupport.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * gemm with zeros, signed zeros, NaN, infinities and subnormals: the fast kernel gives the reference's
 * bits (NaN payloads aside), and both behave as IEEE arithmetic says (no flush-to-zero, NaN propagates
 * along its row and column, inf·0 is NaN, the sign of an all-zero sum is kept).
 */
@Tag("kernels")
class GemmSpecialValuesTest {
    private static final int NEG_ZERO_BITS = 0x8000_0000;

    private static Arena arena;
    private static ComputePool[] pools;

    @BeforeAll
    static void setUp() {
        arena = Arena.ofShared();
        pools = FAST_IS_REFERENCE
                ? new ComputePool[] {ComputePool.create(1)}
                : new ComputePool[] {ComputePool.create(1), ComputePool.create(3)};
    }

    @AfterAll
    static void tearDown() {
        for (ComputePool pool : pools) {
            pool.close();
        }
        arena.close();
    }

    /** Shapes that put special values in vector bodies, ragged edges, several tiles and several k-panels. */
    static Stream<Arguments> shapes() {
        return Stream.of(Arguments.of(1, 1, 1), Arguments.of(3, 17, 5), Arguments.of(17, 33, 17),
                Arguments.of(20, 129, 300), Arguments.of(130, 40, 3));
    }

    /** Runs both kernels on the same operands for all four orientations; returns the reference result. */
    private static float[] compare(int m, int n, int k, float[] a, float[] b, float[] c0, boolean accumulate,
                                   String what) {
        FloatMatrix refC = KernelTestSupport.matrixOf(arena, m, n, Layout.PLAIN, c0);
        REF.gemm(KernelTestSupport.matrixOf(arena, m, k, Layout.PLAIN, a),
                KernelTestSupport.matrixOf(arena, k, n, Layout.PLAIN, b), refC, accumulate, pools[0]);
        float[] expected = refC.toArray();
        for (Layout aLayout : new Layout[] {Layout.PLAIN, Layout.TRANSPOSED_PADDED}) {
            for (Layout bLayout : new Layout[] {Layout.PADDED, Layout.TRANSPOSED}) {
                FloatMatrix am = KernelTestSupport.matrixOf(arena, m, k, aLayout, a);
                FloatMatrix bm = KernelTestSupport.matrixOf(arena, k, n, bLayout, b);
                for (ComputePool pool : pools) {
                    FloatMatrix cm = KernelTestSupport.matrixOf(arena, m, n, Layout.PLAIN, c0);
                    FAST.gemm(am, bm, cm, accumulate, pool);
                    assertBitIdentical(expected, cm.toArray(), n, what + " m=" + m + " n=" + n + " k=" + k + " A "
                            + aLayout + " B " + bLayout + " threads=" + pool.threads()
                            + (accumulate ? " accumulate" : " overwrite"));
                }
            }
        }
        return expected;
    }

    private static java.util.List<Float> boxed(float[] values) {
        java.util.List<Float> list = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private static float[] filled(int length, float value) {
        float[] values = new float[length];
        Arrays.fill(values, value);
        return values;
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void zerosAndSignedZeros(int m, int n, int k) {
        RandomGenerator random = random(m + 10L * n + 100L * k);
        float[] b = uniform(random, k * n);
        float[] c0 = uniform(random, m * n);

        // A of +0: overwrite gives +0 everywhere (0 + (+-0) = +0); accumulate gives C back unchanged.
        float[] zeroA = filled(m * k, 0f);
        float[] result = compare(m, n, k, zeroA, b, c0, false, "A = +0");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(Float.floatToRawIntBits(x)).isZero());
        result = compare(m, n, k, zeroA, b, c0, true, "A = +0");
        assertBitIdentical(c0, result, "A = +0 accumulate returns C");

        // -0 · +0 = -0: from +0 (overwrite) the sum is +0; accumulating into -0 keeps -0.
        float[] negZeroA = filled(m * k, -0f);
        float[] posZeroB = filled(k * n, 0f);
        result = compare(m, n, k, negZeroA, posZeroB, filled(m * n, 1f), false, "A = -0, B = +0");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(Float.floatToRawIntBits(x)).isZero());
        result = compare(m, n, k, negZeroA, posZeroB, filled(m * n, -0f), true, "A = -0, B = +0, C = -0");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(Float.floatToRawIntBits(x)).isEqualTo(NEG_ZERO_BITS));

        // One +0 product anywhere in the chain makes the all-zero sum +0 (-0 + +0 = +0).
        float[] mixedB = posZeroB.clone();
        mixedB[(k - 1) * n] = -0f; // column 0's last term is (-0)·(-0) = +0
        result = compare(m, n, k, negZeroA, mixedB, filled(m * n, -0f), true, "signed-zero mix");
        for (int i = 0; i < m; i++) {
            assertThat(Float.floatToRawIntBits(result[i * n])).as("C(%d, 0)", i).isZero();
        }

        // Exact cancellation to zero inside a row: x·1 + (-x)·1 = +0.
        if (k >= 2) {
            float[] a = uniform(random, m * k);
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    a[i * k + p] = p % 2 == 0 ? 0.75f : -0.75f;
                }
                if (k % 2 == 1) {
                    a[i * k + k - 1] = 0f;
                }
            }
            compare(m, n, k, a, filled(k * n, 1f), c0, false, "exact cancellation");
        }
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void nanAndInfinityPropagate(int m, int n, int k) {
        RandomGenerator random = random(7 + m + 10L * n + 100L * k);
        float[] a = uniform(random, m * k, 0.5f, 1f);
        float[] b = uniform(random, k * n, 0.5f, 1f);
        float[] c0 = uniform(random, m * n);
        int nanRow = m / 2;
        int nanColumn = n - 1;

        // A NaN anywhere in row i of A makes all of row i of C NaN.
        float[] nanA = a.clone();
        nanA[nanRow * k + k / 2] = Float.NaN;
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] result = compare(m, n, k, nanA, b, c0, accumulate, "NaN in A");
            for (int j = 0; j < n; j++) {
                assertThat(result[nanRow * n + j]).as("C(%d, %d)", nanRow, j).isNaN();
            }
            if (m > 1) {
                assertThat(result[((nanRow + 1) % m) * n]).isNotNaN();
            }
        }

        // A NaN in column j of B makes all of column j of C NaN; a NaN in C stays NaN when accumulating.
        float[] nanB = b.clone();
        nanB[(k - 1) * n + nanColumn] = Float.intBitsToFloat(0x7f80_0001); // a signalling-pattern NaN
        float[] nanC0 = c0.clone();
        nanC0[0] = Float.NaN;
        float[] result = compare(m, n, k, a, nanB, nanC0, true, "NaN in B and C");
        for (int i = 0; i < m; i++) {
            assertThat(result[i * n + nanColumn]).as("C(%d, %d)", i, nanColumn).isNaN();
        }
        assertThat(result[0]).isNaN();
        // ...but an overwritten NaN in C is gone.
        result = compare(m, n, k, a, b, nanC0, false, "NaN in C overwritten");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(x).isNotNaN());

        // +inf in A with positive B gives +inf; with -inf in the same row, inf - inf = NaN.
        float[] infA = a.clone();
        infA[nanRow * k] = Float.POSITIVE_INFINITY;
        result = compare(m, n, k, infA, b, c0, false, "+inf in A");
        for (int j = 0; j < n; j++) {
            assertThat(result[nanRow * n + j]).isEqualTo(Float.POSITIVE_INFINITY);
        }
        if (k >= 2) {
            infA[nanRow * k + k - 1] = Float.NEGATIVE_INFINITY;
            result = compare(m, n, k, infA, b, c0, true, "+inf and -inf in A");
            for (int j = 0; j < n; j++) {
                assertThat(result[nanRow * n + j]).isNaN();
            }
        }

        // inf · 0 = NaN: +inf in A(i, p) meets a zero in B(p, j).
        float[] zeroB = b.clone();
        infA = a.clone();
        infA[nanRow * k + k - 1] = Float.NEGATIVE_INFINITY;
        zeroB[(k - 1) * n] = 0f;
        result = compare(m, n, k, infA, zeroB, c0, false, "inf * 0");
        assertThat(result[nanRow * n]).isNaN();
        if (n > 1) {
            assertThat(result[nanRow * n + 1]).isEqualTo(Float.NEGATIVE_INFINITY);
        }

        // Overflow of a finite sum to infinity, and back from huge to finite through cancellation.
        float[] huge = filled(m * k, 3.0e38f);
        result = compare(m, n, k, huge, filled(k * n, 1.5f), c0, false, "overflow");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(x).isEqualTo(Float.POSITIVE_INFINITY));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("shapes")
    void subnormalsAreKept(int m, int n, int k) {
        RandomGenerator random = random(13 + m + 10L * n + 100L * k);
        // Subnormal inputs times ordinary values: subnormal products and sums.
        float[] a = new float[m * k];
        for (int i = 0; i < a.length; i++) {
            a[i] = (random.nextBoolean() ? 1f : -1f) * (1e-40f + random.nextInt(1000) * Float.MIN_VALUE);
        }
        float[] b = uniform(random, k * n, -2f, 2f);
        float[] c0 = new float[m * n];
        for (int i = 0; i < c0.length; i++) {
            c0[i] = random.nextInt(-100_000, 100_000) * Float.MIN_VALUE;
        }
        for (boolean accumulate : new boolean[] {false, true}) {
            float[] result = compare(m, n, k, a, b, c0, accumulate, "subnormal A");
            long subnormals = 0;
            for (float x : result) {
                if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) {
                    subnormals++;
                }
            }
            assertThat(subnormals).as("subnormal results (flush-to-zero would give none)").isPositive();
        }

        // Normal inputs whose products are subnormal: 1e-20 · 1e-20 = 1e-40.
        float[] tiny = uniform(random, m * k, 0.5e-20f, 1.5e-20f);
        float[] tinyB = uniform(random, k * n, 0.5e-20f, 1.5e-20f);
        float[] result = compare(m, n, k, tiny, tinyB, c0, false, "subnormal products");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(x).isPositive().isLessThan(Float.MIN_NORMAL * k));

        // A single product that is exactly a subnormal: C = MIN_VALUE · 1 when k == 1.
        if (k == 1) {
            result = compare(m, n, k, filled(m, Float.MIN_VALUE), filled(n, 1f), c0, false, "MIN_VALUE · 1");
            assertThat(boxed(result)).allSatisfy(x -> assertThat(x).isEqualTo(Float.MIN_VALUE));
        }

        // Subnormal underflowing further to zero by rounding: MIN_VALUE · 0.25 rounds to +0 at every step.
        float[] quarterB = filled(k * n, 0.25f);
        result = compare(m, n, k, filled(m * k, Float.MIN_VALUE), quarterB, filled(m * n, 0f), true, "MIN_VALUE / 4");
        assertThat(boxed(result)).allSatisfy(x -> assertThat(Float.floatToRawIntBits(x)).isZero());
        // 0.75·MIN_VALUE rounds up to MIN_VALUE at every step: the chain gives k·MIN_VALUE (exact sum 0.75k).
        result = compare(m, n, k, filled(m * k, Float.MIN_VALUE), filled(k * n, 0.75f), filled(m * n, 0f), true,
                "MIN_VALUE * 3/4");
        float expected = k * Float.MIN_VALUE;
        assertThat(boxed(result)).allSatisfy(x -> assertThat(x).isEqualTo(expected));
    }
}
