package dev.bfa.cli;

import dev.bfa.data.Checksums;
import dev.bfa.data.DataFetcher;
import dev.bfa.data.DataFormatException;
import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.data.FetchException;
import dev.bfa.experiment.Checkpoint.CheckpointException;
import dev.bfa.experiment.DirectoryLock;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.experiment.Experiments;
import dev.bfa.experiment.RunWriteException;
import dev.bfa.experiment.SafetensorsExport;
import dev.bfa.experiment.TrainingRun;
import dev.bfa.kernels.ComputePool;
import dev.bfa.report.Progress;
import dev.bfa.report.ReportException;
import dev.bfa.training.Divergence;
import dev.bfa.report.RunFiles;
import dev.bfa.text.UserText;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * What train, reproduce and eval share: loading data, checking memory, disk space and the output directory,
 * progress, and turning failures into one-line errors with their exit codes ({@link CliException}).
 *
 * <p>The training commands check in this order, so that a run that cannot start leaves nothing
 * behind: options, the output directory ({@link #checkOutput}, which creates nothing), the data,
 * the memory the run needs ({@link #checkMemory}), the disk space it needs ({@link #checkDisk});
 * only then is the output directory created ({@link #createOutput}) and training started.
 */
final class RunSupport {
    private RunSupport() {
    }

    /** Loads a dataset, fetching it first when it is missing and can be fetched on this machine. */
    static Dataset load(String name, Path dataDir) {
        try {
            DatasetId id = DatasetId.parse(name);
            if (id.fetchable() && !Dataset.isPresent(id, dataDir)) {
                System.err.println("bfa: " + id.cliName() + " is not in " + dataDir + ", fetching it first");
                new DataFetcher(dataDir, Checksums.locate(), line -> System.err.println("bfa: " + line)).fetch(id);
            }
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        } catch (DataFormatException | FetchException e) {
            throw new CliException(e.getMessage(), CliException.BAD_DATA, e);
        }
        return loadPresent(name, dataDir);
    }

    /** Loads a dataset that must be in {@code dataDir} already: a missing one is an error, not fetched. */
    static Dataset loadPresent(String name, Path dataDir) {
        try {
            return Dataset.load(DatasetId.parse(name), dataDir);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        } catch (DataFormatException e) {
            throw new CliException(e.getMessage(), CliException.BAD_DATA, e);
        }
    }

    /** --threads, or one per available processor; within what the compute pool supports. */
    static int threadCount(Integer threads) {
        int count = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (count < 1 || count > ComputePool.MAX_THREADS) {
            throw new CliException("--threads " + count + " is outside 1.." + ComputePool.MAX_THREADS, CliException.USAGE);
        }
        return count;
    }

    /**
     * Checks, without creating anything, that {@code dir} can take a new run: absent, an empty
     * directory, or any directory with {@code overwrite}; and that it could be created.
     */
    static void checkOutput(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CliException("--out " + dir + " exists and is not a directory", CliException.OUTPUT);
        }
        if (Files.isDirectory(dir) && !overwrite) {
            boolean empty;
            try (Stream<Path> entries = Files.list(dir)) {
                empty = entries.findAny().isEmpty();
            } catch (IOException e) {
                throw new CliException("--out " + dir + " cannot be read: " + e.getMessage(), CliException.OUTPUT, e);
            }
            if (!empty) {
                String holds = Files.exists(dir.resolve(RunFiles.CONFIG))
                        ? "holds another run (" + RunFiles.CONFIG + ")" : "already holds files";
                throw new CliException("--out " + dir + " " + holds + "; choose another directory or add --overwrite",
                        CliException.OUTPUT);
            }
        }
        Path existing = nearestExisting(dir);
        if (!Files.isDirectory(existing)) {
            throw new CliException("cannot create --out " + dir + ": " + existing + " is not a directory",
                    CliException.OUTPUT);
        }
    }

    /**
     * Creates {@code dir} (checked by {@link #checkOutput}) and proves it writable by creating and
     * deleting a file in it: permission bits do not tell root about a read-only file system.
     */
    static void createOutput(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.delete(Files.createTempFile(dir, ".bfa-write-check", null));
        } catch (IOException e) {
            throw new CliException("--out " + dir + " is not writable (" + UserText.reason(e) + ")", CliException.OUTPUT, e);
        }
    }

    /** The checkpoint a command's RUN argument names: RUN/model.ckpt for a directory, else RUN itself. */
    static Path checkpointOf(Path run) {
        Path checkpoint = Files.isDirectory(run) ? run.resolve(Experiments.CHECKPOINT) : run;
        if (!Files.isRegularFile(checkpoint)) {
            throw new CliException(checkpoint + ": no such checkpoint", CliException.BAD_RUN_FILE);
        }
        return checkpoint;
    }

    /**
     * Fails, before anything is allocated, when a run of any of {@code configs} (run one after the
     * other) would need more memory than the machine has available; says how much it needs, then
     * {@code remedy}.
     */
    static void checkMemory(List<RunConfig> configs, Dataset forward, Dataset reverse, String remedy) {
        checkMemory(configs, forward, reverse, remedy, 1);
    }

    /** As above, with {@code concurrent} runs of the largest at once (a sweep's --jobs). */
    static void checkMemory(List<RunConfig> configs, Dataset forward, Dataset reverse, String remedy,
                            int concurrent) {
        long available = availableMemory();
        TrainingRun.MemoryPlan largest;
        try {
            largest = configs.stream()
                    .map(c -> TrainingRun.memoryPlan(c, forward, reverse))
                    .max(java.util.Comparator.comparingLong(TrainingRun.MemoryPlan::toAllocate))
                    .orElseThrow();
        } catch (ArithmeticException e) {
            throw new CliException("the run needs more than " + UserText.bytes(Long.MAX_VALUE - 1)
                    + " of memory, but only " + UserText.bytes(available) + " is available; " + remedy,
                    CliException.NO_MEMORY, e);
        }
        long needed;
        try {
            needed = Math.multiplyExact(largest.toAllocate(), concurrent);
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
        }
        if (needed > available) {
            String each = UserText.bytes(largest.toAllocate());
            throw new CliException((concurrent > 1 ? concurrent + " runs at once need " + UserText.bytes(needed)
                    + " of memory, each " + each : "the run needs " + each + " of memory") + " ("
                    + UserText.bytes(largest.parameterBytes()) + " parameters, "
                    + UserText.bytes(largest.optimizerBytes()) + " optimiser state, "
                    + UserText.bytes(largest.activationBytes()) + " activations) besides the "
                    + UserText.bytes(largest.datasetBytes()) + " of data already loaded, but only "
                    + UserText.bytes(available) + " is available; " + remedy, CliException.NO_MEMORY);
        }
    }

    /**
     * Fails, before anything is written, when the runs of {@code plans}, all writing under
     * {@code dir}, need more disk space than is free there (to this process: root's reserve is not
     * counted); says how much they need and what for, then {@code remedy}.
     */
    static void checkDisk(Path dir, IoBody<List<DiskPlan>> plans, String remedy) {
        List<DiskPlan> planned = reportingFailures(plans);
        long free;
        try {
            free = Files.getFileStore(nearestExisting(dir)).getUsableSpace();
        } catch (IOException e) {
            throw new CliException(dir + ": cannot tell the free disk space (" + UserText.reason(e) + ")",
                    CliException.OUTPUT, e);
        }
        long needed = 0;
        long checkpoints = 0;
        long weights = 0;
        long records = 0;
        long replaced = 0;
        try {
            for (DiskPlan plan : planned) {
                needed = Math.addExact(needed, plan.needed());
                checkpoints = Math.addExact(checkpoints, plan.checkpointBytes());
                weights = Math.addExact(weights, plan.weightsBytes());
                records = Math.addExact(records, plan.recordBytes());
                replaced = Math.addExact(replaced, plan.replacedBytes());
            }
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
        }
        if (needed > free) {
            String runs = planned.size() > 1 ? planned.size() + " runs" : "the run";
            throw new CliException(dir + ": " + runs + " need" + (planned.size() > 1 ? "" : "s") + " "
                    + UserText.bytes(needed) + " of disk space (" + Experiments.CHECKPOINT + " "
                    + UserText.bytes(checkpoints) + ", twice while a new one replaces it"
                    + (weights > 0 ? "; " + SafetensorsExport.FILE + " " + UserText.bytes(weights) : "")
                    + "; metrics, figures and report " + UserText.bytes(records)
                    + (replaced > 0 ? "; less " + UserText.bytes(replaced) + " of files it replaces" : "")
                    + ") but only " + UserText.bytes(free) + " is free there; " + remedy, CliException.OUTPUT);
        }
    }

    /** {@code path}, or its nearest parent that exists: where a directory not created yet will be. */
    private static Path nearestExisting(Path path) {
        Path existing = path.toAbsolutePath();
        while (!Files.exists(existing)) {
            existing = existing.getParent();
        }
        return existing;
    }

    /** What to do about a new run too large for the disk. */
    static final String FREE_SPACE_OR_ELSEWHERE = "free some space or choose another --out";

    /** What to do about a resumed run too large for the space left on its disk. */
    static final String FREE_SPACE_TO_RESUME = "free some space, then resume again";

    /**
     * Memory available to a new allocation: Linux's MemAvailable (free memory plus what the page
     * cache would give back), else the free memory the JVM sees. The model and buffers are
     * off-heap (FFM), which no JVM limit caps, so the machine is the limit.
     */
    static long availableMemory() {
        OptionalLong memAvailable = procMeminfo("MemAvailable:");
        if (memAvailable.isPresent()) {
            return memAvailable.getAsLong();
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getFreeMemorySize();
    }

    private static OptionalLong procMeminfo(String key) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(line -> line.startsWith(key))
                    .mapToLong(line -> Long.parseLong(line.substring(key.length()).replace("kB", "").strip()) * 1024)
                    .findFirst();
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** What to do about a run too large for the machine, when its options come from the command line. */
    static final String SMALLER_RUN = "choose a smaller --width, --depth or --batch";

    /** The default run directory: runs/NAME-yyyyMMdd-HHmmss under the project (or the working directory). */
    static Path defaultOutput(String name) {
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String home = System.getProperty("bfa.home");
        Path runs = home == null ? Path.of("runs") : Path.of(home, "runs");
        return runs.resolve(name + "-" + stamp);
    }

    static Function<RunConfig, Progress> progress(boolean quiet, int forwardTrain, int reverseTrain, long startStep) {
        return progress(null, quiet, forwardTrain, reverseTrain, startStep);
    }

    /** As above, the bar labelled {@code label} (a sweep's cell) rather than by the run's mode when it is not null. */
    static Function<RunConfig, Progress> progress(String label, boolean quiet, int forwardTrain, int reverseTrain,
                                                  long startStep) {
        return config -> Progress.builder(label != null ? label : config.mode().cliName(), config.steps())
                .startStep(startStep)
                .epochs(config.batch(), forwardTrain, reverseTrain)
                .quiet(quiet)
                .build();
    }

    /** Runs {@code body}, turning the failures a user can act on into one-line errors with their exit codes. */
    static <T> T reportingFailures(IoBody<T> body) {
        try {
            return body.run();
        } catch (CheckpointException | ReportException e) {
            throw new CliException(e.getMessage(), CliException.BAD_RUN_FILE, e);
        } catch (DataFormatException e) {
            throw new CliException(e.getMessage(), CliException.BAD_DATA, e);
        } catch (Divergence.DivergedException e) {
            throw new CliException(e.getMessage(), CliException.DIVERGED, e);
        } catch (DirectoryLock.HeldException | RunWriteException e) {
            throw new CliException(e.getMessage(), CliException.OUTPUT, e);
        } catch (IOException e) {
            throw new CliException(describeFailure(e), CliException.FAILED, e);
        } catch (UncheckedIOException e) {
            throw new CliException(describeFailure(e.getCause()), CliException.FAILED, e);
        }
    }

    /**
     * An I/O failure in one line that says what went wrong: java.nio's exceptions without a reason
     * name only the file ({@code FileAlreadyExistsException: runs/x}), so their kind is added.
     */
    static String describeFailure(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() == null && fs.getFile() != null) {
            return fs.getFile() + ": " + switch (e) {
                case java.nio.file.FileAlreadyExistsException x -> "a file is in the way (it already exists)";
                case java.nio.file.NoSuchFileException x -> "no such file or directory";
                case java.nio.file.AccessDeniedException x -> "permission denied";
                case java.nio.file.NotDirectoryException x -> "not a directory";
                default -> e.getClass().getSimpleName();
            };
        }
        return e.getMessage();
    }

    @FunctionalInterface
    interface IoBody<T> {
        T run() throws IOException;
    }
}
