package dev.bfa.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bfa.data.BatchSampler;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Mode;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The checkpoint file: every byte back, and every kind of damage refused before the model is touched. */
class CheckpointTest {
    private static final ModelSpec SPEC = new ModelSpec(Mode.COUPLED_BOTH, new Architecture(20, 16, 3, 5),
            new Architecture(12, 16, 3, 5), Activation.RELU, 7);
    private static final Checkpoint.Header HEADER = new Checkpoint.Header(Checkpoint.identity(SPEC), "{\"x\":1}", 42,
            new BatchSampler.State(1, 100, 3, 17), new BatchSampler.State(2, 60, 5, 0),
            new Checkpoint.Progress(1.25, 2.5, 3, 10.0, 0.5, 3));

    @TempDir
    Path dir;

    /** A model whose memory holds distinct bits everywhere (state included), unlike a fresh one. */
    private static BidirectionalModel scribbled(ModelSpec spec, int salt) {
        BidirectionalModel model = BidirectionalModel.create(spec);
        for (MemorySegment m : new MemorySegment[] {model.parameterMemory(), model.stateMemory()}) {
            for (long i = 0; i < m.byteSize() / 4; i++) {
                m.setAtIndex(ValueLayout.JAVA_INT, i, (int) (i * 0x9E3779B1L) ^ salt);
            }
        }
        return model;
    }

    private Path written() throws IOException {
        Path file = dir.resolve("model.ckpt");
        try (BidirectionalModel model = scribbled(SPEC, 1)) {
            Checkpoint.write(file, model, HEADER);
        }
        return file;
    }

    @Test
    void everyByteComesBack() throws IOException {
        Path file = written();
        assertThat(dir.resolve("model.ckpt.tmp")).doesNotExist();
        assertThat(Checkpoint.readHeader(file)).isEqualTo(HEADER);
        assertThat(Checkpoint.verify(file)).isEqualTo(HEADER);
        try (BidirectionalModel expected = scribbled(SPEC, 1); BidirectionalModel loaded = scribbled(SPEC, 2)) {
            assertThat(Checkpoint.load(file, loaded)).isEqualTo(HEADER);
            assertThat(loaded.parameterMemory().mismatch(expected.parameterMemory())).isEqualTo(-1);
            assertThat(loaded.stateMemory().mismatch(expected.stateMemory())).isEqualTo(-1);
        }
    }

