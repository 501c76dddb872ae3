package dev.bfa.data;

import static dev.bfa.fuzz.FuzzChecks.splitInTwo;
import static dev.bfa.fuzz.FuzzChecks.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link Cifar10Reader} on two batch files read one after the other (the input split by
 * {@link dev.bfa.fuzz.FuzzChecks#splitInTwo}): any exception but {@link DataFormatException}, a
 * message that is not one line naming a file, or more memory allocated than the files hold fails.
 */
class Cifar10ReaderFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "20s")
    void batches(byte[] input) throws Exception {
        byte[][] files = splitInTwo(input);
        Path first = write(dir.resolve("data_batch_1.bin"), files[0]);
        Path second = write(dir.resolve("data_batch_2.bin"), files[1]);
        long content = files[0].length + files[1].length;
        ReaderFuzzing.readWithinContent(content, content, "Cifar10Reader",
                () -> Cifar10Reader.read(List.of(first, second), 10), first, second);
    }
}
