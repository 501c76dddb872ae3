package dev.bfa.experiment;

import dev.bfa.data.BatchSampler;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.report.AtomicFiles;
import dev.bfa.text.UserText;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A saved model: its identity, the run's configuration, the step reached, both data orders, the
 * running sums of the current evaluation interval, and the raw contents of the model's two memory
 * segments (parameter values; gradients and optimiser slots), so a run can be evaluated or
 * continued exactly.
 *
 * <pre>
 * "BFACKPT\0" | int version | UTF identity | int n, n bytes config JSON | long step
 * | sampler state F (long seed, int count, long epoch, int position) | the same for R
 * | progress (version 2 only): double F loss sum, double R loss sum, long loss steps,
 *   double training seconds, double interval seconds, long interval steps
 * | long n, n bytes parameter memory | long n, n bytes state memory | long CRC32C of all before it
 * </pre>
 * All numbers big-endian; the memory bytes in the machine's native order (a checkpoint moves between
 * machines of the same byte order). Written to a temporary file, forced to disk, renamed over the
 * old checkpoint, then the directory is forced too, so that a crash at any moment leaves either the
 * old checkpoint or the new one; a write that fails (a full disk) removes its temporary file and
 * leaves the old checkpoint as it was. Version 1 (no progress record) is still read, as a checkpoint at
 * an evaluation point, where the interval sums are empty.
 *
 * <p>Reading never trusts a length in the file: every one is checked against the file's real size
 * before anything is allocated, and the memory is read straight into the model's segments, with
 * the checksum verified over the whole file before the first byte of the model is written.
 */
public final class Checkpoint {
    public static final int VERSION = 2;
    private static final int OLDEST_VERSION = 1;
    private static final byte[] MAGIC = "BFACKPT\0".getBytes(StandardCharsets.US_ASCII);
    /** A config.json is a few hundred bytes; anything near this is not one. */
    private static final int MAX_CONFIG_BYTES = 1 << 20;
    /** I/O chunk: big enough to stream at disk speed, small enough to stay off the heap's radar. */
    private static final int CHUNK = 1 << 20;
    /**
     * Test hook, read once: the step whose checkpoint write stops half-way (parameter memory written,
     * optimiser state not) and waits to be killed, so tests can crash a process inside a write.
     */
    private static final long PAUSE_AT_STEP = Long.getLong("bfa.test.pauseCheckpointAtStep", -1);

    /**
     * Where a run stands inside its current evaluation interval, and its training time so far.
     * The loss sums are exact doubles, so a resumed run averages the interval to the same bits.
     *
     * @param forwardLossSum  sum of F's step losses since the last evaluation (meaningless when lossSteps is 0)
     * @param reverseLossSum  the same for R
     * @param lossSteps       steps in those sums
     * @param trainingSeconds wall time of training so far, evaluations excluded
     * @param intervalSeconds training wall time since the last evaluation
     * @param intervalSteps   steps since the last evaluation (for examples/s)
     */
    public record Progress(double forwardLossSum, double reverseLossSum, long lossSteps, double trainingSeconds,
                           double intervalSeconds, long intervalSteps) {
        /** A run at an evaluation point, as version 1 files are read. */
        public static final Progress AT_EVALUATION = new Progress(Double.NaN, Double.NaN, 0, 0, 0, 0);

        public Progress {
            if (lossSteps < 0 || intervalSteps < 0) {
                throw new IllegalArgumentException("negative step count in progress (" + lossSteps + ", "
                        + intervalSteps + ")");
            }
        }
    }

    /** What a checkpoint holds besides the model memory. */
    public record Header(String identity, String configJson, long step, BatchSampler.State forwardSampler,
                         BatchSampler.State reverseSampler, Progress progress) {
        /** A header at an evaluation point (empty interval sums). */
        public Header(String identity, String configJson, long step, BatchSampler.State forwardSampler,
                      BatchSampler.State reverseSampler) {
            this(identity, configJson, step, forwardSampler, reverseSampler, Progress.AT_EVALUATION);
        }
    }

    private Checkpoint() {
    }

    /** A string naming everything that fixes the model's layout and initial values. */
    public static String identity(ModelSpec spec) {
        return "mode=" + spec.mode().cliName() + ";F=" + describe(spec.forward()) + ";R=" + describe(spec.reverse())
                + ";activation=" + spec.activation().cliName() + ";seed=" + spec.seed()
                + (spec.directFeedbackScale() != 1f ? ";direct_feedback_scale=" + spec.directFeedbackScale() : "");
    }

