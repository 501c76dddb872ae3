package dev.bfa.experiment;

import dev.bfa.data.Dataset;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.Mode;
import dev.bfa.report.CombinedReport;
import dev.bfa.report.Progress;
import dev.bfa.report.RunFiles;
import dev.bfa.report.RunSummary;
import dev.bfa.text.UserText;
import dev.bfa.training.Divergence.DivergedException;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The two things a user runs: one training run written to a run directory ({@link #train}, or
 * {@link #resume} to continue one), and the paper's experiment, every mode on the same data and
 * seed plus a combined report ({@link #reproduce}).
 */
public final class Experiments {
    /** The run directory's checkpoint: the latest state while training, the final model after. */
    public static final String CHECKPOINT = RunRecorder.CHECKPOINT;

    private Experiments() {
    }

    /**
     * What a run produced. {@code summary} is null when the run stopped on request before its last
     * step ({@link #stopped}); its checkpoint is then at {@code completedSteps}.
     */
    public record Outcome(RunSummary summary, List<EvaluationPoint> points, long completedSteps) {
        public boolean stopped() {
            return summary == null;
        }
    }

    /** Trains {@code config} into {@code directory} with a checkpoint at the end only. */
    public static Outcome train(RunConfig config, Dataset forward, Dataset reverse, Path directory, Kernels kernels,
                                ComputePool pool, Function<RunConfig, Progress> progress) throws IOException {
        return train(config, forward, reverse, directory, kernels, pool, progress, TrainingRun.Control.END_ONLY);
    }

    /**
     * Trains {@code config} into {@code directory} (created if needed; what an earlier run left
     * there is replaced): config.json, metrics.csv as it goes, model.ckpt at each checkpoint, then
     * summary.json, the figures and report.md.
     */
    public static Outcome train(RunConfig config, Dataset forward, Dataset reverse, Path directory, Kernels kernels,
                                ComputePool pool, Function<RunConfig, Progress> progress,
                                TrainingRun.Control control) throws IOException {
        try (DirectoryLock lock = DirectoryLock.acquire(directory)) {
            return trainLocked(config, forward, reverse, directory, kernels, pool, progress, control);
        }
    }

    private static Outcome trainLocked(RunConfig config, Dataset forward, Dataset reverse, Path directory,
                                       Kernels kernels, ComputePool pool, Function<RunConfig, Progress> progress,
                                       TrainingRun.Control control) throws IOException {
        TrainingRun run = new TrainingRun(config, forward, reverse, kernels, pool, control);
        RunFiles.writeConfig(directory, config, run.provenance());
        // An earlier run's rows and model must not mix with this run's (--overwrite).
        Files.deleteIfExists(directory.resolve(RunFiles.METRICS));
        Files.deleteIfExists(directory.resolve(CHECKPOINT));
        Files.deleteIfExists(directory.resolve(SafetensorsExport.FILE));
        return record(run, directory, progress, -1, recorder -> run.run(recorder), true);
    }

    /**
     * Continues the run of {@code config} in {@code directory} from its model.ckpt, so that the
     * model and every deterministic metrics column end as those of a run that never stopped; with no
     * checkpoint there yet, starts it over; a finished run is left as it is. The metrics rows after
     * the checkpoint's step (written before a crash) are dropped first: the resumed run writes them
     * again.
     *
     * @throws Checkpoint.CheckpointException when the checkpoint is unusable, of another
     *                                        configuration, or the metrics lack its earlier rows
     * @throws IOException                    also when another process is training in the directory
     */
    public static Outcome resume(RunConfig config, Dataset forward, Dataset reverse, Path directory, Kernels kernels,
                                 ComputePool pool, Function<RunConfig, Progress> progress,
                                 TrainingRun.Control control) throws IOException {
        try (DirectoryLock lock = DirectoryLock.acquire(directory)) {
            return resumeLocked(config, forward, reverse, directory, kernels, pool, progress, control);
        }
    }

    private static Outcome resumeLocked(RunConfig config, Dataset forward, Dataset reverse, Path directory,
                                        Kernels kernels, ComputePool pool, Function<RunConfig, Progress> progress,
                                        TrainingRun.Control control) throws IOException {
        Path checkpoint = directory.resolve(CHECKPOINT);
        if (!Files.exists(checkpoint)) {
            return trainLocked(config, forward, reverse, directory, kernels, pool, progress, control);
        }
        TrainingRun run = new TrainingRun(config, forward, reverse, kernels, pool, control);
        Checkpoint.Header header = Checkpoint.verify(checkpoint);
        run.checkResumable(header, checkpoint);
        List<Long> expected = evaluationSteps(config, header.step());
        List<Long> found = RunFiles.readMetrics(directory).stream().map(EvaluationPoint::step)
                .filter(step -> step <= header.step()).toList();
        if (!found.equals(expected)) {
            throw new Checkpoint.CheckpointException(directory.resolve(RunFiles.METRICS) + ": holds the rows of steps "
                    + found + " up to the checkpoint's step " + header.step() + ", expected " + expected
                    + "; the run cannot be continued exactly");
        }
        if (header.step() == config.steps() && Files.exists(directory.resolve(RunFiles.SUMMARY))) {
            // Finished already: nothing to train, and its summary keeps its wall time.
            return new Outcome(RunFiles.readSummary(directory), RunFiles.readMetrics(directory), header.step());
        }
        List<EvaluationPoint> earlier = RunFiles.truncateMetrics(directory, header.step());
        // The wall time of the processes before this one is unknown: summary.json says so (NaN).
        return record(run, directory, progress, header.step(), recorder -> run.resume(checkpoint, earlier, recorder),
                false);
    }

    /** Whether a bfa process is training in {@code directory} now (it holds the directory's lock). */
    public static boolean isTraining(Path directory) throws IOException {
        return DirectoryLock.isHeld(directory);
    }

    /** The steps at which a run of {@code config} evaluates, up to and including {@code upTo}. */
    public static List<Long> evaluationSteps(RunConfig config, long upTo) {
        List<Long> steps = new ArrayList<>();
        for (long step = 0; step <= upTo; step += config.evaluationEvery()) {
            steps.add(step);
        }
        if (upTo == config.steps() && steps.getLast() != upTo) {
            steps.add(upTo);
        }
        return steps;
    }

    @FunctionalInterface
    private interface Body {
        void run(RunRecorder recorder) throws IOException;
    }

    private static Outcome record(TrainingRun run, Path directory, Function<RunConfig, Progress> progress,
                                  long checkpointStep, Body body, boolean wholeRun) throws IOException {
        long start = System.nanoTime();
        RunConfig config = run.config();
        try (RunRecorder recorder = new RunRecorder(directory, config.depth(), progress.apply(config),
                checkpointStep)) {
            try {
                body.run(recorder);
            } catch (UncheckedIOException e) {
                if (e.getCause() instanceof RunWriteException failed) {
                    throw failed;
                }
                throw e;
            } catch (DivergedException e) {
                throw new DivergedException(e.step(), e.getMessage() + "; " + (recorder.checkpointStep() >= 0
                        ? "the last good checkpoint, of step " + recorder.checkpointStep() + ", is kept in "
                        + directory.resolve(CHECKPOINT)
                        : "no checkpoint was written (--checkpoint-every N keeps one)"));
            }
        }
        if (run.stopped()) {
            return new Outcome(null, run.points(), run.completedSteps());
        }
        double wall = wholeRun ? (System.nanoTime() - start) / 1e9 : Double.NaN;
        RunSummary summary;
        try {
            summary = RunFiles.finish(directory, config, run.points(), wall, run.provenance());
        } catch (IOException e) {
            throw new RunWriteException(directory + ": cannot write the summary, figures and report ("
                    + UserText.reason(e) + "); the final checkpoint is saved; free some space, then continue with "
                    + "--resume", e);
        }
        return new Outcome(summary, run.points(), run.completedSteps());
    }

    /** Runs every mode of {@code modes} into {@code directory}/MODE/, then the combined report in {@code directory}. */
    public static Map<Mode, Outcome> reproduce(RunConfig base, List<Mode> modes, Dataset forward, Dataset reverse,
                                               Path directory, Kernels kernels, ComputePool pool,
                                               Function<RunConfig, Progress> progress) throws IOException {
        return reproduce(base, modes, forward, reverse, directory, kernels, pool, progress,
                TrainingRun.Control.END_ONLY, false);
    }

    /**
     * As above, with checkpoints and stopping as {@code control} says; a stop ends the experiment
     * after the mode in progress has saved its checkpoint (the outcomes then end with that mode's).
     * With {@code resume}, each mode continues as {@link #resume} does: finished modes are kept,
     * a stopped one continues from its checkpoint, the others start.
     */
    public static Map<Mode, Outcome> reproduce(RunConfig base, List<Mode> modes, Dataset forward, Dataset reverse,
                                               Path directory, Kernels kernels, ComputePool pool,
                                               Function<RunConfig, Progress> progress, TrainingRun.Control control,
                                               boolean resume) throws IOException {
        Files.createDirectories(directory);
        Map<Mode, Outcome> outcomes = new EnumMap<>(Mode.class);
        Map<Mode, List<EvaluationPoint>> runs = new EnumMap<>(Mode.class);
        Map<Mode, RunSummary> summaries = new EnumMap<>(Mode.class);
        for (Mode mode : modes) {
            Path modeDirectory = directory.resolve(mode.cliName());
            Outcome outcome = resume
                    ? resume(base.withMode(mode), forward, reverse, modeDirectory, kernels, pool, progress, control)
                    : train(base.withMode(mode), forward, reverse, modeDirectory, kernels, pool, progress, control);
            outcomes.put(mode, outcome);
            if (outcome.stopped()) {
                break;
            }
            runs.put(mode, outcome.points());
            summaries.put(mode, outcome.summary());
            try {
                CombinedReport.write(directory, base, runs, summaries);
            } catch (IOException e) {
                throw new RunWriteException(directory + ": cannot write the combined report (" + UserText.reason(e)
                        + "); the runs of " + String.join(", ", runs.keySet().stream().map(Mode::cliName).toList())
                        + " are finished and kept; free some space, then continue with --resume", e);
            }
        }
        return outcomes;
    }
}
