package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.experiment.Checkpoint;
import dev.bfa.experiment.Experiments;
import dev.bfa.experiment.TrainingRun;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.report.MetricsLayout;
import dev.bfa.report.RunFiles;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What "a resumed run ends as if it had never stopped" means, checked on two run directories of
 * 28x28 datasets: the same configuration, bit-identical model memory (parameters, gradients and
 * optimiser slots) and data orders in model.ckpt, and the same metrics.csv text in every column
 * but the wall-clock ones ({@link MetricsLayout#TRAILING_COLUMNS}: examples/s and elapsed seconds).
 */
final class SameRun {
    private SameRun() {
    }

    static void assertBitIdentical(Path expected, Path actual) throws IOException {
        RunConfig config = RunFiles.readConfig(expected);
        assertThat(RunFiles.readConfig(actual)).isEqualTo(config);
        BidirectionalModel.ModelSpec spec = TrainingRun.modelSpec(config, 784, 784, 10);
        try (BidirectionalModel a = BidirectionalModel.create(spec);
             BidirectionalModel b = BidirectionalModel.create(spec)) {
            Checkpoint.Header ha = Checkpoint.load(expected.resolve(Experiments.CHECKPOINT), a);
            Checkpoint.Header hb = Checkpoint.load(actual.resolve(Experiments.CHECKPOINT), b);
            assertThat(hb.step()).isEqualTo(ha.step()).isEqualTo(config.steps());
            assertThat(hb.forwardSampler()).isEqualTo(ha.forwardSampler());
            assertThat(hb.reverseSampler()).isEqualTo(ha.reverseSampler());
            assertThat(b.parameterMemory().mismatch(a.parameterMemory())).as("first differing parameter byte")
                    .isEqualTo(-1);
            assertThat(b.stateMemory().mismatch(a.stateMemory())).as("first differing state byte").isEqualTo(-1);
        }
        List<String> rows = deterministicColumns(expected);
        assertThat(rows).hasSize(1 + Experiments.evaluationSteps(config, config.steps()).size());
        assertThat(deterministicColumns(actual)).isEqualTo(rows);
    }

    /** The lines of metrics.csv without the wall-clock columns. */
    static List<String> deterministicColumns(Path dir) throws IOException {
        int keep = new MetricsLayout(RunFiles.readConfig(dir).depth()).columns().size()
                - MetricsLayout.TRAILING_COLUMNS.size();
        return Files.readAllLines(dir.resolve(RunFiles.METRICS)).stream()
                .map(line -> String.join(",", Arrays.asList(line.split(",", -1)).subList(0, keep)))
                .toList();
    }
}