    private static String describe(dev.bfa.model.Architecture a) {
        return a.inputs() + "-" + a.width() + "x" + a.depth() + "-" + a.classes();
    }

    /**
     * Replaces {@code file} with the checkpoint of {@code model} at {@code header}. If anything fails
     * (a full disk, an I/O error), the temporary file is removed and {@code file} is as it was.
     */
    public static void write(Path file, BidirectionalModel model, Header header) throws IOException {
        Path temporary = temporaryOf(file);
        try {
            writeTemporary(temporary, model, header);
            AtomicFiles.replace(temporary, file);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException cleanup) {
                // what failed first is what the user needs to know
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /** Where {@link #write} puts the new checkpoint before it replaces {@code file}. */
    public static Path temporaryOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }

    private static void writeTemporary(Path temporary, BidirectionalModel model, Header header) throws IOException {
        CRC32C crc = new CRC32C();
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeCounted(channel, crc, ByteBuffer.wrap(headerBytes(header)));
            writeSegment(channel, crc, model.parameterMemory());
            if (header.step() == PAUSE_AT_STEP) {
                pauseForTest(channel, header.step());
            }
            writeSegment(channel, crc, model.stateMemory());
            ByteBuffer trailer = ByteBuffer.allocate(Long.BYTES).putLong(crc.getValue()).flip();
            while (trailer.hasRemaining()) {
                channel.write(trailer);
            }
            channel.force(true);
        }
    }

    /** The size of the file {@link #write} writes for {@code model} at {@code header}. */
    public static long fileSize(BidirectionalModel model, Header header) throws IOException {
        return fileSize(headerBytes(header).length, model.parameterMemory().byteSize(),
                model.stateMemory().byteSize());
    }

    /**
     * The size of a checkpoint of a model of {@code spec} in a run of {@code configJson}, from the
     * shapes alone, before the model exists: the header's other fields have fixed sizes.
     */
    public static long fileSize(ModelSpec spec, String configJson) throws IOException {
        BatchSampler.State anyOrder = new BatchSampler.State(0, 1, 0, 0);
        BidirectionalModel.MemoryNeed need = BidirectionalModel.memoryNeed(spec);
        return fileSize(headerBytes(new Header(identity(spec), configJson, 0, anyOrder, anyOrder)).length,
                need.parameterBytes(), need.stateBytes());
    }

    /** The header, each memory section after its length, and the checksum. */
    private static long fileSize(long headerBytes, long parameterBytes, long stateBytes) {
        return Math.addExact(headerBytes + 3L * Long.BYTES, Math.addExact(parameterBytes, stateBytes));
    }

