package dev.bfa.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one run (summary.json): final and best test accuracies, final losses and angles per
 * network, the final cosine per paired layer, and throughput.
 *
 * @param mode              the coupling
 * @param steps             step of the last evaluation point
 * @param forward           network F
 * @param reverse           network R
 * @param cosine            final cosine per paired layer, F's layer order (l = 1 .. L-2)
 * @param examplesPerSecond mean training throughput over the run (examples of both networks per
 *                          second of training time; evaluations excluded)
 * @param trainingSeconds   training time, evaluations excluded (the last point's elapsed seconds)
 * @param wallSeconds       wall time of the whole run, evaluations included; NaN when unknown
 */
public record RunSummary(Mode mode, long steps, NetworkSummary forward, NetworkSummary reverse, double[] cosine,
                         double examplesPerSecond, double trainingSeconds, double wallSeconds) {
    /** Format version of summary.json. */
    public static final int FORMAT = 1;

    /**
     * One network's outcome.
     *
     * @param dataset          the dataset's name
     * @param testAccuracy     final test accuracy, a fraction in [0, 1]
     * @param bestTestAccuracy highest test accuracy at any evaluation point
     * @param bestStep         step of the best accuracy (the first, on ties)
     * @param loss             final training loss (mean over the last evaluation interval)
     * @param feedbackAngle    final angles in degrees between W_l and its feedback matrix, l = 1 .. L-1
     * @param signalAngle      final angles in degrees between the FA and the backprop error signal, l = 0 .. L-2
     */
    public record NetworkSummary(String dataset, double testAccuracy, double bestTestAccuracy, long bestStep,
                                 double loss, double[] feedbackAngle, double[] signalAngle) {
        public NetworkSummary {
            Objects.requireNonNull(dataset, "dataset");
            feedbackAngle = feedbackAngle == null ? new double[0] : feedbackAngle.clone();
            signalAngle = signalAngle == null ? new double[0] : signalAngle.clone();
        }

        @Override
        public double[] feedbackAngle() {
            return feedbackAngle.clone();
        }

        @Override
        public double[] signalAngle() {
            return signalAngle.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof NetworkSummary n && dataset.equals(n.dataset)
                    && Double.compare(testAccuracy, n.testAccuracy) == 0
                    && Double.compare(bestTestAccuracy, n.bestTestAccuracy) == 0 && bestStep == n.bestStep
                    && Double.compare(loss, n.loss) == 0 && Arrays.equals(feedbackAngle, n.feedbackAngle)
                    && Arrays.equals(signalAngle, n.signalAngle);
        }

        @Override
        public int hashCode() {
            return Objects.hash(dataset, testAccuracy, bestTestAccuracy, bestStep, loss,
                    Arrays.hashCode(feedbackAngle), Arrays.hashCode(signalAngle));
        }

        @Override
        public String toString() {
            return "NetworkSummary[dataset=" + dataset + ", testAccuracy=" + testAccuracy + ", bestTestAccuracy="
                    + bestTestAccuracy + ", bestStep=" + bestStep + ", loss=" + loss + ", feedbackAngle="
                    + Arrays.toString(feedbackAngle) + ", signalAngle=" + Arrays.toString(signalAngle) + "]";
        }
    }

    public RunSummary {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(reverse, "reverse");
        cosine = cosine == null ? new double[0] : cosine.clone();
    }

    @Override
    public double[] cosine() {
        return cosine.clone();
    }

    /** Mean of the final cosines over the paired layers (NaN if there are none). */
    public double meanCosine() {
        return Stats.mean(cosine);
    }

    /**
     * The summary of a run from its evaluation points (at least one, in step order).
     *
     * @param wallSeconds wall time of the whole run, or NaN when unknown
     */
    public static RunSummary of(RunConfig config, List<EvaluationPoint> points, double wallSeconds) {
        return of(config.mode(), config.forwardDataset(), config.reverseDataset(), points, wallSeconds);
    }

    /** As {@link #of(RunConfig, List, double)}, with the mode and dataset names given directly. */
    public static RunSummary of(Mode mode, String forwardDataset, String reverseDataset,
                                List<EvaluationPoint> points, double wallSeconds) {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no evaluation points to summarise for mode " + mode.cliName());
        }
        EvaluationPoint last = points.getLast();
        int bestF = best(points, true);
        int bestR = best(points, false);
        NetworkSummary forward = new NetworkSummary(forwardDataset, last.forwardAccuracy(),
                points.get(bestF).forwardAccuracy(), points.get(bestF).step(), last.forwardLoss(),
                last.forwardFeedbackAngle(), last.forwardSignalAngle());
        NetworkSummary reverse = new NetworkSummary(reverseDataset, last.reverseAccuracy(),
                points.get(bestR).reverseAccuracy(), points.get(bestR).step(), last.reverseLoss(),
                last.reverseFeedbackAngle(), last.reverseSignalAngle());
        return new RunSummary(mode, last.step(), forward, reverse, last.cosine(), meanThroughput(points),
                last.elapsedSeconds(), wallSeconds);
    }

    /** Index of the first point with the highest accuracy of F (or R); NaN accuracies never win. */
    private static int best(List<EvaluationPoint> points, boolean forward) {
        int best = 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < points.size(); i++) {
            double value = forward ? points.get(i).forwardAccuracy() : points.get(i).reverseAccuracy();
            if (value > bestValue) {
                bestValue = value;
                best = i;
            }
        }
        return best;
    }

    /**
     * Examples per second over the whole run: each point's rate weighted by the training time of its
     * interval (= all examples / all training time). Falls back to the plain mean of the finite rates
     * when the elapsed times do not increase (for example after a resume restarted the clock).
     */
    static double meanThroughput(List<EvaluationPoint> points) {
        double examples = 0;
        double seconds = 0;
        double previous = 0;
        boolean timed = true;
        for (EvaluationPoint p : points) {
            double interval = p.elapsedSeconds() - previous;
            previous = p.elapsedSeconds();
            if (!(interval > 0) || !Double.isFinite(p.examplesPerSecond()) || !Double.isFinite(interval)) {
                timed = false;
                break;
            }
            examples += p.examplesPerSecond() * interval;
            seconds += interval;
        }
        if (timed && seconds > 0) {
            return examples / seconds;
        }
        return Stats.mean(points.stream().mapToDouble(EvaluationPoint::examplesPerSecond).toArray());
    }

    /** This summary as the JSON object of summary.json (with a "format" field when {@code withFormat}). */
    ObjectNode toJson(boolean withFormat) {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        if (withFormat) {
            root.put("format", FORMAT);
        }
        root.put("mode", mode.cliName());
        root.put("steps", steps);
        network(root.putObject("forward"), forward);
        network(root.putObject("reverse"), reverse);
        JsonFields.put(root, "cosine", cosine);
        JsonFields.put(root, "mean_cosine", meanCosine());
        JsonFields.put(root, "examples_per_second", examplesPerSecond);
        JsonFields.put(root, "training_seconds", trainingSeconds);
        JsonFields.put(root, "wall_seconds", wallSeconds);
        return root;
    }

    private static void network(ObjectNode node, NetworkSummary n) {
        node.put("dataset", n.dataset());
        JsonFields.put(node, "test_accuracy", n.testAccuracy());
        JsonFields.put(node, "best_test_accuracy", n.bestTestAccuracy());
        node.put("best_step", n.bestStep());
        JsonFields.put(node, "loss", n.loss());
        JsonFields.put(node, "feedback_angle", n.feedbackAngle);
        JsonFields.put(node, "signal_angle", n.signalAngle);
    }

    /** The summary in {@code json} (a summary.json object, or one mode's entry in a combined one). */
    static RunSummary fromJson(JsonFields json) {
        Mode mode;
        String modeName = json.string("mode");
        try {
            mode = Mode.parse(modeName);
        } catch (IllegalArgumentException e) {
            throw json.error("mode", e.getMessage());
        }
        return new RunSummary(mode, json.integer("steps"), network(json.object("forward")),
                network(json.object("reverse")), json.numbers("cosine"), json.number("examples_per_second"),
                json.number("training_seconds"), json.number("wall_seconds"));
    }

    private static NetworkSummary network(JsonFields json) {
        return new NetworkSummary(json.string("dataset"), json.number("test_accuracy"),
                json.number("best_test_accuracy"), json.integer("best_step"), json.number("loss"),
                json.numbers("feedback_angle"), json.numbers("signal_angle"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunSummary s && mode == s.mode && steps == s.steps && forward.equals(s.forward)
                && reverse.equals(s.reverse) && Arrays.equals(cosine, s.cosine)
                && Double.compare(examplesPerSecond, s.examplesPerSecond) == 0
                && Double.compare(trainingSeconds, s.trainingSeconds) == 0
                && Double.compare(wallSeconds, s.wallSeconds) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(mode, steps, forward, reverse, Arrays.hashCode(cosine), examplesPerSecond,
                trainingSeconds, wallSeconds);
    }

    @Override
    public String toString() {
        return "RunSummary[mode=" + mode.cliName() + ", steps=" + steps + ", forward=" + forward + ", reverse="
                + reverse + ", cosine=" + Arrays.toString(cosine) + ", examplesPerSecond=" + examplesPerSecond
                + ", trainingSeconds=" + trainingSeconds + ", wallSeconds=" + wallSeconds + "]";
    }
}
