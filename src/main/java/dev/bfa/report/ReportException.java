package dev.bfa.report;

/**
 * A run file (config.json, metrics.csv, summary.json) that cannot be read: missing, malformed, or
 * with a bad field. The message is one line that names the file and, where there is one, the field
 * or line, for example {@code runs/a/config.json: field "width": expected an integer, found "wide"}.
 * It is an {@link IllegalArgumentException} because the file is, in effect, a bad argument.
 */
public final class ReportException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
