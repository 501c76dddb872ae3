package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.DirectoryLock;
import dev.bfa.experiment.DiskPlan;
import dev.bfa.sweep.LocalExecutor;
import dev.bfa.sweep.SlurmExecutor;
import dev.bfa.sweep.Sweep;
import dev.bfa.sweep.SweepReports;
import dev.bfa.sweep.SweepStatus;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** Running a planned sweep: here ({@link #runLocally}) or on a Slurm cluster ({@link #submit}). */
final class SweepRun {
    private SweepRun() {
    }

    /**
     * Runs the cells of {@code sweep} that are not done, here, then writes the sweep report.
     *
     * @return 0 when every cell is done; 128 + signal when stopped; {@link CliException#CELLS_FAILED}
     */
    static int runLocally(Sweep sweep, SweepData data, Integer jobs, Integer threads, boolean quiet, boolean dryRun,
                          CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        try (DirectoryLock lock = SweepCommand.lock(sweep)) {
            // Cells a Slurm job array of this sweep has queued or is running are not run here too.
            Map<Integer, SweepStatus.ClusterTask> cluster = SweepStatusCommand.clusterTasks(sweep, err);
            List<SweepStatus.CellView> views = RunSupport.reportingFailures(() -> SweepStatus.of(sweep, cluster));
            List<Sweep.PlannedCell> toRun = views.stream().filter(v -> v.phase().toRun())
                    .map(SweepStatus.CellView::cell).toList();
            LocalExecutor local = LocalExecutor.fitting(SweepCommand.cores(), jobs, threads, toRun.size());
            err.printf("bfa sweep: %d cells in %s: %d done, %d to run, %d at a time on %d threads each%n",
                    sweep.cells().size(), sweep.directory(), sweep.cells().size() - toRun.size(), toRun.size(),
                    local.jobs(), local.threads());
            err.flush();
            if (dryRun) {
                toRun.forEach(c -> spec.commandLine().getOut().println(c.name()));
                spec.commandLine().getOut().flush();
                return 0;
            }
            checkMemory(sweep, data, local.jobs());
            checkDisk(sweep, data, toRun, local.jobs());
            try (StopOnSignal stop = StopOnSignal.install()) {
                LocalExecutor.Outcome outcome = RunSupport.reportingFailures(() -> local.run(sweep, toRun,
                        new SweepCellRunner(sweep, data, stop, quiet), stop, err));
                if (outcome.endedBy() != null) {
                    return endedEarly(sweep, outcome.endedBy(), spec);
                }
                Path report = RunSupport.reportingFailures(() -> SweepReports.write(sweep, List.of()));
                if (!outcome.stopped().isEmpty()) {
                    err.println("bfa sweep: stopped; the running cells saved checkpoints; continue with: bfa sweep "
                            + "--resume " + sweep.directory());
                    err.flush();
                    return stop.exitCode();
                }
                return finish(sweep, outcome.failed(), report, spec);
            }
        } catch (IOException e) {
            throw new CliException(sweep.directory() + ": " + e.getMessage(), CliException.FAILED, e);
        }
    }

    /**
     * The sweep stopped because a cell could not write its files (or its outcome): every finished cell is
     * intact, the others continue from their checkpoints once the cause is gone. The sweep report is
     * written if it can be; it is the last thing a full disk needs.
     */
    private static int endedEarly(Sweep sweep, String why, CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        List<SweepStatus.CellView> views = RunSupport.reportingFailures(() -> SweepStatus.of(sweep, Map.of()));
        long done = views.stream().filter(v -> v.phase() == SweepStatus.Phase.DONE).count();
        String report;
        try {
            report = "; report: " + SweepReports.write(sweep, List.of());
        } catch (IOException | java.io.UncheckedIOException | dev.bfa.report.ReportException e) {
            // A full disk may also have torn a cell's last metrics row, which the report reads.
            report = "; the report could not be written either";
        }
        err.println("bfa sweep: stopped: " + why + "; " + done + " of " + views.size() + " cells done and kept"
                + report + "; free some space, then continue with: bfa sweep --resume " + sweep.directory());
        err.flush();
        return CliException.OUTPUT;
    }

    private static int finish(Sweep sweep, List<String> failed, Path report, CommandSpec spec) {
        List<SweepStatus.CellView> views = RunSupport.reportingFailures(() -> SweepStatus.of(sweep, Map.of()));
        long done = views.stream().filter(v -> v.phase() == SweepStatus.Phase.DONE).count();
        PrintWriter out = spec.commandLine().getOut();
        out.printf("sweep: %d of %d cells done in %s; report: %s%n", done, views.size(), sweep.directory(), report);
        out.flush();
        if (!failed.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("bfa sweep: " + failed.size() + " of " + views.size() + " cells failed (" + String.join(" ",
                    failed) + "); see bfa sweep status " + sweep.directory() + "; bfa sweep --resume "
                    + sweep.directory() + " runs them again");
            err.flush();
            return CliException.CELLS_FAILED;
        }
        return 0;
    }

    /**
     * Submits the cells of {@code sweep} that are neither done nor in Slurm's queue as one job array,
     * after loading (and so fetching) every dataset the cells need.
     */
    static int submit(Sweep sweep, SweepData data, int threads, Integer limit, List<String> slurmOptions,
                      boolean dryRun, CommandSpec spec) {
        if (limit != null && limit < 1) {
            throw new CliException("--jobs " + limit + " must be at least 1", CliException.USAGE);
        }
        for (Sweep.PlannedCell cell : sweep.cells()) {
            data.get(cell.config().forwardDataset());
            data.get(cell.config().reverseDataset());
        }
        SlurmExecutor slurm = new SlurmExecutor(sweep);
        // Locked while it looks and submits: two submitting at once would each see the cells unqueued.
        try (DirectoryLock lock = SweepCommand.lock(sweep)) {
            List<SweepStatus.CellView> views = SweepStatus.of(sweep, dryRun ? Map.of() : slurm.tasks());
            List<Sweep.PlannedCell> toRun = views.stream().filter(v -> v.phase().toRun())
                    .map(SweepStatus.CellView::cell).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (toRun.isEmpty()) {
                out.println("sweep: nothing to submit: every cell of " + sweep.directory()
                        + " is done, queued or running (bfa sweep status " + sweep.directory() + ")");
                out.flush();
                return 0;
            }
            SlurmExecutor.Submission submission = slurm.submit(toRun, threads, limit, slurmOptions,
                    data.directory(), launch(), dryRun);
            out.println(String.join(" ", submission.command().stream().map(SlurmExecutor::quote).toList()));
            out.println(dryRun ? "sweep: dry run: nothing submitted; the batch script is " + submission.script()
                    : "sweep: submitted " + toRun.size() + " cells as Slurm job " + submission.jobId()
                    + "; follow it with: bfa sweep status " + sweep.directory());
            out.flush();
            return 0;
        } catch (SlurmExecutor.SlurmException e) {
            throw new CliException(e.getMessage(), CliException.CLUSTER, e);
        } catch (IOException e) {
            throw new CliException(sweep.directory() + ": " + e.getMessage(), CliException.FAILED, e);
        }
    }

    /**
     * How an array task starts this same program: this JVM's java, the flags bfa needs, this JVM's
     * heap limit and bfa.* properties (a forced vector width), and its class path.
     */
    static SlurmExecutor.Launch launch() {
        List<String> options = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m"));
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(name -> name.startsWith("bfa.") && !name.equals("bfa.home"))
                .forEach(name -> options.add("-D" + name + "=" + System.getProperty(name)));
        List<Path> classPath = new ArrayList<>();
        // java.class.path, not the JVM's own: a test runner (surefire's manifest-only booter jar) sets it to the real one.
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                classPath.add(Path.of(entry).toAbsolutePath());
            }
        }
        return new SlurmExecutor.Launch(Path.of(System.getProperty("java.home"), "bin", "java"), options, classPath,
                Main.class.getName());
    }

    /**
     * Fails before anything runs when the {@code concurrent} largest of the cells to run do not fit on
     * the sweep's disk: the cells that run at once are the ones whose checkpoints are replaced at once.
     */
    static void checkDisk(Sweep sweep, SweepData data, List<Sweep.PlannedCell> toRun, int concurrent) {
        RunSupport.checkDisk(sweep.directory(), () -> {
            List<DiskPlan> plans = new ArrayList<>();
            for (Sweep.PlannedCell cell : toRun) {
                RunConfig config = cell.config();
                plans.add(DiskPlan.of(config, data.get(config.forwardDataset()), data.get(config.reverseDataset()),
                        true, sweep.runDirectory(cell)));
            }
            plans.sort(Comparator.comparingLong(DiskPlan::needed).reversed());
            return plans.subList(0, Math.min(concurrent, plans.size()));
        }, "free some space or run fewer --jobs");
    }

    /** Fails before anything runs when {@code concurrent} of the sweep's largest cells do not fit in memory. */
    static void checkMemory(Sweep sweep, SweepData data, int concurrent) {
        Map<List<String>, List<RunConfig>> byData = new LinkedHashMap<>();
        for (Sweep.PlannedCell cell : sweep.cells()) {
            byData.computeIfAbsent(List.of(cell.config().forwardDataset(), cell.config().reverseDataset()),
                    k -> new ArrayList<>()).add(cell.config());
        }
        byData.forEach((names, configs) -> {
            Dataset forward = data.get(names.get(0));
            Dataset reverse = data.get(names.get(1));
            RunSupport.checkMemory(configs, forward, reverse, "choose a smaller --width, --depth or --batch, or fewer "
                    + "--jobs", concurrent);
        });
    }
}
