package dev.bfa.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.experiment.DirectoryLock;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor's rules for a failing cell, with scripted cells in place of training: an ordinary
 * failure leaves the others running; one every cell would meet (a full disk) starts no more cells and
 * stops the running ones at their next step; a cell another process holds is neither run nor recorded.
 */
class LocalExecutorTest {
    @TempDir
    Path dir;

    private Sweep sweep(int cells) {
        Grid grid = new Grid(List.of(Grid.parseAxis("--seed", "1.." + cells, true)));
        RunConfig config = new RunConfig(Mode.FA, "fashion-mnist", "mnist", 32, 2, Activation.RELU,
                new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-4f, 0.9f, 0.9f, 0.999f, 1e-8f), 16, 50, 10, 1, 1);
        return new Sweep(dir, grid, grid.cells().stream().map(c -> new Sweep.PlannedCell(c, config)).toList(), 0);
    }

    private static final CellRunner.Result ORDINARY_FAILURE = new CellRunner.Result(7, "diverged at step 3", false,
            false);
    private static final CellRunner.Result DISK_FULL = new CellRunner.Result(4, "cannot write model.ckpt", false, true);

    private static CellStatus.State recorded(Sweep sweep, String cell) throws IOException {
        return CellStatus.read(sweep.statusFile(sweep.cell(cell))).map(CellStatus::state).orElse(null);
    }

    @Test
    void anOrdinaryFailureLeavesTheOtherCellsRunning() throws IOException {
        Sweep sweep = sweep(3);
        StringWriter log = new StringWriter();
        LocalExecutor.Outcome outcome = new LocalExecutor(1, 1).run(sweep, sweep.cells(),
                (cell, threads, progress, stopping) -> cell.name().equals("seed=2") ? ORDINARY_FAILURE
                        : CellRunner.Result.DONE, () -> false, new PrintWriter(log));
        assertThat(outcome.done()).containsExactly("seed=1", "seed=3");
        assertThat(outcome.failed()).containsExactly("seed=2");
        assertThat(outcome.endedBy()).isNull();
        assertThat(recorded(sweep, "seed=2")).isEqualTo(CellStatus.State.FAILED);
        assertThat(log.toString()).contains("bfa sweep: cell seed=2 failed (exit code 7): diverged at step 3")
                .doesNotContain("starting no more cells");
    }

    @Test
    void aFailureEveryCellWouldMeetStopsTheRunningCellsAndStartsNoMore() throws Exception {
        Sweep sweep = sweep(4);
        CountDownLatch firstRunning = new CountDownLatch(1);
        Map<String, Boolean> sawStop = new ConcurrentHashMap<>();
        StringWriter log = new StringWriter();
        // Two at a time: seed=1 trains until the sweep stops; seed=2 fills the disk once seed=1 is running.
        LocalExecutor.Outcome outcome = new LocalExecutor(2, 1).run(sweep, sweep.cells(), (cell, threads, progress,
                                                                                              stopping) -> {
            switch (cell.name()) {
                case "seed=1" -> {
                    firstRunning.countDown();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!stopping.getAsBoolean() && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    sawStop.put(cell.name(), stopping.getAsBoolean());
                    return new CellRunner.Result(4, "stopped after step 9, its checkpoint saved", true, false);
                }
                case "seed=2" -> {
                    try {
                        firstRunning.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return DISK_FULL;
                }
                default -> {
                    return CellRunner.Result.DONE;
                }
            }
        }, () -> false, new PrintWriter(log));
        assertThat(sawStop).containsEntry("seed=1", true);
        assertThat(outcome.endedBy()).isEqualTo("cell seed=2 could not write its files");
        assertThat(outcome.stopped()).containsExactly("seed=1");
        assertThat(outcome.failed()).containsExactly("seed=2");
        assertThat(outcome.done()).isEmpty();
        assertThat(recorded(sweep, "seed=1")).isEqualTo(CellStatus.State.STOPPED);
        assertThat(recorded(sweep, "seed=3")).isNull();
        assertThat(recorded(sweep, "seed=4")).isNull();
        assertThat(log.toString()).containsOnlyOnce("starting no more cells");
    }

    @Test
    void aCellAnotherProcessHoldsIsNeitherRunNorRecordedHere() throws IOException {
        Sweep sweep = sweep(2);
        Sweep.PlannedCell held = sweep.cell("seed=1");
        // The same lock another process's attempt would hold (a lock in this process holds it for every channel).
        try (DirectoryLock other = DirectoryLock.acquireFile(sweep.statusFile(held).resolveSibling("seed=1.lock"),
                "held")) {
            new CellStatus(CellStatus.State.RUNNING, 0, "", "node7 (Slurm task 5_0)", java.time.Instant.EPOCH)
                    .write(sweep.statusFile(held));
            StringWriter log = new StringWriter();
            List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
            LocalExecutor.Outcome outcome = new LocalExecutor(1, 1).run(sweep, sweep.cells(),
                    (cell, threads, progress, stopping) -> {
                        ran.add(cell.name());
                        return CellRunner.Result.DONE;
                    }, () -> false, new PrintWriter(log));
            assertThat(ran).containsExactly("seed=2");
            assertThat(outcome.failed()).containsExactly("seed=1");
            assertThat(outcome.endedBy()).isNull();
            assertThat(CellStatus.read(sweep.statusFile(held)).orElseThrow().where()).isEqualTo("node7 (Slurm task 5_0)");
            assertThat(log.toString()).contains("cell seed=1 is being trained by another bfa process; see bfa sweep "
                    + "status " + dir);
        }
        assertThat(Files.exists(sweep.statusFile(sweep.cell("seed=2")))).isTrue();
    }
}
