package dev.bfa.report;

import dev.bfa.statistics.PairedComparison;
import dev.bfa.statistics.SampleSummary;
import dev.bfa.text.UserText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The report of a sweep ({@code bfa sweep report DIR}, also written when a sweep ends): its cells
 * sorted into groups that differ only in seed, each group's results over its finished seeds as mean
 * ± standard deviation with the 95 % confidence interval of the mean (Student's t), and the
 * comparisons the paper makes answered with numbers. Writes into one directory, each file
 * atomically:
 * <ul>
 *   <li>{@value RunFiles#REPORT}: what was swept, a table per group, one sentence per comparison and
 *       network, the figures, and the cells that have not finished;</li>
 *   <li>{@value #GROUPS_CSV} and {@value #SUMMARY_CSV}: one row per group and per cell, for pandas or
 *       R ({@link SweepCsv});</li>
 *   <li>{@value RunFiles#ACCURACY_FIGURE} and {@value RunFiles#COSINE_FIGURE} (when the networks have
 *       paired layers): Figures 2 and 3 with a mean and a band per group, and
 *       {@value #HYPERPARAMETER_FIGURE} when the sweep varies one numeric option besides the seed and
 *       the mode ({@link SweepFigures}).</li>
 * </ul>
 * A cell that has not finished is listed, and left out of everything else.
 *
 * <p>Comparisons pair the final test accuracy of two groups seed by seed, over the seeds finished in
 * both ({@link PairedComparison}). By default every group whose mode is not {@code fa} is compared
 * with the {@code fa} group that has the same values of every other option; a {@link Comparison}
 * names two more groups.
 */
public final class SweepReport {
    public static final String SUMMARY_CSV = "sweep_summary.csv";
    public static final String GROUPS_CSV = "groups.csv";
    public static final String HYPERPARAMETER_FIGURE = "hyperparameter.png";

    private SweepReport() {
    }

    /**
     * Two groups to compare, the first against the second, each picked by a selector: swept options
     * (without dashes) and their values, which must pick exactly one group. On a command line a
     * selector is written {@code option=value} pairs joined by {@code ,} ({@code mode=fa,lr=1e-4}) and
     * a comparison two selectors joined by {@code :} ({@code mode=coupled-both:mode=fa}): none of
     * {@code , : =} occurs in an option's name or value, so there is nothing to quote.
     */
    public record Comparison(Map<String, String> first, Map<String, String> second) {
        public Comparison {
            first = Collections.unmodifiableMap(new LinkedHashMap<>(first));
            second = Collections.unmodifiableMap(new LinkedHashMap<>(second));
        }

        /**
         * The comparison written as {@code SELECTOR:SELECTOR}, such as
         * {@code mode=coupled-both,lr=1e-4:mode=fa,lr=1e-4}.
         *
         * @throws IllegalArgumentException with one line saying what is wrong with {@code text}
         */
        public static Comparison parse(String text) {
            String[] selectors = text.split(":", -1);
            if (selectors.length != 2) {
                throw new IllegalArgumentException("comparison " + UserText.quote(text) + " is not two selectors "
                        + "joined by ':', such as mode=coupled-both:mode=fa");
            }
            return new Comparison(parseSelector(selectors[0]), parseSelector(selectors[1]));
        }

        /**
         * The selector written as {@code option=value} pairs joined by {@code ,}, such as
         * {@code mode=fa,lr=1e-4}; spaces around names and values are dropped.
         *
         * @throws IllegalArgumentException with one line saying what is wrong with {@code text}
         */
        public static Map<String, String> parseSelector(String text) {
            Map<String, String> selector = new LinkedHashMap<>();
            for (String pair : text.split(",", -1)) {
                int equals = pair.indexOf('=');
                String option = equals < 0 ? "" : pair.substring(0, equals).strip();
                String value = equals < 0 ? "" : pair.substring(equals + 1).strip();
                if (option.isEmpty() || value.isEmpty() || value.contains("=")) {
                    throw new IllegalArgumentException("selector " + UserText.quote(text) + ": "
                            + UserText.quote(pair) + " is not option=value (a selector is option=value pairs "
                            + "joined by ',', such as mode=fa,lr=1e-4)");
                }
                if (selector.put(option, value) != null) {
                    throw new IllegalArgumentException("selector " + UserText.quote(text) + " names "
                            + UserText.quote(option) + " twice");
                }
            }
            return Collections.unmodifiableMap(selector);
        }

        /** As {@link #parse} reads it. */
        @Override
        public String toString() {
            return Sweep.selectorText(first) + ":" + Sweep.selectorText(second);
        }
    }

    /**
     * Writes the sweep's report, CSV files and figures into {@code dir}. Figures that no longer apply
     * (no finished cell, no paired layers, no numeric option) are removed, so that a report rewritten
     * as a sweep goes on never shows a stale one.
     *
     * @param cells every cell of the sweep, finished or not, in the grid's order
     * @param extra comparisons to make besides the default ones
     * @throws IllegalArgumentException before anything is written, when the cells do not form a sweep
     *                                  (none, two of one name, different swept options, or two of a group
     *                                  with one seed) or a selector picks no group or several
     */
    public static void write(Path dir, List<SweepCell> cells, List<Comparison> extra) throws IOException {
        Sweep sweep = Sweep.of(cells);
        List<Sweep.Pair> pairs = new ArrayList<>(sweep.defaultPairs());
        for (Comparison comparison : extra) {
            Sweep.Pair pair = new Sweep.Pair(sweep.select(comparison.first()), sweep.select(comparison.second()));
            if (!pairs.contains(pair)) {
                pairs.add(pair);
            }
        }
        AtomicFiles.writeString(dir.resolve(SUMMARY_CSV), SweepCsv.cells(sweep));
        AtomicFiles.writeString(dir.resolve(GROUPS_CSV), SweepCsv.groups(sweep));
        boolean accuracy = SweepFigures.anyFinished(sweep);
        boolean cosine = false;
        Optional<String> hyperparameter = accuracy ? sweep.hyperparameter() : Optional.empty();
        if (accuracy) {
            SweepFigures.writeAccuracy(dir.resolve(RunFiles.ACCURACY_FIGURE), sweep);
            cosine = SweepFigures.writeCosine(dir.resolve(RunFiles.COSINE_FIGURE), sweep);
        }
        if (hyperparameter.isPresent()) {
            SweepFigures.writeHyperparameter(dir.resolve(HYPERPARAMETER_FIGURE), sweep, hyperparameter.get());
        }
        removeUnless(accuracy, dir.resolve(RunFiles.ACCURACY_FIGURE));
        removeUnless(cosine, dir.resolve(RunFiles.COSINE_FIGURE));
        removeUnless(hyperparameter.isPresent(), dir.resolve(HYPERPARAMETER_FIGURE));
        AtomicFiles.writeString(dir.resolve(RunFiles.REPORT), markdown(sweep, pairs, accuracy, cosine,
                hyperparameter));
    }

    private static void removeUnless(boolean written, Path figure) throws IOException {
        if (!written) {
            Files.deleteIfExists(figure);
        }
    }

    private static String markdown(Sweep sweep, List<Sweep.Pair> pairs, boolean accuracyFigure, boolean cosineFigure,
                                   Optional<String> hyperparameter) {
        StringBuilder out = new StringBuilder();
        int groups = sweep.groups().size();
        out.append("# bfa sweep: ").append(sweep.cells().size()).append(" cells in ").append(groups)
                .append(groups == 1 ? " group" : " groups").append("\n\n");
        out.append("F (the forward network) on **").append(sweep.forwardDataset())
                .append("** and R (the reverse network) on **").append(sweep.reverseDataset())
                .append("**, trained together in every cell of a grid. A group is the cells that differ only in "
                        + "seed; its results are over the seeds that finished, as mean ± standard deviation "
                        + "[95 % confidence interval of the mean, from Student's t].\n\n");

        out.append("## What was swept\n\n");
        Markdown.Table swept = new Markdown.Table(List.of("option", "values"));
        sweep.options().forEach((option, values) -> swept.row(Markdown.code(option), String.join(", ", values)));
        swept.appendTo(out);
        int unfinished = sweep.unfinished().size();
        out.append(sweep.cells().size()).append(" cells, ").append(sweep.cells().size() - unfinished)
                .append(" finished");
        if (unfinished > 0) {
            out.append("; ").append(unfinished).append(" not finished, listed at the end and left out of the "
                    + "statistics and figures");
        }
        out.append(".\n\n");
        out.append("The settings of the cells:\n\n");
        Markdown.configTable(out, sweep.configs(), true);

        out.append("## Results per group\n\n");
        groupTable(out, sweep);
        out.append("Test accuracies in %: final, and the best at any evaluation point. Mean cosine: the final "
                + "cosine similarity of F's and R's paired weights, averaged over the paired layers. Seeds: the "
                + "seeds that finished.\n\n");
        MetricsLayout layout = sweep.deepest();
        out.append("### Per layer\n\n");
        layerTable(out, sweep, layout);
        out.append("Mean ± standard deviation over seeds (the confidence intervals are in ")
                .append(Markdown.code(GROUPS_CSV)).append("). Cosine: F's weights in layer l against R's in layer "
                        + "j = L-1-l. Angles in degrees: feedback, between a layer's forward weights and its "
                        + "feedback matrix; error signal, between the error a layer receives and the one "
                        + "backpropagation would give it.\n\n");

        out.append("## Comparisons\n\n");
        comparisons(out, sweep, pairs);

        out.append("## Figures\n\n");
        if (accuracyFigure) {
            out.append("Test accuracy during training (paper Figure 2), the mean of each group, shaded ")
                    .append(SweepFigures.spread(sweep)).append(":\n\n![Test accuracy of F and R during training](")
                    .append(RunFiles.ACCURACY_FIGURE).append(")\n\n");
        }
        if (cosineFigure) {
            out.append("Cosine similarity of the paired layers during training (paper Figure 3):\n\n"
                    + "![Cosine similarity of the paired layers during training](")
                    .append(RunFiles.COSINE_FIGURE).append(")\n\n");
        }
        hyperparameter.ifPresent(option -> out.append("Final test accuracy against ").append(Markdown.code(option))
                .append(", one line per mode, error bars ").append(SweepFigures.spread(sweep))
                .append(" (the modes are drawn a little apart along the axis):\n\n![Final test "
                        + "accuracy against ").append(option).append("](").append(HYPERPARAMETER_FIGURE)
                .append(")\n\n"));
        if (!accuracyFigure) {
            out.append("No figures: no cell has finished.\n\n");
        }

        if (unfinished > 0) {
            out.append("## Not finished\n\n");
            for (SweepCell cell : sweep.unfinished()) {
                out.append("- ").append(Markdown.code(cell.name())).append(" (")
                        .append(Sweep.selectorText(cell.values())).append("): ").append(cell.points().isEmpty()
                                ? "no evaluation point yet"
                                : "reached step " + Markdown.count(cell.points().getLast().step()) + " of "
                                + Markdown.count(cell.config().steps())).append('\n');
            }
            out.append('\n');
        }
        out.append("Files: ").append(Markdown.code(GROUPS_CSV)).append(" (one row per group, every statistic), ")
                .append(Markdown.code(SUMMARY_CSV)).append(" (one row per cell); accuracies there are fractions.\n");
        return out.toString();
    }

    private static void groupTable(StringBuilder out, Sweep sweep) {
        List<SweepMetric> metrics = List.of(SweepMetric.FORWARD_ACCURACY, SweepMetric.FORWARD_BEST_ACCURACY,
                SweepMetric.REVERSE_ACCURACY, SweepMetric.REVERSE_BEST_ACCURACY, SweepMetric.MEAN_COSINE);
        String f = "F (" + sweep.forwardDataset() + ")";
        String r = "R (" + sweep.reverseDataset() + ")";
        Markdown.Table table = new Markdown.Table(List.of("group", "seeds", f + " final", f + " best", r + " final",
                r + " best", "mean cosine"), false, true, true, true, true, true, true);
        for (Sweep.Group group : sweep.groups()) {
            int finished = group.finished().size();
            List<String> row = new ArrayList<>(List.of(Markdown.code(group.label()), finished == group.cells().size()
                    ? Integer.toString(finished) : finished + " of " + group.cells().size()));
            for (SweepMetric metric : metrics) {
                row.add(metric.format(group.summary(metric), true));
            }
            table.row(row);
        }
        table.appendTo(out);
    }

    /** One row per group and layer l = 0 .. L-1, each value where layer l has it (as in a run's report). */
    private static void layerTable(StringBuilder out, Sweep sweep, MetricsLayout layout) {
        Markdown.Table table = new Markdown.Table(List.of("group", "layer l", "cosine (R layer j)", "F feedback",
                "R feedback", "F error signal", "R error signal"), false, true, true, true, true, true, true);
        String forward = MetricsLayout.NETWORKS.getFirst();
        String reverse = MetricsLayout.NETWORKS.getLast();
        for (Sweep.Group group : sweep.groups()) {
            for (int l = 0; l < layout.layers(); l++) {
                boolean paired = l >= 1 && l <= layout.pairedLayers();
                boolean fedBack = l >= 1;
                boolean signal = l < layout.signalLayers();
                table.row(Markdown.code(group.label()), Integer.toString(l),
                        paired ? layer(group, SweepMetric.cosine(l)) + " (" + layout.reverseLayerOf(l) + ")" : "",
                        fedBack ? layer(group, SweepMetric.feedbackAngle(forward, l)) : "",
                        fedBack ? layer(group, SweepMetric.feedbackAngle(reverse, l)) : "",
                        signal ? layer(group, SweepMetric.signalAngle(forward, l)) : "",
                        signal ? layer(group, SweepMetric.signalAngle(reverse, l)) : "");
            }
        }
        table.appendTo(out);
    }

    private static String layer(Sweep.Group group, SweepMetric metric) {
        return metric.format(group.summary(metric), false);
    }

    private static void comparisons(StringBuilder out, Sweep sweep, List<Sweep.Pair> pairs) {
        if (pairs.isEmpty()) {
            out.append("None: no group has a group to be compared with (its rule uncoupled, or `fa`) with the same "
                    + "other values, and no comparison was named.\n\n");
            return;
        }
        for (Sweep.Pair pair : pairs) {
            out.append("- ").append(sentence(pair, "F", sweep.forwardDataset(), SweepMetric.FORWARD_ACCURACY))
                    .append('\n');
            out.append("- ").append(sentence(pair, "R", sweep.reverseDataset(), SweepMetric.REVERSE_ACCURACY))
                    .append('\n');
        }
        out.append("\nEach line compares the final test accuracy of the first group with the second's, seed by "
                + "seed, over the seeds that finished in both: the mean difference in percentage points with its "
                + "95 % confidence interval (Student's t), the number of pairs n, and the two-sided p-values of the "
                + "paired t-test and of the Wilcoxon signed-rank test (exact; ≈ marks its normal approximation, "
                + "used when differences tie or are zero). With n pairs the exact Wilcoxon p is never below 2/2^n "
                + "(0.0625 for 5). \"No detectable difference\" means the interval includes 0, not that the groups "
                + "are equal.\n\n");
    }

    /**
     * One comparison on one network in a sentence: "coupled-both vs fa on F (fashion-mnist): -0.12
     * points, 95 % CI [-0.31, +0.07], n = 5, paired t p = 0.18, Wilcoxon p = 0.31: no detectable
     * difference."; when the interval excludes 0, "...: F is more accurate with fa."
     */
    static String sentence(Sweep.Pair pair, String network, String dataset, SweepMetric accuracy) {
        PairedComparison c = pair.compare(accuracy);
        SampleSummary d = c.difference();
        String first = pair.first().label();
        String second = pair.second().label();
        String head = first + " vs " + second + " on " + network + " (" + dataset + "): ";
        if (d.n() == 0) {
            return head + "no seed finished in both groups, nothing to compare.";
        }
        String difference = Markdown.points(d.mean()) + " points";
        if (Double.isNaN(c.tTestP()) && Double.isNaN(c.wilcoxonP())) {
            return head + difference + ", n = " + d.n() + ": no test is possible (" + c.untestedReason() + ").";
        }
        String verdict = !d.intervalExcludes(0) ? "no detectable difference"
                : network + " is more accurate with " + (d.mean() > 0 ? first : second);
        return head + difference + ", 95 % CI [" + Markdown.points(d.lower()) + ", " + Markdown.points(d.upper())
                + "], n = " + d.n() + ", paired t p = " + Markdown.pValue(c.tTestP()) + ", Wilcoxon p "
                + (c.wilcoxonExact() ? "= " : "≈ ") + Markdown.pValue(c.wilcoxonP()) + ": " + verdict
                + (c.untestedReason().isEmpty() ? "" : " (" + c.untestedReason() + ")") + ".";
    }
}
