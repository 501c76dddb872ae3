package dev.bfa.sweep;

import java.util.function.BooleanSupplier;

/**
 * Trains one cell of a sweep in its run directory to the end, a requested stop or a failure. The
 * command line implements it (it knows which exit code each failure gets), and both executors
 * call it: the local one in its own process, a Slurm array task in the task's.
 */
@FunctionalInterface
public interface CellRunner {
    /**
     * @param threads      compute threads for this cell
     * @param showProgress whether the cell may draw its own progress bar (not when cells run side by side)
     * @param sweepStopping polled after every step, as a signal is: true once the sweep stops because another
     *                      cell failed as every cell would ({@link Result#endsSweep}); the cell then saves its
     *                      checkpoint and returns stopped, with the exit code of a run that could not write its files
     */
    Result run(Sweep.PlannedCell cell, int threads, boolean showProgress, BooleanSupplier sweepStopping);

    /**
     * How an attempt ended.
     *
     * @param exitCode 0 when the cell finished; otherwise what {@code bfa train} would exit with
     * @param message  the error's one line, or "" when none
     * @param stopped  whether it stopped on request (a signal, the sweep stopping), its checkpoint saved to
     *                 continue from
     * @param endsSweep whether the failure is one every other cell would meet too (the sweep's disk is full or
     *                  cannot be written): the sweep then starts no more cells and stops the running ones
     */
    record Result(int exitCode, String message, boolean stopped, boolean endsSweep) {
        public static final Result DONE = new Result(0, "", false, false);

        public CellStatus.State state() {
            return exitCode == 0 ? CellStatus.State.DONE : stopped ? CellStatus.State.STOPPED : CellStatus.State.FAILED;
        }
    }
}
