package dev.bfa.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The files of a run directory, each written atomically (temporary file, then rename):
 * <ul>
 *   <li>{@value #CONFIG}: the {@link RunConfig}, enough to rerun;</li>
 *   <li>{@value #METRICS}: one row per evaluation point, appended while training ({@link #openMetrics});</li>
 *   <li>{@value #SUMMARY}: the run's outcome ({@link RunSummary});</li>
 *   <li>{@value #ACCURACY_FIGURE}, {@value #COSINE_FIGURE}: the paper's Figures 2 and 3 for this run;</li>
 *   <li>{@value #REPORT}: a readable report that shows the above.</li>
 * </ul>
 * Readers throw {@link ReportException} with one line naming the file and the field or line at fault.
 */
public final class RunFiles {
    public static final String CONFIG = "config.json";
    public static final String METRICS = "metrics.csv";
    public static final String SUMMARY = "summary.json";
    public static final String REPORT = "report.md";
    public static final String ACCURACY_FIGURE = "accuracy.png";
    public static final String COSINE_FIGURE = "cosine.png";
    /** Format version of config.json. */
    public static final int CONFIG_FORMAT = 1;

    private RunFiles() {
    }

    // ---- config.json ------------------------------------------------------------------------------

    /**
     * Writes {@code config} to {@code dir}/config.json, with the provenance of the process that starts
     * the run (not part of the configuration: readers ignore it, and resuming elsewhere is allowed).
     */
    public static void writeConfig(Path dir, RunConfig config, Provenance provenance) throws IOException {
        ObjectNode root = configNode(config);
        root.set("provenance", provenance.toJson());
        AtomicFiles.writeString(dir.resolve(CONFIG), JsonFields.write(root));
    }

    /** {@code config} as the text of config.json. */
    public static String configJson(RunConfig config) {
        return JsonFields.write(configNode(config));
    }

    /** {@code config} as the JSON object of config.json, for files that embed it (sweep.json). */
    public static ObjectNode configNode(RunConfig config) {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("format", CONFIG_FORMAT);
        root.put("mode", config.mode().cliName());
        // The mode's two axes, spelled out for readers of the file (pandas, jq); "mode" decides.
        root.put("rule", config.mode().rule().name());
        root.put("coupling", config.mode().coupling().cliName());
        root.put("forward_dataset", config.forwardDataset());
        root.put("reverse_dataset", config.reverseDataset());
        root.put("width", config.width());
        root.put("depth", config.depth());
        root.put("activation", config.activation().cliName());
        OptimizerConfig o = config.optimizer();
        ObjectNode optimizer = root.putObject("optimizer");
        optimizer.put("kind", o.kind().cliName());
        optimizer.put("learning_rate", o.learningRate());
        optimizer.put("momentum", o.momentum());
        optimizer.put("beta1", o.beta1());
        optimizer.put("beta2", o.beta2());
        optimizer.put("epsilon", o.epsilon());
        optimizer.put("weight_decay", o.weightDecay());
        root.put("batch", config.batch());
        root.put("steps", config.steps());
        root.put("evaluation_every", config.evaluationEvery());
        root.put("seed", config.seed());
        root.put("threads", config.threads());
        if (config.mode().rule().projectsDirectly()) {
            // Only where it applies, so that the files of every other rule stay as they were.
            root.put("direct_feedback_scale", config.directFeedbackScale());
        }
        return root;
    }

    /**
     * The configuration in {@code path}: a config.json file, or a run directory holding one.
     *
     * @throws ReportException when the file is missing, not JSON, or a field is missing or bad
     */
    public static RunConfig readConfig(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(CONFIG) : path;
        return parseConfig(readText(file), file.toString());
    }

    /** The configuration in config.json text; {@code source} names the file in error messages. */
    public static RunConfig parseConfig(String json, String source) {
        return parseConfig(JsonFields.parse(json, source));
    }

    /** The configuration in a config.json object, standing alone or embedded in another file. */
    public static RunConfig parseConfig(JsonFields root) {
        String source = root.source();
        checkFormat(root, CONFIG_FORMAT);
        Mode mode = parseEnum(root, "mode", Mode::parse);
        if (root.has("rule") && !root.string("rule").equals(mode.rule().name())) {
            throw root.error("rule", "is " + root.string("rule") + ", but mode " + mode + " has rule " + mode.rule().name());
        }
        if (root.has("coupling") && !root.string("coupling").equals(mode.coupling().cliName())) {
            throw root.error("coupling", "is " + root.string("coupling") + ", but mode " + mode + " has coupling "
                    + mode.coupling());
        }
        String forwardDataset = root.string("forward_dataset");
        String reverseDataset = root.string("reverse_dataset");
        int width = root.int32("width");
        int depth = root.int32("depth");
        Activation activation = parseEnum(root, "activation", Activation::parse);
        JsonFields o = root.object("optimizer");
        OptimizerConfig.Kind kind = parseEnum(o, "kind", OptimizerConfig.Kind::parse);
        OptimizerConfig optimizer;
        try {
            // Files written before learning rules had no weight decay, which was then always 0.
            optimizer = new OptimizerConfig(kind, o.float32("learning_rate"), o.float32("momentum"),
                    o.float32("beta1"), o.float32("beta2"), o.float32("epsilon"),
                    o.has("weight_decay") ? o.float32("weight_decay") : 0f);
        } catch (ReportException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ReportException(source + ": field \"optimizer\": " + e.getMessage(), e);
        }
        int batch = root.int32("batch");
        long steps = root.integer("steps");
        long evaluationEvery = root.integer("evaluation_every");
        long seed = root.integer("seed");
        int threads = root.int32("threads");
        float directFeedbackScale = root.has("direct_feedback_scale") ? root.float32("direct_feedback_scale") : 1f;
        try {
            return new RunConfig(mode, forwardDataset, reverseDataset, width, depth, activation, optimizer, batch,
                    steps, evaluationEvery, seed, threads, directFeedbackScale);
        } catch (ReportException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ReportException(source + ": " + e.getMessage(), e);
        }
    }


    private static <T> T parseEnum(JsonFields json, String field, java.util.function.Function<String, T> parse) {
        String name = json.string(field);
        try {
            return parse.apply(name);
        } catch (IllegalArgumentException e) {
            throw json.error(field, e.getMessage());
        }
    }

    static void checkFormat(JsonFields root, int supported) {
        long format = root.integer("format");
        if (format < 1 || format > supported) {
            throw root.error("format", "version " + format + " is not supported (this bfa reads version "
                    + supported + (format > supported ? "; the file was written by a newer bfa)" : ")"));
        }
    }

    static String readText(Path file) throws IOException {
        return MetricsCsv.readText(file);
    }

    // ---- metrics.csv ------------------------------------------------------------------------------

    /**
     * Opens {@code dir}/metrics.csv for appending one row per evaluation point, creating it with its
     * header if needed. See {@link MetricsWriter} for how an existing file (a resumed run) is handled.
     */
    public static MetricsWriter openMetrics(Path dir, int depth) throws IOException {
        return MetricsWriter.open(dir.resolve(METRICS), new MetricsLayout(depth));
    }

    /** Writes all of {@code points} to {@code dir}/metrics.csv at once, replacing the file. */
    public static void writeMetrics(Path dir, int depth, List<EvaluationPoint> points) throws IOException {
        AtomicFiles.writeString(dir.resolve(METRICS), MetricsCsv.text(new MetricsLayout(depth), points));
    }

    /**
     * The rows of {@code path}: a metrics.csv file, or a run directory holding one. A partial last
     * line (an append cut short by a crash) is skipped.
     */
    public static List<EvaluationPoint> readMetrics(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(METRICS) : path;
        return MetricsCsv.read(file);
    }

    /**
     * Keeps only the rows of {@code dir}/metrics.csv up to and including {@code lastStep} (and drops a
     * partial last line), for resuming from a checkpoint taken at {@code lastStep}. Does nothing when
     * the file does not exist.
     *
     * @return the rows kept
     */
    public static List<EvaluationPoint> truncateMetrics(Path dir, long lastStep) throws IOException {
        Path file = dir.resolve(METRICS);
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = MetricsCsv.readText(file);
        MetricsCsv.Parsed parsed = MetricsCsv.parseWithLayout(text, file.toString());
        List<EvaluationPoint> kept = new ArrayList<>();
        for (EvaluationPoint p : parsed.points()) {
            if (p.step() <= lastStep) {
                kept.add(p);
            }
        }
        if (kept.size() != parsed.points().size() || parsed.completeLength() != text.length()) {
            AtomicFiles.writeString(file, MetricsCsv.text(parsed.layout(), kept));
        }
        return List.copyOf(kept);
    }

    // ---- summary.json -----------------------------------------------------------------------------

    /** Writes {@code summary} to {@code dir}/summary.json, with the provenance of the process that finished the run. */
    public static void writeSummary(Path dir, RunSummary summary, Provenance provenance) throws IOException {
        ObjectNode root = summary.toJson(true);
        root.set("provenance", provenance.toJson());
        AtomicFiles.writeString(dir.resolve(SUMMARY), JsonFields.write(root));
    }

    /** The summary in {@code path}: a summary.json file, or a run directory holding one. */
    public static RunSummary readSummary(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(SUMMARY) : path;
        JsonFields root = JsonFields.parse(readText(file), file.toString());
        checkFormat(root, RunSummary.FORMAT);
        return RunSummary.fromJson(root);
    }

    // ---- figures and report -----------------------------------------------------------------------

    /**
     * Writes this run's Figure 2 ({@value #ACCURACY_FIGURE}) and Figure 3 ({@value #COSINE_FIGURE};
     * only when the networks have paired layers) to {@code dir}.
     */
    public static void writeFigures(Path dir, RunConfig config, List<EvaluationPoint> points) throws IOException {
        Map<Mode, List<EvaluationPoint>> runs = Map.of(config.mode(), points);
        Figures.writeAccuracy(dir.resolve(ACCURACY_FIGURE), runs, config.forwardDataset(), config.reverseDataset());
        if (!Figures.writeCosine(dir.resolve(COSINE_FIGURE), runs, config.forwardDataset(),
                config.reverseDataset())) {
            Files.deleteIfExists(dir.resolve(COSINE_FIGURE));
        }
    }

    /** Writes {@code dir}/report.md for one run; it links the figures that are in {@code dir}. */
    public static void writeReport(Path dir, RunConfig config, RunSummary summary, List<EvaluationPoint> points)
            throws IOException {
        AtomicFiles.writeString(dir.resolve(REPORT), RunReport.markdown(config, summary, points,
                Files.exists(dir.resolve(ACCURACY_FIGURE)), Files.exists(dir.resolve(COSINE_FIGURE))));
    }

    /**
     * Everything a finished run writes besides config.json and metrics.csv: summary.json, the
     * figures and report.md.
     *
     * @param wallSeconds wall time of the whole run, evaluations included (NaN if unknown)
     * @return the summary written
     */
    public static RunSummary finish(Path dir, RunConfig config, List<EvaluationPoint> points, double wallSeconds,
                                    Provenance provenance) throws IOException {
        RunSummary summary = RunSummary.of(config, points, wallSeconds);
        writeSummary(dir, summary, provenance);
        writeFigures(dir, config, points);
        writeReport(dir, config, summary, points);
        return summary;
    }
}
