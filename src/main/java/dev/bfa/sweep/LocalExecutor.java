package dev.bfa.sweep;

import dev.bfa.experiment.DirectoryLock;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Runs a sweep's cells on this machine, {@code jobs} at a time, each on {@code threads} compute
 * threads of its own. Cells start in grid order; after a stop request no new cell starts, and the
 * running ones stop after their step with a checkpoint saved (the runner's business). A failed cell
 * does not stop the others: it is recorded and retried by the next {@code --resume}; unless it failed
 * as every cell would (its files could not be written: the disk is full), or its outcome could not be
 * recorded: then no new cell starts and the running ones stop with their checkpoints saved, so that
 * the finished cells stay intact and the others continue from where they were.
 *
 * <p>Progress: with one job the cell's own bar runs under a line saying where the sweep stands
 * (cells done, failed, left, and the time left at the pace so far); with several, the cells run
 * quietly and a line is printed as each starts and ends.
 */
public final class LocalExecutor {
    private final int jobs;
    private final int threads;

    /**
     * @param jobs    cells at a time
     * @param threads compute threads of each cell
     */
    public LocalExecutor(int jobs, int threads) {
        if (jobs < 1 || threads < 1) {
            throw new IllegalArgumentException("jobs " + jobs + " and threads " + threads + " must be at least 1");
        }
        this.jobs = jobs;
        this.threads = threads;
    }

    /**
     * Cells at a time and threads per cell that fit {@code cores}: given values are kept; by default
     * two threads per cell (a step scales well to two threads, less beyond: docs/performance.md) and
     * as many cells as fill the cores, but no more cells than there are to run, their threads then
     * sharing the cores that are left.
     */
    public static LocalExecutor fitting(int cores, Integer jobs, Integer threads, int cellsToRun) {
        int cells = Math.max(1, cellsToRun);
        int chosenJobs = jobs != null ? jobs
                : Math.min(cells, Math.max(1, threads != null ? cores / threads : cores / 2));
        int chosenThreads = threads != null ? threads : Math.max(1, cores / chosenJobs);
        return new LocalExecutor(chosenJobs, chosenThreads);
    }

    public int jobs() {
        return jobs;
    }

    public int threads() {
        return threads;
    }

    /**
     * How the cells of one {@link #run} ended.
     *
     * @param endedBy why the sweep stopped before its end (a cell's failure, in one line), or null
     */
    public record Outcome(List<String> done, List<String> failed, List<String> stopped, String endedBy) {
    }

    /** Runs {@code cells} of {@code sweep}, recording each attempt in its status file. */
    public Outcome run(Sweep sweep, List<Sweep.PlannedCell> cells, CellRunner runner, BooleanSupplier stop,
                       PrintWriter log) throws IOException {
        String where = hostName() + " (local, pid " + ProcessHandle.current().pid() + ")";
        Tally tally = new Tally(cells.size(), jobs, log);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Sweep.PlannedCell cell : cells) {
                running.add(pool.submit(() -> {
                    if (stop.getAsBoolean() || tally.stopping()) {
                        return;
                    }
                    tally.starting(cell);
                    long start = System.nanoTime();
                    try {
                        CellRunner.Result result = CellStatus.attempt(sweep, cell, where,
                                () -> runner.run(cell, threads, jobs == 1, tally::stopping));
                        tally.ended(cell, result, System.nanoTime() - start);
                    } catch (DirectoryLock.HeldException e) {
                        tally.skipped(cell, e.getMessage());
                    } catch (IOException e) {
                        tally.unrecorded(cell, sweep.statusFile(cell) + ": " + e.getMessage());
                    }
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the sweep's cells", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return tally.outcome();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The sweep's counts and its progress lines; cells report from several threads. */
    private static final class Tally {
        private final int total;
        private final int jobs;
        private final PrintWriter log;
        private final List<String> done = new ArrayList<>();
        private final List<String> failed = new ArrayList<>();
        private final List<String> stopped = new ArrayList<>();
        private int started;
        private long finishedNanos;
        private volatile String endedBy;

        Tally(int total, int jobs, PrintWriter log) {
            this.total = total;
            this.jobs = jobs;
            this.log = log;
        }

        synchronized void starting(Sweep.PlannedCell cell) {
            started++;
            int ended = done.size() + failed.size();
            String pace = ended == 0 ? "" : "; about " + human(Duration.ofNanos(finishedNanos / ended
                    * (total - ended) / jobs)) + " left at this pace";
            log.printf("bfa sweep: cell %d of %d, %s (%d done, %d failed%s)%n", started, total, cell.name(),
                    done.size(), failed.size(), pace);
            log.flush();
        }

        synchronized void ended(Sweep.PlannedCell cell, CellRunner.Result result, long nanos) {
            switch (result.state()) {
                case DONE -> done.add(cell.name());
                case STOPPED -> stopped.add(cell.name());
                default -> failed.add(cell.name());
            }
            if (result.state() != CellStatus.State.STOPPED) {
                finishedNanos += nanos;
            }
            if (result.state() == CellStatus.State.FAILED) {
                log.printf("bfa sweep: cell %s failed (exit code %d): %s%n", cell.name(), result.exitCode(),
                        result.message());
                log.flush();
                if (result.endsSweep()) {
                    stopAll("cell " + cell.name() + " could not write its files");
                }
            }
        }

        /** Another process holds the cell: it is neither run nor recorded here. */
        synchronized void skipped(Sweep.PlannedCell cell, String why) {
            failed.add(cell.name());
            log.printf("bfa sweep: %s%n", why);
            log.flush();
        }

        /** The cell ran (or not) but its status file could not be written: the sweep's disk failed. */
        synchronized void unrecorded(Sweep.PlannedCell cell, String why) {
            failed.add(cell.name());
            log.printf("bfa sweep: cell %s: cannot record its outcome: %s%n", cell.name(), why);
            log.flush();
            stopAll("the outcome of cell " + cell.name() + " could not be recorded");
        }

        private void stopAll(String why) {
            if (endedBy == null) {
                endedBy = why;
                log.printf("bfa sweep: %s: starting no more cells; the running ones stop at their next step, "
                        + "their checkpoints saved%n", why);
                log.flush();
            }
        }

        boolean stopping() {
            return endedBy != null;
        }

        synchronized Outcome outcome() {
            return new Outcome(List.copyOf(done), List.copyOf(failed), List.copyOf(stopped), endedBy);
        }

        private static String human(Duration d) {
            long minutes = Math.round(d.toSeconds() / 60.0);
            return minutes < 1 ? "under a minute" : minutes < 120 ? minutes + " min"
                    : String.format("%.1f h", minutes / 60.0);
        }
    }
}
