package dev.bfa.sweep;

import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.Experiments;
import dev.bfa.report.RunFiles;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where each cell of a sweep stands, read from the cells' own files (status file, run directory and
 * its lock) and, for a sweep on a cluster, from the scheduler's view of its tasks.
 */
public final class SweepStatus {
    private SweepStatus() {
    }

    /** A cell's standing. */
    public enum Phase {
        /** Never started. */
        PENDING,
        /** Waiting in the cluster's queue. */
        QUEUED,
        RUNNING,
        DONE,
        /** Its last attempt failed: rerun by {@code --resume}. */
        FAILED,
        /** Stopped (a signal, a time limit, a kill) before the end: continued from its checkpoint by {@code --resume}. */
        INTERRUPTED;

        /** Whether {@code --resume} runs the cell (again). */
        public boolean toRun() {
            return this == PENDING || this == FAILED || this == INTERRUPTED;
        }
    }

    /**
     * What the scheduler says of a cell's latest task.
     *
     * @param state    the scheduler's state name (PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ...)
     * @param exitCode the task's exit code, when it has ended
     * @param log      where the task's output went
     */
    public record ClusterTask(String taskId, String state, int exitCode, Path log) {
        boolean queued() {
            return state.equals("PENDING") || state.equals("CONFIGURING") || state.equals("REQUEUED");
        }

        boolean running() {
            return state.equals("RUNNING") || state.equals("COMPLETING") || state.equals("SUSPENDED");
        }
    }

    /**
     * One cell's standing.
     *
     * @param step     the last evaluated step (metrics.csv), 0 if none
     * @param exitCode of the last attempt, when it failed or stopped
     * @param message  why it failed or stopped, one line; "" otherwise
     * @param where    the host (and task) of its last attempt, "" if none
     */
    public record CellView(Sweep.PlannedCell cell, Phase phase, long step, int exitCode, String message,
                           String where) {
        public long steps() {
            return cell.config().steps();
        }
    }

    /**
     * The standing of every cell of {@code sweep}; {@code cluster} holds the scheduler's latest task
     * per cell index (empty for a local sweep).
     */
    public static List<CellView> of(Sweep sweep, Map<Integer, ClusterTask> cluster) throws IOException {
        List<CellView> views = new ArrayList<>();
        for (Sweep.PlannedCell cell : sweep.cells()) {
            views.add(view(sweep, cell, cluster.get(cell.index())));
        }
        return views;
    }

    private static CellView view(Sweep sweep, Sweep.PlannedCell cell, ClusterTask task) throws IOException {
        Path run = sweep.runDirectory(cell);
        long step = lastStep(run);
        Optional<CellStatus> recorded = CellStatus.read(sweep.statusFile(cell));
        String where = recorded.map(CellStatus::where).orElse(task == null ? "" : "Slurm task " + task.taskId());
        if (task != null && task.queued()) {
            return new CellView(cell, Phase.QUEUED, step, 0, "", where);
        }
        if (task != null && task.running()) {
            return new CellView(cell, Phase.RUNNING, step, 0, "", where);
        }
        boolean recordedByTask = task != null && recorded.isPresent()
                && recorded.get().where().contains("Slurm task " + task.taskId() + ")");
        if (task != null && !recordedByTask && !task.state().equals("COMPLETED")) {
            // The task ended before bfa recorded anything (no java, a node failure): Slurm alone knows.
            return new CellView(cell, Phase.FAILED, step, task.exitCode(), "Slurm: " + task.state()
                    + " before bfa started; its output is in " + task.log(), "Slurm task " + task.taskId());
        }
        if (recorded.isEmpty()) {
            return new CellView(cell, Phase.PENDING, step, 0, "", where);
        }
        CellStatus status = recorded.get();
        // Why the task ended, when Slurm ended it (scancel, a time limit) rather than bfa alone.
        String slurmSays = recordedByTask && !task.state().equals("COMPLETED") && !task.state().equals("FAILED")
                ? "Slurm: " + task.state() + "; " : "";
        return switch (status.state()) {
            case DONE -> new CellView(cell, Phase.DONE, cell.config().steps(), 0, "", where);
            case FAILED -> new CellView(cell, Phase.FAILED, step, status.exitCode(), slurmSays + status.message(),
                    where);
            case STOPPED -> new CellView(cell, Phase.INTERRUPTED, step, status.exitCode(),
                    slurmSays + status.message(), where);
            case RUNNING -> {
                if (Experiments.isTraining(run)) {
                    yield new CellView(cell, Phase.RUNNING, step, 0, "", where);
                }
                String why = task != null ? "Slurm: " + task.state() + (task.exitCode() != 0 ? ", exit code "
                        + task.exitCode() : "") + "; its output is in " + task.log()
                        : "its process ended without recording an outcome (killed?)";
                yield new CellView(cell, Phase.INTERRUPTED, step, task != null ? task.exitCode() : 0, why, where);
            }
        };
    }

    /** The furthest step the run has shown: its last evaluation, or its checkpoint when later. */
    private static long lastStep(Path run) throws IOException {
        long step = 0;
        if (Files.exists(run.resolve(RunFiles.METRICS))) {
            List<EvaluationPoint> points = RunFiles.readMetrics(run);
            step = points.isEmpty() ? 0 : points.getLast().step();
        }
        Path checkpoint = run.resolve(Experiments.CHECKPOINT);
        if (Files.exists(checkpoint)) {
            step = Math.max(step, Checkpoint.readHeader(checkpoint).step());
        }
        return step;
    }
}
