package dev.bfa.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What every fuzz test of a file parser checks besides "no exception but the parser's own": the
 * error message is one line that names the file, and the parse allocates on the heap no more than
 * a small multiple of the bytes the file holds (plus fixed I/O buffers). The heap is measured with
 * the JVM's per-thread allocation counter, which Jazzer runs the fuzz target on, so a parser that
 * sized an array from a header field instead of the file would show up even when the allocation
 * happened to succeed. Loading and instrumenting classes on a path the fuzzer reaches for the
 * first time also allocates (tens of MB for Jackson): a parse over budget is therefore repeated,
 * and fails only if it is over budget again, when every class it needs is loaded.
 */
public final class FuzzChecks {
    /** Heap a parse may use per byte of input: readAllBytes-style growth copies and decoded text. */
    public static final long HEAP_BYTES_PER_INPUT_BYTE = 8;
    /** Fixed heap allowance: 64 KiB I/O buffers and inflaters for a few files, Jackson's tables. */
    public static final long HEAP_FIXED_BYTES = 4L << 20;

    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzChecks() {
    }

    /** Heap bytes this thread has allocated so far. */
    public static long heapAllocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** A parse and the checks of its outcome. */
    @FunctionalInterface
    public interface Parse {
        void run() throws Exception;
    }

    /**
     * Runs {@code parse} and fails if it allocates more heap than the budget for {@code inputBytes}
     * (twice in a row, see above).
     */
    public static void parseWithinHeapBudget(long inputBytes, String what, Parse parse) throws Exception {
        long budget = HEAP_BYTES_PER_INPUT_BYTE * inputBytes + HEAP_FIXED_BYTES;
        long used = 0;
        for (int attempt = 0; attempt < 2; attempt++) {
            long before = heapAllocated();
            parse.run();
            used = heapAllocated() - before;
            if (used <= budget) {
                return;
            }
        }
        throw new AssertionError(what + " allocated " + used + " heap bytes for " + inputBytes
                + " bytes of input, more than the budget of " + budget);
    }

    /**
     * Fails unless {@code message} is one line (no line break of any kind: a value quoted from the
     * file must be shown escaped) that starts with one of {@code files}.
     */
    public static void assertOneLineNaming(String message, Path... files) {
        if (message == null || message.isBlank()) {
            throw new AssertionError("error without a message");
        }
        if (LINE_BREAK.matcher(message).find()) {
            throw new AssertionError("error message is not one line: " + message);
        }
        for (Path file : files) {
            if (message.startsWith(file.toString())) {
                return;
            }
        }
        throw new AssertionError("error message does not start with the file's name: " + message);
    }

    /** Writes {@code content} to {@code file}, replacing it. */
    public static Path write(Path file, byte[] content) {
        try {
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Splits a fuzz input into two files: the first two bytes (big-endian) give the length of the
     * first, the rest is the second. Short inputs give empty files.
     */
    public static byte[][] splitInTwo(byte[] input) {
        if (input.length < 2) {
            return new byte[][] {new byte[0], input.clone()};
        }
        int first = Math.min(((input[0] & 0xFF) << 8) | (input[1] & 0xFF), input.length - 2);
        return new byte[][] {
            java.util.Arrays.copyOfRange(input, 2, 2 + first),
            java.util.Arrays.copyOfRange(input, 2 + first, input.length)
        };
    }
}
