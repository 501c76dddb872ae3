package dev.bfa.report;

import dev.bfa.text.UserText;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-layer columns of metrics.csv for a network with {@code depth} hidden layers (L = depth + 1
 * weight layers, docs/spec.md, "Shapes and layout"; the columns: "metrics.csv"):
 * <ul>
 *   <li>{@code cosine_l1 .. cosine_l{L-2}}: the paired layers, in F's layer order;</li>
 *   <li>{@code forward_/reverse_feedback_angle_l1 .. l{L-1}}: the layers that have a feedback matrix;</li>
 *   <li>{@code forward_/reverse_signal_angle_l0 .. l{L-2}}: the layers that receive a fed-back error.</li>
 * </ul>
 *
 * @param depth hidden layers, at least 1
 */
public record MetricsLayout(int depth) {
    /** Columns before the per-layer ones. */
    public static final List<String> LEADING_COLUMNS = List.of("step", "mode", "forward_loss", "reverse_loss",
            "forward_test_accuracy", "reverse_test_accuracy");
    /**
     * Columns after the per-layer ones: the wall-clock measurements, the only columns that a resumed
     * run (or any rerun) does not reproduce bit for bit.
     */
    public static final List<String> TRAILING_COLUMNS = List.of("examples_per_second", "elapsed_seconds");
    /** The networks' names in column names: F, then R. */
    public static final List<String> NETWORKS = List.of("forward", "reverse");

    public MetricsLayout {
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth + " must be at least 1 hidden layer");
        }
    }

    /** Weight layers per network, L. */
    public int layers() {
        return depth + 1;
    }

    /** Paired hidden-to-hidden layers, L - 2 (cosine columns, F's l = 1 .. L-2). */
    public int pairedLayers() {
        return depth - 1;
    }

    /** Layers with a feedback matrix, L - 1 (l = 1 .. L-1). */
    public int feedbackLayers() {
        return depth;
    }

    /** Layers that receive a fed-back error signal, L - 1 (l = 0 .. L-2). */
    public int signalLayers() {
        return depth;
    }

    /** R's layer j paired with F's layer l: j = L - 1 - l. */
    public int reverseLayerOf(int forwardLayer) {
        return layers() - 1 - forwardLayer;
    }

    /** The header's column names, in order. */
    public List<String> columns() {
        List<String> columns = new ArrayList<>(LEADING_COLUMNS);
        for (int l = 1; l <= pairedLayers(); l++) {
            columns.add(cosineColumn(l));
        }
        for (String net : NETWORKS) {
            for (int l = 1; l <= feedbackLayers(); l++) {
                columns.add(feedbackAngleColumn(net, l));
            }
        }
        for (String net : NETWORKS) {
            for (int l = 0; l < signalLayers(); l++) {
                columns.add(signalAngleColumn(net, l));
            }
        }
        columns.addAll(TRAILING_COLUMNS);
        return List.copyOf(columns);
    }

    /** The column of the cosine of F's layer {@code l} with its paired layer of R. */
    public static String cosineColumn(int l) {
        return "cosine_l" + l;
    }

    /** The column of the feedback angle of {@code network} ("forward" or "reverse") in layer {@code l}. */
    public static String feedbackAngleColumn(String network, int l) {
        return network + "_feedback_angle_l" + l;
    }

    /** The column of the error-signal angle of {@code network} ("forward" or "reverse") in layer {@code l}. */
    public static String signalAngleColumn(String network, int l) {
        return network + "_signal_angle_l" + l;
    }

    /**
     * The layout whose header is {@code columns}, found from the number of {@code cosine_l} columns.
     *
     * @throws IllegalArgumentException with the first column that differs, when no layout has this header
     */
    public static MetricsLayout fromColumns(List<String> columns) {
        long cosines = columns.stream().filter(c -> c.startsWith("cosine_l")).count();
        MetricsLayout layout = new MetricsLayout((int) cosines + 1);
        List<String> expected = layout.columns();
        for (int i = 0; i < Math.max(expected.size(), columns.size()); i++) {
            String found = i < columns.size() ? columns.get(i) : null;
            String wanted = i < expected.size() ? expected.get(i) : null;
            if (found == null || !found.equals(wanted)) {
                throw new IllegalArgumentException("header column " + (i + 1) + " is "
                        + (found == null ? "missing" : UserText.quote(found)) + ", expected "
                        + (wanted == null ? "no more columns" : "'" + wanted + "'")
                        + " (a header with " + cosines + " cosine columns, depth " + layout.depth + ")");
            }
        }
        return layout;
    }
}
