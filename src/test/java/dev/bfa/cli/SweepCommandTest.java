package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.ChildJvm;
import dev.bfa.data.TestFiles;
import dev.bfa.experiment.Experiments;
import dev.bfa.report.RunFiles;
import dev.bfa.sweep.Sweep;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bfa sweep} on tiny datasets: the grid becomes ordinary run directories, bit-identical to
 * {@code bfa train} runs of the same options; bad grids are refused before anything is written; a
 * sweep killed mid-way or with a failed cell is finished by --resume without running a done cell
 * again.
 */
class SweepCommandTest {
    private static final List<String> CELL = List.of("--steps", "6", "--eval-every", "3", "--batch", "16",
            "--width", "12", "--depth", "3");

    @TempDir
    static Path shared;
    private static Path data;

    @BeforeAll
    static void writeDatasets() {
        data = shared.resolve("data");
        TestFiles.writeTinyMnistPair(data, 96, 40);
    }

    private static CliRun sweep(Path out, String... grid) {
        List<String> args = new ArrayList<>(List.of("sweep", "--data-dir", data.toString(), "--quiet"));
        List<String> given = Arrays.asList(grid);
        for (int i = 0; i < CELL.size(); i += 2) {
            if (!given.contains(CELL.get(i))) {
                args.addAll(CELL.subList(i, i + 2));
            }
        }
        args.addAll(given);
        if (out != null) {
            args.addAll(List.of("--out", out.toString()));
        }
        return CliRun.of(args.toArray(String[]::new));
    }

