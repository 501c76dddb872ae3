package dev.bfa.data;

import static dev.bfa.data.TestFiles.cifar;
import static dev.bfa.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10 binary batches: concatenation, layout kept as in the file, and the validation errors. */
class Cifar10ReaderTest {
    private static final int P = Cifar10Reader.PIXELS;

    @TempDir
    Path dir;

    @Test
    void readsAndConcatenatesBatchesKeepingTheFileLayout() {
        byte[] labelsA = {6, 9, 0};
        byte[] pixelsA = TestFiles.pixels(3 * P, 1);
        byte[] labelsB = {4, 1};
        byte[] pixelsB = TestFiles.pixels(2 * P, 2);
        Path a = write(dir.resolve("data_batch_1.bin"), cifar(labelsA, pixelsA));
        Path b = write(dir.resolve("data_batch_2.bin"), cifar(labelsB, pixelsB));
        try (LabeledImages set = Cifar10Reader.read(List.of(a, b), 10)) {
            assertThat(set.count()).isEqualTo(5);
            assertThat(set.features()).isEqualTo(3072);
            assertThat(set.labels()).containsExactly(6, 9, 0, 4, 1);
            byte[] example = new byte[P];
            set.copyExample(1, example, 0);
            assertThat(example).containsExactly(Arrays.copyOfRange(pixelsA, P, 2 * P));
            set.copyExample(4, example, 0);
            assertThat(example).containsExactly(Arrays.copyOfRange(pixelsB, P, 2 * P));
            // channel-major as in the file: green channel of example 3 starts at 1024
            assertThat(set.pixel(3, 1024)).isEqualTo(pixelsB[1024] & 0xFF);
        }
    }

    @Test
    void sizeNotAMultipleOfTheRecord() {
        byte[] full = cifar(new byte[] {1, 2}, TestFiles.pixels(2 * P, 3));
        Path f = write(dir.resolve("data_batch_1.bin"), Arrays.copyOf(full, full.length - 100));
        assertThatThrownBy(() -> Cifar10Reader.read(List.of(f), 10)).isInstanceOf(DataFormatException.class)
                .hasMessage(f + ": size 6046 bytes is not a multiple of the 3073-byte CIFAR-10 record (1 label + 3072"
                        + " pixels): truncated, or not a CIFAR-10 binary batch");
    }

    @Test
    void gzipCompressedBatchGetsAHint() {
        byte[] gz = TestFiles.gzip(cifar(new byte[] {1, 2}, TestFiles.pixels(2 * P, 3)));
        Path f = write(dir.resolve("data_batch_1.bin"), gz);
        assertThatThrownBy(() -> Cifar10Reader.read(List.of(f), 10)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(f + ": ").hasMessageEndingWith("(it is gzip-compressed: extract"
                        + " cifar-10-binary.tar.gz first)");
    }

    @Test
    void emptyFile() {
        Path f = write(dir.resolve("test_batch.bin"), new byte[0]);
        assertThatThrownBy(() -> Cifar10Reader.read(List.of(f), 10)).isInstanceOf(DataFormatException.class)
                .hasMessage(f + ": is empty");
    }

    @Test
    void labelOutOfRange() {
        Path ok = write(dir.resolve("data_batch_1.bin"), cifar(new byte[] {1}, TestFiles.pixels(P, 1)));
        Path bad = write(dir.resolve("data_batch_2.bin"), cifar(new byte[] {1, 10}, TestFiles.pixels(2 * P, 3)));
        assertThatThrownBy(() -> Cifar10Reader.read(List.of(ok, bad), 10)).isInstanceOf(DataFormatException.class)
                .hasMessage(bad + ": label 10 of record 1 is outside 0..9");
    }

    @Test
    void missingFile() {
        Path ok = write(dir.resolve("data_batch_1.bin"), cifar(new byte[] {1}, TestFiles.pixels(P, 1)));
        Path missing = dir.resolve("data_batch_2.bin");
        assertThatThrownBy(() -> Cifar10Reader.read(List.of(ok, missing), 10)).isInstanceOf(DataFormatException.class)
                .hasMessage(missing + ": file not found");
    }
}
