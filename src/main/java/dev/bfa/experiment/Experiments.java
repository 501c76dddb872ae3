package dev.bfa.experiment;

import dev.bfa.data.Dataset;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.Mode;
import dev.bfa.report.CombinedReport;
import dev.bfa.report.Progress;
import dev.bfa.report.RunFiles;
import dev.bfa.report.RunSummary;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The two things a user runs: one training run written to a run directory ({@link #train}), and
 * the paper's experiment, every mode on the same data and seed plus a combined report
 * ({@link #reproduce}).
 */
public final class Experiments {
    private Experiments() {
    }

    /** What a finished run produced. */
    public record Outcome(RunSummary summary, List<EvaluationPoint> points) {
    }

    /**
     * Trains {@code config} into {@code directory} (which must exist and be empty or hold only
     * files this run rewrites): config.json, metrics.csv as it goes, then model.ckpt,
     * summary.json, the figures and report.md.
     */
    public static Outcome train(RunConfig config, Dataset forward, Dataset reverse, Path directory, Kernels kernels,
                                ComputePool pool, Function<RunConfig, Progress> progress) throws IOException {
        Files.createDirectories(directory);
        RunFiles.writeConfig(directory, config);
        long start = System.nanoTime();
        TrainingRun run = new TrainingRun(config, forward, reverse, kernels, pool);
        try (RunRecorder recorder = new RunRecorder(directory, config.depth(), progress.apply(config))) {
            run.run(recorder);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Outcome(RunFiles.finish(directory, config, run.points(), wall), run.points());
    }

    /** Runs every mode of {@code modes} into {@code directory}/MODE/, then the combined report in {@code directory}. */
    public static Map<Mode, Outcome> reproduce(RunConfig base, List<Mode> modes, Dataset forward, Dataset reverse,
                                               Path directory, Kernels kernels, ComputePool pool,
                                               Function<RunConfig, Progress> progress) throws IOException {
        Files.createDirectories(directory);
        Map<Mode, Outcome> outcomes = new EnumMap<>(Mode.class);
        Map<Mode, List<EvaluationPoint>> runs = new EnumMap<>(Mode.class);
        Map<Mode, RunSummary> summaries = new EnumMap<>(Mode.class);
        for (Mode mode : modes) {
            Outcome outcome = train(base.withMode(mode), forward, reverse, directory.resolve(mode.cliName()), kernels,
                    pool, progress);
            outcomes.put(mode, outcome);
            runs.put(mode, outcome.points());
            summaries.put(mode, outcome.summary());
            CombinedReport.write(directory, base, runs, summaries);
        }
        return outcomes;
    }
}
