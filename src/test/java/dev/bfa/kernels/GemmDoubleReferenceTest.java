package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.FAST;
import static dev.bfa.kernels.KernelTestSupport.random;
import static dev.bfa.kernels.KernelTestSupport.uniform;
import static dev.bfa.kernels.KernelTestSupport.wideRange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast gemm against an independent naive product in double precision (written here, sharing
 * nothing with ScalarKernels), within a rounding-error bound.
 *
 * <p>The bound. Each element is a chain {@code s_0 = c0, s_p = fl(a_p·b_p + s_{p-1})} of k fmas, each
 * rounded once (the product is exact inside an fma). A rounding to nearest float changes its result by
 * at most half an ulp, i.e. by at most {@code 2^-24·|s_p|}, and every exact partial sum satisfies
 * {@code |s_p| <= |c0| + sum_q |a_q·b_q|} =: S (up to the errors already made, which are second order).
 * Summing the k roundings gives {@code |c - exact| <= k·2^-24·S·(1 + O(k·2^-24))}; the factor 2 in
 * {@code 2·k·2^-24·S} covers the second-order terms with a wide margin for k up to millions. The
 * double reference itself is exact to about {@code k·2^-53·S}, negligible. Where partial sums fall
 * into the subnormal range a rounding can be off by half of {@link Float#MIN_VALUE} regardless of S,
 * hence the small absolute term {@code k·Float.MIN_VALUE}.
 */
@Tag("kernels")
class GemmDoubleReferenceTest {
    private static final double U = 0x1p-24;

    private static Arena arena;
    private static ComputePool pool;

    @BeforeAll
    static void setUp() {
        arena = Arena.ofShared();
        pool = ComputePool.create(KernelTestSupport.FAST_IS_REFERENCE ? 1 : 3);
    }

    @AfterAll
    static void tearDown() {
        pool.close();
        arena.close();
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(1, 1, 1, false), Arguments.of(3, 17, 15, true), Arguments.of(17, 33, 129, false),
                Arguments.of(128, 10, 1024, true), Arguments.of(33, 129, 3072, false), Arguments.of(129, 64, 784, true),
                Arguments.of(16, 1000, 1000, false));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} wide={3}")
    @MethodSource("shapes")
    void withinRoundingBoundOfDoubleProduct(int m, int n, int k, boolean wide) {
        RandomGenerator random = random(m * 1_000_003L + n * 1009L + k);
        // Mixed signs (cancellation: the bound is relative to S, not to |c|), and all-positive values
        // (no cancellation: the bound is then nearly tight in relative terms).
        for (boolean positive : new boolean[] {false, true}) {
            float[] a = wide ? wideRange(random, m * k) : uniform(random, m * k);
            float[] b = wide ? wideRange(random, k * n) : uniform(random, k * n);
            float[] c0 = uniform(random, m * n, -2f, 2f);
            if (positive) {
                abs(a);
                abs(b);
                abs(c0);
            }
            for (boolean accumulate : new boolean[] {false, true}) {
                FloatMatrix am = KernelTestSupport.matrixOf(arena, m, k, accumulate ? Layout.TRANSPOSED : Layout.PLAIN, a);
                FloatMatrix bm = KernelTestSupport.matrixOf(arena, k, n, accumulate ? Layout.PADDED : Layout.TRANSPOSED, b);
                FloatMatrix cm = KernelTestSupport.matrixOf(arena, m, n, Layout.PLAIN, c0);
                FAST.gemm(am, bm, cm, accumulate, pool);
                float[] c = cm.toArray();

                double worstRatio = 0;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double start = accumulate ? c0[i * n + j] : 0.0;
                        double exact = start;
                        double absSum = Math.abs(start);
                        for (int p = 0; p < k; p++) {
                            double term = (double) a[i * k + p] * b[p * n + j];
                            exact += term;
                            absSum += Math.abs(term);
                        }
                        double bound = 2.0 * k * U * absSum + k * (double) Float.MIN_VALUE;
                        double error = Math.abs(c[i * n + j] - exact);
                        if (!(error <= bound)) {
                            throw new AssertionError(String.format(Locale.ROOT,
                                    "gemm m=%d n=%d k=%d accumulate=%b positive=%b: C(%d, %d) = %s, double reference %s,"
                                            + " error %.3e exceeds bound %.3e (sum |terms| = %.6e)",
                                    m, n, k, accumulate, positive, i, j, c[i * n + j], exact, error, bound, absSum));
                        }
                        worstRatio = Math.max(worstRatio, error / bound);
                    }
                }
                assertThat(worstRatio).as("largest error / bound").isLessThanOrEqualTo(1.0);
            }
        }
    }

    private static void abs(float[] values) {
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.abs(values[i]);
        }
    }
}
