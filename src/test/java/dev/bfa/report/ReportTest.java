package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.md and the files beside it, for a single run and for reproduce. */
class ReportTest {
    @TempDir
    Path dir;

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aFinishedRunHasEveryFileAndTheReportLinksTheFigures() throws Exception {
        RunConfig config = RunConfigJsonTest.sgd();
        List<EvaluationPoint> points = TestPoints.run(config.mode(), config.depth(), 20, 500);
        RunFiles.writeConfig(dir, config, TestPoints.PROVENANCE);
        try (MetricsWriter metrics = RunFiles.openMetrics(dir, config.depth())) {
            metrics.appendAll(points);
        }
        RunSummary summary = RunFiles.finish(dir, config, points, 4000, TestPoints.PROVENANCE);

        assertThat(files(dir)).containsExactly("accuracy.png", "config.json", "cosine.png", "metrics.csv",
                "report.md", "summary.json");
        assertThat(RunFiles.readSummary(dir)).isEqualTo(summary);
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report)
                .startsWith("# bfa run: coupled-both\n")
                .contains("](accuracy.png)", "](cosine.png)")
                .contains("| test accuracy |")
                .contains("| F layer l | R layer j | cosine |")
                .contains("| 1 | 3 | " + Markdown.fixed(points.getLast().cosine()[0], 4) + " |")
                .contains("fashion-mnist", "mnist", "sgd, learning rate 0.01, momentum 0.9")
                .contains(Markdown.percent(points.getLast().forwardAccuracy()))
                .contains("| layer l | F feedback | R feedback | F error signal | R error signal |")
                .doesNotContain("NaN");
    }

    @Test
    void aShallowRunHasNoCosineFigureOrLink() throws Exception {
        RunConfig config = RunConfigJsonTest.adam();
        RunConfig shallow = new RunConfig(config.mode(), config.forwardDataset(), config.reverseDataset(), 16, 1,
                config.activation(), config.optimizer(), 4, 3, 1, 1, 1);
        List<EvaluationPoint> points = TestPoints.run(Mode.FA, 1, 3, 1);
        RunFiles.finish(dir, shallow, points, Double.NaN, TestPoints.PROVENANCE);
        assertThat(dir.resolve("cosine.png")).doesNotExist();
        assertThat(Files.readString(dir.resolve("report.md"))).contains("](accuracy.png)")
                .doesNotContain("cosine.png").doesNotContain("wall time");
    }

    @Test
    void combinedReportComparesTheModes() throws Exception {
        RunConfig base = RunConfigJsonTest.sgd();
        Map<Mode, List<EvaluationPoint>> runs = TestPoints.runs(4, 20, 500, Mode.PAPER.toArray(Mode[]::new));
        Map<Mode, RunSummary> summaries = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.PAPER) {
            Path runDir = dir.resolve(mode.cliName());
            RunConfig config = base.withMode(mode);
            RunFiles.writeConfig(runDir, config, TestPoints.PROVENANCE);
            RunFiles.writeMetrics(runDir, config.depth(), runs.get(mode));
            summaries.put(mode, RunFiles.finish(runDir, config, runs.get(mode), 100, TestPoints.PROVENANCE));
        }
        CombinedReport.write(dir, base, runs, summaries);

        assertThat(files(dir)).containsExactly("accuracy.png", "bp", "cosine.png", "coupled-backward", "coupled-both",
                "fa", "report.md", "summary.json");
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report)
                .contains("](accuracy.png)", "](cosine.png)")
                .contains("| mode | steps | F accuracy (fashion-mnist) | R accuracy (mnist) | cosine l1 (R 3) "
                        + "| cosine l2 (R 2) | cosine l3 (R 1) | mean cosine | examples/s |")
                .contains("[`coupled-both`](coupled-both/report.md)")
                .contains("## Findings")
                .contains("Highest mean final cosine of the coupled modes: `coupled-both`")
                .contains("Final accuracy of `coupled-backward` relative to `fa`: F ")
                .contains("`coupled-both`: final cosine decreases with depth in F")
                .doesNotContain("NaN");

        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(json.at("/format").asInt()).isEqualTo(1);
        assertThat(json.at("/modes").size()).isEqualTo(4);
        assertThat(json.at("/modes/fa/forward/dataset").asText()).isEqualTo("fashion-mnist");
        assertThat(json.at("/modes/coupled-both/reverse/test_accuracy").asDouble())
                .isEqualTo(runs.get(Mode.COUPLED_BOTH).getLast().reverseAccuracy());
        assertThat(json.at("/modes/bp/cosine").size()).isEqualTo(3);
        assertThat(CombinedReport.readSummary(dir)).isEqualTo(summaries);
    }

    @Test
    void combinedReportForOneModeSummarisesFromThePoints() throws Exception {
        RunConfig base = RunConfigJsonTest.sgd();
        Map<Mode, List<EvaluationPoint>> runs = TestPoints.runs(4, 5, 100, Mode.COUPLED_BACKWARD);
        CombinedReport.write(dir, base, runs, Map.of());
        assertThat(files(dir)).containsExactly("accuracy.png", "cosine.png", "report.md", "summary.json");
        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("| `coupled-backward` |")
                .contains("`coupled-backward`: mean final cosine");
    }

    @Test
    void findingsStateGapsInPoints() {
        RunConfig base = RunConfigJsonTest.sgd();
        Map<Mode, RunSummary> s = new EnumMap<>(Mode.class);
        s.put(Mode.FA, summary(Mode.FA, 0.80, 0.95, new double[] {0.001, -0.002, 0.0}, base));
        s.put(Mode.COUPLED_BOTH, summary(Mode.COUPLED_BOTH, 0.7875, 0.9512, new double[] {0.2, 0.3, 0.1}, base));
        List<String> findings = CombinedReport.findings(Map.of(), s);
        assertThat(findings).contains(
                "`fa` (uncoupled): mean final cosine -0.0003, largest magnitude in any layer 0.0020.",
                "`coupled-both`: mean final cosine 0.2000.",
                "`coupled-both`: final cosine is highest in F layer 2 (0.3000) and lowest in F layer 3 (0.1000).",
                "Final accuracy of `coupled-both` relative to `fa`: F -1.25 points (78.75 % against 80.00 %), "
                        + "R +0.12 points (95.12 % against 95.00 %).");
    }

    private static RunSummary summary(Mode mode, double f, double r, double[] cosine, RunConfig base) {
        return new RunSummary(mode, 100, new RunSummary.NetworkSummary(base.forwardDataset(), f, f, 100, 0.5,
                new double[4], new double[4]), new RunSummary.NetworkSummary(base.reverseDataset(), r, r, 100, 0.1,
                new double[4], new double[4]), cosine, 1000, 10, 12);
    }
}
