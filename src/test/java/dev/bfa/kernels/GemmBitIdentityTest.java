package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.FAST;
import static dev.bfa.kernels.KernelTestSupport.FAST_IS_REFERENCE;
import static dev.bfa.kernels.KernelTestSupport.REF;
import static dev.bfa.kernels.KernelTestSupport.assertBitIdentical;
import static dev.bfa.kernels.KernelTestSupport.garbage;
import static dev.bfa.kernels.KernelTestSupport.random;
import static dev.bfa.kernels.KernelTestSupport.rawStorage;
import static dev.bfa.kernels.KernelTestSupport.uniform;
import static dev.bfa.kernels.KernelTestSupport.wideRange;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.kernels.KernelTestSupport.Scratch;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast gemm returns exactly the reference's bits (docs/spec.md, "Order of floating-point
 * operations"): for every shape, orientation of A and B, storage gap (ld &gt; cols), output view,
 * mode (overwrite / accumulate) and thread count.
 *
 * <p>Cost: the reference runs about 1e9 multiply-adds per second, so each reference product is
 * computed once per (shape, mode, data) and every orientation and thread count of the fast kernel is
 * compared against it. The fast kernel's total work over this class is about 8e9 multiply-adds
 * (sweeps ~2e9, layer shapes ~5e9, output views ~1.2e9); the reference's about 1.2e9. When the kernels
 * under test are the reference itself (-Dbfa.vector.bits=scalar) only one thread count runs.
 */
@Tag("kernels")
class GemmBitIdentityTest {

    /** Every one of these appears in each of m, n and k: vector-width edges, blocking edges (mc=128, kc=256, nc=3072), layer sizes. */
    static final int[] SIZES = {1, 3, 15, 16, 17, 127, 128, 129, 784, 1000, 1024, 3072};

    /** The other two dimensions while one runs over {@link #SIZES}. */
    static final int[][] OTHER_PAIRS = {
            {1, 1}, {1, 17}, {1, 33}, {17, 1}, {17, 17}, {17, 33}, {33, 1}, {33, 17}, {33, 33}, {3, 129}, {129, 3}};

    /** ScalarKernels ignores the pool: with the reference under test, one thread count says it all. */
    static final int[] THREADS = FAST_IS_REFERENCE ? new int[] {1} : new int[] {1, 2, 3, 8};

    /** op(A) and op(B): whether A is stored k x m and B is stored n x k, both read through transpose(). */
    enum Orientation {
        NN(false, false), NT(false, true), TN(true, false), TT(true, true);

        final boolean aTransposed;
        final boolean bTransposed;

        Orientation(boolean aTransposed, boolean bTransposed) {
            this.aTransposed = aTransposed;
            this.bTransposed = bTransposed;
        }
    }

    private static Arena arena;
    private static Scratch scratch;
    private static ComputePool[] pools;

    // Scratch slots.
    private static final int A = 0, B = 1, C = 2, REF_A = 3, REF_B = 4, REF_C = 5;

    @BeforeAll
    static void setUp() {
        System.out.println("GemmBitIdentityTest: " + KernelTestSupport.describeSelection());
        arena = Arena.ofShared();
        scratch = new Scratch(arena, 6);
        pools = new ComputePool[THREADS.length];
        for (int t = 0; t < THREADS.length; t++) {
            pools[t] = ComputePool.create(THREADS[t]);
        }
    }

    @AfterAll
    static void tearDown() {
        for (ComputePool pool : pools) {
            pool.close();
        }
        arena.close();
    }

    // ------------------------------------------------------------------------------------------

    /** The inputs of one product and the reference results in both modes. */
    record Case(int m, int n, int k, float[] a, float[] b, float[] c0, float[] overwritten, float[] accumulated) {
        String name() {
            return "gemm m=" + m + " n=" + n + " k=" + k;
        }
    }

    /**
     * Random operands for {@code m x k} times {@code k x n}, and the reference results. Even seeds draw
     * uniform values in [-1, 1), odd seeds values spread over 17 binades (rounding then depends on order
     * even for short sums).
     */
    static Case referenceCase(int m, int n, int k, long seed, boolean withAccumulate) {
        RandomGenerator random = random(seed);
        boolean wide = (seed & 1) != 0;
        float[] a = wide ? wideRange(random, m * k) : uniform(random, m * k);
        float[] b = wide ? wideRange(random, k * n) : uniform(random, k * n);
        float[] c0 = wide ? wideRange(random, m * n) : uniform(random, m * n, -4f, 4f);
        FloatMatrix refA = scratch.matrix(REF_A, m, k, Layout.PLAIN, a);
        FloatMatrix refB = scratch.matrix(REF_B, k, n, Layout.PLAIN, b);
        FloatMatrix refC = scratch.matrix(REF_C, m, n, Layout.PLAIN, garbage(random, m * n));
        REF.gemm(refA, refB, refC, false, pools[0]);
        float[] overwritten = refC.toArray();
        float[] accumulated = null;
        if (withAccumulate) {
            refC.copyFrom(c0);
            REF.gemm(refA, refB, refC, true, pools[0]);
            accumulated = refC.toArray();
        }
        return new Case(m, n, k, a, b, c0, overwritten, accumulated);
    }

