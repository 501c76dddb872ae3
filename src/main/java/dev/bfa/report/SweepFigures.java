package dev.bfa.report;

import dev.bfa.model.Mode;
import dev.bfa.statistics.SampleSummary;
import dev.bfa.training.EvaluationPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Stroke;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleBiFunction;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The sweep report's figures, drawn as {@link Figures} draws a run's:
 * <ul>
 *   <li>Figures 2 and 3 with one curve per group of seeds: the mean over its finished seeds at each
 *       evaluation step, in a shaded band of ± 1 standard deviation, or from the lowest to the highest
 *       seed in a group of fewer than {@value #SEEDS_FOR_SPREAD} seeds, too few for a standard
 *       deviation to mean much;</li>
 *   <li>the hyper-parameter figure, when the sweep varies one numeric option besides the seed and the
 *       mode ({@link Sweep#hyperparameter()}): final test accuracy of F and of R against that option,
 *       one line per mode with error bars of the same kind, on a log axis when the values span a
 *       factor of {@value #LOG_SPAN} or more (a learning rate from 1e-4 to 1e-3 would otherwise crowd
 *       its smaller values together).</li>
 * </ul>
 * Groups that differ only in mode take the paper's mode colours; groups of several modes that also
 * differ in other options take their mode's colour and a dash pattern per value of the others; groups
 * of one mode take a colour each.
 */
final class SweepFigures {
    /** Fewest seeds whose spread is shown as ± 1 standard deviation rather than min–max. */
    static final int SEEDS_FOR_SPREAD = 3;
    /** The span of an option's values (largest / smallest) from which its axis is logarithmic. */
    static final double LOG_SPAN = 10;
    /** How far apart the modes are drawn in the hyper-parameter figure, as a fraction of the axis. */
    private static final double DODGE = 0.012;

    /** Opacity of a band: light enough that the bands of four groups overlapping still show each line. */
    private static final float BAND_ALPHA = 0.16f;
    /** The lines of the values of the options other than the mode, when colour shows the mode. */
    private static final List<Stroke> LINES = List.of(Figures.SOLID, Figures.dashed(9, 5), Figures.dashed(2, 4),
            Figures.dashed(12, 4, 2, 4));
    /** Colours of the groups of a sweep of one mode (the matplotlib "tab10" palette). */
    private static final List<Color> PALETTE = List.of(new Color(0x1F77B4), new Color(0xFF7F0E),
            new Color(0x2CA02C), new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2),
            new Color(0x7F7F7F), new Color(0xBCBD22), new Color(0x17BECF));

    private SweepFigures() {
    }

    /** An axis whose ticks are the swept values, labelled as the sweep gives them, at their positions. */
    private static final class ValueTickAxis extends NumberAxis {
        @Serial
        private static final long serialVersionUID = 1L;
        private final List<ValueTick> ticks = new ArrayList<>();

        ValueTickAxis(String label, Map<Double, String> values, DoubleUnaryOperator position) {
            super(label);
            setAutoRangeIncludesZero(false);
            values.forEach((value, text) -> ticks.add(new NumberTick(position.applyAsDouble(value), text,
                    TextAnchor.TOP_CENTER, TextAnchor.CENTER, 0)));
        }

        @Override
        public List<ValueTick> refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
            return ticks;
        }
    }

    /** Whether any group has a finished cell to draw. */
    static boolean anyFinished(Sweep sweep) {
        return !plotted(sweep).isEmpty();
    }

    /** Writes Figure 2 of the groups to {@code png}; needs a finished cell. */
    static void writeAccuracy(Path png, Sweep sweep) throws IOException {
        Figures.write(png, Figures.accuracyImage(new GroupCurves(sweep), sweep.forwardDataset(),
                sweep.reverseDataset()));
    }

    /**
     * Writes Figure 3 of the groups to {@code png}; needs a finished cell.
     *
     * @return false, writing nothing, when the networks have no paired layers
     */
    static boolean writeCosine(Path png, Sweep sweep) throws IOException {
        return Figures.writeCosine(png, new GroupCurves(sweep), sweep.forwardDataset(), sweep.reverseDataset());
    }

    /** The groups with a finished cell, the only ones drawn. */
    private static List<Sweep.Group> plotted(Sweep sweep) {
        return sweep.groups().stream().filter(g -> !g.finished().isEmpty()).toList();
    }

    /**
     * What the bands and error bars of the sweep's groups show, for the subtitles and report.md: "± 1
     * standard deviation over seeds", "min–max over seeds", or the first with the second where fewer
     * than {@value #SEEDS_FOR_SPREAD} seeds finished.
     */
    static String spread(Sweep sweep) {
        List<Boolean> bySd = plotted(sweep).stream().map(SweepFigures::showsSd).distinct().toList();
        if (bySd.size() > 1) {
            return "± 1 standard deviation over seeds (min–max where fewer than " + SEEDS_FOR_SPREAD + ")";
        }
        return bySd.equals(List.of(false)) ? "min–max over seeds" : "± 1 standard deviation over seeds";
    }

    /** Whether the spread of {@code group} is shown as ± 1 sd rather than min–max. */
    private static boolean showsSd(Sweep.Group group) {
        return group.finished().size() >= SEEDS_FOR_SPREAD;
    }

    /** A group's band at one step, or its error bar: ± 1 sd, or min–max for few seeds. */
    private static void add(YIntervalSeries series, double x, SampleSummary s, boolean sd) {
        double spread = s.standardDeviation();
        series.add(x, s.mean(), sd ? s.mean() - spread : s.min(), sd ? s.mean() + spread : s.max());
    }

    /** One curve per group of seeds: the mean over its finished cells in a band. */
    static final class GroupCurves implements Figures.Curves {
        private final List<Sweep.Group> groups;
        private final List<Figures.Curve> legend;
        private final String description;

        GroupCurves(Sweep sweep) {
            groups = plotted(sweep);
            List<Integer> seeds = groups.stream().map(g -> g.finished().size()).distinct().toList();
            legend = curves(groups, seeds.size() > 1);
            String groupCount = groups.size() == 1 ? "1 group" : groups.size() + " groups";
            String mean = seeds.size() > 1 ? "mean of their seeds"
                    : seeds.getFirst() == 1 ? "1 seed each" : "mean of " + seeds.getFirst() + " seeds each";
            description = groupCount + ", " + mean + "; shaded: " + spread(sweep);
        }

        @Override
        public List<Figures.Curve> legend() {
            return legend;
        }

        @Override
        public String description() {
            return description;
        }

        @Override
        public Collection<List<EvaluationPoint>> runs() {
            return groups.stream().flatMap(g -> g.finished().stream()).map(SweepCell::points).toList();
        }

        @Override
        public Figures.Plotted plot(ToDoubleFunction<EvaluationPoint> value) {
            YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
            int mostPoints = 0;
            for (Sweep.Group group : groups) {
                SortedMap<Long, List<Double>> byStep = new TreeMap<>();
                for (SweepCell cell : group.finished()) {
                    for (EvaluationPoint p : cell.points()) {
                        byStep.computeIfAbsent(p.step(), s -> new ArrayList<>()).add(value.applyAsDouble(p));
                    }
                }
                YIntervalSeries series = new YIntervalSeries(group.label());
                byStep.forEach((step, values) -> {
                    SampleSummary s = SampleSummary.of(values.stream().mapToDouble(Double::doubleValue).toArray());
                    if (s.n() > 0) {  // a step at which every seed's value is NaN leaves the curve out there
                        add(series, step, s, showsSd(group));
                    }
                });
                dataset.addSeries(series);
                mostPoints = Math.max(mostPoints, series.getItemCount());
            }
            DeviationRenderer renderer = new DeviationRenderer(true, false);
            Figures.style(renderer, legend, mostPoints);
            renderer.setAlpha(BAND_ALPHA);
            for (int i = 0; i < legend.size(); i++) {
                renderer.setSeriesFillPaint(i, legend.get(i).color());
            }
            return new Figures.Plotted(dataset, renderer, mostPoints);
        }
    }

    /**
     * The curve of each group: its colour and line as the class comment says, labelled with the group's
     * label, and its number of seeds when {@code withSeeds} (when the groups have different numbers).
     */
    private static List<Figures.Curve> curves(List<Sweep.Group> groups, boolean withSeeds) {
        long modes = groups.stream().map(Sweep.Group::mode).distinct().count();
        List<Map<String, String>> others = new ArrayList<>();
        List<Figures.Curve> curves = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Sweep.Group group = groups.get(i);
            String label = group.label() + (withSeeds ? " (n = " + group.finished().size() + ")" : "");
            Map<String, String> other = new TreeMap<>(group.values());
            other.keySet().removeAll(Sweep.METHOD);
            if (!others.contains(other)) {
                others.add(other);
            }
            Stroke byOthers = LINES.get(others.indexOf(other) % LINES.size());
            Figures.Curve byMode = Figures.curve(group.mode());
            curves.add(modes == groups.size() ? new Figures.Curve(label, byMode.color(), byMode.stroke())
                    : modes > 1 ? new Figures.Curve(label, byMode.color(), byOthers)
                    : new Figures.Curve(label, PALETTE.get(i % PALETTE.size()), Figures.SOLID));
        }
        return curves;
    }

    /**
     * Writes the hyper-parameter figure of {@code option} to {@code png}: final test accuracy of F and
     * R against the option's value, one line per mode; needs a finished cell. The modes are drawn a
     * little apart along the axis, so that error bars at one value do not hide each other.
     */
    static void writeHyperparameter(Path png, Sweep sweep, String option) throws IOException {
        // plotted at log10 of the value on a log axis, ticks at the swept values written as given
        NavigableMap<Double, String> ticks = new TreeMap<>();
        sweep.options().get(option).forEach(v -> ticks.put(Sweep.number(v).orElseThrow(), v));
        double min = ticks.firstKey();
        double max = ticks.lastKey();
        boolean log = min > 0 && max / min >= LOG_SPAN;
        DoubleUnaryOperator position = log ? Math::log10 : DoubleUnaryOperator.identity();
        Map<Mode, List<Sweep.Group>> byMode = new EnumMap<>(Mode.class);
        for (Sweep.Group group : plotted(sweep)) {
            byMode.computeIfAbsent(group.mode(), m -> new ArrayList<>()).add(group);
        }
        // each mode DODGE of the axis from the next, the modes centred on the true value
        double span = position.applyAsDouble(max) - position.applyAsDouble(min);
        List<Mode> modes = List.copyOf(byMode.keySet());
        ToDoubleBiFunction<Mode, Double> dodged = (mode, x) -> position.applyAsDouble(x)
                + (modes.indexOf(mode) - (modes.size() - 1) / 2.0) * DODGE * span;
        List<Figures.Curve> legend = modes.stream().map(Figures::curve).toList();
        List<JFreeChart> panels = new ArrayList<>();
        for (SweepMetric accuracy : List.of(SweepMetric.FORWARD_ACCURACY, SweepMetric.REVERSE_ACCURACY)) {
            YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
            for (Map.Entry<Mode, List<Sweep.Group>> mode : byMode.entrySet()) {
                YIntervalSeries series = new YIntervalSeries(mode.getKey().cliName());
                for (Sweep.Group group : mode.getValue()) {
                    SampleSummary percent = SampleSummary.of(Arrays.stream(group.values(accuracy)).map(a -> 100 * a)
                            .toArray());
                    double x = Sweep.number(group.values().get(option)).orElseThrow();
                    if (percent.n() > 0) {
                        add(series, dodged.applyAsDouble(mode.getKey(), x), percent, showsSd(group));
                    }
                }
                dataset.addSeries(series);
            }
            XYErrorRenderer renderer = new XYErrorRenderer();
            Figures.style(renderer, legend, ticks.size());
            renderer.setDefaultLinesVisible(true);
            renderer.setDrawXError(false);
            renderer.setCapLength(10);
            renderer.setErrorStroke(new BasicStroke(1.6f));
            NumberAxis x = new ValueTickAxis(log ? option + " (log scale)" : option, ticks, position);
            x.setLowerMargin(0.06);
            x.setUpperMargin(0.06);
            String network = accuracy == SweepMetric.FORWARD_ACCURACY ? Figures.forwardPanel(sweep.forwardDataset())
                    : Figures.reversePanel(sweep.reverseDataset());
            panels.add(Figures.chart(network, x, Figures.valueAxis("final test accuracy (%)", false, true),
                    new Figures.Plotted(dataset, renderer, ticks.size()), false));
        }
        Figures.write(png, Figures.compose("Final test accuracy against " + option, "mean over seeds, error bars: "
                + spread(sweep) + ", modes drawn a little apart · F on " + sweep.forwardDataset() + ", R on "
                + sweep.reverseDataset(), panels, legend, Figures.accuracySize()));
    }
}
