package dev.bfa.data;

/**
 * {@code bfa fetch} could not bring a dataset: a missing tool (npm, apt-get, dpkg-deb), a failed
 * download, a checksum mismatch or an I/O error. The message is one line fit to show the user.
 */
public class FetchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FetchException(String message) {
        super(message);
    }

    public FetchException(String message, Throwable cause) {
        super(message, cause);
    }
}
