package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.fail;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Shared helpers of the kernel tests: the two implementations under comparison, seeded random
 * matrices in several storage layouts, and bit-level comparison that tells where and how two
 * results differ.
 */
public final class KernelTestSupport {

    /** The implementation under test: what the trainer would use in this JVM (see KernelProvider). */
    public static final Kernels FAST = KernelProvider.kernels();

    /** The reference whose order of operations is the contract. */
    public static final Kernels REF = new ScalarKernels();

    /**
     * Whether the implementation under test is the reference itself (the {@code -Dbfa.vector.bits=scalar}
     * surefire execution, or a JVM where the Panama kernels did not load). Comparisons are then trivially
     * equal and ScalarKernels ignores the pool, so tests may skip thread-count variants to save time.
     */
    public static final boolean FAST_IS_REFERENCE = FAST instanceof ScalarKernels;

    /** The JDK-specified generator all tests use, so a seed means the same data on every machine. */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private KernelTestSupport() {
    }

    /** A line for test logs saying what is being compared. */
    public static String describeSelection() {
        KernelProvider.Selection s = KernelProvider.selection();
        return "fast kernels '" + FAST.name() + "' (" + s.vectorBits() + " bits, preferred " + s.preferredBits()
                + ", " + s.reason() + ") vs reference 'scalar'";
    }

