package dev.bfa.data;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Shared plumbing of the readers: opening files with clear errors, gzip detection, bulk reads. */
final class DataFiles {
    static final int CHUNK = 1 << 16;

    private DataFiles() {
    }

    static DataFormatException fail(Path file, String problem) {
        return new DataFormatException(file + ": " + problem);
    }

    static DataFormatException fail(Path file, String problem, Throwable cause) {
        return new DataFormatException(file + ": " + problem, cause);
    }

    /** Checks that {@code file} is an existing, readable regular file and returns its size. */
    static long checkedSize(Path file) {
        if (!Files.exists(file)) {
            throw fail(file, "file not found");
        }
        if (Files.isDirectory(file)) {
            throw fail(file, "is a directory, not a data file");
        }
        if (!Files.isReadable(file)) {
            throw fail(file, "not readable (permission denied)");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw io(file, e);
        }
    }

    /** An I/O failure as a one-line {@link DataFormatException} naming the file. */
    static DataFormatException io(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return fail(file, "file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return fail(file, "not readable (permission denied)", e);
        }
        if (e instanceof ZipException) {
            return fail(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
        if (e instanceof EOFException) {
            return fail(file, "truncated: the gzip stream ends early (" + e.getMessage() + ")", e);
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return fail(file, "cannot read: " + detail.replace('\n', ' '), e);
    }

    /** Multiplies non-negative values, saturating at {@link Long#MAX_VALUE} instead of overflowing. */
    static long saturatingMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return high != 0 || low < 0 ? Long.MAX_VALUE : low;
    }

    static String bytes(long n) {
        return n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE + " bytes" : n + " bytes";
    }

    /**
     * A data file opened for sequential reading, decompressed on the fly when it starts with the gzip
     * magic bytes (whatever its name). Counts the (decompressed) bytes consumed.
     *
     * <p>{@link #contentSize} is exact before anything is read: the file size, or for gzip the size
     * of the decompressed stream, measured by decompressing it once into a small scratch buffer.
     * That costs a second inflate pass (about 0.1 s for MNIST's training images) but lets the
     * readers hold every header claim against the bytes really there, so no header can make them
     * allocate more than the file holds, and a corrupt or truncated gzip stream fails before any
     * allocation.
     */
    static final class Source implements Closeable {
        final Path path;
        final boolean gzip;
        /** Bytes of content: the file size, or the decompressed size of a gzip file. */
        final long contentSize;
        private final InputStream in;
        private final byte[] chunk = new byte[CHUNK];
        private long position;

        private Source(Path path, boolean gzip, long contentSize, InputStream in) {
            this.path = path;
            this.gzip = gzip;
            this.contentSize = contentSize;
            this.in = in;
        }

        static Source open(Path path) {
            long size = checkedSize(path);
            InputStream raw = null;
            try {
                raw = new BufferedInputStream(Files.newInputStream(path), CHUNK);
                raw.mark(2);
                int b0 = raw.read();
                int b1 = raw.read();
                raw.reset();
                boolean gzip = b0 == 0x1f && b1 == 0x8b;
                long contentSize = gzip ? decompressedSize(path) : size;
                InputStream in = gzip ? new GZIPInputStream(raw, CHUNK) : raw;
                return new Source(path, gzip, contentSize, in);
            } catch (IOException e) {
                closeQuietly(raw);
                throw io(path, e);
            }
        }

        /** Decompresses {@code path} without keeping anything, to count its bytes (and check its CRC). */
        private static long decompressedSize(Path path) throws IOException {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(path), CHUNK)) {
                byte[] scratch = new byte[CHUNK];
                long total = 0;
                for (int n; (n = in.read(scratch)) >= 0; ) {
                    total += n;
                }
                return total;
            }
        }

        /** Bytes consumed so far (decompressed). */
        long position() {
            return position;
        }

        /** Reads exactly {@code n <= CHUNK} bytes into {@code dst}; fails naming {@code what} at EOF. */
        void readFully(byte[] dst, int n, String what) {
            int done = 0;
            try {
                while (done < n) {
                    int r = in.read(dst, done, n - done);
                    if (r < 0) {
                        throw fail(path, "truncated: the file ends inside " + what + " (after "
                                + (position + done) + " bytes" + (gzip ? " of decompressed data)" : ")"));
                    }
                    done += r;
                }
            } catch (IOException e) {
                throw io(path, e);
            } finally {
                position += done;
            }
        }

        int readInt(String what) {
            readFully(chunk, 4, what);
            return ((chunk[0] & 0xFF) << 24) | ((chunk[1] & 0xFF) << 16) | ((chunk[2] & 0xFF) << 8) | (chunk[3] & 0xFF);
        }

        /** Reads {@code length} bytes into {@code dst} at {@code offset}; {@code describe} names the claim. */
        void readInto(MemorySegment dst, long offset, long length, String what, long declared) {
            long done = 0;
            try {
                while (done < length) {
                    int n = (int) Math.min(CHUNK, length - done);
                    int r = in.read(chunk, 0, n);
                    if (r < 0) {
                        throw fail(path, "truncated: " + (gzip ? "decompressed data" : "the file")
                                + " ends after " + done + " of the " + declared + " bytes of " + what
                                + " the header declares");
                    }
                    MemorySegment.copy(chunk, 0, dst, ValueLayout.JAVA_BYTE, offset + done, r);
                    done += r;
                }
            } catch (IOException e) {
                throw io(path, e);
            } finally {
                position += done;
            }
        }

        /**
         * Fails if anything follows the {@code declared} bytes of {@code what}; a gzip stream is also
         * read to its end, so a file that changed since {@link #open} cannot pass unnoticed.
         */
        void expectEnd(String what, long declared) {
            long extra = contentSize - position;
            try {
                if (gzip && extra == 0 && in.read() >= 0) {
                    extra = 1;
                }
            } catch (IOException e) {
                throw io(path, e);
            }
            if (extra > 0) {
                throw fail(path, extra + " unexpected bytes after the " + declared + " bytes of " + what
                        + " the header declares" + (gzip ? " (decompressed)" : ""));
            }
        }

        @Override
        public void close() {
            closeQuietly(in);
        }
    }

    static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // read-only file: nothing was lost
            }
        }
    }
}
