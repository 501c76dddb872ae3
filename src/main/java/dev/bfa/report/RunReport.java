package dev.bfa.report;

import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.util.ArrayList;
import java.util.List;

/** report.md of a single run. */
final class RunReport {
    private RunReport() {
    }

    static String markdown(RunConfig config, RunSummary s, List<EvaluationPoint> points, boolean accuracyFigure,
                           boolean cosineFigure) {
        StringBuilder out = new StringBuilder();
        out.append("# bfa run: ").append(config.mode().cliName()).append("\n\n");
        out.append("F (the forward network) on **").append(config.forwardDataset())
                .append("** and R (the reverse network) on **").append(config.reverseDataset())
                .append("**, trained together for ").append(Markdown.count(s.steps())).append(" steps in mode ")
                .append(Markdown.code(config.mode().cliName())).append(": ")
                .append(Markdown.describe(config.mode())).append(".\n\n");

        out.append("## Configuration\n\n");
        Markdown.configTable(out, config, true);

        out.append("## Results at step ").append(Markdown.count(s.steps())).append("\n\n");
        results(out, s);
        out.append("Throughput: ").append(Markdown.count(s.examplesPerSecond()))
                .append(" examples/s (both networks, mean over the run). Training time ")
                .append(Markdown.duration(s.trainingSeconds())).append(" (evaluations excluded)");
        if (Double.isFinite(s.wallSeconds())) {
            out.append(", wall time ").append(Markdown.duration(s.wallSeconds()));
        }
        out.append(". ").append(points.size()).append(" evaluation point").append(points.size() == 1 ? "" : "s")
                .append(" in ").append(Markdown.code(RunFiles.METRICS)).append(".\n\n");

        double[] cosine = s.cosine();
        if (cosine.length > 0) {
            out.append("### Cosine similarity of paired layers\n\n");
            out.append("Between F's forward weights in layer l and R's forward weights in layer j = L-1-l, read in "
                    + "F's orientation (paper Figure 3).\n\n");
            cosineTable(out, cosine, new MetricsLayout(cosine.length + 1));
        }

        out.append("### Angles (degrees)\n\n");
        out.append("Feedback angle: between a layer's forward weights and its feedback matrix (layers 1 .. L-1). "
                + "Error-signal angle: between the error a layer receives and the one backpropagation would give "
                + "it (layers 0 .. L-2).\n\n");
        angleTable(out, s);

        out.append("## Figures\n\n");
        if (accuracyFigure) {
            out.append("![Test accuracy of F and R during training](").append(RunFiles.ACCURACY_FIGURE)
                    .append(")\n\n");
        }
        if (cosineFigure) {
            out.append("![Cosine similarity of the paired layers during training](")
                    .append(RunFiles.COSINE_FIGURE).append(")\n\n");
        }
        if (!accuracyFigure && !cosineFigure) {
            out.append("No figures were written.\n\n");
        }
        out.append("Files: ").append(Markdown.code(RunFiles.CONFIG)).append(" (the configuration, to rerun), ")
                .append(Markdown.code(RunFiles.METRICS)).append(" (every evaluation point), ")
                .append(Markdown.code(RunFiles.SUMMARY)).append(" (these results).\n");
        return out.toString();
    }

    private static void results(StringBuilder out, RunSummary s) {
        RunSummary.NetworkSummary f = s.forward();
        RunSummary.NetworkSummary r = s.reverse();
        new Markdown.Table(List.of("", "F (" + f.dataset() + ")", "R (" + r.dataset() + ")"), false, true, true)
                .row("test accuracy", Markdown.percent(f.testAccuracy()), Markdown.percent(r.testAccuracy()))
                .row("best test accuracy", best(f), best(r))
                .row("training loss", Markdown.fixed(f.loss(), 4), Markdown.fixed(r.loss(), 4))
                .appendTo(out);
    }

    private static String best(RunSummary.NetworkSummary n) {
        return Markdown.percent(n.bestTestAccuracy()) + " (step " + Markdown.count(n.bestStep()) + ")";
    }

    static void cosineTable(StringBuilder out, double[] cosine, MetricsLayout layout) {
        Markdown.Table table = new Markdown.Table(List.of("F layer l", "R layer j", "cosine"), true, true, true);
        for (int l = 1; l <= cosine.length; l++) {
            table.row(Integer.toString(l), Integer.toString(layout.reverseLayerOf(l)),
                    Markdown.fixed(cosine[l - 1], 4));
        }
        table.row("mean", "", Markdown.fixed(Stats.mean(cosine), 4));
        table.appendTo(out);
    }

    private static void angleTable(StringBuilder out, RunSummary s) {
        double[] ff = s.forward().feedbackAngle();
        double[] rf = s.reverse().feedbackAngle();
        double[] fs = s.forward().signalAngle();
        double[] rs = s.reverse().signalAngle();
        int layers = Math.max(Math.max(ff.length, rf.length), Math.max(fs.length, rs.length)) + 1;
        Markdown.Table table = new Markdown.Table(List.of("layer l", "F feedback", "R feedback", "F error signal",
                "R error signal"), true, true, true, true, true);
        for (int l = 0; l < layers; l++) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(l));
            row.add(at(ff, l - 1));
            row.add(at(rf, l - 1));
            row.add(at(fs, l));
            row.add(at(rs, l));
            table.row(row);
        }
        table.appendTo(out);
    }

    private static String at(double[] values, int index) {
        return index >= 0 && index < values.length ? Markdown.fixed(values[index], 1) : "";
    }
}
