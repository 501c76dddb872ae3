package dev.bfa.data;

import static dev.bfa.fuzz.FuzzChecks.splitInTwo;
import static dev.bfa.fuzz.FuzzChecks.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link IdxReader}: any exception but {@link DataFormatException}, a message that is not one
 * line naming a file, or more memory allocated than the two files hold fails. The input is split
 * into a label file and an image file ({@link dev.bfa.fuzz.FuzzChecks#splitInTwo}); seeds and past
 * findings are in src/test/resources/dev/bfa/data/IdxReaderFuzzTestInputs/. docs/reliability.md
 * ("Fuzzing") says how to run them.
 */
class IdxReaderFuzzTest {
    @TempDir
    static Path dir;

    /** The files as the fuzzer wrote them: any bytes, gzip included when they start with its magic. */
    @FuzzTest(maxDuration = "20s")
    void plain(byte[] input) throws Exception {
        byte[][] files = splitInTwo(input);
        read(files[0], files[1]);
    }

    /** The fuzzer's bytes gzip-compressed: valid gzip streams around arbitrary IDX content. */
    @FuzzTest(maxDuration = "20s")
    void gzip(byte[] input) throws Exception {
        byte[][] files = splitInTwo(input);
        read(TestFiles.gzip(files[0]), TestFiles.gzip(files[1]));
    }

    private static void read(byte[] labelBytes, byte[] imageBytes) throws Exception {
        Path labels = write(dir.resolve("labels"), labelBytes);
        Path images = write(dir.resolve("images"), imageBytes);
        long content = contentSize(labelBytes) + contentSize(imageBytes);
        ReaderFuzzing.readWithinContent(content, labelBytes.length + imageBytes.length, "IdxReader",
                () -> IdxReader.read(images, labels, 10), images, labels);
    }

    /**
     * The bytes a file holds: its length, or for a file with gzip's magic bytes the length of the
     * stream it decompresses to, or 0 if it does not decompress (the reader must then allocate nothing).
     */
    static long contentSize(byte[] file) {
        if (file.length < 2 || (file[0] & 0xFF) != 0x1f || (file[1] & 0xFF) != 0x8b) {
            return file.length;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            return 0;
        }
    }
}