    private static byte[] headerBytes(Header header) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(header.identity());
        byte[] json = header.configJson().getBytes(StandardCharsets.UTF_8);
        out.writeInt(json.length);
        out.write(json);
        out.writeLong(header.step());
        writeSampler(out, header.forwardSampler());
        writeSampler(out, header.reverseSampler());
        Progress p = header.progress();
        out.writeDouble(p.forwardLossSum());
        out.writeDouble(p.reverseLossSum());
        out.writeLong(p.lossSteps());
        out.writeDouble(p.trainingSeconds());
        out.writeDouble(p.intervalSeconds());
        out.writeLong(p.intervalSteps());
        out.flush();
        return bytes.toByteArray();
    }

    /**
     * The rename is durable only once the directory entry is on disk. Linux allows forcing a
     * directory opened for reading; where the platform refuses, the rename is left to the file
     * system's own journal, which is all that platform offers.
     */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not supported here (e.g. Windows): see above
        }
    }

    private static void pauseForTest(FileChannel channel, long step) throws IOException {
        channel.force(true);
        System.err.println("bfa.test: paused writing the checkpoint of step " + step);
        System.err.flush();
        try {
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("checkpoint write interrupted");
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
        for (long offset = 0; offset < segment.byteSize(); offset += CHUNK) {
            writeCounted(channel, crc, chunk(segment, offset));
        }
    }

    /** At most {@link #CHUNK} bytes of {@code segment} from {@code offset}: a ByteBuffer cannot span 2 GiB. */
    private static ByteBuffer chunk(MemorySegment segment, long offset) {
        return segment.asSlice(offset, Math.min(CHUNK, segment.byteSize() - offset)).asByteBuffer();
    }

    private static void writeCounted(FileChannel channel, CRC32C crc, ByteBuffer buffer) throws IOException {
        crc.update(buffer.duplicate());
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Reads only the header, to rebuild the model it describes. */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(channel, file).header();
        }
    }

    /** A parsed header and where the memory sections start. */
    private record Parsed(Header header, long end) {
    }

    private static Parsed readHeader(FileChannel channel, Path file) throws IOException {
        Bounded in = new Bounded(channel, file);
        byte[] magic = in.bytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new CheckpointException(file + ": not a bfa checkpoint (bad magic bytes)");
        }
        int version = in.readInt();
        if (version < OLDEST_VERSION || version > VERSION) {
            throw new CheckpointException(file + ": checkpoint format version " + version + ", this bfa reads "
                    + OLDEST_VERSION + " to " + VERSION);
        }
        int identityLength = in.readUnsignedShort();
        String identity = new String(in.bytes(identityLength), StandardCharsets.UTF_8);
        int jsonLength = in.readInt();
        if (jsonLength < 0 || jsonLength > MAX_CONFIG_BYTES) {
            throw new CheckpointException(file + ": corrupt header (config of " + jsonLength + " bytes)");
        }
        String json = new String(in.bytes(jsonLength), StandardCharsets.UTF_8);
        long step = in.readLong();
        if (step < 0) {
            throw new CheckpointException(file + ": corrupt header (step " + step + ")");
        }
        BatchSampler.State forward = readSampler(in);
        BatchSampler.State reverse = readSampler(in);
        Progress progress = Progress.AT_EVALUATION;
        if (version >= 2) {
            try {
                progress = new Progress(in.readDouble(), in.readDouble(), in.readLong(), in.readDouble(),
                        in.readDouble(), in.readLong());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(file + ": corrupt header: " + e.getMessage());
            }
        }
        return new Parsed(new Header(identity, json, step, forward, reverse, progress), in.position);
    }

    private static BatchSampler.State readSampler(Bounded in) throws IOException {
        long seed = in.readLong();
        int count = in.readInt();
        long epoch = in.readLong();
        int position = in.readInt();
        try {
            return new BatchSampler.State(seed, count, epoch, position);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(in.file + ": corrupt data-order state: " + e.getMessage());
        }
    }

    /**
     * Sequential big-endian reads that check each length against the bytes left in the file first,
     * so a corrupt length fails as a truncated file instead of allocating what it claims.
     */
    private static final class Bounded {
        final DataInputStream in;
        final Path file;
        final long size;
        long position;

        Bounded(FileChannel channel, Path file) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel.position(0)),
                    1 << 16));
            this.file = file;
            this.size = channel.size();
        }

        /** Reserves {@code n} more bytes, failing when the file does not have them. */
        void advance(long n) throws CheckpointException {
            if (n > size - position) {
                throw new CheckpointException(file + ": truncated checkpoint (" + size + " bytes)");
            }
            position += n;
        }

        byte[] bytes(int n) throws IOException {
            advance(n);
            return in.readNBytes(n);
        }

        int readUnsignedShort() throws IOException {
            advance(Short.BYTES);
            return in.readUnsignedShort();
        }

        int readInt() throws IOException {
            advance(Integer.BYTES);
            return in.readInt();
        }

        long readLong() throws IOException {
            advance(Long.BYTES);
            return in.readLong();
        }

        double readDouble() throws IOException {
            advance(Double.BYTES);
            return in.readDouble();
        }
    }

    /** Where the parts of a verified checkpoint are. */
    private record Verified(Header header, long parametersAt, long parameterBytes, long stateAt, long stateBytes,
                            long checksum) {
    }

    /**
     * Checks the whole file without loading it: its header, that the memory sections fill the file
     * exactly, and the checksum (streamed, nothing the size of the model is allocated).
     *
     * @return the header
     * @throws CheckpointException naming the file and what is wrong with it
     */
    public static Header verify(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return verify(channel, file).header();
        }
    }

    private static Verified verify(FileChannel channel, Path file) throws IOException {
        long size = channel.size();
        Parsed parsed = readHeader(channel, file);
        long parametersAt = parsed.end();
        long parameterBytes = readLength(channel, parametersAt, file, "parameter");
        long stateAt = parametersAt + Long.BYTES + parameterBytes;
        long stateBytes = readLength(channel, stateAt, file, "optimiser state");
        long trailerAt = stateAt + Long.BYTES + stateBytes;
        if (trailerAt != size - Long.BYTES) {
            throw new CheckpointException(file + ": " + (trailerAt < size - Long.BYTES ? "trailing bytes after"
                    : "truncated") + " the model memory (" + size + " bytes, expected " + (trailerAt + Long.BYTES)
                    + ")");
        }
        long stored = readLongAt(channel, trailerAt, file);
        CRC32C crc = new CRC32C();
        checksum(channel, 0, trailerAt, crc, file);
        if (crc.getValue() != stored) {
            throw new CheckpointException(file + ": checksum mismatch: the file is corrupt or truncated");
        }
        return new Verified(parsed.header(), parametersAt, parameterBytes, stateAt, stateBytes, stored);
    }

    /**
     * Loads the checkpoint into {@code model}, which must have been built from the same identity.
     * The file's structure, sizes and checksum are all verified before the model is touched, so a
     * bad file leaves the model as it was; only a file that changes while being read is caught
     * after the fact (its second checksum differs), and then the model's contents are undefined.
     */
    public static Header load(Path file, BidirectionalModel model) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Verified v = verify(channel, file);
            String expected = identity(model.spec());
            if (!v.header().identity().equals(expected)) {
                throw new CheckpointException(file + ": checkpoint is of another model ("
                        + UserText.escape(v.header().identity()) + "), expected " + expected);
            }
            MemorySegment parameters = model.parameterMemory();
            MemorySegment state = model.stateMemory();
            checkLength(v.parameterBytes(), parameters, file, "parameter");
            checkLength(v.stateBytes(), state, file, "optimiser state");
            // Second pass: the same bytes straight into the model, summed again to catch a file
            // replaced or rewritten between the passes.
            CRC32C again = new CRC32C();
            checksum(channel, 0, v.parametersAt() + Long.BYTES, again, file);
            readInto(channel, v.parametersAt() + Long.BYTES, parameters, again, file);
            checksum(channel, v.stateAt(), v.stateAt() + Long.BYTES, again, file);
            readInto(channel, v.stateAt() + Long.BYTES, state, again, file);
            if (again.getValue() != v.checksum()) {
                throw new CheckpointException(file + ": changed while it was being read; the model is not usable");
            }
            return v.header();
        }
    }

    private static long readLength(FileChannel channel, long at, Path file, String what) throws IOException {
        long length = readLongAt(channel, at, file);
        if (length < 0 || length > channel.size()) {
            throw new CheckpointException(file + ": corrupt " + what + " memory length " + length + " in a file of "
                    + channel.size() + " bytes");
        }
        return length;
    }

    private static void checkLength(long length, MemorySegment segment, Path file, String what)
            throws CheckpointException {
        if (length != segment.byteSize()) {
            throw new CheckpointException(file + ": " + what + " memory of " + length + " bytes, the model has "
                    + segment.byteSize());
        }
    }

    private static long readLongAt(FileChannel channel, long at, Path file) throws IOException {
        if (at < 0 || at + Long.BYTES > channel.size()) {
            throw new CheckpointException(file + ": truncated checkpoint (" + channel.size() + " bytes)");
        }
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
        readFully(channel, buffer, at, file);
        return buffer.flip().getLong();
    }

    /** Adds bytes {@code [from, end)} of the file to {@code crc}, streamed through one buffer. */
    private static void checksum(FileChannel channel, long from, long end, CRC32C crc, Path file)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(end - from, 0)));
        for (long at = from; at < end; at += buffer.capacity()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), end - at));
            readFully(channel, buffer, at, file);
            crc.update(buffer.flip());
        }
    }

    private static void readInto(FileChannel channel, long at, MemorySegment segment, CRC32C crc, Path file)
            throws IOException {
        for (long offset = 0; offset < segment.byteSize(); offset += CHUNK) {
            ByteBuffer target = chunk(segment, offset);
            readFully(channel, target, at + offset, file);
            crc.update(target.flip());
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long at, Path file) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position);
            if (read < 0) {
                throw new CheckpointException(file + ": truncated checkpoint");
            }
            position += read;
        }
    }

    /** A checkpoint that cannot be used, with a message naming the file and the problem. */
    public static final class CheckpointException extends IOException {
        public CheckpointException(String message) {
            super(message);
        }
    }
}
