package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The contract of {@link ComputePool}: every index exactly once, failures reported, workers stopped on close. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ComputePoolTest {

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3, 8})
    void everyTaskIndexRunsExactlyOnce(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            assertThat(pool.threads()).isEqualTo(threads);
            for (int count : new int[] {0, 1, 2, 3, 7, 8, 9, 100, 1000, 10_000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(Math.max(count, 1));
                pool.run(count, runs::incrementAndGet);
                for (int t = 0; t < count; t++) {
                    assertThat(runs.get(t)).as("runs of task %d of %d with %d threads", t, count, threads).isEqualTo(1);
                }
                if (count == 0) {
                    assertThat(runs.get(0)).isZero();
                }
            }
        }
    }

    /** Many short loops back to back: no index lost or repeated between generations, all work visible after run. */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3, 8})
    void manyConsecutiveLoops(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            int[] data = new int[64];
            for (int round = 0; round < 400; round++) {
                int count = 1 + round % data.length;
                int expected = round;
                pool.run(count, t -> data[t] = expected); // plain writes: run() must publish them
                for (int t = 0; t < count; t++) {
                    if (data[t] != round) {
                        throw new AssertionError("round " + round + ": task " + t + " of " + count + " wrote " + data[t]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3, 8})
    void exceptionsReachTheCallerAndThePoolStaysUsable(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            for (int failing : new int[] {0, 5, 99}) {
                IllegalStateException boom = new IllegalStateException("task " + failing + " failed");
                assertThatThrownBy(() -> pool.run(100, t -> {
                    if (t == failing) {
                        throw boom;
                    }
                })).isSameAs(boom);

                AtomicIntegerArray runs = new AtomicIntegerArray(100);
                pool.run(100, runs::incrementAndGet);
                for (int t = 0; t < 100; t++) {
                    assertThat(runs.get(t)).as("task %d after a failure", t).isEqualTo(1);
                }
            }
            // Errors pass through as themselves too.
            AssertionError error = new AssertionError("an error");
            assertThatThrownBy(() -> pool.run(50, t -> {
                if (t == 7) {
                    throw error;
                }
            })).isSameAs(error);
            // Every task failing: one of the exceptions arrives, and the pool still works.
            assertThatThrownBy(() -> pool.run(64, t -> {
                throw new ArithmeticException("task " + t);
            })).isInstanceOf(ArithmeticException.class);
            AtomicInteger total = new AtomicInteger();
            pool.run(64, t -> total.incrementAndGet());
            assertThat(total.get()).isEqualTo(64);
        }
    }

    @Test
    void poolOfOneRunsInlineOnTheCallingThread() {
        try (ComputePool pool = ComputePool.create(1)) {
            Thread caller = Thread.currentThread();
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            int[] order = new int[100];
            AtomicInteger next = new AtomicInteger();
            pool.run(100, t -> {
                seen.add(Thread.currentThread());
                order[next.getAndIncrement()] = t;
            });
            assertThat(seen).containsExactly(caller);
            for (int t = 0; t < 100; t++) {
                assertThat(order[t]).as("inline tasks run in ascending order").isEqualTo(t);
            }
        }
    }

    @Test
    void singleTaskRunsInlineInAnyPool() {
        try (ComputePool pool = ComputePool.create(4)) {
            Thread caller = Thread.currentThread();
            Set<Thread> seen = ConcurrentHashMap.newKeySet();
            pool.run(1, t -> seen.add(Thread.currentThread()));
            assertThat(seen).containsExactly(caller);
        }
    }

    /** Each task waits until all have started, so every thread of the pool must take one: all participate. */
    @Test
    void allThreadsParticipateAndCloseStopsThem() throws InterruptedException {
        int threads = 4;
        ComputePool pool = ComputePool.create(threads);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch allStarted = new CountDownLatch(threads);
        pool.run(threads, t -> {
            seen.add(Thread.currentThread());
            allStarted.countDown();
            try {
                if (!allStarted.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not every thread of the pool took a task");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        assertThat(seen).hasSize(threads).contains(Thread.currentThread());
        for (Thread worker : seen) {
            if (worker != Thread.currentThread()) {
                assertThat(worker.isDaemon()).as("workers must not keep the JVM alive").isTrue();
            }
        }

        pool.close();
        for (Thread worker : seen) {
            if (worker != Thread.currentThread()) {
                worker.join(10_000);
                assertThat(worker.isAlive()).as("%s after close()", worker.getName()).isFalse();
            }
        }
        assertThatThrownBy(() -> pool.run(3, t -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        pool.close(); // closing twice is harmless
    }

    /** Workers that never ran a task (parked or spinning since start-up) also stop on close. */
    @Test
    void closeRightAfterCreateStopsIdleWorkers() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        ComputePool pool = ComputePool.create(3);
        Set<Thread> workers = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        workers.removeAll(before);
        workers.removeIf(t -> !t.getName().startsWith("bfa-compute-"));
        assertThat(workers).as("the pool's new worker threads").hasSize(2);
        pool.close();
        for (Thread worker : workers) {
            worker.join(10_000);
            assertThat(worker.isAlive()).as("%s after close()", worker.getName()).isFalse();
        }
        assertThatThrownBy(() -> pool.run(2, t -> { })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void invalidThreadCountsAreRejected() {
        for (int threads : new int[] {0, -1, Integer.MIN_VALUE, ComputePool.MAX_THREADS + 1, Integer.MAX_VALUE}) {
            assertThatThrownBy(() -> ComputePool.create(threads)).as("create(%d)", threads)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Integer.toString(threads));
        }
    }

    @Test
    void defaultPoolHasOneThreadPerProcessor() {
        try (ComputePool pool = ComputePool.createDefault()) {
            assertThat(pool.threads()).isEqualTo(Math.min(ComputePool.MAX_THREADS, Runtime.getRuntime().availableProcessors()));
            AtomicInteger total = new AtomicInteger();
            pool.run(10, t -> total.addAndGet(t));
            assertThat(total.get()).isEqualTo(45);
        }
    }

    /** Kernels ask the pool whether its workers may touch a segment: shared memory yes, confined memory no. */
    @Test
    void canAccessTellsSharedFromConfinedMemory() {
        try (java.lang.foreign.Arena confined = java.lang.foreign.Arena.ofConfined();
             java.lang.foreign.Arena shared = java.lang.foreign.Arena.ofShared();
             ComputePool single = ComputePool.create(1);
             ComputePool pool = ComputePool.create(3)) {
            java.lang.foreign.MemorySegment mine = confined.allocate(64);
            java.lang.foreign.MemorySegment ours = shared.allocate(64);
            assertThat(pool.canAccess(ours)).isTrue();
            assertThat(pool.canAccess(java.lang.foreign.Arena.global().allocate(16))).isTrue();
            assertThat(pool.canAccess(mine)).isFalse();
            // A pool of one thread runs everything on the caller, which owns the confined memory.
            assertThat(single.canAccess(mine)).isTrue();
        }
    }

    @Test
    void negativeCountRunsNothing() {
        try (ComputePool pool = ComputePool.create(2)) {
            AtomicInteger total = new AtomicInteger();
            pool.run(-5, t -> total.incrementAndGet());
            assertThat(total.get()).isZero();
        }
    }

    /**
     * Background tasks run once each, never before their release, in whatever loops follow (or,
     * in a pool of one, at their release), and finishBackground runs the rest.
     */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3, 8})
    void backgroundTasksRunOnceEachAndNeverBeforeTheirRelease(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            for (int round = 0; round < 20; round++) {
                int count = 40;
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                AtomicInteger released = new AtomicInteger();
                AtomicInteger early = new AtomicInteger();
                pool.beginBackground(count, t -> {
                    if (t >= released.get()) {
                        early.incrementAndGet();
                    }
                    runs.incrementAndGet(t);
                });
                for (int upTo : new int[] {0, 3, 3, 10, 25, 30}) {
                    released.set(upTo);
                    pool.releaseBackground(upTo);
                    if (threads == 1) {
                        for (int t = 0; t < count; t++) {
                            assertThat(runs.get(t)).as("task %d right after release up to %d", t, upTo)
                                    .isEqualTo(t < upTo ? 1 : 0);
                        }
                    }
                    for (int loop : new int[] {1, 2, threads, 4 * threads, 100}) {
                        pool.run(loop, t -> Thread.onSpinWait());
                    }
                }
                released.set(count);
                pool.finishBackground();
                assertThat(early.get()).as("tasks run before their release").isZero();
                for (int t = 0; t < count; t++) {
                    assertThat(runs.get(t)).as("runs of background task %d, round %d", t, round).isEqualTo(1);
                }
            }
        }
    }

    /** A worker runs a background task before each task of a long loop: here the loop waits for one. */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3, 8})
    void longLoopsRunBackgroundTasksBesideTheirOwn(int threads) {
        loopWaitsForABackgroundTask(threads, 4 * threads, t -> true);
    }

    /** A thread out of tasks runs background tasks while another finishes the loop: here the loop's last task waits for one. */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3, 8})
    void idleThreadsRunBackgroundTasksUntilTheLoopEnds(int threads) {
        loopWaitsForABackgroundTask(threads, 2, t -> t == 1);
    }

    /** Runs a loop of {@code count} tasks, those {@code waits} picks waiting until a released background task has run. */
    private static void loopWaitsForABackgroundTask(int threads, int count, IntPredicate waits) {
        try (ComputePool pool = ComputePool.create(threads)) {
            CountDownLatch backgroundRan = new CountDownLatch(1);
            pool.beginBackground(1, t -> backgroundRan.countDown());
            pool.releaseBackground(1);
            pool.run(count, t -> {
                if (waits.test(t)) {
                    awaitOrFail(backgroundRan);
                }
            });
            pool.finishBackground();
        }
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("no background task ran while the loop waited");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {1, 2, 3})
    void aFailedBackgroundTaskReachesTheCallerAndThePoolStaysUsable(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            IllegalStateException boom = new IllegalStateException("background task 2 failed");
            AtomicInteger ran = new AtomicInteger();
            pool.beginBackground(50, t -> {
                ran.incrementAndGet();
                if (t == 2) {
                    throw boom;
                }
            });
            // One thread runs the tasks at their release; more run them in the loops or at the finish.
            assertThatThrownBy(() -> {
                pool.releaseBackground(50);
                for (int loop = 0; loop < 10; loop++) {
                    pool.run(8 * threads, t -> Thread.onSpinWait());
                }
                pool.finishBackground();
            }).isSameAs(boom);
            // Abandoned after the failure (as the trainer does), what was left of the list never runs.
            pool.abandonBackground();
            int ranBeforeFailure = ran.get();
            for (int loop = 0; loop < 10; loop++) {
                pool.run(8 * threads, t -> Thread.onSpinWait());
            }
            assertThat(ran.get()).as("background tasks run after the failure").isEqualTo(ranBeforeFailure);
            AtomicIntegerArray runs = new AtomicIntegerArray(3);
            pool.beginBackground(3, runs::incrementAndGet);
            pool.finishBackground();
            for (int t = 0; t < 3; t++) {
                assertThat(runs.get(t)).as("background task %d after a failure", t).isEqualTo(1);
            }
        }
    }

    /** A loop returns only once every background task its threads started has finished. */
    @ParameterizedTest(name = "threads={0}")
    @ValueSource(ints = {2, 3})
    void aLoopWaitsForTheBackgroundTasksItsThreadsStarted(int threads) {
        try (ComputePool pool = ComputePool.create(threads)) {
            for (int round = 0; round < 10; round++) {
                AtomicInteger started = new AtomicInteger();
                AtomicInteger finished = new AtomicInteger();
                pool.beginBackground(threads, t -> {
                    started.incrementAndGet();
                    sleep(20);
                    finished.incrementAndGet();
                });
                pool.releaseBackground(threads);
                // Task 1 keeps the loop open for a while, so a thread done with task 0 takes background work.
                pool.run(2, t -> {
                    if (t == 1) {
                        sleep(5);
                    }
                });
                assertThat(finished.get()).as("background tasks finished when the loop returned, round %d", round)
                        .isEqualTo(started.get());
                pool.finishBackground();
                assertThat(finished.get()).isEqualTo(threads);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void backgroundMisuseIsRejected() {
        try (ComputePool pool = ComputePool.create(2)) {
            assertThatThrownBy(() -> pool.releaseBackground(1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no background tasks");
            assertThatThrownBy(pool::finishBackground).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> pool.beginBackground(-1, t -> { })).isInstanceOf(IllegalArgumentException.class);
            pool.beginBackground(4, t -> { });
            pool.releaseBackground(3);
            assertThatThrownBy(() -> pool.releaseBackground(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("release up to 2 of 4 background tasks, 3 already released");
            assertThatThrownBy(() -> pool.releaseBackground(5)).isInstanceOf(IllegalArgumentException.class);
            pool.finishBackground();
        }
    }
}
