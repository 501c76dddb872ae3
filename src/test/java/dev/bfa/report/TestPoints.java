package dev.bfa.report;

import dev.bfa.kernels.ScalarKernels;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Synthetic evaluation points shaped like real runs, for the report tests. */
final class TestPoints {
    private TestPoints() {
    }

    /** {@code count} points, every {@code every} steps, of a network with {@code depth} hidden layers. */
    /** The provenance test files record: this JVM with the scalar kernels on one thread. */
    static final Provenance PROVENANCE = Provenance.of(new ScalarKernels(), 1);

    static List<EvaluationPoint> run(Mode mode, int depth, int count, long every) {
        MetricsLayout layout = new MetricsLayout(depth);
        List<EvaluationPoint> points = new ArrayList<>();
        double coupling = switch (mode) {
            case FA -> 0.0;
            case COUPLED_BACKWARD -> 0.35;
            case COUPLED_BOTH -> 0.6;
            case BP -> 0.02;
            case DFA -> 0.01;
            case SIGN -> 0.03;
            case KP -> 0.05;
            case KP_COUPLED_BACKWARD -> 0.45;
            case KP_COUPLED_BOTH -> 0.75;
        };
        double speed = switch (mode) {
            case FA -> 1.0;
            case COUPLED_BACKWARD -> 0.97;
            case COUPLED_BOTH -> 0.95;
            case BP -> 1.3;
            case DFA -> 0.9;
            case SIGN -> 1.2;
            case KP -> 1.15;
            case KP_COUPLED_BACKWARD -> 1.1;
            case KP_COUPLED_BOTH -> 1.05;
        };
        for (int i = 1; i <= count; i++) {
            long step = i * every;
            double t = (double) i / count;
            double progress = 1 - Math.exp(-4 * t * speed);
            double[] cosine = new double[layout.pairedLayers()];
            for (int l = 0; l < cosine.length; l++) {
                double wiggle = 0.004 * Math.sin(7 * i + l + mode.ordinal());
                cosine[l] = coupling * progress / (1 + 0.6 * l) + wiggle;
            }
            double[] fFeedback = angles(layout.feedbackLayers(), 85 - 40 * progress * speed, mode);
            double[] rFeedback = angles(layout.feedbackLayers(), 86 - 35 * progress * speed, mode);
            double[] fSignal = angles(layout.signalLayers(), 80 - 30 * progress, mode);
            double[] rSignal = angles(layout.signalLayers(), 78 - 28 * progress, mode);
            points.add(new EvaluationPoint(step, mode, 2.3 - 1.8 * progress, 2.3 - 2.1 * progress,
                    0.10 + 0.75 * progress * speed / 1.3, 0.10 + 0.88 * progress * speed / 1.3, cosine, fFeedback,
                    rFeedback, fSignal, rSignal, 12000 + 100 * i + 0.25, i * every * 256 / 12000.0));
        }
        return points;
    }

    private static double[] angles(int n, double base, Mode mode) {
        double[] a = new double[n];
        for (int l = 0; l < n; l++) {
            a[l] = mode == Mode.BP ? 0.0 : base + 1.5 * l;
        }
        return a;
    }

    /** A run for each of {@code modes}. */
    static Map<Mode, List<EvaluationPoint>> runs(int depth, int count, long every, Mode... modes) {
        Map<Mode, List<EvaluationPoint>> runs = new EnumMap<>(Mode.class);
        for (Mode mode : modes) {
            runs.put(mode, run(mode, depth, count, every));
        }
        return runs;
    }
}
