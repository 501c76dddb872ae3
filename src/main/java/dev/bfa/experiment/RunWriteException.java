package dev.bfa.experiment;

import java.io.IOException;

/**
 * A file of a run directory could not be written (a full disk, a quota, an I/O error) while the
 * run was training or finishing. The message names the file, the reason, the checkpoint kept, and
 * that the run continues with --resume once the cause is gone: nothing half-written is left behind.
 */
public final class RunWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    RunWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
