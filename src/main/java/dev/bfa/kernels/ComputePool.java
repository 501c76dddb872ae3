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
        busyWorkers.set(workers.length);
        generation++;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        runTasks(body, count);
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

    private void runTasks(Task body, int count) {
        for (int t = nextTask.getAndIncrement(); t < count; t = nextTask.getAndIncrement()) {
            try {
                body.run(t);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                }
                nextTask.set(count);
            }
        }
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
            runTasks(task, taskCount);
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
