package dev.bfa.experiment;

import dev.bfa.model.BidirectionalModel;
import dev.bfa.report.MetricsWriter;
import dev.bfa.report.Progress;
import dev.bfa.report.RunFiles;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a run as it goes: a metrics.csv row per evaluation point, the progress display, and every
 * checkpoint the run hands over as model.ckpt (replaced atomically, so at the end it is the final
 * model); at the end, the model as model.safetensors.
 */
final class RunRecorder implements TrainingRun.Listener, AutoCloseable {
    static final String CHECKPOINT = "model.ckpt";

    private final Path directory;
    private final MetricsWriter metrics;
    private final Progress progress;
    private long checkpointStep;
    private boolean configForced;

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
            throw new UncheckedIOException("cannot append to " + metrics.file() + ": " + e.getMessage(), e);
        }
        progress.evaluation(point);
    }

    @Override
    public void checkpoint(BidirectionalModel model, Checkpoint.Header header) {
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
            Checkpoint.write(directory.resolve(CHECKPOINT), model, header);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(CHECKPOINT) + ": " + e.getMessage(), e);
        }
        checkpointStep = header.step();
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
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
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
