package dev.bfa.kernels;

import static dev.bfa.kernels.KernelTestSupport.FAST;
import static dev.bfa.kernels.KernelTestSupport.REF;
import static dev.bfa.kernels.KernelTestSupport.SPECIAL_KINDS;
import static dev.bfa.kernels.KernelTestSupport.assertBitIdentical;
import static dev.bfa.kernels.KernelTestSupport.garbage;
import static dev.bfa.kernels.KernelTestSupport.random;
import static dev.bfa.kernels.KernelTestSupport.rawStorage;
import static dev.bfa.kernels.KernelTestSupport.rowsWithSpecials;
import static dev.bfa.kernels.KernelTestSupport.uniform;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.KernelTestSupport.Layout;
import dev.bfa.kernels.KernelTestSupport.Scratch;
import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel other than gemm returns the reference's bits (NaN payloads aside) for every row length,
 * row count, storage gap and in-place use, including rows full of special values (NaN, ±inf, ±0,
 * subnormals, values that overflow or underflow exp, tanh's branch boundary).
 *
 * <p>Each case runs the reference and the fast kernel on matrices of the same layout, so besides the
 * logical results the whole storage (the gaps between padded rows included) must match: a kernel that
 * writes into a gap fails.
 */
@Tag("kernels")
class FusedKernelBitIdentityTest {

    /** Row lengths: below, at and above every vector width (4, 8, 16 floats) and the 16 stripes, and layer widths. */
    static final int[] COLUMNS = {1, 3, 15, 16, 17, 31, 33, 127, 128, 129, 784, 1000, 1024, 3072};
    static final int[] ROWS = {1, 3, 128};

    private static Arena arena;
    private static Scratch scratch;

    @BeforeAll
    static void setUp() {
        System.out.println("FusedKernelBitIdentityTest: " + KernelTestSupport.describeSelection());
        arena = Arena.ofShared();
        scratch = new Scratch(arena, 12);
    }

    @AfterAll
    static void tearDown() {
        arena.close();
    }

    static int[] columns() {
        return COLUMNS;
    }

    /** Kind offsets such that, over all passes, every kind of special row appears for this row count. */
    static int[] kindOffsets(int rows) {
        return rows >= SPECIAL_KINDS ? new int[] {0} : IntStream.iterate(0, o -> o < SPECIAL_KINDS, o -> o + rows).toArray();
    }

    /** Plain storage for even variants, a gap after every row for odd ones. */
    static Layout layout(int variant) {
        return (variant & 1) == 0 ? Layout.PLAIN : Layout.PADDED;
    }

    private static void assertSameMatrix(FloatMatrix expected, FloatMatrix actual, String context) {
        assertBitIdentical(expected.toArray(), actual.toArray(), expected.cols(), context);
        assertBitIdentical(rawStorage(expected), rawStorage(actual), context + " (whole storage, gaps included)");
    }

    // ------------------------------------------------------------------------------------------
    // biasCenterActivate, addBias
    // ------------------------------------------------------------------------------------------

    /** A bias row of ordinary values, or (odd {@code pass}) one with ±0, subnormals and a huge value. */
    static float[] bias(RandomGenerator random, int cols, int pass) {
        float[] bias = uniform(random, cols, -0.5f, 0.5f);
        if ((pass & 1) == 1) {
            for (int j = 0; j < cols; j += 4) {
                bias[j] = switch ((j / 4) % 4) {
                    case 0 -> -0f;
                    case 1 -> 0f;
                    case 2 -> 3 * Float.MIN_VALUE;
                    default -> -1e-39f;
                };
            }
        }
        return bias;
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void biasCenterActivate(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7919L + rows * 31L + offset);
                float[] z = rowsWithSpecials(random, rows, cols, offset, -3f, 3f);
                float[] bias = bias(random, cols, variant / 2);
                float[] initialOut = garbage(random, rows * cols);
                for (Activation activation : Activation.values()) {
                    Layout layout = layout(variant++);
                    String what = "biasCenterActivate " + activation + " " + rows + "x" + cols + " kinds+" + offset
                            + " " + layout;
                    FloatMatrix rz = scratch.matrix(0, rows, cols, layout, z);
                    FloatMatrix rb = scratch.matrix(1, 1, cols, Layout.PLAIN, bias);
                    FloatMatrix rout = scratch.matrix(2, rows, cols, layout, initialOut);
                    REF.biasCenterActivate(rz, rb, activation, rout);

                    FloatMatrix fz = scratch.matrix(3, rows, cols, layout, z);
                    FloatMatrix fb = scratch.matrix(4, 1, cols, Layout.PADDED, bias);
                    FloatMatrix fout = scratch.matrix(5, rows, cols, layout, initialOut);
                    FAST.biasCenterActivate(fz, fb, activation, fout);
                    assertSameMatrix(rout, fout, what);
                    assertBitIdentical(z, fz.toArray(), cols, what + ": input z must not change");
                    assertBitIdentical(bias, fb.toArray(), what + ": bias must not change");

                    // In place: out == z.
                    FAST.biasCenterActivate(fz, fb, activation, fz);
                    assertSameMatrix(rout, fz, what + " in place");
                    REF.biasCenterActivate(rz, rb, activation, rz);
                    assertSameMatrix(rout, rz, what + " reference in place");
                }
            }
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void addBias(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7907L + rows * 37L + offset);
                float[] z = rowsWithSpecials(random, rows, cols, offset, -3f, 3f);
                float[] bias = bias(random, cols, variant);
                Layout layout = layout(variant++);
                String what = "addBias " + rows + "x" + cols + " kinds+" + offset + " " + layout;
                FloatMatrix rz = scratch.matrix(0, rows, cols, layout, z);
                REF.addBias(rz, scratch.matrix(1, 1, cols, Layout.PLAIN, bias));
                FloatMatrix fz = scratch.matrix(3, rows, cols, layout, z);
                FAST.addBias(fz, scratch.matrix(4, 1, cols, Layout.PLAIN, bias));
                assertSameMatrix(rz, fz, what);
            }
        }
    }

    /**
     * Rows whose striped sum is exactly 0 (each block of 32 is 16 values followed by their negations, so
     * each of the 16 partials returns to 0 every two elements) with zero bias: the centred value is the
     * input itself and the fast kernel's output must be exactly {@link FloatMath#tanh} of it. This checks
     * the vector tanh against the scalar one over half a million inputs spread over [-20, 20], both
     * branches and the boundary.
     */
    @Test
    void vectorTanhMatchesScalarTanhExactly() {
        int rows = 128;
        int cols = 1024;
        float[] bias = new float[cols];
        FloatMatrix b = scratch.matrix(1, 1, cols, Layout.PLAIN, bias);
        // Positive floats up to 20 (bits 0 .. 0x41a00000) sampled with a stride: 4 calls of 64k values.
        int samples = 4 * rows * cols / 2;
        long stride = Float.floatToRawIntBits(20f) / samples;
        int sample = 0;
        for (int call = 0; call < 4; call++) {
            float[] z = new float[rows * cols];
            for (int block = 0; block < rows * cols; block += 32) {
                for (int j = 0; j < 16; j++) {
                    float x = Float.intBitsToFloat((int) (sample++ * stride + 12345));
                    z[block + j] = (j & 1) == 0 ? x : -x;
                    z[block + 16 + j] = -z[block + j];
                }
            }
            if (call == 0) {
                float[] boundary = KernelTestSupport.BOUNDARY_VALUES;
                for (int j = 0; j < boundary.length; j++) {
                    int at = (j / 16) * 32 + j % 16;
                    z[at] = boundary[j];
                    z[at + 16] = -boundary[j];
                }
            }
            FloatMatrix fz = scratch.matrix(3, rows, cols, Layout.PLAIN, z);
            FloatMatrix out = scratch.matrix(5, rows, cols, Layout.PLAIN);
            FAST.biasCenterActivate(fz, b, Activation.TANH, out);
            float[] actual = out.toArray();
            float[] expected = new float[z.length];
            for (int i = 0; i < z.length; i++) {
                // t = z + 0 (turns -0 into +0), mean exactly 0, t - 0 = t.
                expected[i] = FloatMath.tanh((z[i] + 0f) - 0f);
            }
            assertBitIdentical(expected, actual, cols, "tanh sweep call " + call);
        }
    }

    // ------------------------------------------------------------------------------------------
    // activationBackwardCenter
    // ------------------------------------------------------------------------------------------

    /** Plausible activation outputs: ReLU's are >= 0 with many exact zeros, tanh's in (-1, 1); plus specials. */
    static float[] activationOutputs(RandomGenerator random, Activation activation, int rows, int cols, int offset) {
        float[] h = rowsWithSpecials(random, rows, cols, offset + 3, -1f, 1f);
        for (int i = 0; i < h.length; i++) {
            if (activation == Activation.RELU && !Float.isNaN(h[i]) && random.nextInt(3) == 0) {
                h[i] = Math.max(h[i], 0f);
            }
        }
        return h;
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void activationBackwardCenter(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                for (Activation activation : Activation.values()) {
                    RandomGenerator random = random(cols * 7901L + rows * 41L + offset + activation.ordinal());
                    float[] incoming = rowsWithSpecials(random, rows, cols, offset, -1e-2f, 1e-2f);
                    float[] h = activationOutputs(random, activation, rows, cols, offset);
                    float[] initialOut = garbage(random, rows * cols);
                    Layout layout = layout(variant++);
                    String what = "activationBackwardCenter " + activation + " " + rows + "x" + cols + " kinds+" + offset
                            + " " + layout;
                    FloatMatrix rin = scratch.matrix(0, rows, cols, layout, incoming);
                    FloatMatrix rh = scratch.matrix(1, rows, cols, Layout.PLAIN, h);
                    FloatMatrix rout = scratch.matrix(2, rows, cols, layout, initialOut);
                    REF.activationBackwardCenter(rin, rh, activation, rout);

                    FloatMatrix fin = scratch.matrix(3, rows, cols, layout, incoming);
                    FloatMatrix fh = scratch.matrix(4, rows, cols, layout.withPadding(variant % 4 < 2), h);
                    FloatMatrix fout = scratch.matrix(5, rows, cols, layout, initialOut);
                    FAST.activationBackwardCenter(fin, fh, activation, fout);
                    assertSameMatrix(rout, fout, what);
                    assertBitIdentical(incoming, fin.toArray(), cols, what + ": incoming must not change");
                    assertBitIdentical(h, fh.toArray(), cols, what + ": h must not change");

                    FAST.activationBackwardCenter(fin, fh, activation, fin);
                    assertSameMatrix(rout, fin, what + " in place");
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // softmaxCrossEntropy
    // ------------------------------------------------------------------------------------------

    static int[] classCounts() {
        return new int[] {1, 3, 10, 17, 33};
    }

    @ParameterizedTest(name = "classes={0}")
    @MethodSource("classCounts")
    void softmaxCrossEntropy(int classes) {
        int variant = 0;
        for (int rows : new int[] {1, 3, 128, 129}) {
            // Pass -1: ordinary logits only (a loss that is a number); then passes with special rows.
            List<Integer> passes = new ArrayList<>(List.of(-1));
            for (int offset : kindOffsets(rows)) {
                passes.add(offset);
            }
            for (int pass : passes) {
                RandomGenerator random = random(classes * 7883L + rows * 43L + pass);
                float[] logits = pass < 0 ? uniform(random, rows * classes, -8f, 8f)
                        : rowsWithSpecials(random, rows, classes, pass, -30f, 30f);
                int[] labels = random.ints(rows, 0, classes).toArray();
                float[] initialGrad = garbage(random, rows * classes);
                Layout layout = layout(variant++);
                String what = "softmaxCrossEntropy " + rows + "x" + classes + " pass " + pass + " " + layout;

                FloatMatrix rl = scratch.matrix(0, rows, classes, layout, logits);
                FloatMatrix rg = scratch.matrix(2, rows, classes, layout, initialGrad);
                double expectedLoss = REF.softmaxCrossEntropy(rl, labels, rg);
                if (pass < 0) {
                    assertThat(expectedLoss).as(what + " reference loss").isFinite();
                }

                FloatMatrix fl = scratch.matrix(3, rows, classes, layout, logits);
                FloatMatrix fg = scratch.matrix(5, rows, classes, layout, initialGrad);
                double loss = FAST.softmaxCrossEntropy(fl, labels, fg);
                assertBitIdentical(expectedLoss, loss, what + " loss");
                assertSameMatrix(rg, fg, what + " grad");
                assertBitIdentical(logits, fl.toArray(), classes, what + ": logits must not change");

                // In place: grad == logits.
                double inPlaceLoss = FAST.softmaxCrossEntropy(fl, labels, fl);
                assertBitIdentical(expectedLoss, inPlaceLoss, what + " in-place loss");
                assertSameMatrix(rg, fl, what + " in-place grad");
            }
        }
    }

    /**
     * Many logits at the bottom of exp's range and in between, one row of 1024 classes per call: every
     * exp result feeds the sum and its own quotient, so a vector exp that differs from {@link FloatMath#exp}
     * in any lane shows up in the gradient bits.
     */
    @Test
    void vectorExpThroughSoftmax() {
        int rows = 64;
        int classes = 1024;
        RandomGenerator random = random(2024);
        float[] logits = new float[rows * classes];
        for (int i = 0; i < logits.length; i++) {
            // Row maximum 0 (first column); the rest in [-110, 0] so exp sees its subnormal and underflow range.
            logits[i] = i % classes == 0 ? 0f : -110f * random.nextFloat();
        }
        int[] labels = random.ints(rows, 0, classes).toArray();
        FloatMatrix rl = scratch.matrix(0, rows, classes, Layout.PLAIN, logits);
        FloatMatrix rg = scratch.matrix(2, rows, classes, Layout.PLAIN);
        double expectedLoss = REF.softmaxCrossEntropy(rl, labels, rg);
        FloatMatrix fl = scratch.matrix(3, rows, classes, Layout.PADDED, logits);
        FloatMatrix fg = scratch.matrix(5, rows, classes, Layout.PADDED);
        double loss = FAST.softmaxCrossEntropy(fl, labels, fg);
        assertBitIdentical(expectedLoss, loss, "exp sweep loss");
        assertBitIdentical(rg.toArray(), fg.toArray(), classes, "exp sweep grad");
    }

    // ------------------------------------------------------------------------------------------
    // columnSums
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void columnSums(int cols) {
        int variant = 0;
        for (int rows : new int[] {1, 3, 128, 129}) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7877L + rows * 47L + offset);
                float[] d = rowsWithSpecials(random, rows, cols, offset, -1f, 1f);
                Layout layout = layout(variant++);
                String what = "columnSums " + rows + "x" + cols + " kinds+" + offset + " " + layout;
                FloatMatrix rout = scratch.matrix(2, 1, cols, Layout.PLAIN, garbage(random, cols));
                REF.columnSums(scratch.matrix(0, rows, cols, layout, d), rout);
                FloatMatrix fd = scratch.matrix(3, rows, cols, layout, d);
                FloatMatrix fout = scratch.matrix(5, 1, cols, Layout.PLAIN, garbage(random, cols));
                FAST.columnSums(fd, fout);
                assertSameMatrix(rout, fout, what);
                assertBitIdentical(d, fd.toArray(), cols, what + ": input must not change");
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // Optimisers
    // ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void sgdMomentumUpdate(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7873L + rows * 53L + offset);
                float[] param = uniform(random, rows * cols, -0.1f, 0.1f);
                float[] grad = rowsWithSpecials(random, rows, cols, offset, -1e-2f, 1e-2f);
                float[] velocity = rowsWithSpecials(random, rows, cols, offset + 5, -1e-2f, 1e-2f);
                Layout layout = layout(variant++);
                float learningRate = variant % 3 == 0 ? 0.1f : 0.01f;
                float momentum = 0.9f;
                String what = "sgdMomentumUpdate " + rows + "x" + cols + " kinds+" + offset + " " + layout;

                FloatMatrix rp = scratch.matrix(0, rows, cols, layout, param);
                FloatMatrix rg = scratch.matrix(1, rows, cols, layout, grad);
                FloatMatrix rv = scratch.matrix(2, rows, cols, layout, velocity);
                REF.sgdMomentumUpdate(rp, rg, rv, learningRate, momentum);
                FloatMatrix fp = scratch.matrix(3, rows, cols, layout, param);
                FloatMatrix fg = scratch.matrix(4, rows, cols, layout.withPadding(!layout.padded), grad);
                FloatMatrix fv = scratch.matrix(5, rows, cols, layout, velocity);
                FAST.sgdMomentumUpdate(fp, fg, fv, learningRate, momentum);
                assertSameMatrix(rp, fp, what + " param");
                assertSameMatrix(rv, fv, what + " velocity");
                assertBitIdentical(grad, fg.toArray(), cols, what + ": grad must not change");
            }
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void adamUpdate(int cols) {
        int variant = 0;
        for (long t : new long[] {1, 1000}) {
            AdamStep step = AdamStep.of(1e-3f, 0.9f, 0.999f, 1e-8f, t);
            for (int rows : ROWS) {
                for (int offset : kindOffsets(rows)) {
                    RandomGenerator random = random(cols * 7867L + rows * 59L + offset + t);
                    float[] param = uniform(random, rows * cols, -0.1f, 0.1f);
                    float[] grad = rowsWithSpecials(random, rows, cols, offset, -1e-2f, 1e-2f);
                    float[] m = uniform(random, rows * cols, -1e-2f, 1e-2f);
                    float[] v = uniform(random, rows * cols, 0f, 1e-4f);
                    if (t == 1) {
                        // The first step starts from m = v = 0.
                        m = new float[rows * cols];
                        v = new float[rows * cols];
                    }
                    Layout layout = layout(variant++);
                    String what = "adamUpdate t=" + t + " " + rows + "x" + cols + " kinds+" + offset + " " + layout;

                    FloatMatrix rp = scratch.matrix(0, rows, cols, layout, param);
                    FloatMatrix rg = scratch.matrix(1, rows, cols, layout, grad);
                    FloatMatrix rm = scratch.matrix(2, rows, cols, layout, m);
                    FloatMatrix rv = scratch.matrix(6, rows, cols, layout, v);
                    REF.adamUpdate(rp, rg, rm, rv, step);
                    FloatMatrix fp = scratch.matrix(3, rows, cols, layout, param);
                    FloatMatrix fg = scratch.matrix(4, rows, cols, layout, grad);
                    FloatMatrix fm = scratch.matrix(5, rows, cols, layout.withPadding(!layout.padded), m);
                    FloatMatrix fv = scratch.matrix(7, rows, cols, layout, v);
                    FAST.adamUpdate(fp, fg, fm, fv, step);
                    assertSameMatrix(rp, fp, what + " param");
                    assertBitIdentical(rm.toArray(), fm.toArray(), cols, what + " m");
                    assertSameMatrix(rv, fv, what + " v");
                    assertBitIdentical(grad, fg.toArray(), cols, what + ": grad must not change");
                }
            }
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void scale(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7919L + rows * 61L + offset);
                float[] values = rowsWithSpecials(random, rows, cols, offset, -1f, 1f);
                Layout layout = Layout.values()[variant++ % Layout.values().length];
                float factor = variant % 2 == 0 ? 0.9999f : 1 - 0x1p-20f;
                String what = "scale " + rows + "x" + cols + " kinds+" + offset + " " + layout;

                FloatMatrix expected = scratch.matrix(0, rows, cols, layout, values);
                REF.scale(expected, factor);
                FloatMatrix actual = scratch.matrix(1, rows, cols, layout, values);
                FAST.scale(actual, factor);
                assertSameMatrix(expected, actual, what);
            }
        }
    }

    @ParameterizedTest(name = "cols={0}")
    @MethodSource("columns")
    void signTimes(int cols) {
        int variant = 0;
        for (int rows : ROWS) {
            for (int offset : kindOffsets(rows)) {
                RandomGenerator random = random(cols * 7927L + rows * 67L + offset);
                float[] w = rowsWithSpecials(random, rows, cols, offset, -1f, 1f);
                // Both orientations of each operand: the mixed ones take the reference's path.
                Layout in = Layout.values()[variant % Layout.values().length];
                Layout out = Layout.values()[(variant / Layout.values().length) % Layout.values().length];
                variant++;
                float magnitude = (float) Math.sqrt(2.0 / (rows + cols));
                String what = "signTimes " + rows + "x" + cols + " kinds+" + offset + " " + in + " -> " + out;

                FloatMatrix rw = scratch.matrix(0, rows, cols, in, w);
                FloatMatrix ro = scratch.matrix(1, rows, cols, out, garbage(random, rows * cols));
                REF.signTimes(rw, magnitude, ro);
                FloatMatrix fw = scratch.matrix(2, rows, cols, in, w);
                FloatMatrix fo = scratch.matrix(3, rows, cols, out, garbage(random, rows * cols));
                FAST.signTimes(fw, magnitude, fo);
                assertBitIdentical(ro.toArray(), fo.toArray(), cols, what);
                assertBitIdentical(w, fw.toArray(), cols, what + ": w must not change");
                for (float v : ro.toArray()) {
                    assertThat(v == magnitude || v == -magnitude || Float.floatToRawIntBits(v) == 0).as(what).isTrue();
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // dot, norm, cosine (double results, striped order over the logical layout)
    // ------------------------------------------------------------------------------------------

    static int[][] metricShapes() {
        return new int[][] {{1, 1}, {3, 129}, {17, 33}, {33, 17}, {128, 1000}, {1024, 1024}};
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("metricShapesArguments")
    void dotNormCosine(int rows, int cols) {
        RandomGenerator random = random(rows * 7853L + cols);
        float[] x = uniform(random, rows * cols);
        float[] y = uniform(random, rows * cols);
        Layout[] layouts = {Layout.PLAIN, Layout.TRANSPOSED, Layout.PADDED, Layout.TRANSPOSED_PADDED};
        FloatMatrix rx = scratch.matrix(0, rows, cols, Layout.PLAIN, x);
        FloatMatrix ry = scratch.matrix(1, rows, cols, Layout.PLAIN, y);
        double dot = REF.dot(rx, ry);
        double norm = REF.norm(rx);
        double cosine = REF.cosine(rx, ry);
        for (int la = 0; la < layouts.length; la++) {
            for (int lb = 0; lb < layouts.length; lb++) {
                if (rows * cols > 100_000 && la != lb && (la ^ lb) != 1) {
                    continue; // big shape: plain/transposed pairs only, padded variants for small ones
                }
                String what = rows + "x" + cols + " " + layouts[la] + " vs " + layouts[lb];
                FloatMatrix fx = scratch.matrix(3, rows, cols, layouts[la], x);
                FloatMatrix fy = scratch.matrix(4, rows, cols, layouts[lb], y);
                assertBitIdentical(dot, FAST.dot(fx, fy), "dot " + what);
                assertBitIdentical(cosine, FAST.cosine(fx, fy), "cosine " + what);
                if (lb == 0) {
                    assertBitIdentical(norm, FAST.norm(fx), "norm " + what);
                }
            }
        }
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> metricShapesArguments() {
        return java.util.Arrays.stream(metricShapes())
                .map(s -> org.junit.jupiter.params.provider.Arguments.of(s[0], s[1]));
    }

    @Test
    void dotNormCosineSpecialValues() {
        int[][] shapes = {{1, 1}, {3, 129}, {17, 33}, {128, 17}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            for (int offset = 0; offset < SPECIAL_KINDS; offset++) {
                RandomGenerator random = random(offset * 1000L + rows * cols);
                float[] x = rowsWithSpecials(random, rows, cols, offset, -1f, 1f);
                float[] y = rowsWithSpecials(random, rows, cols, offset + 4, -1f, 1f);
                String what = rows + "x" + cols + " kinds+" + offset;
                FloatMatrix rx = scratch.matrix(0, rows, cols, Layout.PLAIN, x);
                FloatMatrix ry = scratch.matrix(1, rows, cols, Layout.PLAIN, y);
                FloatMatrix fx = scratch.matrix(3, rows, cols, Layout.TRANSPOSED, x);
                FloatMatrix fy = scratch.matrix(4, rows, cols, Layout.PADDED, y);
                assertBitIdentical(REF.dot(rx, ry), FAST.dot(fx, fy), "dot " + what);
                assertBitIdentical(REF.norm(rx), FAST.norm(fx), "norm " + what);
                assertBitIdentical(REF.cosine(rx, ry), FAST.cosine(fx, fy), "cosine " + what);
            }
            // All zeros: cosine is defined as 0.
            float[] zeros = new float[rows * cols];
            FloatMatrix z = scratch.matrix(3, rows, cols, Layout.TRANSPOSED, zeros);
            FloatMatrix y = scratch.matrix(4, rows, cols, Layout.PLAIN, uniform(random(rows), rows * cols));
            assertThat(FAST.cosine(z, y)).isZero();
            assertThat(FAST.norm(z)).isZero();
        }
    }
}
