package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Mode;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Heap bytes a training step allocates once compiled, thread by thread, at the shapes of
 * TrainStepBenchmark. JMH's gc profiler divides everything the JVM's threads allocate during an
 * iteration, its own infrastructure included, by the ops: for a step of 40-300 ms a background of a
 * few KB per second becomes hundreds of bytes "per op". Here the same counters
 * ({@code ThreadMXBean.getThreadAllocatedBytes}) are read per thread around a run of steps in a
 * JVM that does nothing else, so the trainer's threads (main and the pool's workers) are told
 * apart from the rest. If the trainer's threads allocate, the steps run once more under a JFR
 * recording and the allocation sites are listed: JFR samples an allocation when it takes a new
 * TLAB, so small ones are seldom seen unless the JVM runs with {@code BFA_JAVA_OPTS=-XX:-UseTLAB},
 * where every allocation is sampled. The batch sampler draws one 48-byte random generator
 * per epoch of each network, between steps (every 64 steps at the benchmark's 8,192 examples), so
 * about 300 bytes per 200 steps are expected; the kernels allocate nothing. Run with (about 2
 * minutes per mode and thread count):
 *
 *   ./bfa bench --main StepAllocation [MODE] [THREADS] [STEPS]
 */
public final class StepAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws IOException {
        Mode mode;
        int threads;
        int steps;
        try {
            if (args.length > 3) {
                throw new IllegalArgumentException("usage: StepAllocation [MODE] [THREADS] [STEPS]");
            }
            mode = Mode.parse(args.length > 0 ? args[0] : "fa");
            threads = count(args, 1, 1, "THREADS");
            steps = count(args, 2, 200, "STEPS");
            if (threads > ComputePool.MAX_THREADS) {
                throw new IllegalArgumentException("THREADS " + threads + " is more than " + ComputePool.MAX_THREADS);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("StepAllocation: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (StepFixture fixture = new StepFixture(mode, threads, KernelProvider.kernels())) {
            long warmUpEnd = System.nanoTime() + StepScaling.WARM_UP_NANOS;
            long warmUpSteps = 0;
            while (System.nanoTime() < warmUpEnd) {
                fixture.trainer.step();
                warmUpSteps++;
            }
            // Everything the measurement itself allocates (the thread list, the arrays) is done
            // before the first and after the last reading of this thread's counter.
            Thread[] live = Thread.getAllStackTraces().keySet().toArray(Thread[]::new);
            long[] before = new long[live.length];
            long[] after = new long[live.length];
            readOthers(live, before);
            long mainBefore = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                fixture.trainer.step();
            }
            long mainAfter = THREADS.getCurrentThreadAllocatedBytes();
            readOthers(live, after);
            System.out.printf("mode %s, %d thread(s), %s; %d warm-up steps, %d measured%n", mode,
                    fixture.pool.threads(), KernelProvider.kernels().name(), warmUpSteps, steps);
            long trainerBytes = mainAfter - mainBefore;
            report(Thread.currentThread(), trainerBytes, steps);
            for (int t = 0; t < live.length; t++) {
                if (live[t] == Thread.currentThread()) {
                    continue;
                }
                long bytes = after[t] - before[t];
                if (isTrainerThread(live[t])) {
                    trainerBytes += bytes;
                }
                if (bytes != 0 || isTrainerThread(live[t])) {
                    report(live[t], bytes, steps);
                }
            }
            System.out.printf("trainer's threads: %.1f B/step%n", trainerBytes / (double) steps);
            if (trainerBytes > 0) {
                listSites(fixture, steps);
            }
        }
    }

    private static int count(String[] args, int index, int absent, String name) {
        if (args.length <= index) {
            return absent;
        }
        try {
            int value = Integer.parseInt(args[index]);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the others
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least 1 (got '" + args[index] + "')");
    }

    /** The thread running the steps and the compute pool's workers. */
    private static boolean isTrainerThread(Thread thread) {
        return thread == Thread.currentThread() || isWorkerName(thread.getName());
    }

    private static boolean isWorkerName(String name) {
        return name.startsWith(ComputePool.WORKER_NAME_PREFIX);
    }

    /** Allocated bytes of every thread but this one, which reads its own counter without a call that allocates. */
    private static void readOthers(Thread[] threads, long[] into) {
        for (int t = 0; t < threads.length; t++) {
            into[t] = threads[t] == Thread.currentThread() ? 0 : THREADS.getThreadAllocatedBytes(threads[t].threadId());
        }
    }

    private static void report(Thread thread, long bytes, int steps) {
        System.out.printf("  %-32s %10d B  %10.1f B/step%s%n", thread.getName(), bytes, bytes / (double) steps,
                isTrainerThread(thread) ? "" : "  (not the trainer's)");
    }

    private static void listSites(StepFixture fixture, int steps) throws IOException {
        Path file = Files.createTempFile("step-allocation", ".jfr");
        Map<String, long[]> sites = new HashMap<>();
        try (Recording recording = new Recording()) {
            // One event kind: with -XX:-UseTLAB an allocation would also raise
            // ObjectAllocationOutsideTLAB, and counting both doubled every site.
            recording.enable("jdk.ObjectAllocationSample").with("throttle", "off").withStackTrace();
            recording.start();
            long before = THREADS.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < steps; i++) {
                fixture.trainer.step();
            }
            long after = THREADS.getCurrentThreadAllocatedBytes();
            recording.stop();
            System.out.printf("main thread under JFR: %d B over %d steps (JFR's own allocations included)%n",
                    after - before, steps);
            recording.dump(file);
            for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
                String thread = event.getThread() == null ? "" : event.getThread().getJavaName();
                if (event.getStackTrace() == null || !(thread.equals(Thread.currentThread().getName()) || isWorkerName(thread))) {
                    continue;
                }
                List<RecordedFrame> frames = event.getStackTrace().getFrames();
                String site = event.getClass("objectClass").getName() + " at " + frames.stream().limit(4)
                        .map(f -> f.getMethod().getType().getName() + "." + f.getMethod().getName() + ":" + f.getLineNumber())
                        .collect(Collectors.joining(" < "));
                long[] counts = sites.computeIfAbsent(site, k -> new long[2]);
                counts[0]++;
                counts[1] += event.getLong("weight");
            }
        } finally {
            Files.deleteIfExists(file);
        }
        System.out.println("allocation sites on the trainer's threads over " + steps + " more steps (JFR; count, bytes):");
        if (sites.isEmpty()) {
            System.out.println("  none sampled; with BFA_JAVA_OPTS=-XX:-UseTLAB JFR records every allocation");
        }
        sites.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(20)
                .forEach(e -> System.out.printf("  %6d %10d B  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
    }
}
