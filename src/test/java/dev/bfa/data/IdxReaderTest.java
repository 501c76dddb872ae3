package dev.bfa.data;

import static dev.bfa.data.TestFiles.gzip;
import static dev.bfa.data.TestFiles.idxImages;
import static dev.bfa.data.TestFiles.idxLabels;
import static dev.bfa.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX images/labels pairs: plain and gzip round trips, and every validation error with its message. */
class IdxReaderTest {
    private static final int ROWS = 2;
    private static final int COLS = 3;

    @TempDir
    Path dir;

    private final byte[] pixels = TestFiles.pixels(5 * ROWS * COLS, 1);
    private final byte[] labels = {3, 0, 9, 1, 7};

    private Path images(byte[] content) {
        return write(dir.resolve("train-images-idx3-ubyte"), content);
    }

    private Path labelFile(byte[] content) {
        return write(dir.resolve("train-labels-idx1-ubyte"), content);
    }

    private Path goodImages() {
        return images(idxImages(5, ROWS, COLS, pixels));
    }

    private Path goodLabels() {
        return labelFile(idxLabels(labels));
    }

    private void assertContents(LabeledImages set) {
        assertThat(set.count()).isEqualTo(5);
        assertThat(set.features()).isEqualTo(ROWS * COLS);
        assertThat(set.classes()).isEqualTo(10);
        byte[] all = new byte[pixels.length];
        java.lang.foreign.MemorySegment.copy(set.pixels(), ValueLayout.JAVA_BYTE, 0, all, 0, all.length);
        assertThat(all).containsExactly(pixels);
        for (int i = 0; i < 5; i++) {
            assertThat(set.label(i)).isEqualTo(labels[i]);
            assertThat(set.offset(i)).isEqualTo((long) i * ROWS * COLS);
            for (int j = 0; j < ROWS * COLS; j++) {
                assertThat(set.pixel(i, j)).isEqualTo(pixels[i * ROWS * COLS + j] & 0xFF);
            }
        }
        assertThat(set.labelHistogram()).containsExactly(1, 1, 0, 1, 0, 0, 0, 1, 0, 1);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertFails(Path images, Path labels) {
        return assertThatThrownBy(() -> IdxReader.read(images, labels, 10)).isInstanceOf(DataFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void readsAPlainPair() {
        try (LabeledImages set = IdxReader.read(goodImages(), goodLabels(), 10)) {
            assertContents(set);
        }
    }

    @Test
    void readsGzipDetectedByMagicBytesWhateverTheName() {
        // gzip content under the plain names, and plain content under a .gz name
        Path images = images(gzip(idxImages(5, ROWS, COLS, pixels)));
        Path labels = write(dir.resolve("labels.gz"), idxLabels(this.labels));
        try (LabeledImages set = IdxReader.read(images, labels, 10)) {
            assertContents(set);
        }
        Path gzLabels = write(dir.resolve("labels2.gz"), gzip(idxLabels(this.labels)));
        try (LabeledImages set = IdxReader.read(images, gzLabels, 10)) {
            assertContents(set);
        }
    }

    @Test
    void closeFreesTheMemoryAndIsIdempotent() {
        LabeledImages set = IdxReader.read(goodImages(), goodLabels(), 10);
        set.close();
        set.close();
        assertThat(set.isClosed()).isTrue();
        assertThatThrownBy(() -> set.pixel(0, 0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope-images");
        assertFails(missing, goodLabels()).hasMessage(missing + ": file not found");
        assertFails(goodImages(), dir.resolve("nope-labels")).hasMessageContaining("nope-labels: file not found");
    }

    @Test
    void directoryInsteadOfFile() throws Exception {
        Path d = Files.createDirectory(dir.resolve("adir"));
        assertFails(d, goodLabels()).hasMessage(d + ": is a directory, not a data file");
    }

    @Test
    void wrongImageMagic() {
        Path images = images(idxImages(0x12345678, 5, ROWS, COLS, pixels));
        assertFails(images, goodLabels()).hasMessageStartingWith(images + ": not an IDX image file: wrong magic number")
                .hasMessageContaining("0x12345678").hasMessageContaining("2051");
    }

    @Test
    void wrongLabelMagic() {
        Path labels = labelFile(idxLabels(0x12340801, 5, this.labels));
        assertFails(goodImages(), labels).hasMessageStartingWith(labels + ": ").hasMessageContaining("magic")
                .hasMessageContaining("2049");
    }

    @Test
    void swappedFilesAreNamedAsSuch() {
        Path images = goodImages();
        Path labels = goodLabels();
        assertFails(labels, images).hasMessage(labels + ": is an IDX label file (magic 2049), expected an IDX image"
                + " file (magic 2051)");
    }

    @Test
    void wrongDimensionCount() {
        Path images = images(idxImages(0x00000802, 5, ROWS, COLS, pixels));
        assertFails(images, goodLabels()).hasMessage(images + ": IDX header declares 2 dimensions, expected 3"
                + " (images, rows, columns)");
        Path labels = labelFile(idxLabels(0x00000802, 5, this.labels));
        assertFails(goodImages(), labels).hasMessage(labels + ": IDX header declares 2 dimensions, expected 1 (labels)");
    }

    @Test
    void wrongDataType() {
        Path images = images(idxImages(0x00000D03, 5, ROWS, COLS, pixels));
        assertFails(images, goodLabels()).hasMessage(images + ": IDX data type 0x0D is not unsigned bytes (0x08)");
    }

    @Test
    void truncatedHeader() {
        Path images = images(Arrays.copyOf(idxImages(5, ROWS, COLS, pixels), 10));
        assertFails(images, goodLabels()).hasMessageStartingWith(images + ": truncated: the file ends inside the 16-byte"
                + " IDX image header");
        Path empty = write(dir.resolve("empty"), new byte[0]);
        assertFails(empty, goodLabels()).hasMessageStartingWith(empty + ": truncated");
    }

    @Test
    void truncatedPixelData() {
        byte[] full = idxImages(5, ROWS, COLS, pixels);
        Path images = images(Arrays.copyOf(full, full.length - 4));
        assertFails(images, goodLabels()).hasMessage(images + ": truncated: header declares 5 images of 2x3 pixels"
                + " (30 bytes) but only 26 bytes of pixel data follow the 16-byte header");
    }

    @Test
    void extraBytesAfterPixelData() {
        byte[] full = idxImages(5, ROWS, COLS, pixels);
        Path images = images(Arrays.copyOf(full, full.length + 3));
        assertFails(images, goodLabels()).hasMessage(images + ": 3 unexpected bytes after the 30 bytes of pixel data"
                + " the header declares");
    }

    @Test
    void truncatedLabels() {
        byte[] full = idxLabels(labels);
        Path labels = labelFile(Arrays.copyOf(full, full.length - 1));
        assertFails(goodImages(), labels).hasMessage(labels + ": truncated: header declares 5 labels (5 bytes) but only"
                + " 4 bytes of labels follow the 8-byte header");
    }

    @Test
    void truncatedGzipStream() {
        byte[] gz = gzip(idxImages(5, ROWS, COLS, pixels));
        Path images = images(Arrays.copyOf(gz, gz.length - 12));
        assertFails(images, goodLabels()).hasMessageStartingWith(images + ": truncated");
    }

    @Test
    void gzipThatDecompressesToLessThanTheHeaderClaims() {
        // a complete, valid gzip stream whose IDX header claims 6 images but holds 5
        Path images = images(gzip(idxImages(6, ROWS, COLS, pixels)));
        Path labels = labelFile(idxLabels(IdxReader.LABELS_MAGIC, 6, Arrays.copyOf(this.labels, 6)));
        assertFails(images, labels).hasMessage(images + ": truncated: header declares 6 images of 2x3 pixels (36 bytes)"
                + " but only 30 bytes of pixel data follow the 16-byte header (decompressed)");
    }

    @Test
    void gzipWithDataAfterTheDeclaredImages() {
        byte[] full = idxImages(5, ROWS, COLS, pixels);
        Path images = images(gzip(Arrays.copyOf(full, full.length + 1)));
        assertFails(images, goodLabels()).hasMessage(images + ": 1 unexpected bytes after the 30 bytes of pixel data"
                + " the header declares (decompressed)");
    }

    @Test
    void corruptGzipData() {
        byte[] gz = gzip(idxImages(5, ROWS, COLS, pixels));
        byte[] badBlock = gz.clone();
        badBlock[10] |= 0x06; // first deflate block: reserved block type 3
        Path images = images(badBlock);
        assertFails(images, goodLabels()).hasMessageStartingWith(images + ": corrupt gzip data (");

        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 0x55; // CRC-32 in the trailer
        Path images2 = write(dir.resolve("crc"), badCrc);
        assertFails(images2, goodLabels()).hasMessageStartingWith(images2 + ": corrupt gzip data (");

        byte[] badMethod = gz.clone();
        badMethod[2] = 7; // compression method other than deflate
        Path images3 = write(dir.resolve("method"), badMethod);
        assertFails(images3, goodLabels()).hasMessageStartingWith(images3 + ": corrupt gzip data (");
    }

    @Test
    void imageAndLabelCountsDiffer() {
        Path images = goodImages();
        Path labels = labelFile(idxLabels(Arrays.copyOf(this.labels, 4)));
        assertFails(images, labels).hasMessage(images + ": 5 images but " + labels + " has 4 labels");
    }

    @Test
    void labelOutOfRange() {
        byte[] bad = labels.clone();
        bad[3] = 10;
        Path labels = labelFile(idxLabels(bad));
        assertFails(goodImages(), labels).hasMessage(labels + ": label 10 at index 3 is outside 0..9");
        bad[3] = (byte) 200;
        labelFile(idxLabels(bad));
        assertFails(goodImages(), labels).hasMessage(labels + ": label 200 at index 3 is outside 0..9");
    }

    @Test
    void noImages() {
        Path images = images(idxImages(0, ROWS, COLS, new byte[0]));
        Path labels = labelFile(idxLabels(new byte[0]));
        assertFails(images, labels).hasMessage(images + ": holds no images (the header declares 0)");
    }

    @Test
    void aHugeClaimInATinyFileFailsFastWithoutAllocating() {
        Path images = images(idxImages(IdxReader.IMAGES_MAGIC, 1L << 31, 28, 28, new byte[0]));
        Path labels = goodLabels();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertFails(images, labels).hasMessage(images + ": truncated: header declares 2147483648 images of 28x28"
                        + " pixels (1683627180032 bytes) but only 0 bytes of pixel data follow the 16-byte header"));

        // gzip: the claim is held against the decompressed size, measured before anything is allocated
        Path gz = write(dir.resolve("huge.gz"), gzip(idxImages(IdxReader.IMAGES_MAGIC, 1L << 31, 28, 28, new byte[0])));
        long allocatedBefore = LabeledImages.allocatedBytes();
        assertTimeoutPreemptively(Duration.ofSeconds(2), () ->
                assertFails(gz, labels).hasMessage(gz + ": truncated: header declares 2147483648 images of 28x28"
                        + " pixels (1683627180032 bytes) but only 0 bytes of pixel data follow the 16-byte header"
                        + " (decompressed)"));
        assertThat(LabeledImages.allocatedBytes()).isEqualTo(allocatedBefore);

        // all dimensions at 2^32-1: the byte count saturates instead of overflowing
        Path maxed = write(dir.resolve("maxed"), idxImages(IdxReader.IMAGES_MAGIC, -1, -1, -1, new byte[0]));
        assertFails(maxed, labels).hasMessageContaining("4294967295 images of 4294967295x4294967295 pixels (more than "
                + Long.MAX_VALUE + " bytes)");
    }

    @Test
    void labelFileClaimingTooMuchFailsBeforeAllocating() {
        Path labels = labelFile(idxLabels(IdxReader.LABELS_MAGIC, 0xFFFFFFF0L, new byte[0]));
        assertFails(goodImages(), labels).hasMessage(labels + ": truncated: header declares 4294967280 labels"
                + " (4294967280 bytes) but only 0 bytes of labels follow the 8-byte header");
    }

    @Test
    void copyOfValidatesAndCopies() {
        try (LabeledImages set = LabeledImages.copyOf(pixels, labels, ROWS * COLS, 10)) {
            assertContents(set);
            byte[] example = new byte[ROWS * COLS];
            set.copyExample(2, example, 0);
            assertThat(example).containsExactly(Arrays.copyOfRange(pixels, 12, 18));
            assertThat(set.pixels().isReadOnly()).isTrue();
        }
        assertThatThrownBy(() -> LabeledImages.copyOf(pixels, new byte[] {1, 2, 3, 4, 10}, ROWS * COLS, 10))
                .hasMessage("label 10 of example 4 is outside 0..9");
        assertThatThrownBy(() -> LabeledImages.copyOf(pixels, labels, 7, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
