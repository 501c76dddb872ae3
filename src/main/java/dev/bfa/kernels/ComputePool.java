package dev.bfa.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed team of threads that runs one parallel loop at a time: {@link #run} hands out task
 * indices {@code 0 .. count-1} to the calling thread and {@code threads - 1} workers, and returns
 * when all are done. One pool serves a whole run; a call allocates nothing.
 *
 * <p>Which thread runs which task never changes a result: kernels give every task a disjoint part
 * of the output and a fixed order of operations within it.
 *
 * <p>Beside its loops a pool can carry one list of background tasks ({@link #beginBackground}):
 * independent, memory-bound work (an optimiser's update) whose tasks become runnable as the caller
 * releases them and that the loops run with threads they would otherwise leave idle, so that it
 * overlaps compute-bound loops instead of following them. {@link #finishBackground} runs what is
 * left. A pool of one thread has no idle thread: it runs each task when it is released.
 */
public final class ComputePool implements AutoCloseable {
    /** The body of a parallel loop. */
    @FunctionalInterface
    public interface Task {
        void run(int taskIndex);
    }

    /** Maximum threads a pool accepts. */
    public static final int MAX_THREADS = 256;
    /** Worker threads are named this followed by 1, 2, ... (the caller is the pool's first thread). */
    public static final String WORKER_NAME_PREFIX = "bfa-compute-";
    /**
     * How long an idle thread spins before it parks. Waking a parked thread costs tens to hundreds
     * of microseconds (more on a virtual machine whose idle vCPU has halted), as much as a small
     * GEMM, and a training step issues loops back to back, so threads stay hot between them.
     * A pool with more threads than processors never spins: its spinners would steal the cores.
     */
    private static final long SPIN_NANOS = 2_000_000;

    private final int threads;
    /** {@link #SPIN_NANOS}, or 0 when the pool has more threads than the machine has processors. */
    private final long spinNanos;
    private final Thread[] workers;
    private final AtomicInteger nextTask = new AtomicInteger();
    private final AtomicInteger busyWorkers = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile int generation;
    private volatile boolean closed;
    private volatile Task task;
    private volatile int taskCount;
    private volatile Thread caller;
    private volatile Throwable failure;
    /** Tasks of the running loop that have not yet finished, whether started or not. */
    private final AtomicInteger unfinishedTasks = new AtomicInteger();

    /**
     * A worker takes one background task before each task of a loop of at least this many tasks
     * per thread, so that background work runs beside the loop's compute rather than only in its
     * tail; shorter loops (the row kernels, one band per thread) only fill their idle tail.
     */
    private static final int INTERLEAVE_MIN_TASKS_PER_THREAD = 4;
    private volatile Task background;
    private volatile int backgroundCount;
    /** Background tasks {@code 0 .. backgroundReleased-1} may run. */
    private volatile int backgroundReleased;
    private final AtomicInteger nextBackground = new AtomicInteger();
    private final Task drainBackground = ignored -> {
        while (runBackgroundTask()) {
            // each call runs one task
        }
    };

    private ComputePool(int threads) {
        this.threads = threads;
        this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? SPIN_NANOS : 0;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = Thread.ofPlatform().daemon().name(WORKER_NAME_PREFIX + (w + 1)).unstarted(this::workerLoop);
            workers[w].start();
        }
    }

    /** A pool of {@code threads} threads, the caller included: 1 .. {@link #MAX_THREADS}. */
    public static ComputePool create(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("thread count " + threads + " is outside 1.." + MAX_THREADS);
        }
        return new ComputePool(threads);
    }

    /** A pool with one thread per available processor. */
    public static ComputePool createDefault() {
        return create(Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} for every index in {@code 0 .. count-1} and waits for all of them. The first
     * exception thrown by any task is rethrown here once all tasks have stopped. Not reentrant:
     * one loop at a time per pool.
     */
    public void run(int count, Task body) {
        if (closed) {
            throw new IllegalStateException("compute pool is closed");
        }
        if (count <= 0) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("compute pool is already running a loop: nested or concurrent run()");
        }
        try {
            if (count == 1 || workers.length == 0) {
                for (int t = 0; t < count; t++) {
                    body.run(t);
                }
            } else {
                runOnAllThreads(count, body);
            }
        } finally {
            running.set(false);
        }
    }

    private void runOnAllThreads(int count, Task body) {
        task = body;
        taskCount = count;
        caller = Thread.currentThread();
        failure = null;
        nextTask.set(0);
        unfinishedTasks.set(count);
        busyWorkers.set(workers.length);
        generation++;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        runTasks(body, count, false);
        long parkAfter = System.nanoTime() + spinNanos;
        while (busyWorkers.get() != 0) {
            if (System.nanoTime() < parkAfter) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
        task = null;
        Throwable thrown = failure;
        if (thrown != null) {
            failure = null;
            if (thrown instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (thrown instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(thrown);
        }
    }

    /**
     * Runs the loop's tasks as this thread takes them, then background tasks while other threads
     * are still on the loop's last tasks. With {@code interleave}, one background task before
     * each of the loop's tasks.
     */
    private void runTasks(Task body, int count, boolean interleave) {
        while (true) {
            if (interleave && nextTask.get() < count) {
                runBackgroundTaskRecordingFailure();
            }
            int t = nextTask.getAndIncrement();
            if (t >= count) {
                break;
            }
            try {
                body.run(t);
            } catch (Throwable e) {
                recordFailure(e);
                // The tasks never to be taken count as finished, so no thread waits on them.
                int skipped = count - Math.min(count, nextTask.getAndSet(count));
                unfinishedTasks.addAndGet(-skipped);
            } finally {
                unfinishedTasks.decrementAndGet();
            }
        }
        while (unfinishedTasks.get() > 0 && runBackgroundTaskRecordingFailure()) {
            // each call runs one task
        }
    }

    private boolean runBackgroundTaskRecordingFailure() {
        try {
            return runBackgroundTask();
        } catch (Throwable e) {
            recordFailure(e);
            return true;
        }
    }

    private void recordFailure(Throwable e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** Runs the next released background task, if there is one; false if there is none. */
    private boolean runBackgroundTask() {
        Task body = background;
        while (body != null) {
            int next = nextBackground.get();
            if (next >= backgroundReleased) {
                return false;
            }
            if (nextBackground.compareAndSet(next, next + 1)) {
                body.run(next);
                return true;
            }
        }
        return false;
    }

    /**
     * Starts a list of background tasks {@code 0 .. count-1} of {@code body}, none of them released
     * yet, in place of any list a failure left unfinished. The caller of the loops owns it, as it
     * owns the loops.
     */
    public void beginBackground(int count, Task body) {
        if (count < 0) {
            throw new IllegalArgumentException("background task count " + count + " is negative");
        }
        nextBackground.set(0);
        backgroundReleased = 0;
        backgroundCount = count;
        background = body;
    }

    /**
     * Lets background tasks {@code 0 .. upTo-1} run: in the loops that follow, or (a pool of one
     * thread) now. Their inputs must be ready and nothing the loops still do may read what they
     * write. A failed task is rethrown by the loop that ran it (by this call, in a pool of one).
     */
    public void releaseBackground(int upTo) {
        if (background == null) {
            throw new IllegalStateException("compute pool has no background tasks: beginBackground() first");
        }
        if (upTo < backgroundReleased || upTo > backgroundCount) {
            throw new IllegalArgumentException("release up to " + upTo + " of " + backgroundCount
                    + " background tasks, " + backgroundReleased + " already released");
        }
        backgroundReleased = upTo;
        if (workers.length == 0) {
            run(1, drainBackground);
        }
    }

    /** Releases and runs every background task not yet run, waits for all of them, and ends the list. */
    public void finishBackground() {
        if (background == null) {
            throw new IllegalStateException("compute pool has no background tasks: beginBackground() first");
        }
        try {
            backgroundReleased = backgroundCount;
            run(threads, drainBackground);
        } finally {
            abandonBackground();
        }
    }

    /**
     * Ends the background list without running what is left of it: after a failure, so that no
     * later loop runs tasks whose inputs the failure left unfinished.
     */
    public void abandonBackground() {
        background = null;
        backgroundReleased = 0;
        nextBackground.set(0);
    }

    private void workerLoop() {
        int seen = 0;
        while (true) {
            long parkAfter = System.nanoTime() + spinNanos;
            while (generation == seen && !closed) {
                if (System.nanoTime() < parkAfter) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = generation;
            int count = taskCount;
            runTasks(task, count, count >= INTERLEAVE_MIN_TASKS_PER_THREAD * threads);
            if (busyWorkers.decrementAndGet() == 0) {
                LockSupport.unpark(caller);
            }
        }
    }

    /** Whether this pool's threads may read and write {@code segment} (not confined to another thread). */
    public boolean canAccess(java.lang.foreign.MemorySegment segment) {
        for (Thread worker : workers) {
            if (!segment.isAccessibleBy(worker)) {
                return false;
            }
        }
        return true;
    }

    /** Stops the workers; the pool cannot be used afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
