package dev.bfa.data;

import static dev.bfa.data.DataFiles.bytes;
import static dev.bfa.data.DataFiles.fail;
import static dev.bfa.data.DataFiles.saturatingMultiply;

import dev.bfa.data.DataFiles.Source;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * Reads an IDX images/labels pair (the MNIST format), each file plain or gzip-compressed (detected
 * by the gzip magic bytes, whatever the file name).
 *
 * <p>Images: big-endian magic 2051 ({@code 0x00000803}: unsigned bytes, 3 dimensions), then the
 * image count, rows and columns as big-endian 32-bit values, then {@code count*rows*cols} pixel
 * bytes. Labels: magic 2049 ({@code 0x00000801}), the count, then one byte per label.
 *
 * <p>Everything is validated before memory is allocated: header fields, the sizes they imply
 * against the real content size (for a gzip file its exact decompressed size, measured first; a
 * corrupt or truncated stream fails there), matching counts; then labels are range-checked. So the
 * memory allocated never exceeds the bytes the two files hold. Every problem is a {@link DataFormatException} with a one-line message naming the
 * file.
 */
public final class IdxReader {
    /** Magic number of an IDX image file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX label file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;
    private static final int IMAGES_HEADER_BYTES = 16;
    private static final int LABELS_HEADER_BYTES = 8;

    private IdxReader() {
    }

    /** Reads {@code images} and {@code labels}; every label must be in {@code 0 .. classes-1}. */
    public static LabeledImages read(Path images, Path labels, int classes) {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("class count " + classes + " is outside 1..256");
        }
        try (Source imageFile = Source.open(images); Source labelFile = Source.open(labels)) {
            checkMagic(imageFile, IMAGES_MAGIC, 3, "an IDX image file", "images, rows, columns");
            long count = Integer.toUnsignedLong(imageFile.readInt("the 16-byte IDX image header"));
            long rows = Integer.toUnsignedLong(imageFile.readInt("the 16-byte IDX image header"));
            long cols = Integer.toUnsignedLong(imageFile.readInt("the 16-byte IDX image header"));
            checkMagic(labelFile, LABELS_MAGIC, 1, "an IDX label file", "labels");
            long labelCount = Integer.toUnsignedLong(labelFile.readInt("the 8-byte IDX label header"));

            if (count == 0) {
                throw fail(images, "holds no images (the header declares 0)");
            }
            if (rows == 0 || cols == 0) {
                throw fail(images, "header declares images of " + rows + "x" + cols + " pixels");
            }
            long pixelBytes = saturatingMultiply(saturatingMultiply(count, rows), cols);
            String claim = "header declares " + count + " images of " + rows + "x" + cols + " pixels ("
                    + bytes(pixelBytes) + ")";
            checkClaim(imageFile, IMAGES_HEADER_BYTES, pixelBytes, claim, "pixel data");
            checkClaim(labelFile, LABELS_HEADER_BYTES, labelCount, "header declares " + labelCount
                    + " labels (" + labelCount + " bytes)", "labels");
            if (count != labelCount) {
                throw fail(images, count + " images but " + labels + " has " + labelCount + " labels");
            }
            if (count > LabeledImages.MAX_COUNT) {
                throw fail(images, "header declares " + count + " images, more than the "
                        + LabeledImages.MAX_COUNT + " supported");
            }
            long features = rows * cols;
            if (features > Integer.MAX_VALUE) {
                throw fail(images, "images of " + rows + "x" + cols + " pixels are too large");
            }

            LabeledImages result = LabeledImages.allocate((int) count, (int) features, classes);
            try {
                byte[] labelBytes = result.labelArray();
                readLabels(labelFile, labelBytes);
                labelFile.expectEnd("labels", count);
                checkLabels(labels, labelBytes, classes);
                imageFile.readInto(result.writablePixels(), 0, pixelBytes, "pixel data", pixelBytes);
                imageFile.expectEnd("pixel data", pixelBytes);
                return result;
            } catch (RuntimeException | Error e) {
                result.close();
                throw e;
            }
        }
    }

    private static void checkMagic(Source file, int expected, int dimensions, String kind, String axes) {
        int magic = file.readInt("the IDX magic number");
        if (magic == expected) {
            return;
        }
        int other = expected == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC;
        if (magic == other) {
            throw fail(file.path, "is an IDX " + (other == IMAGES_MAGIC ? "image" : "label") + " file (magic "
                    + other + "), expected " + kind + " (magic " + expected + ")");
        }
        if ((magic >>> 8) == 0x08) {
            throw fail(file.path, "IDX header declares " + (magic & 0xFF) + " dimensions, expected "
                    + dimensions + " (" + axes + ")");
        }
        if ((magic >>> 16) == 0) {
            throw fail(file.path, String.format("IDX data type 0x%02X is not unsigned bytes (0x08)", (magic >>> 8) & 0xFF));
        }
        throw fail(file.path, String.format("not %s: wrong magic number 0x%08X (%d), expected 0x%08X (%d)%s",
                kind, magic, magic, expected, expected, file.gzip ? "" : hintIfCompressed(magic)));
    }

    private static String hintIfCompressed(int magic) {
        // zip ("PK\3\4"), bzip2 ("BZh"), xz (FD 37 7A 58): archives that were not unpacked.
        if (magic == 0x504B0304 || (magic >>> 8) == 0x425A68 || magic == 0xFD377A58) {
            return "; the file looks compressed with something other than gzip: unpack it first";
        }
        return "";
    }

    /** Checks a header's claim against the bytes the file really holds, before anything is allocated. */
    private static void checkClaim(Source file, int headerBytes, long contentBytes, String claim, String what) {
        long available = file.contentSize - headerBytes;
        String after = " follow the " + headerBytes + "-byte header" + (file.gzip ? " (decompressed)" : "");
        if (available < contentBytes) {
            throw fail(file.path, "truncated: " + claim + " but only " + available + " bytes of " + what + after);
        }
        if (available > contentBytes) {
            throw fail(file.path, (available - contentBytes) + " unexpected bytes after the " + contentBytes
                    + " bytes of " + what + " the header declares" + (file.gzip ? " (decompressed)" : ""));
        }
    }

    private static void readLabels(Source file, byte[] labels) {
        file.readInto(MemorySegment.ofArray(labels), 0, labels.length, "labels", labels.length);
    }

    private static void checkLabels(Path file, byte[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xFF;
            if (label >= classes) {
                throw fail(file, "label " + label + " at index " + i + " is outside 0.." + (classes - 1));
            }
        }
    }
}
