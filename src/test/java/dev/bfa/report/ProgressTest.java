package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress display: plain lines without a terminal, nothing when quiet, a bar on a terminal. */
class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalAutoPrintsPlainLines() {
        // surefire's forked JVM has no terminal: System.console() is null or not a terminal
        assertThat(Progress.stderrIsTerminal()).isFalse();
        List<EvaluationPoint> points = TestPoints.run(Mode.COUPLED_BOTH, 4, 2, 100);
        try (Progress progress = Progress.builder("coupled-both", 200).epochs(100, 60_000, 60_000).output(out)
                .plainInterval(Duration.ofSeconds(10)).clock(nanos::get).build()) {
            assertThat(progress.display()).isEqualTo(Progress.Display.PLAIN);
            for (int step = 1; step <= 200; step++) {
                nanos.addAndGet(100_000_000L); // 0.1 s per step
                progress.update(step, 2.0 - step / 200.0, 1.0);
                if (step % 100 == 0) {
                    progress.evaluation(points.get(step / 100 - 1));
                }
            }
        }
        String text = output();
        assertThat(text).doesNotContain("\r").doesNotContain("\u001b");
        List<String> lines = text.lines().toList();
        // a line every 10 s (100 steps) plus the two evaluations; close adds nothing new at step 200
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("coupled-both: step 100/200 (50.0%) | epoch 0.17 | loss F ")
                .contains(" | 2,000 ex/s | elapsed 0:00:10 | ETA 0:00:10");
        assertThat(lines.get(1)).startsWith("[coupled-both] step 100/200: acc F ").contains(" | cos ");
        assertThat(lines.get(3)).startsWith("[coupled-both] step 200/200");
    }

    @Test
    void closePrintsTheLastStateInPlainMode() {
        try (Progress progress = Progress.builder("fa", 10).output(out).display(Progress.Display.PLAIN)
                .clock(nanos::get).build()) {
            progress.update(3, 1.5, 0.5);
        }
        assertThat(output()).isEqualTo("fa: step 3/10 (30.0%) | loss F 1.5000 R 0.5000 | elapsed 0:00:00 | ETA 0:00:00"
                + System.lineSeparator());
    }

    @Test
    void quietPrintsNothing() {
        try (Progress progress = Progress.builder("fa", 10).output(out).quiet(true).build()) {
            progress.update(1, 1, 1);
            progress.evaluation(TestPoints.run(Mode.FA, 2, 1, 1).getFirst());
            progress.message("hello");
        }
        try (Progress progress = Progress.quiet()) {
            progress.update(1, 1, 1);
        }
        assertThat(output()).isEmpty();
    }

    @Test
    void theTerminalBarDrawsWithoutErrors() throws Exception {
        EvaluationPoint point = TestPoints.run(Mode.FA, 4, 1, 5).getFirst();
        try (Progress progress = Progress.builder("fa", 10).epochs(32, 1000, 2000).output(out)
                .display(Progress.Display.TERMINAL).build()) {
            assertThat(progress.display()).isEqualTo(Progress.Display.TERMINAL);
            for (int step = 1; step <= 10; step++) {
                progress.update(step, 1.0 / step, 0.5);
                if (step == 5) {
                    progress.evaluation(point);
                }
            }
            Thread.sleep(300); // let the library's refresh thread draw
        }
        String text = output();
        assertThat(text).contains("[fa] step 5/10: acc F ").contains("10/10").contains("loss").contains("\r");
        // the evaluation line is on a line of its own: the bar's line is cleared first
        assertThat(text).contains("\r\u001b[K[fa] step 5/10");
    }

    @Test
    void statusShowsEpochsLossesAndThroughput() {
        try (Progress progress = Progress.builder("fa", 1000).epochs(100, 1000, 2000).output(out)
                .display(Progress.Display.PLAIN).plainInterval(Duration.ofHours(1)).clock(nanos::get).build()) {
            progress.update(10, 0.5, 0.25);
            nanos.addAndGet(2_000_000_000L);
            progress.update(30, 0.5, 0.25);
            // 30 steps of 200 examples in 2 s since the start
            assertThat(progress.status()).isEqualTo("epoch F 3.00 R 1.50 | loss F 0.5000 R 0.2500 | 3,000 ex/s");
            assertThat(progress.compactStatus()).isEqualTo("ep 3.00 loss 0.500/0.250 3,000 ex/s");
        }
    }

    @Test
    void evaluationLineShowsAccuraciesLossesAndCosines() {
        EvaluationPoint p = new EvaluationPoint(1000, Mode.COUPLED_BOTH, 0.4321, 0.0812, 0.84213, 0.975,
                new double[] {0.3121, 0.2, Double.NaN}, new double[4], new double[4], new double[4], new double[4],
                9800.4, 12);
        assertThat(Progress.evaluationLine(p, 10_000)).isEqualTo("[coupled-both] step 1,000/10,000: acc F 84.21% "
                + "R 97.50% | loss F 0.4321 R 0.0812 | cos 0.312 0.200 n/a | 9,800 ex/s");
    }
}
