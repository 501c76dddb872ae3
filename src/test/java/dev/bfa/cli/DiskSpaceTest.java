package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.experiment.Experiments;
import dev.bfa.experiment.SafetensorsExport;
import dev.bfa.report.RunFiles;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk space a run needs, known before it trains: the plan is exact for the checkpoint and
 * bounds what else the run writes, a resumed run counts its checkpoint as already there, and a run
 * that cannot fit is refused up front, exit 4, having written nothing. (Filling a real disk needs
 * root and a small file system: scripts/disk-drill.sh.)
 */
class DiskSpaceTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path runs;

    private Path out;

    @BeforeEach
    void writeData() {
        TinyRuns.writeIdxDatasets(dataDir);
        out = runs.resolve("run");
    }

    private DiskPlan plan(RunConfig config, boolean exportsWeights, Path directory) throws IOException {
        try (Dataset forward = Dataset.load(DatasetId.parse(config.forwardDataset()), dataDir);
             Dataset reverse = Dataset.load(DatasetId.parse(config.reverseDataset()), dataDir)) {
            return DiskPlan.of(config, forward, reverse, exportsWeights, directory);
        }
    }

    @Test
    void thePlanIsExactForTheCheckpointAndBoundsTheOtherFiles() throws IOException {
        CliRun run = TinyRuns.run("train", dataDir, out, "--mode", "coupled-both", "--steps", "40", "--eval-every", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        DiskPlan plan = plan(RunFiles.readConfig(out), true, runs.resolve("not-yet"));

        assertThat(plan.checkpointBytes()).isEqualTo(Files.size(out.resolve(Experiments.CHECKPOINT)));
        assertThat(plan.weightsBytes()).isGreaterThanOrEqualTo(Files.size(out.resolve(SafetensorsExport.FILE)));
        long records;
        try (Stream<Path> files = Files.list(out)) {
            records = files.filter(f -> !List.of(Experiments.CHECKPOINT, SafetensorsExport.FILE)
                    .contains(f.getFileName().toString())).mapToLong(DiskSpaceTest::size).sum();
        }
        assertThat(plan.recordBytes()).isGreaterThanOrEqualTo(records);
        assertThat(plan.replacedBytes()).isZero();
        assertThat(plan.needed()).isEqualTo(2 * plan.checkpointBytes() + plan.weightsBytes() + plan.recordBytes());
        assertThat(plan(RunFiles.readConfig(out), false, runs.resolve("not-yet")).weightsBytes()).isZero();
    }

    /** A resumed run (or --overwrite) replaces the checkpoint and weights in its directory: their space comes back. */
    @Test
    void theFilesARunReplacesCountAsFreed() throws IOException {
        CliRun run = TinyRuns.run("train", dataDir, out);
        assertThat(run.exitCode()).as(run.err()).isZero();
        DiskPlan plan = plan(RunFiles.readConfig(out), true, out);
        long checkpoint = Files.size(out.resolve(Experiments.CHECKPOINT));
        assertThat(plan.replacedBytes()).isEqualTo(checkpoint + Files.size(out.resolve(SafetensorsExport.FILE)));
        assertThat(plan.needed()).isEqualTo(2 * checkpoint + plan.weightsBytes() + plan.recordBytes()
                - plan.replacedBytes());
    }

    /** The metrics of 10^13 evaluation points (about 8 PB) fit on no disk the tests run on. */
    @Test
    void aRunThatCannotFitIsRefusedBeforeItWritesAnything() {
        CliRun run = TinyRuns.run("train", dataDir, out, "--steps", "10000000000000", "--eval-every", "1");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.OUTPUT);
        assertThat(run.errLines()).singleElement().asString()
                .matches("bfa train: " + java.util.regex.Pattern.quote(out.toString()) + ": the run needs [0-9.]+ TiB"
                        + " of disk space \\(model\\.ckpt [0-9.]+ KiB, twice while a new one replaces it; "
                        + "model\\.safetensors [0-9.]+ KiB; metrics, figures and report [0-9.]+ TiB\\) but only "
                        + "[0-9.]+ [KMGT]iB is free there; free some space or choose another --out");
        assertThat(out).doesNotExist();
    }

    /** train with checkpoints every 10 of 30 steps, --overwrite (the directory holds a prepared fault); stderr of the run's progress in {@code progress}. */
    private CliRun checkpointed(Path dir, java.io.ByteArrayOutputStream progress) {
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(progress, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return TinyRuns.run("train", dataDir, dir, "--steps", "30", "--eval-every", "5", "--checkpoint-every", "10",
                    "--overwrite");
        } finally {
            System.setErr(saved);
        }
    }

    /**
     * The checkpoint of step 10 meets a full disk (its temporary file is /dev/full): one warning
     * line, training goes on, the checkpoint of step 20 is saved, and the run ends as one that never
     * failed, with no temporary file left.
     */
    @Test
    void aPeriodicCheckpointThatFailsWarnsOnceAndTheRunGoesOn() throws IOException {
        Path deviceFull = Path.of("/dev/full");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isWritable(deviceFull), "needs Linux's /dev/full");
        Path reference = runs.resolve("reference");
        assertThat(checkpointed(reference, new java.io.ByteArrayOutputStream()).exitCode()).isZero();

        Files.createDirectories(out);
        Files.createSymbolicLink(out.resolve(Experiments.CHECKPOINT + ".tmp"), deviceFull);
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        CliRun run = checkpointed(out, progress);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(progress.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList()).singleElement()
                .isEqualTo("bfa: cannot write " + out.resolve(Experiments.CHECKPOINT) + " at step 10 (No space left on "
                        + "device); training goes on and tries again at the next checkpoint; no checkpoint has been "
                        + "saved yet");
        assertThat(out.resolve(Experiments.CHECKPOINT + ".tmp")).doesNotExist();
        SameRun.assertBitIdentical(reference, out);
    }

    /**
     * Every checkpoint fails (a directory stands where the temporary file goes): one warning for
     * them all, then the last one ends the run, exit 4, naming the file and how to continue; once
     * the cause is gone, --resume finishes the run.
     */
    @Test
    void aFinalCheckpointThatFailsIsExitFourAndTheRunResumes() throws IOException {
        Path inTheWay = Files.createDirectories(out.resolve(Experiments.CHECKPOINT + ".tmp"));
        Files.writeString(inTheWay.resolve("keeps-it"), "x");
        java.io.ByteArrayOutputStream progress = new java.io.ByteArrayOutputStream();
        CliRun run = checkpointed(out, progress);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.OUTPUT);
        assertThat(progress.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList()).singleElement()
                .asString().startsWith("bfa: cannot write " + out.resolve(Experiments.CHECKPOINT) + " at step 10 (");
        assertThat(run.errLines()).singleElement().asString().isEqualTo("bfa train: cannot write "
                + out.resolve(Experiments.CHECKPOINT) + " at step 30 (Is a directory); no checkpoint "
                + "has been saved yet; free some space, then continue with --resume");
        assertThat(out.resolve(Experiments.CHECKPOINT)).doesNotExist();

        Files.delete(inTheWay.resolve("keeps-it"));
        Files.delete(inTheWay);
        CliRun resumed = CliRun.of("train", "--resume", out.toString(), "--data-dir", dataDir.toString(), "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.exists(out.resolve(RunFiles.SUMMARY))).isTrue();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
