package dev.bfa.report;

import dev.bfa.statistics.SampleSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A number of a finished run that a sweep summarises over seeds: its column in sweep_summary.csv and
 * groups.csv (named as in summary.json and metrics.csv), how report.md shows it, and where a
 * {@link RunSummary} holds it.
 */
record SweepMetric(String column, Kind kind, ToDoubleFunction<RunSummary> value) {
    /** How a kind of number is shown: accuracies as percentages, the others as they are. */
    enum Kind {
        ACCURACY(100, 2), LOSS(1, 4), COSINE(1, 3), ANGLE(1, 1);

        private final double scale;
        private final int decimals;

        Kind(double scale, int decimals) {
            this.scale = scale;
            this.decimals = decimals;
        }
    }

    static final SweepMetric FORWARD_ACCURACY = new SweepMetric("forward_test_accuracy", Kind.ACCURACY,
            s -> s.forward().testAccuracy());
    static final SweepMetric FORWARD_BEST_ACCURACY = new SweepMetric("forward_best_test_accuracy", Kind.ACCURACY,
            s -> s.forward().bestTestAccuracy());
    static final SweepMetric REVERSE_ACCURACY = new SweepMetric("reverse_test_accuracy", Kind.ACCURACY,
            s -> s.reverse().testAccuracy());
    static final SweepMetric REVERSE_BEST_ACCURACY = new SweepMetric("reverse_best_test_accuracy", Kind.ACCURACY,
            s -> s.reverse().bestTestAccuracy());
    static final SweepMetric MEAN_COSINE = new SweepMetric("mean_cosine", Kind.COSINE, RunSummary::meanCosine);

    /**
     * Every metric of runs whose deepest networks have {@code layout}'s layers: the accuracies, the
     * losses, the mean cosine, then the cosine and angles of each layer in metrics.csv's order.
     */
    static List<SweepMetric> all(MetricsLayout layout) {
        List<SweepMetric> metrics = new ArrayList<>(List.of(FORWARD_ACCURACY, FORWARD_BEST_ACCURACY,
                REVERSE_ACCURACY, REVERSE_BEST_ACCURACY,
                new SweepMetric("forward_loss", Kind.LOSS, s -> s.forward().loss()),
                new SweepMetric("reverse_loss", Kind.LOSS, s -> s.reverse().loss()), MEAN_COSINE));
        for (int l = 1; l <= layout.pairedLayers(); l++) {
            metrics.add(cosine(l));
        }
        for (String network : MetricsLayout.NETWORKS) {
            for (int l = 1; l <= layout.feedbackLayers(); l++) {
                metrics.add(feedbackAngle(network, l));
            }
        }
        for (String network : MetricsLayout.NETWORKS) {
            for (int l = 0; l < layout.signalLayers(); l++) {
                metrics.add(signalAngle(network, l));
            }
        }
        return List.copyOf(metrics);
    }

    /** The final cosine of F's layer {@code l} with its paired layer of R. */
    static SweepMetric cosine(int l) {
        return new SweepMetric(MetricsLayout.cosineColumn(l), Kind.COSINE, s -> at(s.cosine(), l - 1));
    }

    /** The final feedback angle of {@code network} ("forward" or "reverse") in layer {@code l}. */
    static SweepMetric feedbackAngle(String network, int l) {
        return new SweepMetric(MetricsLayout.feedbackAngleColumn(network, l), Kind.ANGLE,
                s -> at(network(s, network).feedbackAngle(), l - 1));
    }

    /** The final error-signal angle of {@code network} ("forward" or "reverse") in layer {@code l}. */
    static SweepMetric signalAngle(String network, int l) {
        return new SweepMetric(MetricsLayout.signalAngleColumn(network, l), Kind.ANGLE,
                s -> at(network(s, network).signalAngle(), l));
    }

    private static RunSummary.NetworkSummary network(RunSummary s, String network) {
        return network.equals(MetricsLayout.NETWORKS.getFirst()) ? s.forward() : s.reverse();
    }

    /** {@code values[index]}, or NaN for a layer a shallower run does not have. */
    private static double at(double[] values, int index) {
        return index < values.length ? values[index] : Double.NaN;
    }

    /** This metric of {@code summary}. */
    double of(RunSummary summary) {
        return value.applyAsDouble(summary);
    }

    /** {@code value} as report.md shows this metric: "85.12" for 85.12 %, "0.412" for a cosine. */
    String format(double value) {
        return Markdown.fixed(kind.scale * value, kind.decimals);
    }

    /**
     * A group's values: "85.12 ± 0.31 [84.73, 85.51]" with the interval, the mean alone for one seed,
     * {@value Markdown#MISSING} for none.
     */
    String format(SampleSummary s, boolean withInterval) {
        if (s.n() < 2) {
            return format(s.mean());
        }
        String meanAndSd = format(s.mean()) + " ± " + Markdown.fixed(kind.scale * s.standardDeviation(),
                kind.decimals);
        return withInterval ? meanAndSd + " [" + format(s.lower()) + ", " + format(s.upper()) + "]" : meanAndSd;
    }
}
