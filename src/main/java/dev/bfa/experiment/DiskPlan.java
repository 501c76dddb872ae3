package dev.bfa.experiment;

import dev.bfa.data.Dataset;
import dev.bfa.report.MetricsLayout;
import dev.bfa.report.RunFiles;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The disk space a run needs in its directory, from the shapes, before anything is written (as
 * {@link TrainingRun.MemoryPlan} is for memory), so that a run that cannot fit is refused before it
 * trains rather than failing at its last checkpoint. What it counts, as if it were all on disk at
 * once:
 * <ul>
 *   <li>model.ckpt twice: while a new checkpoint is written to its temporary file, the old one
 *       stays ({@link Checkpoint#fileSize}, exact);</li>
 *   <li>model.safetensors, unless the run does not export it ({@link SafetensorsExport#maxFileSize},
 *       a bound);</li>
 *   <li>metrics.csv, a bound: its header and a row per evaluation point, each field at most
 *       {@value #FIELD_BYTES} bytes; and {@value #REPORT_ALLOWANCE} bytes for the two figures (PNGs
 *       of 50 to 100 KiB), report.md, summary.json and config.json (a few KiB each);</li>
 *   <li>less what the files the run replaces hold now (a resumed run's model.ckpt, a leftover
 *       temporary file, an earlier model.safetensors): their space comes back.</li>
 * </ul>
 *
 * @param checkpointBytes model.ckpt
 * @param weightsBytes    model.safetensors at most; 0 when the run does not export it
 * @param recordBytes     metrics.csv at most, and the allowance for the figures and reports
 * @param replacedBytes   what the files the run replaces hold now
 */
public record DiskPlan(long checkpointBytes, long weightsBytes, long recordBytes, long replacedBytes) {
    /** The figures, report.md, summary.json and config.json of one run, together. */
    public static final long REPORT_ALLOWANCE = 1 << 20;
    /** A metrics.csv field and its comma: a double's shortest decimal form is at most 24 characters. */
    public static final int FIELD_BYTES = 32;

    /**
     * What a run of {@code config} on these datasets needs in {@code directory} (which may hold an
     * earlier state of it, or not exist yet).
     */
    public static DiskPlan of(RunConfig config, Dataset forward, Dataset reverse, boolean exportsWeights,
                              Path directory) throws IOException {
        var spec = TrainingRun.modelSpec(config, forward.features(), reverse.features(), forward.classes());
        long checkpoint = Checkpoint.fileSize(spec, RunFiles.configJson(config));
        long weights = exportsWeights ? SafetensorsExport.maxFileSize(spec) : 0;
        long rows = config.steps() / config.evaluationEvery() + 1 + (config.steps() % config.evaluationEvery() == 0
                ? 0 : 1);
        long metrics = Math.multiplyExact(rows + 1, (long) new MetricsLayout(config.depth()).columns().size()
                * FIELD_BYTES);
        Path checkpointFile = directory.resolve(Experiments.CHECKPOINT);
        long replaced = sizeIfPresent(checkpointFile) + sizeIfPresent(Checkpoint.temporaryOf(checkpointFile))
                + sizeIfPresent(directory.resolve(SafetensorsExport.FILE));
        return new DiskPlan(checkpoint, weights, Math.addExact(metrics, REPORT_ALLOWANCE), replaced);
    }

    private static long sizeIfPresent(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    /** The bytes the run will take beyond what its directory holds now. */
    public long needed() {
        long written = Math.addExact(Math.multiplyExact(2, checkpointBytes), Math.addExact(weightsBytes, recordBytes));
        return Math.max(0, written - replacedBytes);
    }
}
