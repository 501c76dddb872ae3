package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.csv: header, appending, reading back, and damaged files. */
class MetricsCsvTest {
    @TempDir
    Path dir;

    /** Bit-exact equality of every field (AssertJ's recursive comparison allows 1e-15 for doubles). */
    static void assertSamePoints(List<EvaluationPoint> actual, List<EvaluationPoint> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            EvaluationPoint a = actual.get(i);
            EvaluationPoint e = expected.get(i);
            assertThat(a.step()).isEqualTo(e.step());
            assertThat(a.mode()).isEqualTo(e.mode());
            double[] scalarsA = {a.forwardLoss(), a.reverseLoss(), a.forwardAccuracy(), a.reverseAccuracy(),
                a.examplesPerSecond(), a.elapsedSeconds()};
            double[] scalarsE = {e.forwardLoss(), e.reverseLoss(), e.forwardAccuracy(), e.reverseAccuracy(),
                e.examplesPerSecond(), e.elapsedSeconds()};
            // Arrays.equals on double[] compares bits: NaN equals NaN, -0.0 differs from 0.0
            assertThat(Arrays.equals(scalarsA, scalarsE)).as("scalars of row %d", i).isTrue();
            assertThat(Arrays.equals(a.cosine(), e.cosine())).as("cosine of row %d", i).isTrue();
            assertThat(Arrays.equals(a.forwardFeedbackAngle(), e.forwardFeedbackAngle())).isTrue();
            assertThat(Arrays.equals(a.reverseFeedbackAngle(), e.reverseFeedbackAngle())).isTrue();
            assertThat(Arrays.equals(a.forwardSignalAngle(), e.forwardSignalAngle())).isTrue();
            assertThat(Arrays.equals(a.reverseSignalAngle(), e.reverseSignalAngle())).isTrue();
        }
    }

    @Test
    void headerNamesEveryLayerColumnForDepthFour() {
        assertThat(MetricsCsv.text(new MetricsLayout(4), List.of())).isEqualTo("step,mode,forward_loss,reverse_loss,"
                + "forward_test_accuracy,reverse_test_accuracy,cosine_l1,cosine_l2,cosine_l3,"
                + "forward_feedback_angle_l1,forward_feedback_angle_l2,forward_feedback_angle_l3,"
                + "forward_feedback_angle_l4,reverse_feedback_angle_l1,reverse_feedback_angle_l2,"
                + "reverse_feedback_angle_l3,reverse_feedback_angle_l4,forward_signal_angle_l0,"
                + "forward_signal_angle_l1,forward_signal_angle_l2,forward_signal_angle_l3,reverse_signal_angle_l0,"
                + "reverse_signal_angle_l1,reverse_signal_angle_l2,reverse_signal_angle_l3,examples_per_second,"
                + "elapsed_seconds\n");
    }

    @Test
    void appendedRowsReadBackExactly() throws Exception {
        List<EvaluationPoint> points = TestPoints.run(Mode.COUPLED_BACKWARD, 4, 5, 100);
        try (MetricsWriter writer = RunFiles.openMetrics(dir, 4)) {
            writer.append(points.get(0));
            // each row is in the file as soon as append returns
            assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(2);
            writer.append(points.get(1));
            writer.append(points.get(2));
        }
        assertThat(Files.readAllLines(dir.resolve("metrics.csv")).getFirst())
                .isEqualTo(String.join(",", new MetricsLayout(4).columns()));
        assertSamePoints(RunFiles.readMetrics(dir), points.subList(0, 3));

        // a resumed run appends to the same file
        try (MetricsWriter writer = RunFiles.openMetrics(dir, 4)) {
            assertThat(writer.rows()).isEqualTo(3);
            writer.appendAll(points.subList(3, 5));
        }
        assertSamePoints(RunFiles.readMetrics(dir.resolve("metrics.csv")), points);
    }

    @Test
    void specialValuesRoundTrip() throws Exception {
        EvaluationPoint p = new EvaluationPoint(Long.MAX_VALUE, Mode.BP, Double.NaN, Double.POSITIVE_INFINITY,
                0.1 + 0.2, Double.MIN_VALUE, new double[] {-0.0, 1e-300}, new double[] {1, 2, 3},
                new double[] {Math.PI, Math.E, Double.MAX_VALUE}, new double[] {0, 0, 0},
                new double[] {Double.NEGATIVE_INFINITY, 1, 2}, 1.0 / 3, 12345.678901234567);
        RunFiles.writeMetrics(dir, 3, List.of(p));
        assertSamePoints(RunFiles.readMetrics(dir), List.of(p));
    }

    @Test
    void aPartialLastLineIsSkippedAndRepairedOnReopen() throws Exception {
        List<EvaluationPoint> points = TestPoints.run(Mode.FA, 2, 3, 10);
        RunFiles.writeMetrics(dir, 2, points.subList(0, 2));
        Path file = dir.resolve("metrics.csv");
        String row = MetricsCsv.row(new MetricsLayout(2), points.get(2));
        Files.writeString(file, row.substring(0, row.length() / 2), StandardOpenOption.APPEND);

        assertReadsTwoRowsThenAppendsTheThird(points);
    }

    @Test
    void aFileWithAByteOrderMarkIsReadAndAppendedTo() throws Exception {
        List<EvaluationPoint> points = TestPoints.run(Mode.FA, 2, 3, 10);
        Path file = dir.resolve("metrics.csv");
        Files.writeString(file, "\uFEFF" + MetricsCsv.text(new MetricsLayout(2), points.subList(0, 2)));
        assertReadsTwoRowsThenAppendsTheThird(points);
    }

    /** The file in {@code dir} reads as the first two of {@code points}; reopened, it takes the third. */
    private void assertReadsTwoRowsThenAppendsTheThird(List<EvaluationPoint> points) throws IOException {
        assertSamePoints(RunFiles.readMetrics(dir), points.subList(0, 2));
        try (MetricsWriter writer = RunFiles.openMetrics(dir, 2)) {
            writer.append(points.get(2));
        }
        assertSamePoints(RunFiles.readMetrics(dir), points);
    }

    @Test
    void truncateKeepsRowsUpToTheCheckpoint() throws Exception {
        List<EvaluationPoint> points = TestPoints.run(Mode.COUPLED_BOTH, 3, 6, 100);
        RunFiles.writeMetrics(dir, 3, points);
        List<EvaluationPoint> kept = RunFiles.truncateMetrics(dir, 300);
        assertSamePoints(kept, points.subList(0, 3));
        assertSamePoints(RunFiles.readMetrics(dir), points.subList(0, 3));
        assertThat(RunFiles.truncateMetrics(dir.resolve("none"), 5)).isEmpty();
    }

    @Test
    void reopeningWithAnotherDepthFails() throws Exception {
        RunFiles.writeMetrics(dir, 4, TestPoints.run(Mode.FA, 4, 1, 1));
        assertThatThrownBy(() -> RunFiles.openMetrics(dir, 3))
                .isInstanceOf(ReportException.class)
                .hasMessageEndingWith("metrics.csv: has the columns of depth 4, but this run has depth 3");
    }

    @Test
    void pointsWithTheWrongNumberOfLayersAreRefused() throws Exception {
        EvaluationPoint depth4 = TestPoints.run(Mode.FA, 4, 1, 1).getFirst();
        try (MetricsWriter writer = RunFiles.openMetrics(dir, 3)) {
            assertThatThrownBy(() -> writer.append(depth4))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("evaluation point at step 1 has 3 cosine values, but metrics.csv has 2 such columns");
        }
    }

    @Test
    void errorsNameTheLineAndColumn() throws Exception {
        String text = MetricsCsv.text(new MetricsLayout(2), TestPoints.run(Mode.FA, 2, 2, 10));
        String[] lines = text.split("\n");
        String badNumber = lines[0] + "\n" + lines[1] + "\n" + lines[2].replaceFirst(",fa,[^,]*,", ",fa,abc,") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(badNumber, "m.csv"))
                .isInstanceOf(ReportException.class)
                .hasMessage("m.csv line 3, column forward_loss: expected a number, found 'abc'");
        String badMode = lines[0] + "\n" + lines[1].replace(",fa,", ",xx,") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(badMode, "m.csv"))
                .hasMessageStartingWith("m.csv line 2, column mode: expected a mode (fa, coupled-backward");
        String shortRow = lines[0] + "\n1,fa,2\n";
        assertThatThrownBy(() -> MetricsCsv.parse(shortRow, "m.csv"))
                .hasMessage("m.csv line 2: expected 17 fields, found 3");
        assertThatThrownBy(() -> MetricsCsv.parse("step,mode,loss\n", "m.csv"))
                .hasMessageStartingWith("m.csv: header column 3 is 'loss', expected 'forward_loss'");
        assertThatThrownBy(() -> MetricsCsv.parse("", "m.csv")).hasMessage("m.csv: empty file, no header line");
        assertThatThrownBy(() -> RunFiles.readMetrics(dir)).hasMessageEndingWith("metrics.csv: file not found");
    }

    @Test
    void rowsAreTheNumbersJoinedByCommasUnquoted() {
        EvaluationPoint p = new EvaluationPoint(-1, Mode.KP_COUPLED_BOTH, -1e-10, 1e22, 0, -0.0, new double[0],
                new double[] {Double.NaN}, new double[] {-Double.MIN_VALUE},
                new double[] {Double.NEGATIVE_INFINITY}, new double[] {Double.POSITIVE_INFINITY}, 1e-5, 1e7);
        assertThat(MetricsCsv.row(new MetricsLayout(1), p)).isEqualTo(
                "-1,kp-coupled-both,-1.0E-10,1.0E22,0.0,-0.0,NaN,-4.9E-324,-Infinity,Infinity,1.0E-5,1.0E7\n");
    }

    @Test
    void aQuotedFieldHoldingACommaIsOneField() {
        String[] lines = MetricsCsv.text(new MetricsLayout(2), TestPoints.run(Mode.FA, 2, 1, 10)).split("\n");
        String commaInMode = lines[0] + "\n" + lines[1].replace(",fa,", ",\"fa,bp\",") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(commaInMode, "m.csv"))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("m.csv line 2, column mode: expected a mode (")
                .hasMessageEndingWith(", found 'fa,bp'");
        // two numbers quoted together are one field, so the row is a field short
        String twoNumbersInOne = lines[0] + "\n"
                + lines[1].replaceFirst(",fa,([^,]*),([^,]*),", ",fa,\"$1,$2\",") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(twoNumbersInOne, "m.csv"))
                .isInstanceOf(ReportException.class)
                .hasMessage("m.csv line 2: expected 17 fields, found 16");
    }

    @Test
    void textThatIsNotCsvNamesItsLine() {
        String[] lines = MetricsCsv.text(new MetricsLayout(2), TestPoints.run(Mode.FA, 2, 2, 10)).split("\n");
        String afterQuote = lines[0] + "\n\n" + lines[1] + "\n" + lines[2].replace(",fa,", ",\"fa\"x,") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(afterQuote, "m.csv"))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("m.csv line 4: not valid CSV: ");
        String unclosed = lines[0] + "\n" + lines[1].replace(",fa,", ",\"fa,") + "\n" + lines[2] + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(unclosed, "m.csv"))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("m.csv line 2: not valid CSV: ");
    }

    @Test
    void errorsNameTheLineARecordStartsOn() {
        String[] lines = MetricsCsv.text(new MetricsLayout(2), TestPoints.run(Mode.FA, 2, 2, 10)).split("\n");
        String lineBreakInMode = lines[0] + "\n" + lines[1].replace(",fa,", ",\"f\na\",") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(lineBreakInMode, "m.csv"))
                .hasMessageStartingWith("m.csv line 2, column mode: expected a mode (")
                .hasMessageEndingWith(", found 'f\\na'");
        // a number quoted with a line break after it is still the number, on a record of two lines
        String twoLineRecord = lines[0] + "\n" + lines[1].replaceFirst(",fa,([^,]*),", ",fa,\"$1\n\",") + "\n"
                + lines[2].replace(",fa,", ",xx,") + "\n";
        assertThatThrownBy(() -> MetricsCsv.parse(twoLineRecord, "m.csv"))
                .hasMessageStartingWith("m.csv line 4, column mode: ");
    }

    @Test
    void readsCrLfFilesAndQuotedFields() {
        String text = MetricsCsv.text(new MetricsLayout(2), TestPoints.run(Mode.FA, 2, 2, 10));
        String windows = text.replace("\n", "\r\n").replace(",fa,", ",\"fa\",");
        List<EvaluationPoint> points = MetricsCsv.parse(windows, "m.csv");
        assertSamePoints(points, TestPoints.run(Mode.FA, 2, 2, 10));
        assertThat(text.getBytes(StandardCharsets.UTF_8)).doesNotContain((byte) '\r');
    }
}
