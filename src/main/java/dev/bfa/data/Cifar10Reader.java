package dev.bfa.data;

import static dev.bfa.data.DataFiles.fail;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads CIFAR-10 binary batches ({@code data_batch_1.bin} ... {@code test_batch.bin}): records of one
 * label byte followed by {@link #PIXELS} pixel bytes (channel-major: 1024 red, 1024 green, 1024
 * blue, each 32x32 row-major). The pixel layout is kept as in the file. Several batches are
 * concatenated in the order given.
 */
public final class Cifar10Reader {
    /** Pixel bytes per image: 3 channels of 32x32. */
    public static final int PIXELS = 3 * 32 * 32;
    /** Bytes per record: the label then the pixels. */
    public static final int RECORD_BYTES = 1 + PIXELS;
    private static final int RECORDS_PER_READ = 64;

    private Cifar10Reader() {
    }

    /** Reads and concatenates {@code batches}; every label must be in {@code 0 .. classes-1}. */
    public static LabeledImages read(List<Path> batches, int classes) {
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("no CIFAR-10 batch files given");
        }
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("class count " + classes + " is outside 1..256");
        }
        long[] records = new long[batches.size()];
        long total = 0;
        for (int f = 0; f < batches.size(); f++) {
            Path file = batches.get(f);
            long size = DataFiles.checkedSize(file);
            if (size == 0) {
                throw fail(file, "is empty");
            }
            if (size % RECORD_BYTES != 0) {
                throw fail(file, "size " + size + " bytes is not a multiple of the " + RECORD_BYTES
                        + "-byte CIFAR-10 record (1 label + " + PIXELS + " pixels): truncated, or not a CIFAR-10"
                        + " binary batch" + gzipHint(file));
            }
            records[f] = size / RECORD_BYTES;
            total += records[f];
        }
        if (total > LabeledImages.MAX_COUNT) {
            throw fail(batches.getFirst(), "the batches hold " + total + " records, more than the "
                    + LabeledImages.MAX_COUNT + " supported");
        }
        LabeledImages result = LabeledImages.allocate((int) total, PIXELS, classes);
        try {
            int next = 0;
            for (int f = 0; f < batches.size(); f++) {
                readBatch(batches.get(f), (int) records[f], next, result, classes);
                next += (int) records[f];
            }
            return result;
        } catch (RuntimeException | Error e) {
            result.close();
            throw e;
        }
    }

    private static void readBatch(Path file, int records, int first, LabeledImages into, int classes) {
        MemorySegment pixels = into.writablePixels();
        byte[] labels = into.labelArray();
        byte[] buffer = new byte[RECORDS_PER_READ * RECORD_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int done = 0; done < records; ) {
                int n = Math.min(RECORDS_PER_READ, records - done);
                int length = n * RECORD_BYTES;
                int got = in.readNBytes(buffer, 0, length);
                if (got < length) {
                    throw fail(file, "truncated: the file ends inside record " + (done + got / RECORD_BYTES)
                            + " of " + records + " (it shrank while being read?)");
                }
                for (int r = 0; r < n; r++) {
                    int base = r * RECORD_BYTES;
                    int label = buffer[base] & 0xFF;
                    int record = done + r;
                    if (label >= classes) {
                        throw fail(file, "label " + label + " of record " + record + " is outside 0.." + (classes - 1)
                                + (record == 0 ? gzipHint(file) : ""));
                    }
                    labels[first + record] = (byte) label;
                    MemorySegment.copy(buffer, base + 1, pixels, ValueLayout.JAVA_BYTE,
                            (long) (first + record) * PIXELS, PIXELS);
                }
                done += n;
            }
        } catch (IOException e) {
            throw DataFiles.io(file, e);
        }
    }

    private static String gzipHint(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] magic = in.readNBytes(2);
            if (magic.length == 2 && (magic[0] & 0xFF) == 0x1f && (magic[1] & 0xFF) == 0x8b) {
                return " (it is gzip-compressed: extract cifar-10-binary.tar.gz first)";
            }
        } catch (IOException ignored) {
            // the main message stands on its own
        }
        return "";
    }
}
