package dev.bfa.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The report of {@code reproduce}: all modes side by side. Writes, into one directory, the combined
 * Figures 2 and 3 ({@value RunFiles#ACCURACY_FIGURE}, {@value RunFiles#COSINE_FIGURE}), a
 * {@value RunFiles#SUMMARY} with one entry per mode, and a {@value RunFiles#REPORT} with a table of the
 * modes, the figures and a short list of findings: measured facts only, no interpretation.
 *
 * <p>When a mode's own run directory is {@code <dir>/<mode>} (for example {@code out/fa/report.md}),
 * the table links to that run's report.
 */
public final class CombinedReport {
    /** Format version of the combined summary.json. */
    public static final int FORMAT = 1;

    private CombinedReport() {
    }

    /**
     * Writes the combined figures, summary.json and report.md into {@code dir}.
     *
     * @param base      the configuration shared by the runs (its mode is ignored)
     * @param runs      each mode's evaluation points, in step order
     * @param summaries each mode's summary (a mode missing here is summarised from its points)
     */
    public static void write(Path dir, RunConfig base, Map<Mode, List<EvaluationPoint>> runs,
                             Map<Mode, RunSummary> summaries) throws IOException {
        Map<Mode, RunSummary> all = complete(base, runs, summaries);
        Map<Mode, List<EvaluationPoint>> plotted = new EnumMap<>(Mode.class);
        runs.forEach((mode, points) -> {
            if (!points.isEmpty()) {
                plotted.put(mode, points);
            }
        });
        boolean accuracy = false;
        boolean cosine = false;
        if (!plotted.isEmpty()) {
            Figures.writeAccuracy(dir.resolve(RunFiles.ACCURACY_FIGURE), plotted, base.forwardDataset(),
                    base.reverseDataset());
            accuracy = true;
            cosine = Figures.writeCosine(dir.resolve(RunFiles.COSINE_FIGURE), plotted, base.forwardDataset(),
                    base.reverseDataset());
        }
        AtomicFiles.writeString(dir.resolve(RunFiles.SUMMARY), summaryJson(base, all));
        Map<Mode, String> links = new EnumMap<>(Mode.class);
        for (Mode mode : all.keySet()) {
            if (Files.exists(dir.resolve(mode.cliName()).resolve(RunFiles.REPORT))) {
                links.put(mode, mode.cliName() + "/" + RunFiles.REPORT);
            }
        }
        AtomicFiles.writeString(dir.resolve(RunFiles.REPORT), markdown(base, runs, all, links, accuracy, cosine));
    }

    private static Map<Mode, RunSummary> complete(RunConfig base, Map<Mode, List<EvaluationPoint>> runs,
                                                  Map<Mode, RunSummary> summaries) {
        Map<Mode, RunSummary> all = new EnumMap<>(Mode.class);
        all.putAll(summaries);
        runs.forEach((mode, points) -> {
            if (!all.containsKey(mode) && !points.isEmpty()) {
                all.put(mode, RunSummary.of(mode, base.forwardDataset(), base.reverseDataset(), points, Double.NaN));
            }
        });
        if (all.isEmpty()) {
            throw new IllegalArgumentException("no results to report: no mode has a summary or evaluation points");
        }
        return all;
    }

    /** The combined summary.json: the shared settings, then {@code "modes": {"fa": {...}, ...}}. */
    public static String summaryJson(RunConfig base, Map<Mode, RunSummary> summaries) {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("forward_dataset", base.forwardDataset());
        root.put("reverse_dataset", base.reverseDataset());
        root.put("width", base.width());
        root.put("depth", base.depth());
        root.put("steps", base.steps());
        ObjectNode modes = root.putObject("modes");
        for (Map.Entry<Mode, RunSummary> entry : new EnumMap<>(summaries).entrySet()) {
            modes.set(entry.getKey().cliName(), entry.getValue().toJson(false));
        }
        return JsonFields.write(root);
    }

    /** The per-mode summaries of a combined summary.json ({@code path}: the file or its directory). */
    public static Map<Mode, RunSummary> readSummary(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(RunFiles.SUMMARY) : path;
        JsonFields root = JsonFields.parse(RunFiles.readText(file), file.toString());
        RunFiles.checkFormat(root, FORMAT);
        JsonFields modes = root.object("modes");
        Map<Mode, RunSummary> result = new EnumMap<>(Mode.class);
        for (String name : modes.fieldNames()) {
            RunSummary summary = RunSummary.fromJson(modes.object(name));
            if (!summary.mode().cliName().equals(name)) {
                throw modes.error(name + ".mode", "is " + summary.mode().cliName() + ", but the entry is " + name);
            }
            result.put(summary.mode(), summary);
        }
        return result;
    }

    static String markdown(RunConfig base, Map<Mode, List<EvaluationPoint>> runs, Map<Mode, RunSummary> summaries,
                           Map<Mode, String> links, boolean accuracyFigure, boolean cosineFigure) {
        StringBuilder out = new StringBuilder();
        out.append("# bfa reproduce: the many directions of feedback alignment\n\n");
        out.append("F (the forward network) on **").append(base.forwardDataset())
                .append("** and R (the reverse network) on **").append(base.reverseDataset())
                .append("**, trained together in ").append(summaries.size()).append(" mode")
                .append(summaries.size() == 1 ? "" : "s").append(" with otherwise identical settings.\n\n");
        out.append("## Configuration\n\n");
        Markdown.configTable(out, base, false);

        out.append("## Results at the last evaluation point\n\n");
        table(out, summaries, links);
        out.append("Accuracies are test accuracies; cosine l is the cosine similarity between F's forward weights "
                + "in layer l and R's forward weights in the paired layer L-1-l, read in F's orientation; "
                + "examples/s counts both networks' training examples.\n\n");

        out.append("## Findings\n\n");
        for (String finding : findings(runs, summaries)) {
            out.append("- ").append(finding).append('\n');
        }
        out.append('\n');

        out.append("## Figures\n\n");
        if (accuracyFigure) {
            out.append("Test accuracy during training (paper Figure 2):\n\n![Test accuracy of F and R during training]("
                    + RunFiles.ACCURACY_FIGURE + ")\n\n");
        }
        if (cosineFigure) {
            out.append("Cosine similarity of the paired layers during training (paper Figure 3):\n\n"
                    + "![Cosine similarity of the paired layers during training](" + RunFiles.COSINE_FIGURE + ")\n\n");
        }
        if (!accuracyFigure && !cosineFigure) {
            out.append("No figures were written.\n\n");
        }
        out.append("Modes: ");
        List<String> descriptions = new ArrayList<>();
        for (Mode mode : summaries.keySet()) {
            descriptions.add(Markdown.code(mode.cliName()) + ": " + Markdown.describe(mode));
        }
        out.append(String.join("; ", descriptions)).append(".\n");
        return out.toString();
    }

    private static void table(StringBuilder out, Map<Mode, RunSummary> summaries, Map<Mode, String> links) {
        int paired = 0;
        for (RunSummary s : summaries.values()) {
            paired = Math.max(paired, s.cosine().length);
        }
        RunSummary any = summaries.values().iterator().next();
        List<String> header = new ArrayList<>(List.of("mode", "steps", "F accuracy (" + any.forward().dataset() + ")",
                "R accuracy (" + any.reverse().dataset() + ")"));
        MetricsLayout layout = paired > 0 ? new MetricsLayout(paired + 1) : null;
        for (int l = 1; l <= paired; l++) {
            header.add("cosine l" + l + " (R " + layout.reverseLayerOf(l) + ")");
        }
        header.add("mean cosine");
        header.add("examples/s");
        boolean[] right = new boolean[header.size()];
        java.util.Arrays.fill(right, true);
        right[0] = false;
        Markdown.Table table = new Markdown.Table(header, right);
        for (Map.Entry<Mode, RunSummary> entry : summaries.entrySet()) {
            RunSummary s = entry.getValue();
            String name = Markdown.code(entry.getKey().cliName());
            String link = links.get(entry.getKey());
            List<String> row = new ArrayList<>();
            row.add(link == null ? name : "[" + name + "](" + link + ")");
            row.add(Markdown.count(s.steps()));
            row.add(Markdown.percent(s.forward().testAccuracy()));
            row.add(Markdown.percent(s.reverse().testAccuracy()));
            double[] cosine = s.cosine();
            for (int l = 0; l < paired; l++) {
                row.add(l < cosine.length ? Markdown.fixed(cosine[l], 4) : Markdown.MISSING);
            }
            row.add(Markdown.fixed(s.meanCosine(), 4));
            row.add(Markdown.count(s.examplesPerSecond()));
            table.row(row);
        }
        table.appendTo(out);
    }

    /**
     * Short statements of measured facts, from the final evaluation point of each mode (and, for the
     * change of cosine over training, from the first one).
     */
    public static List<String> findings(Map<Mode, List<EvaluationPoint>> runs, Map<Mode, RunSummary> summaries) {
        List<String> findings = new ArrayList<>();
        Map<Mode, RunSummary> s = new EnumMap<>(summaries);

        RunSummary fa = s.get(Mode.FA);
        if (fa != null && fa.cosine().length > 0) {
            double[] c = fa.cosine();
            double maxAbs = 0;
            for (double v : c) {
                if (Double.isFinite(v)) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
            }
            findings.add("`fa` (uncoupled): mean final cosine " + Markdown.fixed(fa.meanCosine(), 4)
                    + ", largest magnitude in any layer " + Markdown.fixed(maxAbs, 4) + ".");
        }

        List<Mode> coupled = new ArrayList<>();
        for (Mode mode : List.of(Mode.COUPLED_BACKWARD, Mode.COUPLED_BOTH)) {
            if (s.containsKey(mode) && Double.isFinite(s.get(mode).meanCosine())) {
                coupled.add(mode);
            }
        }
        if (coupled.size() == 2) {
            Mode a = coupled.get(0);
            Mode b = coupled.get(1);
            Mode high = s.get(b).meanCosine() > s.get(a).meanCosine() ? b : a;
            Mode low = high == a ? b : a;
            findings.add("Highest mean final cosine of the coupled modes: `" + high.cliName() + "` ("
                    + Markdown.fixed(s.get(high).meanCosine(), 4) + ", against " + Markdown.fixed(
                    s.get(low).meanCosine(), 4) + " for `" + low.cliName() + "`).");
        } else if (coupled.size() == 1) {
            Mode only = coupled.getFirst();
            findings.add("`" + only.cliName() + "`: mean final cosine " + Markdown.fixed(s.get(only).meanCosine(), 4)
                    + ".");
        }
        for (Mode mode : coupled) {
            String layers = layerOrder(s.get(mode).cosine());
            if (layers != null) {
                findings.add("`" + mode.cliName() + "`: " + layers);
            }
            String change = change(runs.get(mode));
            if (change != null) {
                findings.add("`" + mode.cliName() + "`: " + change);
            }
        }

        if (fa != null) {
            for (Map.Entry<Mode, RunSummary> entry : s.entrySet()) {
                if (entry.getKey() == Mode.FA) {
                    continue;
                }
                RunSummary other = entry.getValue();
                findings.add("Final accuracy of `" + entry.getKey().cliName() + "` relative to `fa`: F "
                        + gap(other.forward(), fa.forward()) + ", R " + gap(other.reverse(), fa.reverse()) + ".");
            }
        }

        if (s.size() > 1) {
            Mode fastest = null;
            Mode slowest = null;
            for (Map.Entry<Mode, RunSummary> entry : s.entrySet()) {
                double eps = entry.getValue().examplesPerSecond();
                if (!Double.isFinite(eps)) {
                    continue;
                }
                if (fastest == null || eps > s.get(fastest).examplesPerSecond()) {
                    fastest = entry.getKey();
                }
                if (slowest == null || eps < s.get(slowest).examplesPerSecond()) {
                    slowest = entry.getKey();
                }
            }
            if (fastest != null && fastest != slowest) {
                findings.add("Throughput ranged from " + Markdown.count(s.get(slowest).examplesPerSecond())
                        + " examples/s (`" + slowest.cliName() + "`) to "
                        + Markdown.count(s.get(fastest).examplesPerSecond()) + " examples/s (`" + fastest.cliName()
                        + "`).");
            }
        }
        if (findings.isEmpty()) {
            findings.add("Nothing to compare: a single mode without paired layers.");
        }
        return findings;
    }

    /** The accuracy difference to fa in percentage points, with both values. */
    private static String gap(RunSummary.NetworkSummary mode, RunSummary.NetworkSummary fa) {
        return Markdown.points(mode.testAccuracy() - fa.testAccuracy()) + " points ("
                + Markdown.percent(mode.testAccuracy()) + " against " + Markdown.percent(fa.testAccuracy()) + ")";
    }

    /** How the final cosine varies over the layers, or null with fewer than two layers. */
    static String layerOrder(double[] cosine) {
        if (cosine.length < 2) {
            return null;
        }
        MetricsLayout layout = new MetricsLayout(cosine.length + 1);
        boolean decreasing = true;
        boolean increasing = true;
        for (int i = 1; i < cosine.length; i++) {
            if (!(cosine[i] < cosine[i - 1])) {
                decreasing = false;
            }
            if (!(cosine[i] > cosine[i - 1])) {
                increasing = false;
            }
        }
        int last = cosine.length;
        if (decreasing || increasing) {
            return "final cosine " + (decreasing ? "decreases" : "increases") + " with depth in F, from "
                    + Markdown.fixed(cosine[0], 4) + " in layer 1 (R layer " + layout.reverseLayerOf(1) + ") to "
                    + Markdown.fixed(cosine[last - 1], 4) + " in layer " + last + " (R layer "
                    + layout.reverseLayerOf(last) + ").";
        }
        int hi = Stats.argMax(cosine);
        int lo = Stats.argMin(cosine);
        if (hi < 0) {
            return null;
        }
        return "final cosine is highest in F layer " + (hi + 1) + " (" + Markdown.fixed(cosine[hi], 4)
                + ") and lowest in F layer " + (lo + 1) + " (" + Markdown.fixed(cosine[lo], 4) + ").";
    }

    /** How the mean cosine changed from the first to the last evaluation point, or null. */
    private static String change(List<EvaluationPoint> points) {
        if (points == null || points.size() < 2) {
            return null;
        }
        EvaluationPoint first = points.getFirst();
        EvaluationPoint last = points.getLast();
        double from = Stats.mean(first.cosine());
        double to = Stats.mean(last.cosine());
        if (!Double.isFinite(from) || !Double.isFinite(to)) {
            return null;
        }
        return "mean cosine went from " + Markdown.fixed(from, 4) + " at step " + Markdown.count(first.step())
                + " to " + Markdown.fixed(to, 4) + " at step " + Markdown.count(last.step()) + ".";
    }
}
