package dev.bfa.data;

/**
 * A data file that cannot be used: missing, unreadable, truncated, corrupt or of the wrong format.
 * The message is one line that names the file and the problem, fit to show the user as it is.
 */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
