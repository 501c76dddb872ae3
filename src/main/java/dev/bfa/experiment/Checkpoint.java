package dev.bfa.experiment;

import dev.bfa.data.BatchSampler;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UTFDataFormatException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A saved model: its identity, the run's configuration, the step reached, both data orders, and
 * the raw contents of the model's two memory segments (parameter values; gradients and optimiser
 * slots), so a run can be evaluated or continued exactly.
 *
 * <pre>
 * "BFACKPT\0" | int version | UTF identity | int n, n bytes config JSON | long step
 * | sampler state F (long seed, int count, long epoch, int position) | the same for R
 * | long n, n bytes parameter memory | long n, n bytes state memory | long CRC32C of all before it
 * </pre>
 * All numbers big-endian; the memory bytes in the machine's native order (a checkpoint moves between
 * machines of the same byte order). Written to a temporary file, forced to disk, then renamed.
 */
public final class Checkpoint {
    public static final int VERSION = 1;
    private static final byte[] MAGIC = "BFACKPT\0".getBytes(StandardCharsets.US_ASCII);

    /** What a checkpoint holds besides the model memory. */
    public record Header(String identity, String configJson, long step, BatchSampler.State forwardSampler,
                         BatchSampler.State reverseSampler) {
    }

    private Checkpoint() {
    }

    /** A string naming everything that fixes the model's layout and initial values. */
    public static String identity(ModelSpec spec) {
        return "mode=" + spec.mode().cliName() + ";F=" + describe(spec.forward()) + ";R=" + describe(spec.reverse())
                + ";activation=" + spec.activation().cliName() + ";seed=" + spec.seed();
    }

    private static String describe(dev.bfa.model.Architecture a) {
        return a.inputs() + "-" + a.width() + "x" + a.depth() + "-" + a.classes();
    }

    public static void write(Path file, BidirectionalModel model, Header header) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteArrayOutputStream headerBytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(headerBytes);
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeUTF(header.identity());
            byte[] json = header.configJson().getBytes(StandardCharsets.UTF_8);
            out.writeInt(json.length);
            out.write(json);
            out.writeLong(header.step());
            writeSampler(out, header.forwardSampler());
            writeSampler(out, header.reverseSampler());
            out.flush();
            writeCounted(channel, crc, ByteBuffer.wrap(headerBytes.toByteArray()));
            writeSegment(channel, crc, model.parameterMemory());
            writeSegment(channel, crc, model.stateMemory());
            ByteBuffer trailer = ByteBuffer.allocate(Long.BYTES).putLong(crc.getValue()).flip();
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeSampler(DataOutputStream out, BatchSampler.State s) throws IOException {
        out.writeLong(s.seed());
        out.writeInt(s.count());
        out.writeLong(s.epoch());
        out.writeInt(s.position());
    }

    private static void writeSegment(FileChannel channel, CRC32C crc, MemorySegment segment) throws IOException {
        writeCounted(channel, crc, ByteBuffer.allocate(Long.BYTES).putLong(segment.byteSize()).flip());
        writeCounted(channel, crc, segment.asByteBuffer());
    }

    private static void writeCounted(FileChannel channel, CRC32C crc, ByteBuffer buffer) throws IOException {
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads only the header, to rebuild the model it describes. */
    public static Header readHeader(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            return readHeader(in, file);
        }
    }

    private static Header readHeader(DataInputStream in, Path file) throws IOException {
        try {
            byte[] magic = in.readNBytes(MAGIC.length);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new CheckpointException(file + ": not a bfa checkpoint (bad magic bytes)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new CheckpointException(file + ": checkpoint format version " + version + ", this bfa reads "
                        + VERSION);
            }
            String identity = in.readUTF();
            int jsonLength = in.readInt();
            if (jsonLength < 0 || jsonLength > 1 << 20) {
                throw new CheckpointException(file + ": corrupt header (config of " + jsonLength + " bytes)");
            }
            String json = new String(in.readNBytes(jsonLength), StandardCharsets.UTF_8);
            long step = in.readLong();
            return new Header(identity, json, step, readSampler(in, file), readSampler(in, file));
        } catch (EOFException e) {
            throw new CheckpointException(file + ": truncated checkpoint header");
        } catch (UTFDataFormatException e) {
            // found by CheckpointFuzzTest: a corrupt identity string is a corrupt file, not an I/O error
            throw new CheckpointException(file + ": corrupt checkpoint header (" + e.getMessage() + ")");
        }
    }

    private static BatchSampler.State readSampler(DataInputStream in, Path file) throws IOException {
        try {
            return new BatchSampler.State(in.readLong(), in.readInt(), in.readLong(), in.readInt());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file + ": corrupt data-order state: " + e.getMessage());
        }
    }

    /**
     * Loads the checkpoint into {@code model}, which must have been built from the same identity;
     * verifies the checksum before the model is touched.
     */
    public static Header load(Path file, BidirectionalModel model) throws IOException {
        String expected = identity(model.spec());
        long size = Files.size(file);
        CRC32C crc = new CRC32C();
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] all = raw.readAllBytes();
            if (all.length < Long.BYTES + MAGIC.length || all.length != size) {
                throw new CheckpointException(file + ": truncated checkpoint (" + all.length + " bytes)");
            }
            crc.update(all, 0, all.length - Long.BYTES);
            long stored = ByteBuffer.wrap(all, all.length - Long.BYTES, Long.BYTES).getLong();
            if (stored != crc.getValue()) {
                throw new CheckpointException(file + ": checksum mismatch: the file is corrupt or truncated");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - Long.BYTES));
            Header header = readHeader(in, file);
            if (!header.identity().equals(expected)) {
                throw new CheckpointException(file + ": checkpoint is of another model (" + header.identity()
                        + "), expected " + expected);
            }
            // found by CheckpointFuzzTest: a file with a valid checksum could still end inside (or
            // run on past) the memory it declares; that is a corrupt checkpoint, not an I/O error
            try {
                readSegment(in, model.parameterMemory(), file, "parameter");
                readSegment(in, model.stateMemory(), file, "optimiser state");
            } catch (EOFException e) {
                throw new CheckpointException(file + ": truncated checkpoint: it ends inside the model memory");
            }
            if (in.available() > 0) {
                throw new CheckpointException(file + ": " + in.available() + " unexpected bytes after the model memory");
            }
            return header;
        }
    }

    private static void readSegment(DataInputStream in, MemorySegment segment, Path file, String what)
            throws IOException {
        long length = in.readLong();
        if (length != segment.byteSize()) {
            throw new CheckpointException(file + ": " + what + " memory of " + length + " bytes, the model has "
                    + segment.byteSize());
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, 0, bytes.length);
    }

    /** A checkpoint that cannot be used, with a message naming the file and the problem. */
    public static final class CheckpointException extends IOException {
        public CheckpointException(String message) {
            super(message);
        }
    }
}
