package dev.bfa.experiment;

import dev.bfa.model.BidirectionalModel;
import dev.bfa.report.MetricsWriter;
import dev.bfa.report.Progress;
import dev.bfa.report.RunFiles;
import dev.bfa.text.UserText;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run as it goes: a metrics.csv row per evaluation point, the progress display, and every
 * checkpoint the run hands over as model.ckpt (replaced atomically, so at the end it is the final
 * model); at the end, the model as model.safetensors. A write that fails ends the run with a
 * {@link RunWriteException} (wrapped: listeners cannot throw checked exceptions), except a
 * checkpoint that a later one can stand in for.
 */
final class RunRecorder implements TrainingRun.Listener, AutoCloseable {
    static final String CHECKPOINT = "model.ckpt";

    private final Path directory;
    private final MetricsWriter metrics;
    private final Progress progress;
    private long checkpointStep;
    private boolean configForced;
    /** Whether a checkpoint failed and the user has been told; cleared when one is saved again. */
    private boolean warned;

    /** {@code checkpointStep}: the step of the checkpoint already in {@code directory} (a resumed run), or -1. */
    RunRecorder(Path directory, int depth, Progress progress, long checkpointStep) throws IOException {
        this.directory = directory;
        this.checkpointStep = checkpointStep;
        this.metrics = RunFiles.openMetrics(directory, depth);
        this.progress = progress;
    }

    @Override
    public void stepped(long step, double forwardLoss, double reverseLoss) {
        progress.update(step, forwardLoss, reverseLoss);
    }

    @Override
    public void evaluated(EvaluationPoint point) {
        try {
            metrics.append(point);
        } catch (IOException e) {
            throw failed("cannot append to " + metrics.file(), e);
        }
        progress.evaluation(point);
    }

    /**
     * Saves the checkpoint, first asking the disk for the space it needs (the one cost this adds to
     * a checkpoint). One that cannot be written ends the run if it is the {@code last}; otherwise the
     * run trains on, warned once (until a checkpoint is saved again), and the next one tries again.
     */
    @Override
    public void checkpoint(BidirectionalModel model, Checkpoint.Header header, boolean last) {
        Path file = directory.resolve(CHECKPOINT);
        try {
            // A checkpoint on disk must never be ahead of what resuming it needs: config.json and
            // the metrics rows up to its step (resume refuses a metrics.csv that lacks them).
            if (!configForced) {
                try (FileChannel config = FileChannel.open(directory.resolve(RunFiles.CONFIG), StandardOpenOption.READ)) {
                    config.force(true);
                }
                configForced = true;
            }
            metrics.force();
            long size = Checkpoint.fileSize(model, header);
            long free = Files.getFileStore(directory).getUsableSpace();
            if (size > free) {
                throw new IOException(UserText.bytes(size) + " needed, only " + UserText.bytes(free) + " free");
            }
            Checkpoint.write(file, model, header);
        } catch (IOException e) {
            if (last) {
                throw failed("cannot write " + file + " at step " + header.step(), e);
            }
            if (!warned) {
                progress.warning("bfa: cannot write " + file + " at step " + header.step() + " ("
                        + UserText.reason(e) + "); training goes on and tries again at the next checkpoint; "
                        + kept());
                warned = true;
            }
            return;
        }
        checkpointStep = header.step();
        warned = false;
    }

    /** A finished run leaves its model for other tools too, beside model.ckpt. */
    @Override
    public void finished(BidirectionalModel model, TrainingRun run) {
        if (!run.control().exportsWeights()) {
            return;
        }
        Path file = directory.resolve(SafetensorsExport.FILE);
        try {
            SafetensorsExport.write(file, model, run.config(), run.completedSteps(), run.inputs());
        } catch (IOException e) {
            throw failed("cannot write " + file, e);
        }
    }

    /** A failed write in one line: what failed and why, what is kept, and how to continue. */
    private UncheckedIOException failed(String what, IOException e) {
        return new UncheckedIOException(new RunWriteException(what + " (" + UserText.reason(e) + "); " + kept()
                + "; free some space, then continue with --resume", e));
    }

    private String kept() {
        return checkpointStep >= 0 ? "the last good checkpoint, of step " + checkpointStep + ", is kept in "
                + directory.resolve(CHECKPOINT) : "no checkpoint has been saved yet";
    }

    /** The step of the checkpoint in the directory, or -1 if there is none. */
    long checkpointStep() {
        return checkpointStep;
    }

    @Override
    public void close() throws IOException {
        progress.close();
        metrics.close();
    }
}