    /** The size known before training (the disk-space check) is the size written, in every mode. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void theSizeFromTheShapesIsTheSizeWritten(Mode mode) throws IOException {
        ModelSpec spec = new ModelSpec(mode, new Architecture(20, 16, 3, 5), new Architecture(12, 16, 3, 5),
                Activation.RELU, 7);
        Checkpoint.Header header = new Checkpoint.Header(Checkpoint.identity(spec), "{\"mode\":\"" + mode + "\"}", 42,
                HEADER.forwardSampler(), HEADER.reverseSampler(), HEADER.progress());
        Path file = dir.resolve(mode.cliName() + ".ckpt");
        try (BidirectionalModel model = scribbled(spec, 1)) {
            Checkpoint.write(file, model, header);
            assertThat(Checkpoint.fileSize(model, header)).isEqualTo(Files.size(file));
        }
        assertThat(Checkpoint.fileSize(spec, header.configJson())).isEqualTo(Files.size(file));
    }

    /**
     * A disk that fills up in the middle of the write (the temporary file is /dev/full, which
     * refuses every write with ENOSPC): the temporary file is removed, the checkpoint before it is
     * untouched, and the failure says why.
     */
    @Test
    void aFailedWriteLeavesNoTemporaryFileAndTheLastCheckpointIntact() throws IOException {
        Path deviceFull = Path.of("/dev/full");
        assumeTrue(Files.isWritable(deviceFull), "needs Linux's /dev/full");
        Path file = written();
        byte[] before = Files.readAllBytes(file);
        Path temporary = Checkpoint.temporaryOf(file);
        Files.createSymbolicLink(temporary, deviceFull);
        try (BidirectionalModel model = scribbled(SPEC, 2)) {
            assertThatThrownBy(() -> Checkpoint.write(file, model, HEADER)).isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device");
        }
        assertThat(temporary).doesNotExist();
        assertThat(deviceFull).exists();
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    /** One flipped bit in the header, either memory section or the checksum itself. */
    @ParameterizedTest
    @ValueSource(doubles = {0.0005, 0.01, 0.3, 0.7, 0.95, 0.99999})
    void aFlippedBitAnywhereIsRefusedAndTheModelLeftAlone(double where) throws IOException {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        int at = (int) (where * bytes.length);
        bytes[at] ^= 0x04;
        Files.write(file, bytes);
        assertLoadRefused(file, "");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 12, 40, 200, 5000, -8, -1})
    void aTruncatedFileIsRefused(int length) throws IOException {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, length >= 0 ? length : bytes.length + length));
        assertLoadRefused(file, "");
    }

    @Test
    void trailingBytesAreRefused() throws IOException {
        Path file = written();
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertLoadRefused(file, "trailing bytes");
    }

    /**
     * Lengths the file cannot hold are refused from the header alone: a 1 MiB config or an
     * exabyte of memory in a file of a few hundred bytes allocates nothing.
     */
    @Test
    void lengthsBeyondTheFileAreRefusedWithoutAllocating() throws IOException {
        Path small = dir.resolve("small.ckpt");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeBytes("BFACKPT\0");
        out.writeInt(2);
        out.writeUTF("x");
        out.writeInt(1 << 20);
        Files.write(small, bytes.toByteArray());
        assertThatThrownBy(() -> Checkpoint.readHeader(small)).isInstanceOf(Checkpoint.CheckpointException.class)
                .hasMessageContaining("truncated");

        Path huge = dir.resolve("huge.ckpt");
        byte[] header = headerOnly(written());
        ByteBuffer b = ByteBuffer.allocate(header.length + 24).put(header).putLong(Long.MAX_VALUE / 2).putLong(0)
                .putLong(0);
        Files.write(huge, b.array());
        assertLoadRefused(huge, "corrupt parameter memory length");
    }

    /** The bytes of {@code file} before its memory sections. */
    private static byte[] headerOnly(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try (BidirectionalModel model = BidirectionalModel.create(SPEC)) {
            long memory = 3L * Long.BYTES + model.parameterMemory().byteSize() + model.stateMemory().byteSize();
            return Arrays.copyOf(all, (int) (all.length - memory));
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() throws IOException {
        Path file = written();
        ModelSpec other = new ModelSpec(Mode.COUPLED_BOTH, new Architecture(20, 16, 3, 5),
                new Architecture(12, 16, 3, 5), Activation.RELU, 8);
        try (BidirectionalModel model = BidirectionalModel.create(other)) {
            assertThatThrownBy(() -> Checkpoint.load(file, model)).isInstanceOf(Checkpoint.CheckpointException.class)
                    .hasMessageContaining("checkpoint is of another model").hasMessageContaining("seed=7")
                    .hasMessageContaining("expected mode=coupled-both;F=20-16x3-5;R=12-16x3-5;activation=relu;seed=8");
        }
    }

    /** A checkpoint names its learning rule and coupling: one rule's state never loads as another's. */
    @Test
    void aCheckpointOfAnotherRuleIsRefused() throws IOException {
        ModelSpec kp = new ModelSpec(Mode.KP, new Architecture(20, 16, 3, 5), new Architecture(12, 16, 3, 5),
                Activation.RELU, 7);
        Path file = dir.resolve("kp.ckpt");
        try (BidirectionalModel model = scribbled(kp, 2)) {
            Checkpoint.write(file, model, new Checkpoint.Header(Checkpoint.identity(kp), "{}", 1,
                    HEADER.forwardSampler(), HEADER.reverseSampler(), HEADER.progress()));
        }
        for (Mode other : new Mode[] {Mode.FA, Mode.KP_COUPLED_BOTH, Mode.SIGN}) {
            ModelSpec spec = new ModelSpec(other, kp.forward(), kp.reverse(), Activation.RELU, 7);
            try (BidirectionalModel model = BidirectionalModel.create(spec)) {
                assertThatThrownBy(() -> Checkpoint.load(file, model)).as("%s", other)
                        .isInstanceOf(Checkpoint.CheckpointException.class)
                        .hasMessageContaining("checkpoint is of another model (mode=kp;")
                        .hasMessageContaining("expected mode=" + other.cliName() + ";");
            }
        }
    }

    @Test
    void aBadVersionOrMagicIsNamed() throws IOException {
        Path file = written();
        byte[] bytes = Files.readAllBytes(file);
        bytes[11] = 9;
        Files.write(file, bytes);
        assertThatThrownBy(() -> Checkpoint.readHeader(file)).hasMessageContaining("format version 9, this bfa reads 1 to 2");
        bytes[0] = 'X';
        Files.write(file, bytes);
        assertThatThrownBy(() -> Checkpoint.readHeader(file)).hasMessageContaining("not a bfa checkpoint");
    }

    /** Version 1 (written by bfa before resume existed) still loads, as a checkpoint at an evaluation point. */
    @Test
    void versionOneStillLoads() throws IOException {
        Path file = dir.resolve("v1.ckpt");
        CRC32C crc = new CRC32C();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeBytes("BFACKPT\0");
        out.writeInt(1);
        out.writeUTF(HEADER.identity());
        out.writeInt(HEADER.configJson().length());
        out.writeBytes(HEADER.configJson());
        out.writeLong(HEADER.step());
        for (BatchSampler.State s : new BatchSampler.State[] {HEADER.forwardSampler(), HEADER.reverseSampler()}) {
            out.writeLong(s.seed());
            out.writeInt(s.count());
            out.writeLong(s.epoch());
            out.writeInt(s.position());
        }
        try (BidirectionalModel model = scribbled(SPEC, 1)) {
            for (MemorySegment m : new MemorySegment[] {model.parameterMemory(), model.stateMemory()}) {
                out.writeLong(m.byteSize());
                out.write(m.toArray(ValueLayout.JAVA_BYTE));
            }
            crc.update(bytes.toByteArray());
            out.writeLong(crc.getValue());
            Files.write(file, bytes.toByteArray());
            try (BidirectionalModel loaded = BidirectionalModel.create(SPEC)) {
                Checkpoint.Header header = Checkpoint.load(file, loaded);
                assertThat(header.progress()).isEqualTo(Checkpoint.Progress.AT_EVALUATION);
                assertThat(header.step()).isEqualTo(42);
                assertThat(loaded.parameterMemory().mismatch(model.parameterMemory())).isEqualTo(-1);
            }
        }
    }

    /** Load must fail with a CheckpointException and leave a model it was given exactly as it was. */
    private static void assertLoadRefused(Path file, String message) {
        try (BidirectionalModel model = scribbled(SPEC, 3); BidirectionalModel untouched = scribbled(SPEC, 3)) {
            assertThatThrownBy(() -> Checkpoint.load(file, model)).isInstanceOf(Checkpoint.CheckpointException.class)
                    .hasMessageContaining(message).hasMessageStartingWith(file.toString());
            assertThat(model.parameterMemory().mismatch(untouched.parameterMemory())).isEqualTo(-1);
            assertThat(model.stateMemory().mismatch(untouched.stateMemory())).isEqualTo(-1);
        }
    }
}
