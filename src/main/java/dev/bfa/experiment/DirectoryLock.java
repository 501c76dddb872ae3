package dev.bfa.experiment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One training process per run directory: two writing the same metrics.csv and model.ckpt (a
 * --resume started while the run is still going, in another terminal) would interleave rows and
 * replace each other's checkpoints. An exclusive lock on {@value #NAME} in the directory, held for
 * the whole run, released by the operating system if the process dies. The empty file stays: removing
 * it on release would let a waiting process lock a file that a third one no longer sees.
 */
public final class DirectoryLock implements AutoCloseable {
    static final String NAME = ".bfa.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates {@code directory} if needed and locks it, or fails at once if another run holds it. */
    public static DirectoryLock acquire(Path directory) throws IOException {
        return acquireFile(directory.resolve(NAME), directory + ": another bfa run is training in this directory; "
                + "wait for it to finish or stop it (Ctrl-C saves a checkpoint) first");
    }

    /**
     * Locks {@code file} (created, with its directory, if needed) for one process at a time, or fails at
     * once with {@code whenHeld} if another holds it: the same lock for a thing that is not a run directory.
     */
    public static DirectoryLock acquireFile(Path file, String whenHeld) throws IOException {
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new HeldException(whenHeld);
        }
        return new DirectoryLock(channel, lock);
    }

    /** Whether a run holds {@code directory}'s lock now: in this process or another, alive. */
    static boolean isHeld(Path directory) throws IOException {
        Path file = directory.resolve(NAME);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }

    /** The directory is locked by another run. */
    public static final class HeldException extends IOException {
        private static final long serialVersionUID = 1L;

        HeldException(String message) {
            super(message);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
