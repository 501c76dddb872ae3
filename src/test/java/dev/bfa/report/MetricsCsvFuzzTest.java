package dev.bfa.report;

import static dev.bfa.fuzz.FuzzChecks.assertOneLineNaming;
import static dev.bfa.fuzz.FuzzChecks.parseWithinHeapBudget;
import static dev.bfa.fuzz.FuzzChecks.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the metrics.csv reader that {@link RunFiles#readMetrics}, {@link RunFiles#truncateMetrics}
 * and {@link MetricsWriter#open} share ({@link MetricsCsv#readText}, then
 * {@link MetricsCsv#parseWithLayout}): any exception but {@link ReportException}, a message that is
 * not one line naming the file, or a heap allocation out of proportion to the file fails. Rows that
 * load must also be written and read back to the same text, and reopening the file for a resumed
 * run's appends (which cuts off a partial last line) must keep every one of them.
 */
class MetricsCsvFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "20s")
    void readMetrics(byte[] input) throws Exception {
        Path file = dir.resolve(RunFiles.METRICS);
        parseWithinHeapBudget(input.length, "metrics.csv reading", () -> {
            // written in here, because reopening below may change the file
            write(file, input);
            MetricsCsv.Parsed parsed;
            try {
                parsed = MetricsCsv.parseWithLayout(MetricsCsv.readText(file), file.toString());
            } catch (ReportException e) {
                assertOneLineNaming(e.getMessage(), file);
                return;
            }
            String text = MetricsCsv.text(parsed.layout(), parsed.points());
            assertReadsAs(text, "rewritten", text, "written and read back");
            MetricsWriter.open(file, parsed.layout()).close();
            assertReadsAs(MetricsCsv.readText(file), file.toString(), text, "reopened for appending");
        });
    }

    /** Fails unless {@code text} reads as the rows that {@code expected} holds. */
    private static void assertReadsAs(String text, String source, String expected, String after) {
        MetricsCsv.Parsed parsed = MetricsCsv.parseWithLayout(text, source);
        String rewritten = MetricsCsv.text(parsed.layout(), parsed.points());
        if (!rewritten.equals(expected)) {
            throw new AssertionError("metrics.csv " + after + " reads as\n" + rewritten + "instead of\n" + expected);
        }
    }
}
