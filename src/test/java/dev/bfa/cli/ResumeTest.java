package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.data.TestFiles;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.Experiments;
import dev.bfa.experiment.RunWriteException;
import dev.bfa.experiment.TrainingRun;
import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.report.Progress;
import dev.bfa.report.Provenance;
import dev.bfa.report.RunFiles;
import dev.bfa.training.Divergence;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * In one JVM: a run stopped after j steps and continued with {@code train --resume} ends
 * bit-identical to one that ran its K steps without stopping; and --resume refuses what it cannot
 * continue exactly, with one line.
 */
class ResumeTest {
    private static final long STEPS = 12;
    private static final long EVERY = 4;

    @TempDir
    static Path dataDir;

    @BeforeAll
    static void writeDatasets() {
        TestFiles.writeTinyMnistPair(dataDir, 96, 40);
    }

    private static RunConfig config(Mode mode, OptimizerConfig.Kind kind) {
        OptimizerConfig optimizer = new OptimizerConfig(kind, kind == OptimizerConfig.Kind.ADAM ? 1e-3f : 0.05f,
                0.9f, 0.9f, 0.999f, 1e-8f, mode.rule().trainsFeedback() ? 2f : 0f);
        return new RunConfig(mode, "fashion-mnist", "mnist", 12, 3, Activation.RELU, optimizer, 16, STEPS, EVERY, 1, 1);
    }

    /** Trains {@code config} into {@code dir}, stopped after {@code stopAfter} steps (or to its end). */
    private static Experiments.Outcome train(RunConfig config, Path dir, long stopAfter) throws IOException {
        AtomicLong polls = new AtomicLong();
        try (Dataset forward = Dataset.load(DatasetId.FASHION_MNIST, dataDir);
             Dataset reverse = Dataset.load(DatasetId.MNIST, dataDir);
             ComputePool pool = ComputePool.create(1)) {
            // The stop request is polled once after every step.
            return Experiments.train(config, forward, reverse, dir, KernelProvider.kernels(), pool,
                    c -> Progress.quiet(), new TrainingRun.Control(0, () -> polls.incrementAndGet() >= stopAfter));
        }
    }

    private static CliRun resume(Path dir, String... extra) {
        String[] args = new String[5 + extra.length];
        System.arraycopy(new String[] {"train", "--resume", dir.toString(), "--data-dir", dataDir.toString()}, 0,
                args, 0, 5);
        System.arraycopy(extra, 0, args, 5, extra.length);
        return CliRun.of(args);
    }

    @ParameterizedTest(name = "{0} {1}, stopped after step {2}")
    @CsvSource({
        "COUPLED_BOTH, ADAM, 1",
        "COUPLED_BOTH, ADAM, 4",
        "COUPLED_BOTH, ADAM, 6",
        "FA, SGD, 7",
        "BP, ADAM, 11",
        "SIGN, ADAM, 5",
        "DFA, SGD, 9",
        "KP, ADAM, 3",
        "KP_COUPLED_BACKWARD, SGD, 6",
        "KP_COUPLED_BOTH, ADAM, 7",
    })
    void aStoppedRunResumesToTheSameBits(Mode mode, OptimizerConfig.Kind kind, long stopAfter, @TempDir Path out)
            throws IOException {
        RunConfig config = config(mode, kind);
        Path whole = out.resolve("whole");
        assertThat(train(config, whole, Long.MAX_VALUE).stopped()).isFalse();

        Path parts = out.resolve("parts");
        Experiments.Outcome first = train(config, parts, stopAfter);
        assertThat(first.stopped()).isTrue();
        assertThat(Checkpoint.readHeader(parts.resolve(Experiments.CHECKPOINT)).step()).isEqualTo(stopAfter);
        assertThat(parts.resolve(RunFiles.SUMMARY)).doesNotExist();

        CliRun resumed = resume(parts, "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming " + parts + " at step " + stopAfter + " of " + STEPS);
        assertThat(parts.resolve(RunFiles.SUMMARY)).isRegularFile();
        SameRun.assertBitIdentical(whole, parts);
    }

