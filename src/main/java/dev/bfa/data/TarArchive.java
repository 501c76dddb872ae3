package dev.bfa.data;

import dev.bfa.text.UserText;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The regular files of a tar archive, read by Commons Compress's {@link TarArchiveInputStream}.
 * Why an adapter: the library tells of a malformed archive by IOExceptions, unchecked exceptions or a
 * header checksum it only records, and {@code bfa fetch} needs each as a FetchException naming the archive.
 */
final class TarArchive implements Closeable {
    private final TarArchiveInputStream tar;
    private final String archiveName;
    private final InputStream content = new InputStream() {
        @Override
        public int read() {
            return callLibrary(tar::read);
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return callLibrary(() -> tar.read(b, off, len));
        }
    };

    /** Reads {@code in}; {@code archiveName} starts every error message. */
    TarArchive(InputStream in, String archiveName) {
        this.tar = new TarArchiveInputStream(in);
        this.archiveName = Objects.requireNonNull(archiveName, "archiveName");
    }

    /**
     * The path of the next regular file, as the archive stores it (GNU and pax long names included),
     * skipping directories, links and whatever is left of the current file; null at the end.
     *
     * @throws FetchException if the archive is malformed or holds a sparse file
     */
    String nextFile() {
        for (TarArchiveEntry entry; (entry = callLibrary(tar::getNextEntry)) != null; ) {
            if (!entry.isCheckSumOK()) {
                throw new FetchException(archiveName + ": corrupt tar archive (the header checksum of "
                        + UserText.quote(entry.getName()) + " does not match)");
            }
            if (entry.isSparse()) {
                // Its holes are as large as the header says; skipping one reads them, so refuse it here.
                throw new FetchException(archiveName + ": " + UserText.quote(entry.getName())
                        + " is a sparse file, which bfa does not read");
            }
            if (isRegularFile(entry)) {
                return entry.getName();
            }
        }
        return null;
    }

    /**
     * The content of the file {@link #nextFile()} returned last; reading it is optional. A malformed
     * archive makes its reads throw {@link FetchException}.
     */
    InputStream content() {
        return content;
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
    }

    @FunctionalInterface
    private interface LibraryCall<T> {
        T call() throws IOException;
    }

    private <T> T callLibrary(LibraryCall<T> call) {
        try {
            return call.call();
        } catch (IOException | RuntimeException e) {
            // The library declares only IOException, yet its parsing throws IllegalArgumentException and
            // the like, which it wraps where it knows to; one that slips through is a data error all the same.
            throw new FetchException(archiveName + ": corrupt tar archive (" + UserText.escape(detail(e)) + ")", e);
        }
    }

    /** The library's message and its cause's: it wraps the telling one as "Corrupted TAR archive." and the like. */
    private static String detail(Exception e) {
        String message = Objects.requireNonNullElse(e.getMessage(), e.getClass().getSimpleName());
        Throwable cause = e.getCause();
        if (cause == null || cause.getMessage() == null) {
            return message;
        }
        return (message.endsWith(".") ? message.substring(0, message.length() - 1) : message) + ": "
                + cause.getMessage();
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
