package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** summary.json: required keys, values, and reading it back. */
class SummaryTest {
    @TempDir
    Path dir;

    private final RunConfig config = RunConfigJsonTest.sgd();
    private final List<EvaluationPoint> points = TestPoints.run(Mode.COUPLED_BOTH, 4, 10, 1000);

    @Test
    void hasTheRequiredKeysAsNestedObjects() throws Exception {
        RunSummary summary = RunSummary.of(config, points, 1234.5);
        RunFiles.writeSummary(dir, summary, TestPoints.PROVENANCE);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        EvaluationPoint last = points.getLast();
        assertThat(json.at("/format").asInt()).isEqualTo(1);
        assertThat(json.at("/mode").asText()).isEqualTo("coupled-both");
        assertThat(json.at("/steps").asLong()).isEqualTo(10_000);
        assertThat(json.at("/forward/dataset").asText()).isEqualTo("fashion-mnist");
        assertThat(json.at("/forward/test_accuracy").asDouble()).isEqualTo(last.forwardAccuracy());
        assertThat(json.at("/reverse/dataset").asText()).isEqualTo("mnist");
        assertThat(json.at("/reverse/test_accuracy").asDouble()).isEqualTo(last.reverseAccuracy());
        assertThat(json.at("/forward/loss").asDouble()).isEqualTo(last.forwardLoss());
        assertThat(json.at("/reverse/loss").asDouble()).isEqualTo(last.reverseLoss());
        assertThat(json.at("/forward/best_test_accuracy").isNumber()).isTrue();
        assertThat(json.at("/forward/best_step").isIntegralNumber()).isTrue();
        assertThat(json.at("/forward/feedback_angle").size()).isEqualTo(4);
        assertThat(json.at("/forward/signal_angle").size()).isEqualTo(4);
        assertThat(json.at("/cosine").isArray()).isTrue();
        assertThat(json.at("/cosine").size()).isEqualTo(3);
        for (int l = 0; l < 3; l++) {
            assertThat(json.at("/cosine/" + l).asDouble()).isEqualTo(last.cosine()[l]);
        }
        assertThat(json.at("/examples_per_second").isNumber()).isTrue();
        assertThat(json.at("/wall_seconds").asDouble()).isEqualTo(1234.5);
        assertThat(json.at("/training_seconds").asDouble()).isEqualTo(last.elapsedSeconds());
    }

    @Test
    void readsBackEqual() throws Exception {
        RunSummary summary = RunSummary.of(config, points, Double.NaN);
        RunFiles.writeSummary(dir, summary, TestPoints.PROVENANCE);
        // NaN is written as null (JSON has no NaN) and read back as NaN
        assertThat(Files.readString(dir.resolve("summary.json"))).contains("\"wall_seconds\" : null");
        assertThat(RunFiles.readSummary(dir)).isEqualTo(summary);
    }

    @Test
    void bestAccuracyIsTheFirstHighestPoint() {
        List<EvaluationPoint> ps = List.of(point(10, 0.5, 0.9, 100, 1), point(20, 0.7, 0.8, 100, 2),
                point(30, 0.7, Double.NaN, 100, 3), point(40, 0.6, 0.85, 100, 4));
        RunSummary s = RunSummary.of(config, ps, 5);
        assertThat(s.forward().bestTestAccuracy()).isEqualTo(0.7);
        assertThat(s.forward().bestStep()).isEqualTo(20);
        assertThat(s.reverse().bestTestAccuracy()).isEqualTo(0.9);
        assertThat(s.reverse().bestStep()).isEqualTo(10);
        assertThat(s.forward().testAccuracy()).isEqualTo(0.6);
        assertThat(s.steps()).isEqualTo(40);
    }

    @Test
    void throughputIsWeightedByTrainingTime() {
        // 100 ex/s for 1 s, then 400 ex/s for 3 s: 1300 examples in 4 s
        List<EvaluationPoint> ps = List.of(point(10, 0.1, 0.1, 100, 1), point(20, 0.1, 0.1, 400, 4));
        assertThat(RunSummary.of(config, ps, 5).examplesPerSecond()).isCloseTo(325.0, within(1e-9));
        // a clock that restarted (resume): plain mean
        List<EvaluationPoint> restarted = List.of(point(10, 0.1, 0.1, 100, 5), point(20, 0.1, 0.1, 400, 1));
        assertThat(RunSummary.of(config, restarted, 5).examplesPerSecond()).isEqualTo(250.0);
    }

    @Test
    void needsAPoint() {
        assertThatThrownBy(() -> RunSummary.of(config, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no evaluation points to summarise for mode coupled-both");
    }

    @Test
    void readErrorsNameTheNestedField() throws Exception {
        RunFiles.writeSummary(dir, RunSummary.of(config, points, 1), TestPoints.PROVENANCE);
        Path file = dir.resolve("summary.json");
        Files.writeString(file, Files.readString(file).replace("\"dataset\" : \"mnist\"", "\"dataset\" : 7"));
        assertThatThrownBy(() -> RunFiles.readSummary(file))
                .isInstanceOf(ReportException.class)
                .hasMessageEndingWith("summary.json: field \"reverse.dataset\": expected a string, found 7");
    }

    static EvaluationPoint point(long step, double f, double r, double eps, double elapsed) {
        return new EvaluationPoint(step, Mode.COUPLED_BOTH, 1, 1, f, r, new double[] {0.1, 0.2, 0.3},
                new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4},
                new double[] {1, 2, 3, 4}, eps, elapsed);
    }
}
