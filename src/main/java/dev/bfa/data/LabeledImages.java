package dev.bfa.data;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * A set of labelled examples: {@code count} examples of {@code features} unsigned pixel bytes each,
 * kept off-heap in one segment (example {@code i} at byte offset {@code i * features}, in the file's
 * own layout), and one label byte per example in {@code 0 .. classes-1}.
 *
 * <p>The pixel memory belongs to this object's own shared arena: any thread may read it, and
 * {@link #close()} frees it (after which reading it fails). Instances are immutable once built.
 */
public final class LabeledImages implements AutoCloseable {
    /** The largest example count: labels are a Java array and indices are ints. */
    public static final int MAX_COUNT = Integer.MAX_VALUE - 8;

    /**
     * Pixel and label bytes {@link #allocate} has handed out in this JVM. The readers allocate only
     * through it, so the fuzz tests can check that no file makes them allocate more than it holds.
     */
    private static final LongAdder ALLOCATED_BYTES = new LongAdder();

    private final Arena arena;
    private final MemorySegment pixels;
    private final byte[] labels;
    private final int count;
    private final int features;
    private final int classes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LabeledImages(Arena arena, MemorySegment pixels, byte[] labels, int count, int features, int classes) {
        this.arena = arena;
        this.pixels = pixels;
        this.labels = labels;
        this.count = count;
        this.features = features;
        this.classes = classes;
    }

    /** Zeroed storage for the readers, which fill {@link #writablePixels()} and {@link #labelArray()}. */
    static LabeledImages allocate(int count, int features, int classes) {
        if (count < 1 || count > MAX_COUNT) {
            throw new IllegalArgumentException("example count " + count + " is outside 1.." + MAX_COUNT);
        }
        if (features < 1) {
            throw new IllegalArgumentException("features " + features + " must be at least 1");
        }
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("class count " + classes + " is outside 1..256");
        }
        ALLOCATED_BYTES.add((long) count * features + count);
        Arena arena = Arena.ofShared();
        try {
            MemorySegment pixels = arena.allocate((long) count * features, 64);
            return new LabeledImages(arena, pixels, new byte[count], count, features, classes);
        } catch (RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** Total pixel and label bytes allocated for example sets in this JVM so far (never decreases). */
    static long allocatedBytes() {
        return ALLOCATED_BYTES.sum();
    }

    /**
     * A copy of in-memory data (synthetic sets, tests): {@code pixels} holds {@code labels.length}
     * examples of {@code features} bytes each; every label must be in {@code 0 .. classes-1}.
     */
    public static LabeledImages copyOf(byte[] pixels, byte[] labels, int features, int classes) {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(labels, "labels");
        if (features < 1 || (long) labels.length * features != pixels.length) {
            throw new IllegalArgumentException(pixels.length + " pixel bytes are not " + labels.length
                    + " examples of " + features + " features");
        }
        for (int i = 0; i < labels.length; i++) {
            if ((labels[i] & 0xFF) >= classes) {
                throw new IllegalArgumentException("label " + (labels[i] & 0xFF) + " of example " + i
                        + " is outside 0.." + (classes - 1));
            }
        }
        LabeledImages images = allocate(labels.length, features, classes);
        MemorySegment.copy(pixels, 0, images.pixels, ValueLayout.JAVA_BYTE, 0, pixels.length);
        System.arraycopy(labels, 0, images.labels, 0, labels.length);
        return images;
    }

    /** Number of examples. */
    public int count() {
        return count;
    }

    /** Pixel bytes per example. */
    public int features() {
        return features;
    }

    /** Number of classes; every label is in {@code 0 .. classes-1}. */
    public int classes() {
        return classes;
    }

    /** A read-only view of all pixel bytes: example {@code i} at offset {@code i * features()}. */
    public MemorySegment pixels() {
        return pixels.asReadOnly();
    }

    /** The pixel segment itself, for the package's own hot loops (no view object per call). */
    MemorySegment segment() {
        return pixels;
    }

    MemorySegment writablePixels() {
        return pixels;
    }

    byte[] labelArray() {
        return labels;
    }

    /** Byte offset of example {@code i} in {@link #pixels()}. */
    public long offset(int i) {
        Objects.checkIndex(i, count);
        return (long) i * features;
    }

    /** The label of example {@code i}, in {@code 0 .. classes-1}. */
    public int label(int i) {
        return labels[Objects.checkIndex(i, count)] & 0xFF;
    }

    /** Pixel {@code j} of example {@code i}, as an unsigned value 0..255. */
    public int pixel(int i, int j) {
        Objects.checkIndex(i, count);
        Objects.checkIndex(j, features);
        return pixels.get(ValueLayout.JAVA_BYTE, (long) i * features + j) & 0xFF;
    }

    /** Copies the {@code features()} bytes of example {@code i} into {@code dst[dstOffset ..]}. */
    public void copyExample(int i, byte[] dst, int dstOffset) {
        Objects.checkIndex(i, count);
        MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) i * features, dst, dstOffset, features);
    }

    /** A copy of all labels. */
    public byte[] labels() {
        return labels.clone();
    }

    /** How many examples each class has: {@code classes()} counts. */
    public int[] labelHistogram() {
        int[] histogram = new int[classes];
        for (byte label : labels) {
            histogram[label & 0xFF]++;
        }
        return histogram;
    }

    /** How many pixel bytes take each value 0..255, over all examples. */
    public long[] pixelHistogram() {
        long[] histogram = new long[256];
        int chunk = 1 << 16;
        byte[] buffer = new byte[chunk];
        long total = pixels.byteSize();
        for (long start = 0; start < total; start += chunk) {
            int n = (int) Math.min(chunk, total - start);
            MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, start, buffer, 0, n);
            for (int k = 0; k < n; k++) {
                histogram[buffer[k] & 0xFF]++;
            }
        }
        return histogram;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Frees the pixel memory; later calls do nothing. No other thread may be reading it. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return count + " examples x " + features + " pixel bytes, " + classes + " classes";
    }
}