    /**
     * Runs the fast gemm for every given orientation, every thread count and both modes (accumulate only
     * when the case has its reference) and compares each result with the reference bits. In overwrite
     * mode C starts as garbage (NaNs, infinities) that must not leak into the result.
     */
    static void compareAll(Kernels fast, Case c, Set<Orientation> orientations, boolean padOperands, Layout cLayout) {
        RandomGenerator random = random(c.m * 31L + c.n * 17L + c.k);
        float[] garbage = garbage(random, c.m * c.n);
        for (Orientation o : orientations) {
            Layout aLayout = (o.aTransposed ? Layout.TRANSPOSED : Layout.PLAIN).withPadding(padOperands);
            Layout bLayout = (o.bTransposed ? Layout.TRANSPOSED : Layout.PLAIN).withPadding(padOperands);
            FloatMatrix a = scratch.matrix(A, c.m, c.k, aLayout, c.a);
            FloatMatrix b = scratch.matrix(B, c.k, c.n, bLayout, c.b);
            for (int t = 0; t < THREADS.length; t++) {
                String where = c.name() + " " + o + " (A " + aLayout + ", B " + bLayout + ", C " + cLayout + ") threads="
                        + THREADS[t];
                FloatMatrix out = scratch.matrix(C, c.m, c.n, cLayout, garbage);
                fast.gemm(a, b, out, false, pools[t]);
                assertBitIdentical(c.overwritten, out.toArray(), c.n, where + " overwrite");
                if (c.accumulated != null) {
                    out.copyFrom(c.c0);
                    fast.gemm(a, b, out, true, pools[t]);
                    assertBitIdentical(c.accumulated, out.toArray(), c.n, where + " accumulate");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Sweeps: one dimension over every size, the other two small.
    // ------------------------------------------------------------------------------------------

    static int[] sizes() {
        return SIZES;
    }

    @ParameterizedTest(name = "m={0}")
    @MethodSource("sizes")
    void sweepM(int m) {
        int i = 0;
        for (int[] other : OTHER_PAIRS) {
            Case c = referenceCase(m, other[0], other[1], 1000L * m + i, true);
            compareAll(FAST, c, EnumSet.allOf(Orientation.class), (i++ & 1) == 1, Layout.PLAIN);
        }
    }

    @ParameterizedTest(name = "n={0}")
    @MethodSource("sizes")
    void sweepN(int n) {
        int i = 0;
        for (int[] other : OTHER_PAIRS) {
            Case c = referenceCase(other[0], n, other[1], 2000L * n + i, true);
            compareAll(FAST, c, EnumSet.allOf(Orientation.class), (i++ & 1) == 0, Layout.PLAIN);
        }
    }

    @ParameterizedTest(name = "k={0}")
    @MethodSource("sizes")
    void sweepK(int k) {
        int i = 0;
        for (int[] other : OTHER_PAIRS) {
            Case c = referenceCase(other[0], other[1], k, 3000L * k + i, true);
            compareAll(FAST, c, EnumSet.allOf(Orientation.class), (i++ & 1) == 1, Layout.PADDED);
        }
    }

    // ------------------------------------------------------------------------------------------
    // The shapes the trainer runs (batch 128, widths 784 / 1024 / 3072, 10 classes) and a ragged one.
    // ------------------------------------------------------------------------------------------

    static Stream<Arguments> layerShapes() {
        return Stream.of(
                // Z = H · Wᵀ of layer 0 of R (784 inputs): A plain, B = W (1024 x 784) read transposed.
                Arguments.of(128, 1024, 784, EnumSet.of(Orientation.NT), true, false),
                // Hidden 1024 -> 1024: forward (NT), error E = D · F (NN), weight gradient Dᵀ · H (TN). Overwrite
                // only: accumulate is covered by every other shape, and this one is the most expensive.
                Arguments.of(128, 1024, 1024, EnumSet.of(Orientation.NN, Orientation.NT, Orientation.TN), false, true),
                // Weight gradient of layer 0 of R: Dᵀ (1024 x 128) · H (128 x 784).
                Arguments.of(1024, 784, 128, EnumSet.of(Orientation.TN), true, true),
                // Layer 0 of F with 3072 inputs: k = 3072 (12 panels of kc = 256).
                Arguments.of(128, 1024, 3072, EnumSet.of(Orientation.NT), false, false),
                // Ragged: m = mc + 1, n not a multiple of any vector width, short k; every orientation.
                Arguments.of(129, 1000, 17, EnumSet.allOf(Orientation.class), true, true),
                // Output layer: 10 logits.
                Arguments.of(128, 10, 1024, EnumSet.allOf(Orientation.class), true, false),
                // Back through the output layer: D (128 x 10) · F (10 x 1024).
                Arguments.of(128, 1024, 10, EnumSet.allOf(Orientation.class), true, true),
                // One operand packed once for all threads when the grid splits only the other dimension of C:
                // A (plain or transposed) with a ragged last row panel and k over two kc blocks ...
                Arguments.of(129, 1000, 300, EnumSet.of(Orientation.NN, Orientation.NT, Orientation.TN), true, false),
                // A shared A beyond L2 (33 row panels x 1100 floats) with a plain B read in parts of its
                // rows, its slivers packed by the micro-kernels, k over five kc blocks, on 2, 3 and 8 threads.
                Arguments.of(129, 1000, 1100, EnumSet.of(Orientation.NN, Orientation.TN), true, false),
                // A plain B beyond the L3 (2800 x 3100), its slivers packed by the micro-kernels.
                Arguments.of(17, 3100, 2800, EnumSet.of(Orientation.NN, Orientation.TN), true, false),
                // A B beyond MAX_SHARED_FLOATS (920 x 580) shared whole on 2 and 3 threads, plain and transposed,
                // C's rows in blocks (each thread's adjacent on 2), ragged in m, n and k (SharedOperandTest).
                Arguments.of(510, 580, 920, EnumSet.of(Orientation.NN, Orientation.NT, Orientation.TN), true, true),
                // ... and a transposed B with a ragged last column panel.
                Arguments.of(1000, 17, 300, EnumSet.of(Orientation.NT, Orientation.TT), true, true),
                // A transposed B beside C's rows in one block (m <= mc), ragged in m, n and k: one thread
                // shares A too, cutting C into blocks of columns.
                Arguments.of(121, 1000, 300, EnumSet.of(Orientation.NT, Orientation.TT), true, true),
                // n beyond one nc = 3072 block of B (two and three column blocks, ragged).
                Arguments.of(9, 3100, 300, EnumSet.allOf(Orientation.class), true, true),
                Arguments.of(3, 6200, 17, EnumSet.of(Orientation.NN, Orientation.TT), true, false));
    }

    @ParameterizedTest(name = "m={0} n={1} k={2} {3} accumulate={4} padded={5}")
    @MethodSource("layerShapes")
    void layerShapes(int m, int n, int k, Set<Orientation> orientations, boolean accumulate, boolean padded) {
        Case c = referenceCase(m, n, k, 77L * m + 13L * n + k, accumulate);
        compareAll(FAST, c, orientations, padded, padded ? Layout.PADDED : Layout.PLAIN);
    }

    // ------------------------------------------------------------------------------------------
    // Output views: C written through a transposed view and through a block of a larger matrix.
    // ------------------------------------------------------------------------------------------

    static Stream<Arguments> outputShapes() {
        return Stream.of(
                Arguments.of(1, 1, 1), Arguments.of(17, 33, 129), Arguments.of(128, 128, 300), Arguments.of(3, 3072, 16),
                Arguments.of(1000, 1, 3), Arguments.of(129, 127, 257), Arguments.of(33, 1000, 600));
    }

    /** C as a transposed view: the kernel writes C(i, j) to storage (j, i). */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("outputShapes")
    void transposedOutput(int m, int n, int k) {
        Case c = referenceCase(m, n, k, 5L * m + 7L * n + 11L * k, true);
        compareAll(FAST, c, EnumSet.of(Orientation.NN, Orientation.TT), false, Layout.TRANSPOSED);
        compareAll(FAST, c, EnumSet.of(Orientation.NT), true, Layout.TRANSPOSED_PADDED);
    }

    /**
     * C as a block of a larger matrix (so its ld exceeds its columns), plain or transposed: the block gets
     * the reference bits and every other float of the parent's memory, gaps included, is left as it was.
     */
    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @MethodSource("outputShapes")
    void blockOutputLeavesTheRestUntouched(int m, int n, int k) {
        Case c = referenceCase(m, n, k, 3L * m + 5L * n + 7L * k, true);
        RandomGenerator random = random(m + n + k);
        FloatMatrix a = scratch.matrix(A, m, k, Layout.PADDED, c.a);
        FloatMatrix b = scratch.matrix(B, k, n, Layout.PLAIN, c.b);
        for (boolean parentTransposed : new boolean[] {false, true}) {
            int rows = m + 5;
            int cols = n + 3;
            // The parent's logical shape is rows x cols; its storage is cols x rows when read transposed.
            FloatMatrix parent = KernelTestSupport.allocate(arena, rows, cols,
                    parentTransposed ? Layout.TRANSPOSED_PADDED : Layout.PADDED);
            FloatMatrix expectedParent = KernelTestSupport.allocate(arena, rows, cols,
                    parentTransposed ? Layout.TRANSPOSED_PADDED : Layout.PADDED);
            float[] sentinel = uniform(random, rows * cols, 100f, 200f);
            for (int t = 0; t < THREADS.length; t++) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    String where = c.name() + " C = block(2, 1) of " + parent + " threads=" + THREADS[t]
                            + (accumulate ? " accumulate" : " overwrite");
                    // Fill the whole storage, gaps included, with a recognisable pattern.
                    fillRaw(parent.segment(), random);
                    parent.copyFrom(sentinel);
                    FloatMatrix block = parent.block(2, 1, m, n);
                    if (accumulate) {
                        block.copyFrom(c.c0);
                    } else {
                        block.copyFrom(garbage(random, m * n));
                    }
                    MemorySegment.copy(parent.segment(), 0, expectedParent.segment(), 0, parent.segment().byteSize());
                    expectedParent.block(2, 1, m, n).copyFrom(accumulate ? c.accumulated : c.overwritten);

                    FAST.gemm(a, b, block, accumulate, pools[t]);

                    assertBitIdentical(rawStorage(expectedParent), rawStorage(parent), where + " (whole parent storage)");
                }
            }
        }
    }

    private static void fillRaw(MemorySegment segment, RandomGenerator random) {
        for (long offset = 0; offset + Float.BYTES <= segment.byteSize(); offset += Float.BYTES) {
            segment.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, offset, -1000f - random.nextInt(1000));
        }
    }

    // ------------------------------------------------------------------------------------------
    // Things a plausible fast kernel gets wrong.
    // ------------------------------------------------------------------------------------------

    /**
     * Accumulate continues the chain from C's value: C + a1b1 + a2b2 + ... in that order, never
     * (a1b1 + ... ) + C. With C = 2^24 and sixteen products of 1, every step rounds back to 2^24 (ties to
     * even); adding the partial sum 16 to C at the end would give 2^24 + 16.
     */
    @Test
    void accumulateStartsTheChainFromC() {
        int m = 5, n = 37, k = 16;
        float[] ones = new float[m * k];
        java.util.Arrays.fill(ones, 1f);
        float[] onesB = new float[k * n];
        java.util.Arrays.fill(onesB, 1f);
        float big = 16777216f;
        float[] c0 = new float[m * n];
        java.util.Arrays.fill(c0, big);
        for (int t = 0; t < THREADS.length; t++) {
            FloatMatrix a = scratch.matrix(A, m, k, Layout.PLAIN, ones);
            FloatMatrix b = scratch.matrix(B, k, n, Layout.TRANSPOSED, onesB);
            FloatMatrix out = scratch.matrix(C, m, n, Layout.PLAIN, c0);
            FAST.gemm(a, b, out, true, pools[t]);
            float[] expected = c0.clone();
            assertBitIdentical(expected, out.toArray(), n, "2^24 + sixteen 1s, threads=" + THREADS[t]);
        }
    }

    /**
     * k beyond several cache panels (kc = 256) with values whose sums round at every step: a kernel that
     * sums each panel separately and adds panel sums (instead of continuing the chain from C) differs.
     */
    @Test
    void longChainsAcrossPanels() {
        List<int[]> shapes = new ArrayList<>(List.of(new int[] {7, 45, 1537}, new int[] {33, 16, 2049}));
        long seed = 99;
        for (int[] s : shapes) {
            Case c = referenceCase(s[0], s[1], s[2], seed | 1, true); // odd seed: wide-range values
            compareAll(FAST, c, EnumSet.allOf(Orientation.class), (seed++ & 1) == 0, Layout.PLAIN);
        }
    }

    /** The same call twice gives the same bits (no state carried between calls, e.g. in pack buffers). */
    @Test
    void repeatableAcrossCallsAndShapes() {
        Case big = referenceCase(130, 70, 300, 4242, false);
        Case small = referenceCase(3, 5, 7, 4243, false);
        for (int round = 0; round < 3; round++) {
            compareAll(FAST, big, EnumSet.of(Orientation.NT), false, Layout.PLAIN);
            compareAll(FAST, small, EnumSet.of(Orientation.TN), true, Layout.PADDED);
        }
    }
}
