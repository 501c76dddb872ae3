package dev.bfa.cli;

/**
 * An error the user can fix (a missing file, a bad setting): reported as one line on stderr,
 * without a stack trace, and the command exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {
    /** Exit code of a run that failed. */
    public static final int FAILED = 1;
    /** Exit code of invalid usage, as for picocli's parameter errors. */
    public static final int USAGE = 2;
    /** Exit code of a run stopped because it diverged (a NaN or infinity in its loss or model). */
    public static final int DIVERGED = 3;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