    /** A {@value #RANDOM_ALGORITHM} generator seeded with {@code seed}. */
    public static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
    }

    // ------------------------------------------------------------------------------------------
    // Layouts
    // ------------------------------------------------------------------------------------------

    /** How a logical {@code rows x cols} matrix is stored. */
    public enum Layout {
        /** Row-major, ld == cols. */
        PLAIN(false, false),
        /** Row-major with ld > cols (a gap after every storage row). */
        PADDED(false, true),
        /** Stored as cols x rows (ld == rows) and read through {@link FloatMatrix#transpose()}. */
        TRANSPOSED(true, false),
        /** Stored as cols x rows with ld > rows, read transposed. */
        TRANSPOSED_PADDED(true, true);

        public final boolean transposed;
        public final boolean padded;

        Layout(boolean transposed, boolean padded) {
            this.transposed = transposed;
            this.padded = padded;
        }

        public Layout withPadding(boolean pad) {
            return transposed ? (pad ? TRANSPOSED_PADDED : TRANSPOSED) : (pad ? PADDED : PLAIN);
        }
    }

    /**
     * A leading-dimension gap chosen so that consecutive storage rows start at different
     * alignments (not a multiple of 16 floats, sometimes more than a whole 512-bit vector).
     */
    public static int padFor(int storageCols) {
        return switch (Math.floorMod(storageCols, 3)) {
            case 0 -> 1;
            case 1 -> 7;
            default -> 19;
        };
    }

    /** A zeroed logical {@code rows x cols} matrix in {@code layout}. */
    public static FloatMatrix allocate(Arena arena, int rows, int cols, Layout layout) {
        int storageRows = layout.transposed ? cols : rows;
        int storageCols = layout.transposed ? rows : cols;
        int ld = layout.padded ? storageCols + padFor(storageCols) : storageCols;
        FloatMatrix storage = FloatMatrix.allocate(arena, storageRows, storageCols, ld);
        return layout.transposed ? storage.transpose() : storage;
    }

    /** As {@link #allocate(Arena, int, int, Layout)}, filled with {@code values} (logical row-major). */
    public static FloatMatrix matrixOf(Arena arena, int rows, int cols, Layout layout, float[] values) {
        FloatMatrix m = allocate(arena, rows, cols, layout);
        m.copyFrom(values);
        return m;
    }

    /**
     * Reusable storage for tests that run many shapes: one growing segment per slot, so a sweep over
     * hundreds of shapes does not allocate hundreds of matrices from the class's arena. Views handed out
     * for a slot are valid until the slot is next requested with a larger size.
     */
    public static final class Scratch {
        private final Arena arena;
        private final MemorySegment[] slots;

        public Scratch(Arena arena, int slotCount) {
            this.arena = arena;
            this.slots = new MemorySegment[slotCount];
        }

        /** A logical {@code rows x cols} view in slot {@code slot}, in {@code layout}, contents unspecified. */
        public FloatMatrix matrix(int slot, int rows, int cols, Layout layout) {
            int storageRows = layout.transposed ? cols : rows;
            int storageCols = layout.transposed ? rows : cols;
            int ld = layout.padded ? storageCols + padFor(storageCols) : storageCols;
            long bytes = ((long) (storageRows - 1) * ld + storageCols) * Float.BYTES;
            MemorySegment segment = slots[slot];
            if (segment == null || segment.byteSize() < bytes) {
                segment = arena.allocate(Math.max(bytes, segment == null ? 0 : 2 * segment.byteSize()),
                        FloatMatrix.ALIGNMENT);
                slots[slot] = segment;
            }
            FloatMatrix storage = FloatMatrix.wrap(segment.asSlice(0, bytes), storageRows, storageCols, ld);
            return layout.transposed ? storage.transpose() : storage;
        }

        /**
         * As {@link #matrix}, filled with {@code values} (logical row-major); the gaps between storage rows
         * hold {@link #GAP_SENTINEL}, so a kernel that writes into them shows up in {@link #rawStorage}.
         */
        public FloatMatrix matrix(int slot, int rows, int cols, Layout layout, float[] values) {
            FloatMatrix m = matrix(slot, rows, cols, layout);
            if (layout.padded) {
                fillRaw(m.segment(), GAP_SENTINEL);
            }
            m.copyFrom(values);
            return m;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Random data
    // ------------------------------------------------------------------------------------------

    /** {@code n} uniform values in [-1, 1). */
    public static float[] uniform(RandomGenerator random, int n) {
        return uniform(random, n, -1f, 1f);
    }

    public static float[] uniform(RandomGenerator random, int n, float lo, float hi) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = lo + (hi - lo) * random.nextFloat();
        }
        return values;
    }

    /**
     * {@code n} values with magnitudes spread over several binades and both signs, so that
     * additions in a different order round differently (uniform values in [-1, 1) alone can hide
     * reordering when sums are short).
     */
    public static float[] wideRange(RandomGenerator random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            float mantissa = 1f + random.nextFloat();
            int exponent = random.nextInt(-8, 9);
            values[i] = (random.nextBoolean() ? mantissa : -mantissa) * Math.scalb(1f, exponent);
        }
        return values;
    }

    /** How many kinds of row {@link #rowsWithSpecials} makes. */
    public static final int SPECIAL_KINDS = 10;

    /** Inputs at the edges of tanh's two branches and of exp's range, for the tanh / softmax kernels. */
    public static final float[] BOUNDARY_VALUES = {
            20f, -20f, 9f, -9f, 0.55f, -0.55f, Math.nextDown(0.55f), -Math.nextDown(0.55f), Math.nextUp(0.55f),
            -Math.nextUp(0.55f), 0.5f, 1e-30f, -1e-30f, 1e-40f, -1e-40f, Float.MIN_VALUE, -Float.MIN_VALUE, 0f, -0f,
            1f, -1f, 44.5f, -44.5f, 88.7f, -88.7f, 104f, -104f, 150f, -150f, 1e-4f, -1e-4f, 0.3f};

    /**
     * A {@code rows x cols} matrix of uniform values in [lo, hi) in which row {@code r} is of kind
     * {@code (kindOffset + r) mod SPECIAL_KINDS}: 0 ordinary; 1 one NaN; 2 one +inf; 3 one -inf and one +inf;
     * 4 signed zeros (every other element ±0); 5 all subnormal; 6 huge values ±1e30 mixed with ordinary ones;
     * 7 the {@link #BOUNDARY_VALUES}; 8 ±3e38 (sums overflow); 9 ordinary values with a -0 and a +0.
     */
    public static float[] rowsWithSpecials(RandomGenerator random, int rows, int cols, int kindOffset, float lo,
                                           float hi) {
        float[] values = uniform(random, rows * cols, lo, hi);
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            int kind = Math.floorMod(kindOffset + r, SPECIAL_KINDS);
            int at = random.nextInt(cols);
            switch (kind) {
                case 1 -> values[base + at] = Float.NaN;
                case 2 -> values[base + at] = Float.POSITIVE_INFINITY;
                case 3 -> {
                    values[base + at] = Float.NEGATIVE_INFINITY;
                    values[base + (at + 1) % cols] = cols > 1 ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
                }
                case 4 -> {
                    for (int j = 0; j < cols; j += 2) {
                        values[base + j] = random.nextBoolean() ? 0f : -0f;
                    }
                }
                case 5 -> {
                    for (int j = 0; j < cols; j++) {
                        values[base + j] = random.nextInt(-100_000, 100_000) * Float.MIN_VALUE;
                    }
                }
                case 6 -> {
                    for (int j = 0; j < cols; j += 3) {
                        values[base + j] = random.nextBoolean() ? 1e30f : -1e30f;
                    }
                }
                case 7 -> {
                    int offset = random.nextInt(BOUNDARY_VALUES.length);
                    for (int j = 0; j < cols; j++) {
                        values[base + j] = BOUNDARY_VALUES[(offset + j) % BOUNDARY_VALUES.length];
                    }
                }
                case 8 -> {
                    for (int j = 0; j < cols; j++) {
                        values[base + j] = random.nextBoolean() ? 3e38f : -3e38f;
                    }
                }
                case 9 -> {
                    values[base + at] = -0f;
                    values[base + (at + cols / 2) % cols] = 0f;
                }
                default -> {
                }
            }
        }
        return values;
    }

    /** Fills the logical contents of {@code m} with uniform values in [-1, 1). */
    public static float[] fillUniform(FloatMatrix m, RandomGenerator random) {
        float[] values = uniform(random, m.rows() * m.cols());
        m.copyFrom(values);
        return values;
    }

    /** Values that a kernel must not read: NaNs with a payload, infinities, huge numbers. */
    public static float[] garbage(RandomGenerator random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (random.nextInt(4)) {
                case 0 -> Float.intBitsToFloat(0x7fc0_1234);
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> 3.0e38f;
                default -> -1.0e-40f;
            };
        }
        return values;
    }

    /** What the gaps of padded scratch matrices hold: no kernel may write there. */
    public static final float GAP_SENTINEL = -7.5e7f;

    /** Sets every float of {@code segment} to {@code value}. */
    public static void fillRaw(MemorySegment segment, float value) {
        for (long offset = 0; offset + Float.BYTES <= segment.byteSize(); offset += Float.BYTES) {
            segment.set(ValueLayout.JAVA_FLOAT_UNALIGNED, offset, value);
        }
    }

    /** The whole underlying storage of a view (including gaps between rows), in storage order. */
    public static float[] rawStorage(FloatMatrix m) {
        return m.segment().toArray(ValueLayout.JAVA_FLOAT);
    }

    // ------------------------------------------------------------------------------------------
    // Bit-level comparison
    // ------------------------------------------------------------------------------------------

    /**
     * Whether two floats are the same bits, except that any two NaNs count as equal.
     *
     * <p>Java does not specify which NaN an arithmetic operation returns when an operand is NaN or the
     * result is invalid (JLS 15.4, JVMS 2.3.2: "NaN" is a set of values; the payload and sign of the NaN
     * produced by, e.g., {@code 0 * inf} or {@code NaN + 1} depend on the hardware instruction and the
     * operand order, and scalar and SIMD instructions may differ). Every other bit pattern, including
     * the sign of zero and each subnormal, must match exactly.
     */
    public static boolean sameBits(float expected, float actual) {
        if (Float.isNaN(expected) && Float.isNaN(actual)) {
            return true;
        }
        return Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual);
    }

    /** As {@link #sameBits(float, float)} for doubles. */
    public static boolean sameBits(double expected, double actual) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return true;
        }
        return Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(actual);
    }

    /**
     * Fails unless {@code actual} has exactly the bits of {@code expected} at every index (NaNs of any
     * payload count as equal, see {@link #sameBits(float, float)}). The message names the first
     * differing index, both values and their bits, and how many elements differ.
     */
    public static void assertBitIdentical(float[] expected, float[] actual, String context) {
        if (expected.length != actual.length) {
            fail("%s: lengths differ: expected %d values, got %d", context, expected.length, actual.length);
        }
        int first = -1;
        int differing = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!sameBits(expected[i], actual[i])) {
                if (first < 0) {
                    first = i;
                }
                differing++;
            }
        }
        if (first >= 0) {
            fail("%s: %d of %d values differ; first at index %d: expected %s (0x%08x), got %s (0x%08x)",
                    context, differing, expected.length, first,
                    Float.toString(expected[first]), Float.floatToRawIntBits(expected[first]),
                    Float.toString(actual[first]), Float.floatToRawIntBits(actual[first]));
        }
    }

    /** {@link #assertBitIdentical(float[], float[], String)} with the first difference as (row, col) of a {@code cols}-wide matrix. */
    public static void assertBitIdentical(float[] expected, float[] actual, int cols, String context) {
        for (int i = 0; i < Math.min(expected.length, actual.length); i++) {
            if (!sameBits(expected[i], actual[i])) {
                assertBitIdentical(expected, actual, context + " [first difference at (" + (i / cols) + ", "
                        + (i % cols) + ")]");
            }
        }
        assertBitIdentical(expected, actual, context);
    }

    /** Fails unless both doubles are the same bits (any two NaNs count as equal). */
    public static void assertBitIdentical(double expected, double actual, String context) {
        if (!sameBits(expected, actual)) {
            fail("%s: expected %s (0x%016x), got %s (0x%016x)", context, Double.toString(expected),
                    Double.doubleToRawLongBits(expected), Double.toString(actual), Double.doubleToRawLongBits(actual));
        }
    }

    public static String shape(int rows, int cols) {
        return String.format(Locale.ROOT, "%dx%d", rows, cols);
    }
}
