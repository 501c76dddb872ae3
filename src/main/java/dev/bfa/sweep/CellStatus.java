package dev.bfa.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.experiment.DirectoryLock;
import dev.bfa.report.AtomicFiles;
import dev.bfa.report.JsonFields;
import dev.bfa.text.UserText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a cell's latest attempt recorded about itself in {@code DIR/status/NAME.json}: written when it
 * starts ({@link State#RUNNING}) and when it ends. The same file whichever executor ran it, so that
 * {@code bfa sweep status} reads local and Slurm cells alike; a process killed outright leaves
 * RUNNING behind, which {@link SweepStatus} tells from a live one by the run directory's lock.
 *
 * @param exitCode  the exit code bfa train would have given (0 when done; for a stop, 128 + signal)
 * @param message   the first line of the error, or "" when none
 * @param where     the host (and Slurm job, if any) that ran it
 */
public record CellStatus(State state, int exitCode, String message, String where, Instant updated) {
    /** What an attempt recorded. */
    public enum State {
        RUNNING, DONE, FAILED, STOPPED;

        String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public CellStatus {
        message = message.lines().findFirst().orElse("");
    }

    /** Writes this status to {@code file}, replacing the previous one atomically. */
    public void write(Path file) throws IOException {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("state", state.jsonName());
        root.put("exit_code", exitCode);
        root.put("message", message);
        root.put("where", where);
        root.put("updated", updated.toString());
        Files.createDirectories(file.getParent());
        AtomicFiles.writeString(file, JsonFields.write(root));
    }

    /** The status in {@code file}, or empty when the cell never started. */
    public static Optional<CellStatus> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonFields root = JsonFields.parse(Files.readString(file), file.toString());
        State state;
        try {
            state = UserText.parseName("state", root.string("state"), State.values(), State::jsonName);
        } catch (IllegalArgumentException e) {
            throw root.error("state", e.getMessage());
        }
        String message = root.has("message") ? root.node().get("message").asText() : "";
        Instant updated;
        try {
            updated = Instant.parse(root.string("updated"));
        } catch (java.time.format.DateTimeParseException e) {
            throw root.error("updated", "not a time: " + UserText.escape(e.getParsedString()));
        }
        return Optional.of(new CellStatus(state, root.int32("exit_code"), message, root.string("where"), updated));
    }

    /**
     * Runs one attempt of a cell, recording it in its status file: RUNNING before, the outcome after (a
     * process killed in between leaves RUNNING, which {@link SweepStatus} recognises). The attempt holds
     * a lock beside the file, so that a second process given the same cell (a job array submitted twice)
     * neither trains it nor overwrites what the first records.
     *
     * @throws DirectoryLock.HeldException when another process is running an attempt of the cell
     */
    public static CellRunner.Result attempt(Sweep sweep, Sweep.PlannedCell cell, String where,
                                            Supplier<CellRunner.Result> body) throws IOException {
        Path file = sweep.statusFile(cell);
        try (DirectoryLock lock = DirectoryLock.acquireFile(file.resolveSibling(cell.name() + ".lock"), "cell "
                + cell.name() + " is being trained by another bfa process; see bfa sweep status " + sweep.directory())) {
            new CellStatus(State.RUNNING, 0, "", where, Instant.now()).write(file);
            CellRunner.Result result = body.get();
            new CellStatus(result.state(), result.exitCode(), result.message(), where, Instant.now()).write(file);
            return result;
        }
    }
}
