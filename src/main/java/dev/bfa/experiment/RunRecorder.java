package dev.bfa.experiment;

import dev.bfa.model.BidirectionalModel;
import dev.bfa.report.MetricsWriter;
import dev.bfa.report.Progress;
import dev.bfa.report.RunFiles;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.Trainer.StepLoss;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes a run as it goes: a metrics.csv row per evaluation point, the progress display, and at
 * the end the final model as model.ckpt.
 */
final class RunRecorder implements TrainingRun.Listener, AutoCloseable {
    static final String CHECKPOINT = "model.ckpt";

    private final Path directory;
    private final MetricsWriter metrics;
    private final Progress progress;

    RunRecorder(Path directory, int depth, Progress progress) throws IOException {
        this.directory = directory;
        this.metrics = RunFiles.openMetrics(directory, depth);
        this.progress = progress;
    }

    @Override
    public void stepped(long step, StepLoss loss) {
        progress.update(step, loss.forward(), loss.reverse());
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
    public void finished(BidirectionalModel model, TrainingRun run) {
        try {
            Checkpoint.write(directory.resolve(CHECKPOINT), model, new Checkpoint.Header(
                    Checkpoint.identity(model.spec()), RunFiles.configJson(run.config()), run.completedSteps(),
                    run.forwardSamplerState(), run.reverseSamplerState()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(CHECKPOINT) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        progress.close();
        metrics.close();
    }
}
