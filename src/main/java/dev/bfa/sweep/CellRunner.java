package dev.bfa.sweep;

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
     */
    Result run(Sweep.PlannedCell cell, int threads, boolean showProgress);

    /**
     * How an attempt ended.
     *
     * @param exitCode 0 when the cell finished; otherwise what {@code bfa train} would exit with
     * @param message  the error's one line, or "" when none
     * @param stopped  whether it stopped on request (a signal), its checkpoint saved to continue from
     */
    record Result(int exitCode, String message, boolean stopped) {
        public static final Result DONE = new Result(0, "", false);

        public CellStatus.State state() {
            return exitCode == 0 ? CellStatus.State.DONE : stopped ? CellStatus.State.STOPPED : CellStatus.State.FAILED;
        }
    }
}
