package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.data.TestFiles;
import dev.bfa.report.RunFiles;
import dev.bfa.sweep.SlurmExecutor;
import dev.bfa.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bfa sweep --executor slurm} against a real Slurm cluster (scripts/slurm-local.sh starts a
 * single-node one; .ci/run does so for CI): the sweep is submitted as one job array, each task trains
 * its cell from sweep.json, and every cell ends bit-identical to the same cell run by the local
 * executor; a cell that fails shows as failed with its exit code and succeeds on --resume.
 *
 * <p>Without a reachable cluster the test is skipped, saying how to get one; under CI (CI=true) that
 * is a failure instead, so that a CI machine without Slurm cannot pass by skipping it.
 */
class SlurmSweepTest {
    private static final Pattern JOB = Pattern.compile("submitted (\\d+) cells as Slurm job (\\d+)");

    @TempDir
    static Path shared;
    private static Path data;

    @BeforeAll
    static void requireSlurm() throws Exception {
        String problem = clusterProblem();
        if (problem != null) {
            String how = "Slurm is not reachable (" + problem + "); start a single-node cluster with "
                    + "eval \"$(scripts/slurm-local.sh up /tmp/bfa-slurm)\" and run the tests again";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI needs Slurm for this test: " + how);
            }
            Assumptions.abort(how);
        }
        data = shared.resolve("data");
        TestFiles.writeTinyMnistPair(data, 96, 40);
    }

    /** Null when sinfo reaches a controller with an idle or mixed node, else what is wrong. */
    private static String clusterProblem() throws InterruptedException {
        try {
            Process sinfo = new ProcessBuilder("sinfo", "-h", "-o", "%T").redirectErrorStream(true).start();
            String out = new String(sinfo.getInputStream().readAllBytes()).strip();
            if (!sinfo.waitFor(30, TimeUnit.SECONDS) || sinfo.exitValue() != 0) {
                return "sinfo: " + out;
            }
            return out.lines().anyMatch(s -> s.startsWith("idle") || s.startsWith("mix") || s.startsWith("alloc"))
                    ? null : "no node is up (sinfo: " + out + ")";
        } catch (IOException e) {
            return "no sinfo on PATH";
        }
    }

    private static List<String> grid(Path out, String executor, String... extra) {
        List<String> args = new ArrayList<>(List.of("sweep", "--executor", executor, "--data-dir", data.toString(),
                "--quiet", "--out", out.toString(), "--steps", "120", "--eval-every", "40", "--batch", "16",
                "--width", "16", "--depth", "3", "--threads", "1"));
        args.addAll(List.of(extra));
        return args;
    }

    private static CliRun run(List<String> args) {
        return CliRun.of(args.toArray(String[]::new));
    }

    /** Submits, checks the sbatch line, and waits until no cell of the sweep is queued or running. */
    private static String submitAndWait(Path dir, List<String> args, int cells) throws Exception {
        CliRun submitted = run(args);
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        assertThat(submitted.out()).startsWith("sbatch --parsable --array=").contains("--cpus-per-task=1");
        Matcher m = JOB.matcher(submitted.out());
        assertThat(m.find()).as(submitted.out()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isEqualTo(cells);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            CliRun status = CliRun.of("sweep", "status", dir.toString());
            assertThat(status.exitCode()).as(status.err()).isZero();
            if (!status.out().matches("(?s).*\\b(queued|running|pending)\\b.*")) {
                return status.out();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the Slurm sweep did not finish in 5 minutes: " + status.out());
            }
            Thread.sleep(500);
        }
    }

    @Test
    void cellsRunByAJobArrayAreBitIdenticalToLocalOnes() throws Exception {
        Path onSlurm = shared.resolve("slurm");
        String status = submitAndWait(onSlurm, grid(onSlurm, "slurm", "--mode", "fa,coupled-both", "--seed", "1..2", "--jobs",
                "2"), 4);
        assertThat(status).as(status).contains("4 cells: 4 done");
        String script = Files.readString(onSlurm.resolve(SlurmExecutor.DIRECTORY).resolve("sweep.sbatch"));
        assertThat(script).contains("sweep run-cell").contains("\"$SLURM_ARRAY_TASK_ID\"");

        Path local = shared.resolve("local");
        CliRun here = run(grid(local, "local", "--mode", "fa,coupled-both", "--seed", "1..2"));
        assertThat(here.exitCode()).as(here.err()).isZero();
        for (Sweep.PlannedCell cell : Sweep.read(local).cells()) {
            SameRun.assertBitIdentical(local.resolve(Sweep.RUNS).resolve(cell.name()),
                    onSlurm.resolve(Sweep.RUNS).resolve(cell.name()));
        }
    }

    @Test
    void aFailedTaskShowsItsExitCodeAndSucceedsOnResume() throws Exception {
        Path dir = shared.resolve("failing");
        CliRun dry = run(grid(dir, "slurm", "--seed", "1,2", "--dry-run"));
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("dry run: nothing submitted");
        // A file where cell seed=2's run directory belongs makes its task fail.
        Files.createDirectories(dir.resolve(Sweep.RUNS));
        Files.writeString(dir.resolve(Sweep.RUNS).resolve("seed=2"), "in the way");
        List<String> resume = List.of("sweep", "--resume", dir.toString(), "--executor", "slurm", "--data-dir",
                data.toString(), "--threads", "1", "--quiet");
        String status = submitAndWait(dir, resume, 2);
        assertThat(status).containsPattern("seed=1 +done").containsPattern("seed=2 +failed +0/120 \\(0%\\) +1: \\S+seed=2: a file is in the way")
                .contains("Slurm task");

        Files.delete(dir.resolve(Sweep.RUNS).resolve("seed=2"));
        status = submitAndWait(dir, resume, 1);
        assertThat(status).as(status).contains("2 cells: 2 done");
        assertThat(RunFiles.readSummary(dir.resolve(Sweep.RUNS).resolve("seed=2")).steps()).isEqualTo(120);
    }
}