    @Test
    void rowsWrittenAfterTheCheckpointAreDroppedAndWrittenAgain(@TempDir Path out) throws IOException {
        RunConfig config = config(Mode.COUPLED_BACKWARD, OptimizerConfig.Kind.ADAM);
        Path whole = out.resolve("whole");
        train(config, whole, Long.MAX_VALUE);
        // A crash after step 10 with the last checkpoint at step 6: metrics.csv already has the row
        // of step 8 and half of a row after it.
        Path crashed = out.resolve("crashed");
        train(config, crashed, 6);
        Files.writeString(crashed.resolve(RunFiles.METRICS), SameRun.deterministicColumns(whole).get(3)
                + ",1.0,2.0\n8,coupled-b", StandardOpenOption.APPEND);
        CliRun resumed = resume(crashed, "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        SameRun.assertBitIdentical(whole, crashed);
    }

    @Test
    void aRunWithoutACheckpointStartsOver(@TempDir Path out) throws IOException {
        RunConfig config = config(Mode.FA, OptimizerConfig.Kind.ADAM);
        Path whole = out.resolve("whole");
        train(config, whole, Long.MAX_VALUE);
        Path early = out.resolve("early");
        Files.createDirectories(early);
        RunFiles.writeConfig(early, config, Provenance.of(KernelProvider.kernels(), 1));
        CliRun resumed = resume(early, "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("no checkpoint in " + early + ": starting it over");
        SameRun.assertBitIdentical(whole, early);
    }

    @Test
    void aStoppedReproduceResumesEveryModeToTheSameBits(@TempDir Path out) throws IOException {
        RunConfig base = config(Mode.FA, OptimizerConfig.Kind.ADAM);
        List<Mode> modes = List.of(Mode.FA, Mode.COUPLED_BACKWARD, Mode.COUPLED_BOTH);
        Path whole = out.resolve("whole");
        reproduce(base, modes, whole, Long.MAX_VALUE);
        // Stopped in the second mode, after its step 5; the third mode never started.
        Path parts = out.resolve("parts");
        Map<Mode, Experiments.Outcome> stopped = reproduce(base, modes, parts, STEPS + 5);
        assertThat(stopped.get(Mode.COUPLED_BACKWARD).stopped()).isTrue();
        assertThat(parts.resolve("coupled-both")).doesNotExist();

        CliRun resumed = CliRun.of("reproduce", "--resume", parts.toString(), "--no-bp", "--data-dir",
                dataDir.toString(), "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        for (Mode mode : modes) {
            SameRun.assertBitIdentical(whole.resolve(mode.cliName()), parts.resolve(mode.cliName()));
        }
        assertThat(parts.resolve(RunFiles.REPORT)).isRegularFile();
    }

    private static Map<Mode, Experiments.Outcome> reproduce(RunConfig base, List<Mode> modes, Path dir, long stopAfter)
            throws IOException {
        AtomicLong polls = new AtomicLong();
        try (Dataset forward = Dataset.load(DatasetId.FASHION_MNIST, dataDir);
             Dataset reverse = Dataset.load(DatasetId.MNIST, dataDir);
             ComputePool pool = ComputePool.create(1)) {
            return Experiments.reproduce(base, modes, forward, reverse, dir, KernelProvider.kernels(), pool,
                    c -> Progress.quiet(), new TrainingRun.Control(0, () -> polls.incrementAndGet() >= stopAfter),
                    false);
        }
    }

    @Test
    void aCombinedReportThatCannotBeWrittenKeepsTheRunsAndSaysHowToContinue(@TempDir Path out) throws IOException {
        Path dir = out.resolve("experiment");
        // A directory where the report goes: the rename over it fails as a full disk's write would.
        Files.createDirectories(dir.resolve(RunFiles.REPORT));
        assertThatThrownBy(() -> reproduce(config(Mode.FA, OptimizerConfig.Kind.ADAM), List.of(Mode.FA, Mode.BP), dir,
                Long.MAX_VALUE))
                .isInstanceOf(RunWriteException.class)
                .hasMessageStartingWith(dir + ": cannot write the combined report (")
                .hasMessageEndingWith("); the runs of fa are finished and kept; free some space, then continue with "
                        + "--resume");
        assertThat(dir.resolve("fa").resolve(RunFiles.SUMMARY)).isRegularFile();
        try (var files = Files.walk(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void resumingAFinishedRunChangesNothing(@TempDir Path out) throws IOException {
        Path dir = out.resolve("run");
        train(config(Mode.FA, OptimizerConfig.Kind.ADAM), dir, Long.MAX_VALUE);
        byte[] summary = Files.readAllBytes(dir.resolve(RunFiles.SUMMARY));
        byte[] metrics = Files.readAllBytes(dir.resolve(RunFiles.METRICS));
        byte[] model = Files.readAllBytes(dir.resolve(Experiments.CHECKPOINT));
        CliRun again = resume(dir, "--quiet");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("after 12 steps");
        assertThat(Files.readAllBytes(dir.resolve(RunFiles.SUMMARY))).isEqualTo(summary);
        assertThat(Files.readAllBytes(dir.resolve(RunFiles.METRICS))).isEqualTo(metrics);
        assertThat(Files.readAllBytes(dir.resolve(Experiments.CHECKPOINT))).isEqualTo(model);
    }

    @Test
    void optionsThatWouldForkTheRunAreRefused(@TempDir Path out) throws IOException {
        Path dir = out.resolve("run");
        train(config(Mode.COUPLED_BOTH, OptimizerConfig.Kind.ADAM), dir, 5);

        CliRun width = resume(dir, "--width", "16");
        assertThat(width.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(width.errLines()).singleElement().asString()
                .contains("--width 16 conflicts with the run being resumed (12 in");
        CliRun overwrite = resume(dir, "--overwrite");
        assertThat(overwrite.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(overwrite.errLines()).singleElement().asString().contains("--overwrite");
        CliRun elsewhere = resume(dir, "--out", out.resolve("other").toString());
        assertThat(elsewhere.exitCode()).isEqualTo(CliException.USAGE);
        CliRun notARun = resume(out.resolve("nothing"));
        assertThat(notARun.errLines()).singleElement().asString().contains("not a run directory");
        assertThat(Checkpoint.readHeader(dir.resolve(Experiments.CHECKPOINT)).step()).isEqualTo(5);

        // Repeating the run's own values is fine, and --threads may change.
        CliRun same = resume(dir, "--width", "12", "--mode", "coupled-both", "--steps", "12", "--threads", "2",
                "--quiet");
        assertThat(same.exitCode()).as(same.err()).isZero();
    }

    @Test
    void aCorruptCheckpointIsRefusedAndTheRunLeftAsItWas(@TempDir Path out) throws IOException {
        Path dir = out.resolve("run");
        train(config(Mode.FA, OptimizerConfig.Kind.ADAM), dir, 5);
        Path checkpoint = dir.resolve(Experiments.CHECKPOINT);
        String metrics = Files.readString(dir.resolve(RunFiles.METRICS));
        try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            file.seek(file.length() / 2);
            int b = file.read();
            file.seek(file.length() / 2);
            file.write(b ^ 0x10);
        }
        CliRun corrupt = resume(dir, "--quiet");
        assertThat(corrupt.exitCode()).isEqualTo(CliException.BAD_RUN_FILE);
        assertThat(corrupt.errLines()).singleElement().asString().contains("checksum mismatch");
        assertThat(Files.readString(dir.resolve(RunFiles.METRICS))).isEqualTo(metrics);
    }

    @Test
    void aDivergedRunStopsWithItsStepAndKeepsTheLastGoodCheckpoint(@TempDir Path out) throws IOException {
        Path dir = out.resolve("run");
        // Plain SGD at a rate of 1e4 blows up within a few steps of these tiny networks.
        CliRun diverged = CliRun.of("train", "--data-dir", dataDir.toString(), "--out", dir.toString(), "--steps", "60",
                "--eval-every", "5", "--checkpoint-every", "2", "--batch", "16", "--width", "12", "--depth", "3",
                "--threads", "1", "--optimizer", "sgd", "--lr", "1e4", "--quiet");
        assertThat(diverged.exitCode()).isEqualTo(CliException.DIVERGED);
        String line = diverged.errLines()[diverged.errLines().length - 1];
        assertThat(line).matches("bfa train: step (\\d+): the loss of [FR] is (NaN|-?Infinity); .* is kept in "
                + Pattern.quote(dir.resolve(Experiments.CHECKPOINT).toString()));
        long failedAt = Long.parseLong(line.replaceAll("^bfa train: step (\\d+):.*", "$1"));
        long kept = Checkpoint.readHeader(dir.resolve(Experiments.CHECKPOINT)).step();
        assertThat(line).contains("the last good checkpoint, of step " + kept + ",");
        assertThat(kept).isLessThan(failedAt).isGreaterThanOrEqualTo(failedAt - 2);
        assertThat(dir.resolve(RunFiles.SUMMARY)).doesNotExist();
        // The kept checkpoint loads, and every number in it is finite.
        RunConfig config = RunFiles.readConfig(dir);
        try (BidirectionalModel model = BidirectionalModel.create(TrainingRun.modelSpec(config, 784, 784, 10))) {
            Checkpoint.load(dir.resolve(Experiments.CHECKPOINT), model);
            assertThatCode(() -> Divergence.checkMemory(kept, model)).doesNotThrowAnyException();
        }
    }
}
