package dev.bfa.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.report.AtomicFiles;
import dev.bfa.report.JsonFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a sweep's cells as one Slurm job array, through Slurm's own commands: {@code sbatch} submits
 * it (array task i trains cell i, reading sweep.json), {@code scontrol show job} reports its tasks.
 * Nothing is built or fetched by the tasks: the jar the submitting command runs from is copied into
 * {@code DIR/slurm/} once, and the data was loaded (fetched if missing) before submission, so no two
 * tasks race for either. The sweep directory, the jar's copy and the data must be on a file system
 * every node mounts at the same path.
 *
 * <pre>
 * DIR/slurm/sweep.sbatch    the batch script (one line: java ... sweep run-cell DIR $SLURM_ARRAY_TASK_ID)
 * DIR/slurm/bfa.jar         the jar the tasks run
 * DIR/slurm/jobs.json       every submission: job id, array indices, time
 * DIR/slurm/JOB_TASK.out    each task's output
 * </pre>
 */
public final class SlurmExecutor {
    /** Threads (and --cpus-per-task) of a cell when not given: a step scales well to two. */
    public static final int DEFAULT_THREADS = 2;
    public static final String DIRECTORY = "slurm";
    static final String SCRIPT = "sweep.sbatch";
    static final String JAR = "bfa.jar";
    static final String JOBS = "jobs.json";
    /** How long a Slurm command may take before it is given up: a controller that does not answer. */
    private static final long COMMAND_SECONDS = 120;
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S*)");

    private final Sweep sweep;
    private final Path directory;

    public SlurmExecutor(Sweep sweep) {
        this.sweep = sweep;
        this.directory = sweep.directory().resolve(DIRECTORY);
    }

    /**
     * How a task starts the JVM: the java binary, its options, the class path (one jar, which is
     * copied, or the entries of a development build, used in place) and the main class.
     */
    public record Launch(Path java, List<String> jvmOptions, List<Path> classPath, String mainClass) {
    }

    /** A Slurm command failed or is missing: one line saying which and why. */
    public static final class SlurmException extends IOException {
        private static final long serialVersionUID = 1L;

        SlurmException(String message) {
            super(message);
        }
    }

    /**
     * What was (or, in a dry run, would be) submitted.
     *
     * @param jobId   the array's job id; null in a dry run
     * @param command the sbatch command line
     */
    public record Submission(String jobId, List<String> command, Path script) {
    }

    /**
     * Submits {@code cells} as one job array, at most {@code limit} running at once (null: no limit).
     *
     * @param userOptions sbatch options passed through as given (partition, time, account, ...)
     */
    public Submission submit(List<Sweep.PlannedCell> cells, int threads, Integer limit, List<String> userOptions,
                             Path dataDir, Launch launch, boolean dryRun) throws IOException {
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("no cells to submit");
        }
        Files.createDirectories(directory);
        List<Path> classPath = launch.classPath().size() == 1 && launch.classPath().getFirst().toString().endsWith(".jar")
                ? List.of(copyJar(launch.classPath().getFirst())) : launch.classPath();
        Path script = directory.resolve(SCRIPT);
        AtomicFiles.writeString(script, script(launch, classPath, threads, dataDir));
        List<String> command = new ArrayList<>(List.of("sbatch", "--parsable",
                "--array=" + arraySpec(cells.stream().map(Sweep.PlannedCell::index).toList(), limit),
                "--job-name=bfa-sweep-" + sweep.directory().getFileName(),
                "--cpus-per-task=" + threads,
                "--output=" + directory.resolve("%A_%a.out"),
                "--open-mode=append"));
        command.addAll(userOptions);
        command.add(script.toString());
        if (dryRun) {
            return new Submission(null, command, script);
        }
        String output = run(command).strip();
        String jobId = output.lines().reduce((a, b) -> b).orElse("").split(";")[0].strip();
        if (!jobId.matches("\\d+")) {
            throw new SlurmException("sbatch printed no job id (got '" + output + "')");
        }
        record(jobId, cells);
        return new Submission(jobId, command, script);
    }

    private Path copyJar(Path jar) throws IOException {
        Path target = directory.resolve(JAR);
        Path temporary = directory.resolve(JAR + ".tmp");
        Files.copy(jar, temporary, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    private String script(Launch launch, List<Path> classPath, int threads, Path dataDir) {
        List<String> words = new ArrayList<>();
        words.add(launch.java().toString());
        words.addAll(launch.jvmOptions());
        words.add("-cp");
        words.add(String.join(java.io.File.pathSeparator, classPath.stream().map(Path::toString).toList()));
        words.add(launch.mainClass());
        words.addAll(List.of("sweep", "run-cell", sweep.directory().toAbsolutePath().toString()));
        StringBuilder line = new StringBuilder("exec");
        words.forEach(word -> line.append(' ').append(quote(word)));
        line.append(" \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-").append(threads)
                .append("}\" --data-dir ").append(quote(dataDir.toAbsolutePath().toString()));
        return "#!/bin/bash\n"
                + "# Written by bfa sweep: array task i trains cell i of " + sweep.directory().toAbsolutePath()
                + "/" + Sweep.FILE + "\n"
                + "# (bfa sweep run-cell), on the jar copied here at submission; SIGTERM (scancel, a time limit)\n"
                + "# makes it save a checkpoint, which bfa sweep --resume continues from.\n"
                + line + "\n";
    }

    /** {@code text} as one word for bash. */
    public static String quote(String text) {
        return text.matches("[A-Za-z0-9_@%+=:,./-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
    }

    /** The array indices as Slurm writes them ({@code 0-3,5,7-9}), with {@code %limit} when given. */
    static String arraySpec(List<Integer> indices, Integer limit) {
        List<Integer> sorted = indices.stream().sorted().toList();
        StringBuilder spec = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            int j = i;
            while (j + 1 < sorted.size() && sorted.get(j + 1) == sorted.get(j) + 1) {
                j++;
            }
            spec.append(spec.isEmpty() ? "" : ",").append(sorted.get(i));
            if (j > i) {
                spec.append('-').append(sorted.get(j));
            }
            i = j + 1;
        }
        return limit == null ? spec.toString() : spec + "%" + limit;
    }

    private void record(String jobId, List<Sweep.PlannedCell> cells) throws IOException {
        Path file = directory.resolve(JOBS);
        ObjectNode root = Files.exists(file) ? (ObjectNode) JsonFields.parse(Files.readString(file), file.toString())
                .node() : JsonFields.MAPPER.createObjectNode();
        ArrayNode jobs = root.has("jobs") ? (ArrayNode) root.get("jobs") : root.putArray("jobs");
        ObjectNode job = jobs.addObject();
        job.put("job_id", jobId);
        ArrayNode indices = job.putArray("cells");
        cells.forEach(c -> indices.add(c.index()));
        job.put("submitted", Instant.now().toString());
        AtomicFiles.writeString(file, JsonFields.write(root));
    }

    /** The job ids submitted for this sweep, oldest first, each with its cells' indices. */
    List<Map.Entry<String, List<Integer>>> submissions() throws IOException {
        Path file = directory.resolve(JOBS);
        if (!Files.exists(file)) {
            return List.of();
        }
        List<Map.Entry<String, List<Integer>>> found = new ArrayList<>();
        for (JsonFields job : JsonFields.parse(Files.readString(file), file.toString()).objects("jobs")) {
            List<Integer> indices = new ArrayList<>();
            job.node().get("cells").forEach(n -> indices.add(n.asInt()));
            found.add(Map.entry(job.string("job_id"), indices));
        }
        return found;
    }

    /**
     * What Slurm says of each cell's latest task, by cell index: from {@code scontrol show job} of every
     * submission, a later one's tasks replacing an earlier one's. A job Slurm no longer remembers
     * (past its MinJobAge) says nothing; the cells' own files then tell.
     */
    public Map<Integer, SweepStatus.ClusterTask> tasks() throws IOException {
        Map<Integer, SweepStatus.ClusterTask> tasks = new HashMap<>();
        for (Map.Entry<String, List<Integer>> submission : submissions()) {
            String jobId = submission.getKey();
            Result result = execute(List.of("scontrol", "-o", "show", "job", jobId));
            if (result.exitCode() != 0) {
                if (result.text().contains("Invalid job id")) {
                    continue;
                }
                throw new SlurmException("scontrol show job " + jobId + " failed (exit code " + result.exitCode()
                        + "): " + firstLine(result.text()));
            }
            for (String line : result.text().lines().toList()) {
                parseTask(jobId, line).forEach(tasks::put);
            }
        }
        return tasks;
    }

    /** The tasks one line of {@code scontrol -o show job} describes: one task, or a pending range. */
    Map<Integer, SweepStatus.ClusterTask> parseTask(String jobId, String line) {
        Map<String, String> fields = new HashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.putIfAbsent(m.group(1), m.group(2));
        }
        String tasks = fields.get("ArrayTaskId");
        String state = fields.getOrDefault("JobState", "UNKNOWN");
        if (tasks == null) {
            return Map.of();
        }
        String exit = fields.getOrDefault("ExitCode", "0:0");
        int exitCode = parseExitCode(exit);
        Map<Integer, SweepStatus.ClusterTask> found = new HashMap<>();
        for (int index : expand(tasks.replaceFirst("%.*$", ""))) {
            found.put(index, new SweepStatus.ClusterTask(jobId + "_" + index, state, exitCode,
                    directory.resolve(jobId + "_" + index + ".out")));
        }
        return found;
    }

    /** Slurm's {@code code:signal}: the exit code, or 128 + the signal that ended the task. */
    static int parseExitCode(String exit) {
        String[] parts = exit.split(":");
        try {
            int code = Integer.parseInt(parts[0]);
            int signal = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return signal != 0 && code == 0 ? 128 + signal : code;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The indices of Slurm's array text {@code 0-3,5,7-9}. */
    static List<Integer> expand(String spec) {
        List<Integer> indices = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] range = part.split("-");
            try {
                int from = Integer.parseInt(range[0].strip());
                int to = range.length > 1 ? Integer.parseInt(range[1].strip()) : from;
                for (int i = from; i <= to; i++) {
                    indices.add(i);
                }
            } catch (NumberFormatException e) {
                // not an index list (Slurm wrote something else): no tasks from it
            }
        }
        return indices;
    }

    private record Result(int exitCode, String text) {
    }

    private static String run(List<String> command) throws IOException {
        Result result = execute(command);
        if (result.exitCode() != 0) {
            throw new SlurmException(command.getFirst() + " failed (exit code " + result.exitCode() + "): "
                    + firstLine(result.text()));
        }
        return result.text();
    }

    private static Result execute(List<String> command) throws IOException {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new SlurmException(command.getFirst() + " could not be run (" + e.getMessage() + "); is this a "
                    + "machine of a Slurm cluster, with " + command.getFirst() + " on PATH?");
        }
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new SlurmException(command.getFirst() + " did not answer within " + COMMAND_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SlurmException(command.getFirst() + " was interrupted");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static String firstLine(String text) {
        return text.strip().lines().findFirst().orElse("(no output)");
    }
}
