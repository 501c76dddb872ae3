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
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.LengthConstraintType;
import org.jfree.chart.block.RectangleConstraint;
import org.jfree.chart.plot.SeriesRenderingOrder;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.Size2D;
import org.jfree.data.Range;
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
        };
    }

    /** The legend label of {@code mode}. */
    public static String label(Mode mode) {
        return switch (mode) {
            case FA -> "fa (standard FA)";
            case COUPLED_BACKWARD -> "coupled-backward";
            case COUPLED_BOTH -> "coupled-both";
            case BP -> "bp (backprop baseline)";
        };
    }

    private static Stroke stroke(Mode mode) {
        if (mode == Mode.BP) {
            return new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {9f, 6f}, 0f);
        }
        return new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
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
        AtomicFiles.write(png, ChartUtils.encodeAsPNG(accuracyImage(runs, forwardDataset, reverseDataset)));
    }

    /**
     * Writes Figure 3 (cosine per paired layer against step) to {@code png}, atomically.
     *
     * @return false, writing nothing, when the networks have no paired layers (depth 1)
     */
    public static boolean writeCosine(Path png, Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                      String reverseDataset) throws IOException {
        if (pairedLayers(runs) == 0) {
            return false;
        }
        AtomicFiles.write(png, ChartUtils.encodeAsPNG(cosineImage(runs, forwardDataset, reverseDataset)));
        return true;
    }

    /** Number of paired layers in {@code runs}: the longest cosine array of any point. */
    public static int pairedLayers(Map<Mode, List<EvaluationPoint>> runs) {
        int n = 0;
        for (List<EvaluationPoint> points : runs.values()) {
            for (EvaluationPoint p : points) {
                n = Math.max(n, p.cosine() == null ? 0 : p.cosine().length);
            }
        }
        return n;
    }

    /** Figure 2 as an image of {@link #accuracySize()}. */
    public static BufferedImage accuracyImage(Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                              String reverseDataset) {
        Map<Mode, List<EvaluationPoint>> sorted = sorted(runs);
        Range steps = stepRange(sorted);
        List<JFreeChart> panels = List.of(
                panel("F (forward network) on " + forwardDataset, "test accuracy (%)",
                        series(sorted, p -> 100 * p.forwardAccuracy()), steps, false, true),
                panel("R (reverse network) on " + reverseDataset, "test accuracy (%)",
                        series(sorted, p -> 100 * p.reverseAccuracy()), steps, false, true));
        return compose("Test accuracy during training", modesLine(sorted) + " · F on " + forwardDataset
                + ", R on " + reverseDataset, panels, sorted.keySet(), accuracySize());
    }

    /** Figure 3 as an image of {@link #cosineSize(int)}; needs at least one paired layer. */
    public static BufferedImage cosineImage(Map<Mode, List<EvaluationPoint>> runs, String forwardDataset,
                                            String reverseDataset) {
        Map<Mode, List<EvaluationPoint>> sorted = sorted(runs);
        int paired = pairedLayers(sorted);
        if (paired == 0) {
            throw new IllegalArgumentException("no paired layers to plot: the networks need at least 2 hidden layers");
        }
        MetricsLayout layout = new MetricsLayout(paired + 1);
        Range steps = stepRange(sorted);
        List<JFreeChart> panels = new ArrayList<>();
        for (int l = 1; l <= paired; l++) {
            int index = l - 1;
            panels.add(panel("F layer " + l + " / R layer " + layout.reverseLayerOf(l), "cosine similarity",
                    series(sorted, p -> p.cosine() != null && index < p.cosine().length ? p.cosine()[index]
                            : Double.NaN), steps, true, false));
        }
        return compose("Cosine similarity between the weights of F and R",
                "F's weights in layer l against R's weights in layer L-1-l, read in F's orientation · "
                        + modesLine(sorted) + " · F on " + forwardDataset + ", R on " + reverseDataset, panels, sorted.keySet(), cosineSize(paired));
    }

    private static String modesLine(Map<Mode, List<EvaluationPoint>> runs) {
        return runs.size() == 1 ? "mode " + runs.keySet().iterator().next().cliName()
                : runs.size() + " modes";
    }

    private static Map<Mode, List<EvaluationPoint>> sorted(Map<Mode, List<EvaluationPoint>> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to plot");
        }
        return new EnumMap<>(runs);
    }

    private static Range stepRange(Map<Mode, List<EvaluationPoint>> runs) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (List<EvaluationPoint> points : runs.values()) {
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

    private static Map<Mode, XYSeries> series(Map<Mode, List<EvaluationPoint>> runs,
                                              ToDoubleFunction<EvaluationPoint> value) {
        Map<Mode, XYSeries> result = new EnumMap<>(Mode.class);
        for (Map.Entry<Mode, List<EvaluationPoint>> run : runs.entrySet()) {
            XYSeries series = new XYSeries(run.getKey().cliName(), true, true);
            for (EvaluationPoint p : run.getValue()) {
                double y = value.applyAsDouble(p);
                // NaN leaves a gap in the curve; infinities cannot be drawn either
                series.addOrUpdate(p.step(), Double.isFinite(y) ? y : Double.NaN);
            }
            result.put(run.getKey(), series);
        }
        return result;
    }

    private static JFreeChart panel(String title, String yLabel, Map<Mode, XYSeries> series, Range steps,
                                    boolean includeZero, boolean percent) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        int maxPoints = 0;
        int index = 0;
        for (Map.Entry<Mode, XYSeries> entry : series.entrySet()) {
            dataset.addSeries(entry.getValue());
            Mode mode = entry.getKey();
            renderer.setSeriesPaint(index, color(mode));
            renderer.setSeriesStroke(index, stroke(mode));
            renderer.setSeriesShape(index, new Ellipse2D.Double(-3, -3, 6, 6));
            maxPoints = Math.max(maxPoints, entry.getValue().getItemCount());
            index++;
        }
        // markers help when there are few points (and are the only way to see a single point)
        renderer.setDefaultShapesVisible(maxPoints <= MAX_SHAPES);
        renderer.setDrawSeriesLineAsPath(true);

        NumberAxis x = new NumberAxis("training step");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits(Locale.ROOT));
        x.setNumberFormatOverride(NumberFormat.getIntegerInstance(Locale.ROOT));
        double pad = maxPoints <= MAX_SHAPES ? 0.015 * steps.getLength() : 0;  // room for the end markers
        x.setRange(new Range(steps.getLowerBound() - pad, steps.getUpperBound() + pad));
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(includeZero);
        if (includeZero) {
            // cosines: do not magnify noise of a few thousandths into a full-height curve
            y.setAutoRangeMinimumSize(0.02);
        }
        y.setUpperMargin(0.08);
        y.setLowerMargin(0.08);
        if (percent) {
            y.setStandardTickUnits(NumberAxis.createStandardTickUnits(Locale.ROOT));
        }
        for (NumberAxis axis : List.of(x, y)) {
            axis.setLabelFont(AXIS_LABEL_FONT);
            axis.setLabelPaint(TEXT);
            axis.setTickLabelFont(TICK_FONT);
            axis.setTickLabelPaint(TEXT);
            axis.setAxisLinePaint(OUTLINE);
            axis.setTickMarkPaint(OUTLINE);
        }

        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setSeriesRenderingOrder(SeriesRenderingOrder.FORWARD);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(OUTLINE);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        plot.setDomainGridlineStroke(new BasicStroke(1f));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        if (includeZero) {
            ValueMarker zero = new ValueMarker(0, new Color(0x88, 0x88, 0x88), new BasicStroke(1.2f));
            plot.addRangeMarker(zero, Layer.BACKGROUND);
        }
        // the same space for the axes in every panel, so that the panels' plot areas line up
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
    private static BufferedImage compose(String title, String subtitle, List<JFreeChart> panels,
                                         Iterable<Mode> modes, Dimension size) {
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

            LegendTitle legend = legend(modes);
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

    private static LegendTitle legend(Iterable<Mode> modes) {
        LegendItemCollection items = new LegendItemCollection();
        for (Mode mode : modes) {
            LegendItem item = new LegendItem(label(mode), null, null, null, new Line2D.Double(-16, 0, 16, 0),
                    stroke(mode), color(mode));
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
