package dev.bfa.experiment;

import static dev.bfa.fuzz.FuzzChecks.assertOneLineNaming;
import static dev.bfa.fuzz.FuzzChecks.parseWithinHeapBudget;
import static dev.bfa.fuzz.FuzzChecks.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bfa.experiment.Checkpoint.CheckpointException;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Mode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the checkpoint parser through its public entry points, {@link Checkpoint#readHeader} and
 * {@link Checkpoint#load}: any exception but {@link CheckpointException}, a message that does not
 * name the file, or a heap allocation out of proportion to the file fails. (A message may quote the
 * checkpoint's identity string, line breaks and all; the CLI prints every error on one line.)
 */
class CheckpointFuzzTest {
    /** The model of the seed checkpoints: small, with every kind of matrix (shared, fixed, own). */
    static final ModelSpec SPEC = new ModelSpec(Mode.COUPLED_BOTH, new Architecture(4, 3, 2, 2),
            new Architecture(5, 3, 2, 2), Activation.RELU, 7);

    @TempDir
    static Path dir;

    private static BidirectionalModel model;

    @BeforeAll
    static void createModel() {
        model = BidirectionalModel.create(SPEC);
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @FuzzTest(maxDuration = "20s")
    void readHeader(byte[] input) throws Exception {
        Path file = write(dir.resolve("model.ckpt"), input);
        parseWithinHeapBudget(input.length, "Checkpoint.readHeader", () -> {
            try {
                Checkpoint.readHeader(file);
            } catch (CheckpointException e) {
                assertOneLineNaming(e.getMessage(), file);
            } catch (IOException e) {
                throw new AssertionError("not a CheckpointException: " + e, e);
            }
        });
    }

    /**
     * The first byte chooses: even, the rest is the checkpoint without its trailing CRC32C, which is
     * appended correctly so the fuzzer reaches the parser behind the checksum; odd, the rest is the
     * whole file as it is (the checksum itself under test).
     */
    @FuzzTest(maxDuration = "20s")
    void load(byte[] input) throws Exception {
        Path file = write(dir.resolve("model.ckpt"), checkpointFile(input));
        parseWithinHeapBudget(input.length + Long.BYTES, "Checkpoint.load", () -> {
            try {
                Checkpoint.load(file, model);
            } catch (CheckpointException e) {
                assertOneLineNaming(e.getMessage(), file);
            } catch (IOException e) {
                throw new AssertionError("not a CheckpointException: " + e, e);
            }
        });
    }

    /** The file {@link #load} parses for a fuzz input. */
    static byte[] checkpointFile(byte[] input) {
        byte[] content = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        if (input.length == 0 || (input[0] & 1) != 0) {
            return content;
        }
        CRC32C crc = new CRC32C();
        crc.update(content);
        return ByteBuffer.allocate(content.length + Long.BYTES).put(content).putLong(crc.getValue()).array();
    }
}
