package dev.bfa.cli;

/**
 * An error the user can fix (a missing file, a bad setting): reported as one line on stderr,
 * without a stack trace (unless {@code --verbose}), and the command exits with {@link #exitCode()}.
 *
 * <p>The exit codes, one per kind of problem so that scripts can tell them apart (README.md lists
 * them too):
 * <table>
 *   <caption>bfa exit codes</caption>
 *   <tr><td>0</td><td>success</td></tr>
 *   <tr><td>{@value #FAILED}</td><td>the run failed (an I/O error other than writing the run, or an internal error)</td></tr>
 *   <tr><td>{@value #USAGE}</td><td>invalid usage: unknown command or option, a bad option value</td></tr>
 *   <tr><td>{@value #BAD_DATA}</td><td>a dataset file is missing, unreadable or malformed, or cannot be fetched</td></tr>
 *   <tr><td>{@value #OUTPUT}</td><td>the output directory holds another run, another run is training in it, is not
 *       a directory or not writable, lacks the disk space the run needs, or a file of the run could not be
 *       written (a full disk: free space, then --resume); for a sweep, also another sweep or process running
 *       its directory or cell, or a cell that could not write its files, which stops the sweep</td></tr>
 *   <tr><td>{@value #NO_MEMORY}</td><td>the run needs more memory than the machine has available</td></tr>
 *   <tr><td>{@value #BAD_RUN_FILE}</td><td>a checkpoint or run file (model.ckpt, config.json) is missing or malformed</td></tr>
 *   <tr><td>{@value #DIVERGED}</td><td>the run diverged (NaN or infinity); its last good checkpoint is kept</td></tr>
 *   <tr><td>{@value #CELLS_FAILED}</td><td>a sweep ran, but some of its cells failed</td></tr>
 *   <tr><td>{@value #CLUSTER}</td><td>a Slurm command is missing or failed (sbatch, scontrol)</td></tr>
 *   <tr><td>130, 143</td><td>stopped by SIGINT or SIGTERM after saving a checkpoint ({@code StopOnSignal})</td></tr>
 * </table>
 * The launcher {@code ./bfa} exits 2 when it finds no JDK 25 and 1 when building the jar fails.
 */
public final class CliException extends RuntimeException {
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int BAD_DATA = 3;
    public static final int OUTPUT = 4;
    public static final int NO_MEMORY = 5;
    public static final int BAD_RUN_FILE = 6;
    /** A run stopped because it diverged (a NaN or infinity in its loss or model). */
    public static final int DIVERGED = 7;
    /** A sweep ran to its end, but some of its cells failed ({@code bfa sweep status} names them). */
    public static final int CELLS_FAILED = 8;
    /** The cluster could not be used: a Slurm command is missing or failed. */
    public static final int CLUSTER = 9;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public CliException(String message) {
        this(message, FAILED);
    }

    public CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** {@code cause} is shown, as a stack trace, only with {@code --verbose}. */
    public CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
