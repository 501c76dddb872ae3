package dev.bfa.report;

import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.AxisSpace;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.data.Range;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The paper's two figures as PNG images, for one mode (a single run) or several (reproduce):
 * <ul>
 *   <li>Figure 2, {@link #writeAccuracy}: test accuracy against step, one panel for F on its dataset and
 *       one for R on its dataset;</li>
 *   <li>Figure 3, {@link #writeCosine}: cosine similarity of each paired layer's weights against step,
 *       one panel per paired layer ("F layer l / R layer L-1-l").</li>
 * </ul>
 * One curve per mode, in the paper's colours: fa green, coupled-backward blue, coupled-both orange,
 * and the bp baseline grey and dashed. Panels share one legend and one step range. Rendering is
 * headless (no display needed).
 *
 * <p>What a figure plots is a {@link Curves}: here one run per mode; a sweep's report draws the
 * same figures with a mean and a band per group of seeds, and figures of its own from the panels and
 * legend built here ({@link #chart}, {@link #compose}).
 */
public final class Figures {
    static {
        // Before any AWT class initialises: figures are drawn off screen, also on machines with no display.
        System.setProperty("java.awt.headless", "true");
    }

    /** Width of both figures in pixels. */
    public static final int WIDTH = 1000;
    /** Height of Figure 2, and the least height of Figure 3. */
    public static final int HEIGHT = 700;

    private static final int PANEL_HEIGHT = 200;
    private static final int MAX_SHAPES = 25;
    private static final float LINE_WIDTH = 2.2f;
    /** The line of every curve but bp's. */
    static final Stroke SOLID = new BasicStroke(LINE_WIDTH, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    private static final String FONT = Font.SANS_SERIF;
    private static final Font TITLE_FONT = new Font(FONT, Font.BOLD, 20);
    private static final Font SUBTITLE_FONT = new Font(FONT, Font.PLAIN, 14);
    private static final Font PANEL_TITLE_FONT = new Font(FONT, Font.BOLD, 15);
    private static final Font AXIS_LABEL_FONT = new Font(FONT, Font.PLAIN, 13);
    private static final Font TICK_FONT = new Font(FONT, Font.PLAIN, 12);
    private static final Font LEGEND_FONT = new Font(FONT, Font.PLAIN, 14);
    private static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
    private static final Color TEXT = new Color(0x22, 0x22, 0x22);
    private static final Color OUTLINE = new Color(0x99, 0x99, 0x99);

    private Figures() {
    }

    /** The curve colour of {@code mode}, as in the paper. */
    public static Color color(Mode mode) {
        return switch (mode) {
            case FA -> new Color(0x2C, 0xA0, 0x2C);
            case COUPLED_BACKWARD -> new Color(0x1F, 0x77, 0xB4);
            case COUPLED_BOTH -> new Color(0xFF, 0x7F, 0x0E);
            case BP -> new Color(0x7F, 0x7F, 0x7F);
            case DFA -> new Color(0x17, 0xBE, 0xCF);
            case SIGN -> new Color(0xE3, 0x77, 0xC2);
            case KP -> new Color(0x94, 0x67, 0xBD);
            case KP_COUPLED_BACKWARD -> new Color(0x8C, 0x56, 0x4B);
            case KP_COUPLED_BOTH -> new Color(0xD6, 0x27, 0x28);
        };
    }

    /** The legend label of {@code mode}. */
    public static String label(Mode mode) {
        return switch (mode) {
            case FA -> "fa (standard FA)";
            case COUPLED_BACKWARD -> "coupled-backward";
            case COUPLED_BOTH -> "coupled-both";
            case BP -> "bp (backprop baseline)";
            case DFA, SIGN, KP, KP_COUPLED_BACKWARD, KP_COUPLED_BOTH -> mode.cliName();
        };
    }

    private static Stroke stroke(Mode mode) {
        return mode == Mode.BP ? dashed(9f, 6f) : SOLID;
    }

    /** A line of the usual width drawn in {@code dashes} (lengths on, off, on, ...). */
    static Stroke dashed(float... dashes) {
        return new BasicStroke(LINE_WIDTH, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, dashes, 0f);
    }

    /** How one curve looks, and its entry in the legend. */
    record Curve(String label, Color color, Stroke stroke) {
    }

    /** The curve of {@code mode}: its colour and label as in the paper, bp dashed. */
    static Curve curve(Mode mode) {
        return new Curve(label(mode), color(mode), stroke(mode));
    }

    /**
     * What Figures 2 and 3 plot, in every panel the same curves: one run per mode, or a sweep's groups
     * of seeds.
     */
    interface Curves {
        /** The curves' looks and labels, in drawing order. */
        List<Curve> legend();

        /** What the curves are, for the subtitle: "4 modes". */
        String description();

        /** Every run plotted, for the step axis and the number of paired layers. */
        Collection<List<EvaluationPoint>> runs();

        /** The data and renderer of one panel, which plots {@code value} of each evaluation point. */
        Plotted plot(ToDoubleFunction<EvaluationPoint> value);
    }

    /**
     * One panel's curves ready to draw.
     *
     * @param mostPoints points in the longest curve: markers are drawn when there are few
     */
    record Plotted(XYDataset dataset, XYItemRenderer renderer, int mostPoints) {
    }

    /** One line per mode, each a single run. */
    private record ModeCurves(Map<Mode, List<EvaluationPoint>> runsByMode) implements Curves {
        ModeCurves {
            if (runsByMode.isEmpty()) {
                throw new IllegalArgumentException("no runs to plot");
            }
            runsByMode = new EnumMap<>(runsByMode);
        }

        @Override
        public List<Curve> legend() {
            return runsByMode.keySet().stream().map(Figures::curve).toList();
        }

        @Override
        public String description() {
            return runsByMode.size() == 1 ? "mode " + runsByMode.keySet().iterator().next().cliName()
                    : runsByMode.size() + " modes";
        }

        @Override
        public Collection<List<EvaluationPoint>> runs() {
            return runsByMode.values();
        }

        @Override
        public Plotted plot(ToDoubleFunction<EvaluationPoint> value) {
            XYSeriesCollection dataset = new XYSeriesCollection();
            int mostPoints = 0;
            for (Map.Entry<Mode, List<EvaluationPoint>> run : runsByMode.entrySet()) {
                XYSeries series = new XYSeries(run.getKey().cliName(), true, true);
                for (EvaluationPoint p : run.getValue()) {
                    series.addOrUpdate(p.step(), drawable(value.applyAsDouble(p)));
                }
                dataset.addSeries(series);
                mostPoints = Math.max(mostPoints, series.getItemCount());
            }
            XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
            style(renderer, legend(), mostPoints);
            return new Plotted(dataset, renderer, mostPoints);
        }
    }

    /** {@code y}, or NaN (a gap in the curve) when it is infinite, which cannot be drawn either. */
    static double drawable(double y) {
        return Double.isFinite(y) ? y : Double.NaN;
    }

    /**
     * Gives series i of {@code renderer} the colour and line of {@code curves[i]}, with markers when
     * the longest curve has few points (they are the only way to see a single point).
     */
    static void style(XYLineAndShapeRenderer renderer, List<Curve> curves, int mostPoints) {
        for (int i = 0; i < curves.size(); i++) {
            renderer.setSeriesPaint(i, curves.get(i).color());
            renderer.setSeriesStroke(i, curves.get(i).stroke());
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }
        renderer.setDefaultShapesVisible(mostPoints <= MAX_SHAPES);
        renderer.setDrawSeriesLineAsPath(true);
    }

    /** Size of Figure 3 for {@code pairedLayers} panels: 1000 wide, 700 high up to three panels. */
    public static Dimension cosineSize(int pairedLayers) {
        int rows = grid(pairedLayers)[0];
        return new Dimension(WIDTH, Math.max(HEIGHT, 100 + PANEL_HEIGHT * rows));
    }

    /** Size of Figure 2. */
    public static Dimension accuracySize() {
        return new Dimension(WIDTH, HEIGHT);
    }

    /** Rows and columns of the panel grid: one column up to four panels, then two. */
    private static int[] grid(int panels) {
        int columns = panels <= 4 ? 1 : 2;
        int rows = Math.max(1, (panels + columns - 1) / columns);
        return new int[] {rows, columns};
    }

    /** Writes Figure 2 (test accuracy of F and R against step) to {@code png}, atomically. */
    public static void writeAccuracy(Path png, Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                     String reverseDataset) throws IOException {
        write(png, accuracyImage(runs, forwardDataset, reverseDataset));
    }

    /**
     * Writes Figure 3 (cosine per paired layer against step) to {@code png}, atomically.
     *
     * @return false, writing nothing, when the networks have no paired layers (depth 1)
     */
    public static boolean writeCosine(Path png, Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                      String reverseDataset) throws IOException {
        return writeCosine(png, new ModeCurves(runs), forwardDataset, reverseDataset);
    }

    /** As {@link #writeCosine(Path, Map, String, String)}, for any curves. */
    static boolean writeCosine(Path png, Curves curves, String forwardDataset, String reverseDataset)
            throws IOException {
        if (pairedLayers(curves.runs()) == 0) {
            return false;
        }
        write(png, cosineImage(curves, forwardDataset, reverseDataset));
        return true;
    }

    /** Writes {@code image} to {@code png}, atomically. */
    static void write(Path png, BufferedImage image) throws IOException {
        AtomicFiles.write(png, ChartUtils.encodeAsPNG(image));
    }

    /** Number of paired layers in {@code runs}: the longest cosine array of any point. */
    public static int pairedLayers(Map<Mode, List<EvaluationPoint>> runs) {
        return pairedLayers(runs.values());
    }

    private static int pairedLayers(Collection<List<EvaluationPoint>> runs) {
        int n = 0;
        for (List<EvaluationPoint> points : runs) {
            for (EvaluationPoint p : points) {
                n = Math.max(n, p.cosine() == null ? 0 : p.cosine().length);
            }
        }
        return n;
    }

    /** Figure 2 as an image of {@link #accuracySize()}. */
    public static BufferedImage accuracyImage(Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                              String reverseDataset) {
        return accuracyImage(new ModeCurves(runs), forwardDataset, reverseDataset);
    }

    /** As {@link #accuracyImage(Map, String, String)}, for any curves. */
    static BufferedImage accuracyImage(Curves curves, String forwardDataset, String reverseDataset) {
        Range steps = stepRange(curves.runs());
        List<JFreeChart> panels = List.of(
                panel(forwardPanel(forwardDataset), "test accuracy (%)", curves.plot(p -> 100 * p.forwardAccuracy()),
                        steps, false, true),
                panel(reversePanel(reverseDataset), "test accuracy (%)", curves.plot(p -> 100 * p.reverseAccuracy()),
                        steps, false, true));
        return compose("Test accuracy during training", curves.description() + " · F on " + forwardDataset
                + ", R on " + reverseDataset, panels, curves.legend(), accuracySize());
    }

    /** The title of F's panel in a figure of accuracies. */
    static String forwardPanel(String dataset) {
        return "F (forward network) on " + dataset;
    }

    /** The title of R's panel in a figure of accuracies. */
    static String reversePanel(String dataset) {
        return "R (reverse network) on " + dataset;
    }

    /** Figure 3 as an image of {@link #cosineSize(int)}; needs at least one paired layer. */
    public static BufferedImage cosineImage(Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                            String reverseDataset) {
        return cosineImage(new ModeCurves(runs), forwardDataset, reverseDataset);
    }

    /** As {@link #cosineImage(Map, String, String)}, for any curves. */
    static BufferedImage cosineImage(Curves curves, String forwardDataset, String reverseDataset) {
        int paired = pairedLayers(curves.runs());
        if (paired == 0) {
            throw new IllegalArgumentException("no paired layers to plot: the networks need at least 2 hidden layers");
        }
        MetricsLayout layout = new MetricsLayout(paired + 1);
        Range steps = stepRange(curves.runs());
        List<JFreeChart> panels = new ArrayList<>();
        for (int l = 1; l <= paired; l++) {
            int index = l - 1;
            panels.add(panel("F layer " + l + " / R layer " + layout.reverseLayerOf(l), "cosine similarity",
                    curves.plot(p -> p.cosine() != null && index < p.cosine().length ? p.cosine()[index]
                            : Double.NaN), steps, true, false));
        }
        return compose("Cosine similarity between the weights of F and R",
                "F's weights in layer l against R's weights in layer L-1-l, read in F's orientation · "
                        + curves.description() + " · F on " + forwardDataset + ", R on " + reverseDataset, panels,
                curves.legend(), cosineSize(paired));
    }

    private static Range stepRange(Collection<List<EvaluationPoint>> runs) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (List<EvaluationPoint> points : runs) {
            for (EvaluationPoint p : points) {
                min = Math.min(min, p.step());
                max = Math.max(max, p.step());
            }
        }
        if (min > max) {
            return new Range(0, 1);
        }
        if (min == max) {
            return new Range(Math.max(0, min - 1), max + 1);
        }
        return new Range(min, max);
    }

    /** A panel of {@code plotted} against training step. */
    private static JFreeChart panel(String title, String yLabel, Plotted plotted, Range steps, boolean includeZero,
                                    boolean percent) {
        NumberAxis x = new NumberAxis("training step");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        x.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
        double pad = plotted.mostPoints() <= MAX_SHAPES ? 0.015 * steps.getLength() : 0;  // room for the end markers
        x.setRange(new Range(steps.getLowerBound() - pad, steps.getUpperBound() + pad));
        return chart(title, x, valueAxis(yLabel, includeZero, percent), plotted, includeZero);
    }

    /**
     * A panel's y axis: from zero when {@code includeZero} (cosines), with ticks at round numbers when
     * {@code percent}.
     */
    static NumberAxis valueAxis(String label, boolean includeZero, boolean percent) {
        NumberAxis y = new NumberAxis(label);
        y.setAutoRangeIncludesZero(includeZero);
        if (includeZero) {
            // cosines: do not magnify noise of a few thousandths into a full-height curve
            y.setAutoRangeMinimumSize(0.02);
        }
        if (percent) {
            y.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
        }
        return y;
    }

    /**
     * A panel in the figures' style: {@code plotted} on axes {@code x} and {@code y}, a grey line at y = 0
     * when {@code zeroLine}, and the same room for the axes as every other panel, so that the plot areas
     * of a grid line up.
     */
    static JFreeChart chart(String title, ValueAxis x, NumberAxis y, Plotted plotted, boolean zeroLine) {
        y.setUpperMargin(0.08);
        y.setLowerMargin(0.08);
        for (ValueAxis axis : List.of(x, y)) {
            axis.setLabelFont(AXIS_LABEL_FONT);
            axis.setLabelPaint(TEXT);
            axis.setTickLabelFont(TICK_FONT);
            axis.setTickLabelPaint(TEXT);
            axis.setAxisLinePaint(OUTLINE);
            axis.setTickMarkPaint(OUTLINE);
        }

        XYPlot plot = new XYPlot(plotted.dataset(), x, y, plotted.renderer());
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(OUTLINE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        if (zeroLine) {
            ValueMarker zero = new ValueMarker(0, new Color(0x88, 0x88, 0x88), new BasicStroke(1.2f));
            plot.addRangeMarker(zero, Layer.BACKGROUND);
        }
        AxisSpace left = new AxisSpace();
        left.setLeft(72);
        plot.setFixedRangeAxisSpace(left);
        AxisSpace bottom = new AxisSpace();
        bottom.setBottom(46);
        plot.setFixedDomainAxisSpace(bottom);

        JFreeChart chart = new JFreeChart(title, PANEL_TITLE_FONT, plot, false);
        chart.getTitle().setPaint(TEXT);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 4, 4, 30));
        return chart;
    }

    /** Draws the title, the panels in a grid and one legend for all of them. */
    static BufferedImage compose(String title, String subtitle, List<JFreeChart> panels, List<Curve> curves,
                                 Dimension size) {
        BufferedImage image = new BufferedImage(size.width, size.height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, size.width, size.height);

            double top = 10;
            TextTitle heading = new TextTitle(title, TITLE_FONT);
            heading.setPaint(TEXT);
            top += drawTitle(g, heading, top, size.width);
            top += drawTitle(g, new TextTitle(subtitle, SUBTITLE_FONT, new Color(0x55, 0x55, 0x55),
                    RectangleEdge.TOP, org.jfree.chart.ui.HorizontalAlignment.CENTER,
                    org.jfree.chart.ui.VerticalAlignment.CENTER, new RectangleInsets(2, 0, 4, 0)), top, size.width);

            LegendTitle legend = legend(curves);
            Size2D legendSize = legend.arrange(g, widthAtMost(size.width - 40.0));
            double legendTop = size.height - legendSize.height - 10;
            legend.draw(g, new Rectangle2D.Double((size.width - legendSize.width) / 2, legendTop,
                    legendSize.width, legendSize.height));

            int[] grid = grid(panels.size());
            int rows = grid[0];
            int columns = grid[1];
            double areaHeight = legendTop - 6 - top;
            double cellWidth = (size.width - 10.0) / columns;
            double cellHeight = areaHeight / rows;
            for (int i = 0; i < panels.size(); i++) {
                if (i + columns < panels.size()) {
                    // a panel below shows the step axis label: leave it out here, for room
                    XYPlot plot = panels.get(i).getXYPlot();
                    plot.getDomainAxis().setLabel(null);
                    AxisSpace bottom = new AxisSpace();
                    bottom.setBottom(26);
                    plot.setFixedDomainAxisSpace(bottom);
                }
                int row = i / columns;
                int column = i % columns;
                panels.get(i).draw(g, new Rectangle2D.Double(5 + column * cellWidth, top + row * cellHeight,
                        cellWidth, cellHeight));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static double drawTitle(Graphics2D g, TextTitle title, double top, int width) {
        Size2D size = title.arrange(g, widthAtMost(width));
        title.draw(g, new Rectangle2D.Double(0, top, width, size.height));
        return size.height;
    }

    private static RectangleConstraint widthAtMost(double width) {
        return new RectangleConstraint(0, new Range(0, width), LengthConstraintType.RANGE, 0, null,
                LengthConstraintType.NONE);
    }

    private static LegendTitle legend(List<Curve> curves) {
        LegendItemCollection items = new LegendItemCollection();
        for (Curve curve : curves) {
            LegendItem item = new LegendItem(curve.label(), null, null, null, new Line2D.Double(-16, 0, 16, 0),
                    curve.stroke(), curve.color());
            item.setLabelFont(LEGEND_FONT);
            item.setLabelPaint(TEXT);
            items.add(item);
        }
        LegendTitle legend = new LegendTitle(() -> items);
        legend.setItemFont(LEGEND_FONT);
        legend.setBackgroundPaint(Color.WHITE);
        legend.setFrame(new BlockBorder(new RectangleInsets(1, 1, 1, 1), OUTLINE));
        legend.setItemLabelPadding(new RectangleInsets(2, 6, 2, 18));
        legend.setPadding(new RectangleInsets(4, 10, 4, 0));
        return legend;
    }
}
