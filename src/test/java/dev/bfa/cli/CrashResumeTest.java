package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.bfa.ChildJvm;
import dev.bfa.data.TestFiles;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.Experiments;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The trainer in a child JVM, stopped the hard ways: SIGKILL in the middle of training, SIGKILL in
 * the middle of writing a checkpoint, Ctrl-C (SIGINT) and SIGTERM. Each time {@code train --resume} must
 * finish the run bit-identical to one that was never stopped.
 */
class CrashResumeTest {
    private static final long STEPS = 300;
    private static final long CHECKPOINT_EVERY = 50;
    private static final List<String> RUN = List.of("--mode", "coupled-both", "--steps", String.valueOf(STEPS),
            "--eval-every", "30", "--checkpoint-every", String.valueOf(CHECKPOINT_EVERY), "--batch", "16",
            "--width", "16", "--depth", "3", "--threads", "1", "--quiet");

    @TempDir
    static Path shared;
    private static Path data;
    private static Path reference;

    @BeforeAll
    static void trainWithoutInterruption() throws IOException {
        data = shared.resolve("data");
        TestFiles.writeTinyMnistPair(data, 96, 40);
        reference = shared.resolve("reference");
        CliRun whole = CliRun.of(args(reference));
        assertThat(whole.exitCode()).as(whole.err()).isZero();
    }

    private static String[] args(Path out) {
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--out", out.toString()));
        args.addAll(RUN);
        return args.toArray(String[]::new);
    }

    /** The trainer in a child JVM, its output going to {@code out}.log. */
    private static Process start(Path out, String... jvmFlags) throws IOException {
        return new ProcessBuilder(ChildJvm.command(List.of(jvmFlags), Main.class, args(out)))
                .redirectErrorStream(true).redirectOutput(log(out).toFile()).start();
    }

    private static Path log(Path out) {
        return out.resolveSibling(out.getFileName() + ".log");
    }

    private static void await(Process process, Path out, String what, BooleanSupplier condition)
            throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the child never got to " + what + "; its output: " + Files.readString(log(out)));
            }
            Thread.sleep(5);
        }
    }

    private static long checkpointStep(Path dir) throws IOException {
        return Checkpoint.readHeader(dir.resolve(Experiments.CHECKPOINT)).step();
    }

    private static void resumeAndCompare(Path dir) throws IOException {
        CliRun resumed = CliRun.of("train", "--resume", dir.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        SameRun.assertBitIdentical(reference, dir);
    }

    @Test
    void killedMidRun() throws Exception {
        Path dir = shared.resolve("killed");
        Process child = start(dir);
        await(child, dir, "its first checkpoint", () -> Files.exists(dir.resolve(Experiments.CHECKPOINT)));
        // A second process cannot resume the run while the first is still training it.
        CliRun meanwhile = CliRun.of("train", "--resume", dir.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(meanwhile.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(meanwhile.errLines()[meanwhile.errLines().length - 1])
                .contains(dir + ": another bfa run is training in this directory");
        assertThat(child.isAlive()).as("the first run was still training").isTrue();
        child.destroyForcibly().waitFor();
        long step = checkpointStep(dir);
        assertThat(step).as("killed before the end").isLessThan(STEPS);
        resumeAndCompare(dir);
    }

    @Test
    void killedWhileWritingACheckpoint() throws Exception {
        Path dir = shared.resolve("killed-in-write");
        long pauseAt = 2 * CHECKPOINT_EVERY;
        Process child = start(dir, "-Dbfa.test.pauseCheckpointAtStep=" + pauseAt);
        await(child, dir, "the paused checkpoint write", () -> logContains(dir,
                "paused writing the checkpoint of step " + pauseAt));
        child.destroyForcibly().waitFor();
        // Half of the new checkpoint is in the temporary file; the previous one is untouched.
        assertThat(dir.resolve(Experiments.CHECKPOINT + ".tmp")).isRegularFile();
        assertThat(Files.size(dir.resolve(Experiments.CHECKPOINT + ".tmp")))
                .isLessThan(Files.size(dir.resolve(Experiments.CHECKPOINT)));
        assertThat(checkpointStep(dir)).isEqualTo(CHECKPOINT_EVERY);
        resumeAndCompare(dir);
    }

    /** Ctrl-C, and SIGTERM as a batch system sends it: exit 128 + the signal's number. */
    @ParameterizedTest
    @CsvSource({"INT, 130", "TERM, 143"})
    void interruptedWithCtrlCOrSigterm(String signal, int exitCode) throws Exception {
        assumeFalse(ignoredByThisProcess(exitCode - 128), "SIG" + signal + " is ignored by this JVM (inherited, as in"
                + " a job started in the background with &), so the child cannot receive it either");
        Path dir = shared.resolve("interrupted-" + signal);
        Process child = start(dir);
        await(child, dir, "its first checkpoint", () -> Files.exists(dir.resolve(Experiments.CHECKPOINT)));
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
        assertThat(child.waitFor(1, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log(dir));
        assertThat(child.exitValue()).as(output).isEqualTo(exitCode);
        long step = checkpointStep(dir);
        assertThat(step).as("stopped before the end").isLessThan(STEPS).isGreaterThanOrEqualTo(CHECKPOINT_EVERY);
        assertThat(output).contains("stopped after step " + step + " of " + STEPS)
                .contains("--resume " + dir).doesNotContain("Exception");
        resumeAndCompare(dir);
    }

    /** Whether signal {@code number} is ignored here, from the SigIgn mask of /proc (false where there is none). */
    private static boolean ignoredByThisProcess(int number) throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask >>> (number - 1) & 1) != 0;
            }
        }
        return false;
    }

    private static boolean logContains(Path out, String text) {
        try {
            return Files.exists(log(out)) && Files.readString(log(out)).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