    private static Path train(Path out, String... options) {
        List<String> args = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--quiet", "--out",
                out.toString()));
        args.addAll(CELL);
        args.addAll(Arrays.asList(options));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return out;
    }

    @Test
    void cellsAreOrdinaryRunsBitIdenticalToTrain() throws IOException {
        Path out = shared.resolve("grid");
        CliRun run = sweep(out, "--mode", "fa,coupled-both", "--seed", "1..2", "--threads", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("sweep: 4 of 4 cells done in " + out);
        assertThat(Files.list(out.resolve(Sweep.RUNS)).map(p -> p.getFileName().toString()).sorted())
                .containsExactly("mode=coupled-both,seed=1", "mode=coupled-both,seed=2", "mode=fa,seed=1",
                        "mode=fa,seed=2");
        Sweep sweep = Sweep.read(out);
        assertThat(sweep.cells()).extracting(Sweep.PlannedCell::name).containsExactly("mode=fa,seed=1",
                "mode=fa,seed=2", "mode=coupled-both,seed=1", "mode=coupled-both,seed=2");
        Path reference = train(shared.resolve("train-coupled-both-2"), "--mode", "coupled-both", "--seed", "2",
                "--threads", "2");
        SameRun.assertBitIdentical(reference, out.resolve("runs/mode=coupled-both,seed=2"));
        assertThat(out.resolve(RunFiles.REPORT)).exists();

        CliRun status = CliRun.of("sweep", "status", out.toString());
        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out()).containsPattern("mode=fa,seed=1 +done +6/6 \\(100%\\)").contains("4 cells: 4 done");
    }

    @Test
    void cellsSideBySideMatchCellsInTurn() throws IOException {
        Path inTurn = shared.resolve("in-turn");
        Path sideBySide = shared.resolve("side-by-side");
        assertThat(sweep(inTurn, "--seed", "3,4", "--jobs", "1", "--threads", "1").exitCode()).isZero();
        CliRun run = sweep(sideBySide, "--seed", "3,4", "--jobs", "2", "--threads", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String cell : List.of("seed=3", "seed=4")) {
            SameRun.assertBitIdentical(inTurn.resolve("runs").resolve(cell), sideBySide.resolve("runs").resolve(cell));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--colour|red|unknown option '--colour'",
        "--seed|''|--seed: no values",
        "--seed|1,,2|--seed 1,,2: an empty value in the list",
        "--seed|1..0|--seed 1..0: the range 1..0 is empty",
        "--lr|1e-4..1e-3|--lr 1e-4..1e-3: a range a..b is for options with whole-number values",
        "--seed|1,1|--seed 1,1: the value 1 is listed twice",
        "--width|12,0|cell width=0: width 0 must be at least 1",
        "--mode|fa,usf|cell mode=usf: unknown mode 'usf'",
        "--seed|1,x|cell seed=x: invalid value for option '--seed': 'x' is not a long",
        "--lr|1e-4,0.0001|cells lr=1e-4 and lr=0.0001 have the same configuration",
    })
    void badGridsAreRefusedBeforeAnythingIsWritten(String option, String values, String message) {
        Path out = shared.resolve("bad-" + Math.abs((option + values).hashCode()));
        CliRun run = sweep(out, option, values);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines()[0]).startsWith("bfa sweep: ").contains(message);
        assertThat(out).doesNotExist();
    }

    @Test
    void aGridWithARuleThatCannotTakeOneOfItsCouplingsIsRefused() {
        Path out = shared.resolve("bad-pair");
        CliRun run = sweep(out, "--rule", "fa,sign", "--coupling", "none,both");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.USAGE);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("bfa sweep: cell rule=sign,coupling=both: coupling both is not possible: rule sign");
        assertThat(out).doesNotExist();
        CliRun kpDecay = sweep(out, "--rule", "fa,sign", "--kp-decay", "2");
        assertThat(kpDecay.exitCode()).as(kpDecay.err()).isEqualTo(CliException.USAGE);
        assertThat(kpDecay.errLines()).singleElement().asString().contains("--kp-decay 2.0 applies to rule kp only");
        assertThat(out).doesNotExist();
    }

    @Test
    void anotherGridInTheSameDirectoryIsRefusedNamingTheDifference() {
        Path out = shared.resolve("changed");
        assertThat(sweep(out, "--seed", "1,2").exitCode()).isZero();
        CliRun changed = sweep(out, "--seed", "1,2,3");
        assertThat(changed.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(changed.errLines()).hasSize(1);
        assertThat(changed.errLines()[0]).contains("holds a sweep of another grid (--seed 1,2 there, 1,2,3 here)");
        CliRun same = sweep(out, "--seed", "1,2");
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.err()).contains("2 done, 0 to run");
        CliRun resumedWithOther = CliRun.of("sweep", "--resume", out.toString(), "--lr", "1e-3", "--data-dir",
                data.toString());
        assertThat(resumedWithOther.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(resumedWithOther.err()).contains("--lr not given there, 1e-3 here");
    }

    @Test
    void aResumedSlurmSweepAsksForTheThreadsItsCellsWerePlannedWith() {
        Path out = shared.resolve("slurm-threads");
        CliRun planned = sweep(out, "--seed", "1,2", "--executor", "slurm", "--threads", "1", "--dry-run");
        assertThat(planned.exitCode()).as(planned.err()).isZero();
        assertThat(planned.out()).contains("--cpus-per-task=1 ");
        CliRun resumed = CliRun.of("sweep", "--resume", out.toString(), "--executor", "slurm", "--dry-run",
                "--data-dir", data.toString());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("--cpus-per-task=1 ").doesNotContain("--cpus-per-task=2");
        CliRun given = CliRun.of("sweep", "--resume", out.toString(), "--executor", "slurm", "--dry-run",
                "--threads", "2", "--data-dir", data.toString());
        assertThat(given.out()).contains("--cpus-per-task=2 ");
    }

    @Test
    void aFailedCellIsReportedAndRunAgainByResume() throws IOException {
        Path out = shared.resolve("failing");
        CliRun planned = sweep(out, "--seed", "1,2", "--dry-run");
        assertThat(planned.exitCode()).as(planned.err()).isZero();
        assertThat(planned.out().lines()).containsExactly("seed=1", "seed=2");
        assertThat(out.resolve(Sweep.RUNS)).doesNotExist();
        // A file where the cell's run directory belongs: the cell fails, the other runs.
        Files.createDirectories(out.resolve(Sweep.RUNS));
        Files.writeString(out.resolve(Sweep.RUNS).resolve("seed=2"), "in the way");
        CliRun run = CliRun.of("sweep", "--resume", out.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(CliException.CELLS_FAILED);
        assertThat(run.err()).contains("cell seed=2 failed");
        CliRun status = CliRun.of("sweep", "status", out.toString());
        assertThat(status.out()).containsPattern("seed=1 +done").containsPattern("seed=2 +failed .* 1: \\S+seed=2: a file is in the way")
                .contains("2 cells: 1 done, 1 failed");
        Files.delete(out.resolve(Sweep.RUNS).resolve("seed=2"));
        long doneAt = Files.getLastModifiedTime(out.resolve("runs/seed=1").resolve(RunFiles.SUMMARY)).toMillis();
        CliRun resumed = CliRun.of("sweep", "--resume", out.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(Files.getLastModifiedTime(out.resolve("runs/seed=1").resolve(RunFiles.SUMMARY)).toMillis())
                .as("the done cell was not run again").isEqualTo(doneAt);
        SameRun.assertBitIdentical(train(shared.resolve("train-seed-2"), "--seed", "2", "--threads", "2"),
                out.resolve("runs/seed=2"));
    }

    /**
     * A sweep that went through Slurm, asked about after its controller is gone: real scontrol, given a
     * configuration whose controller port has no listener, fails at once, and status falls back to
     * the cells' files with one warning line instead of failing (exit 9) over cells that are done.
     */
    @Test
    void statusOfASlurmSweepWhoseClusterIsGoneComesFromTheCellsFiles() throws Exception {
        Path out = shared.resolve("cluster-gone");
        assertThat(sweep(out, "--seed", "1..2").exitCode()).isZero();
        Files.createDirectories(out.resolve("slurm"));
        Files.writeString(out.resolve("slurm/jobs.json"),
                "{\"jobs\": [{\"job_id\": \"4242\", \"cells\": [0, 1], \"submitted\": \"2026-12-07T00:00:00Z\"}]}");
        Path conf = shared.resolve("gone-slurm.conf");
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Files.writeString(conf, "ClusterName=gone\nSlurmctldHost=localhost\nSlurmctldPort=" + closedPort
                + "\nAuthType=auth/none\nMessageTimeout=2\nTCPTimeout=2\n");
        ProcessBuilder status = new ProcessBuilder(ChildJvm.command(List.of(), Main.class, "sweep", "status",
                out.toString())).redirectErrorStream(true);
        status.environment().put("SLURM_CONF", conf.toString());
        Process child = status.start();
        String output = new String(child.getInputStream().readAllBytes());
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).as(output).isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).containsOnlyOnce("warning: Slurm could not be asked (").contains("2 cells: 2 done");
    }

    @Test
    void aSweepKilledMidwayIsFinishedByResumeBitIdentically() throws Exception {
        Path out = shared.resolve("killed");
        List<String> args = new ArrayList<>(List.of("sweep", "--data-dir", data.toString(), "--quiet", "--out",
                out.toString(), "--mode", "fa,coupled-both", "--steps", "400", "--eval-every", "100",
                "--checkpoint-every", "50", "--batch", "16", "--width", "16", "--depth", "3", "--threads", "1",
                "--jobs", "1"));
        Path log = shared.resolve("killed.log");
        Process child = new ProcessBuilder(ChildJvm.command(List.of(), Main.class, args.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path second = out.resolve("runs/mode=coupled-both");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(second.resolve(Experiments.CHECKPOINT))) {
            if (!child.isAlive() || System.nanoTime() > deadline) {
                child.destroyForcibly();
                throw new AssertionError("the sweep never reached its second cell's checkpoint: " + Files.readString(log));
            }
            Thread.sleep(5);
        }
        child.destroyForcibly().waitFor();
        CliRun status = CliRun.of("sweep", "status", out.toString());
        assertThat(status.out()).containsPattern("mode=fa +done").containsPattern("mode=coupled-both +interrupted");

        CliRun resumed = CliRun.of("sweep", "--resume", out.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("1 done, 1 to run");
        List<String> reference = new ArrayList<>(List.of("train", "--data-dir", data.toString(), "--quiet", "--out",
                shared.resolve("killed-reference").toString(), "--mode", "coupled-both", "--steps", "400",
                "--eval-every", "100", "--batch", "16", "--width", "16", "--depth", "3", "--threads", "1"));
        assertThat(CliRun.of(reference.toArray(String[]::new)).exitCode()).isZero();
        SameRun.assertBitIdentical(shared.resolve("killed-reference"), second);
    }

    @Test
    void reproduceOverSeedsIsASweepOfModesAndSeeds() throws IOException {
        Path out = shared.resolve("reproduce-seeds");
        List<String> args = new ArrayList<>(List.of("reproduce", "--seeds", "1..2", "--no-bp", "--data-dir",
                data.toString(), "--quiet", "--out", out.toString()));
        args.addAll(CELL);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Sweep.read(out).cells()).extracting(Sweep.PlannedCell::name).containsExactly("mode=fa,seed=1",
                "mode=fa,seed=2", "mode=coupled-backward,seed=1", "mode=coupled-backward,seed=2",
                "mode=coupled-both,seed=1", "mode=coupled-both,seed=2");
        assertThat(RunFiles.readConfig(out.resolve("runs/mode=fa,seed=2")).steps()).isEqualTo(6);
        assertThat(out.resolve(RunFiles.REPORT)).exists();
        CliRun again = CliRun.of("reproduce", "--resume", out.toString(), "--data-dir", data.toString(), "--quiet");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).contains("6 done, 0 to run");
        CliRun both = CliRun.of("reproduce", "--seeds", "1,2", "--seed", "3", "--data-dir", data.toString());
        assertThat(both.exitCode()).isEqualTo(CliException.USAGE);
        assertThat(both.err()).contains("give --seed or --seeds, not both");
    }
}
