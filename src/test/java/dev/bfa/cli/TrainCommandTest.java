package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, reproduce and eval end to end on tiny datasets written in the real file formats. */
class TrainCommandTest {
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void writeDatasets() {
        TinyRuns.writeIdxDatasets(dataDir);
    }

    private static CliRun run(String command, Path out, String... extra) {
        return TinyRuns.run(command, dataDir, out, extra);
    }

    @Test
    void trainWritesACompleteRunDirectoryThatEvalReads(@TempDir Path out) throws IOException {
        Path dir = out.resolve("run");
        CliRun train = run("train", dir, "--mode", "coupled-both");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(dir).isDirectoryContaining("glob:**/config.json").isDirectoryContaining("glob:**/metrics.csv")
                .isDirectoryContaining("glob:**/summary.json").isDirectoryContaining("glob:**/model.ckpt")
                .isDirectoryContaining("glob:**/report.md").isDirectoryContaining("glob:**/accuracy.png")
                .isDirectoryContaining("glob:**/cosine.png");
        JsonNode summary = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(summary.path("mode").asText()).isEqualTo("coupled-both");
        assertThat(summary.path("steps").asLong()).isEqualTo(6);
        assertThat(summary.path("forward").path("dataset").asText()).isEqualTo("fashion-mnist");
        assertThat(summary.path("reverse").path("dataset").asText()).isEqualTo("mnist");
        assertThat(summary.path("forward").path("test_accuracy").isNumber()).isTrue();
        assertThat(summary.path("cosine")).hasSize(2);
        assertThat(summary.path("examples_per_second").asDouble()).isPositive();
        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).hasSize(1 + 3);

        CliRun eval = CliRun.of("eval", dir.toString(), "--data-dir", dataDir.toString(), "--threads", "1");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        double accuracy = summary.path("forward").path("test_accuracy").asDouble();
        assertThat(eval.out()).contains("coupled-both at step 6").contains(String.format("%.2f%%", 100 * accuracy));

        // export writes what the finished run wrote beside its checkpoint.
        assertThat(dir).isDirectoryContaining("glob:**/model.safetensors");
        Path exported = out.resolve("again.safetensors");
        CliRun export = CliRun.of("export", dir.toString(), "--out", exported.toString(), "--data-dir",
                dataDir.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).contains("coupled-both at step 6: " + exported);
        assertThat(Files.readAllBytes(exported)).isEqualTo(Files.readAllBytes(dir.resolve("model.safetensors")));

        Path without = out.resolve("without");
        CliRun quiet = run("train", without, "--no-safetensors");
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(without).isDirectoryContaining("glob:**/model.ckpt")
                .isDirectoryNotContaining("glob:**/model.safetensors");
    }

    /**
     * A run forced to 256-bit vectors says so where it starts (stderr) and in config.json and
     * summary.json, naming the kernels that computed it; the test compares them with what the child
     * JVM's kernel provider chose, not only with the forced width.
     */
    @Test
    void aRunRecordsTheKernelsAndWidthThatComputedIt(@TempDir Path out) throws Exception {
        Path dir = out.resolve("at-256");
        ChildJvm.Result child = ChildJvm.run(List.of("-Dbfa.vector.bits=256"), Main.class, "train", "--data-dir",
                dataDir.toString(), "--steps", "6", "--eval-every", "3", "--batch", "16", "--width", "12", "--depth",
                "3", "--threads", "1", "--out", dir.toString());
        assertThat(child.exitCode()).as(child.output()).isZero();
        ChildJvm.Result info = ChildJvm.run(List.of("-Dbfa.vector.bits=256"), Main.class, "info", "--json");
        JsonNode chosen = new ObjectMapper().readTree(info.output().substring(info.output().indexOf('{')));
        assertThat(chosen.path("kernels").asText()).isEqualTo("panama-256bit (8 floats)");
        for (String file : List.of("config.json", "summary.json")) {
            JsonNode provenance = new ObjectMapper().readTree(dir.resolve(file).toFile()).path("provenance");
            assertThat(provenance.path("vector_bits").asInt()).as(file).isEqualTo(256);
            assertThat(provenance.path("kernels").asText()).as(file).isEqualTo(chosen.path("kernels").asText());
            assertThat(provenance.path("register_tile").asText()).as(file).isEqualTo(
                    chosen.path("gemm_blocking").path("mr").asInt() + "x" + chosen.path("gemm_blocking").path("nr").asInt());
            assertThat(provenance.path("kernel_choice").asText()).as(file).startsWith("forced by -Dbfa.vector.bits=256");
            assertThat(provenance.path("threads").asInt()).as(file).isEqualTo(1);
            assertThat(provenance.path("java_version").asText()).as(file).isEqualTo(Runtime.version().toString());
        }
        assertThat(child.output()).contains("bfa train: bfa ").contains("kernels panama-256bit (8 floats), tile ");
    }

    @Test
    void ruleAndCouplingNameTheSameRunAsTheMode(@TempDir Path out) throws IOException {
        CliRun byMode = run("train", out.resolve("mode"), "--mode", "coupled-both");
        CliRun byAxes = run("train", out.resolve("axes"), "--rule", "fa", "--coupling", "both");
        assertThat(byMode.exitCode()).as(byMode.err()).isZero();
        assertThat(byAxes.exitCode()).as(byAxes.err()).isZero();
        SameRun.assertBitIdentical(out.resolve("mode"), out.resolve("axes"));

        CliRun kp = run("train", out.resolve("kp"), "--rule", "kp", "--coupling", "both");
        assertThat(kp.exitCode()).as(kp.err()).isZero();
        JsonNode config = new ObjectMapper().readTree(out.resolve("kp").resolve("config.json").toFile());
        assertThat(config.path("mode").asText()).isEqualTo("kp-coupled-both");
        assertThat(config.path("rule").asText()).isEqualTo("kp");
        assertThat(config.path("coupling").asText()).isEqualTo("both");
        assertThat(config.at("/optimizer/weight_decay").asDouble()).isEqualTo(TrainingOptions.DEFAULT_KP_DECAY);
        CliRun eval = CliRun.of("eval", out.resolve("kp").toString(), "--data-dir", dataDir.toString(), "--threads", "1");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("kp-coupled-both at step 6");
    }

    @Test
    void reproduceWithRulesComparesEachRuleInEveryCouplingItAllows(@TempDir Path out) {
        CliRun reproduce = run("reproduce", out.resolve("rules"), "--rules", "kp,sign", "--no-bp", "--kp-decay", "3");
        assertThat(reproduce.exitCode()).as(reproduce.err()).isZero();
        for (String mode : new String[] {"kp", "kp-coupled-backward", "kp-coupled-both", "sign"}) {
            assertThat(out.resolve("rules").resolve("runs").resolve("mode=" + mode).resolve("summary.json"))
                    .isRegularFile();
        }
        assertThat(out.resolve("rules").resolve("runs")).isDirectoryNotContaining("glob:**/mode=fa");
        assertThat(out.resolve("rules").resolve("report.md")).content()
                .contains("kp-coupled-both vs kp on F").contains("kp-coupled-backward vs kp on R")
                .doesNotContain("vs fa");
    }

    @Test
    void reproduceWritesOneRunPerModeAndACombinedReport(@TempDir Path out) throws IOException {
        CliRun reproduce = run("reproduce", out.resolve("all"), "--no-bp");
        assertThat(reproduce.exitCode()).as(reproduce.err()).isZero();
        for (String mode : new String[] {"fa", "coupled-backward", "coupled-both"}) {
            assertThat(out.resolve("all").resolve(mode).resolve("summary.json")).isRegularFile();
        }
        assertThat(out.resolve("all").resolve("bp")).doesNotExist();
        assertThat(out.resolve("all").resolve("report.md")).isRegularFile();
        assertThat(out.resolve("all").resolve("accuracy.png")).isRegularFile();
        JsonNode combined = new ObjectMapper().readTree(out.resolve("all").resolve("summary.json").toFile());
        assertThat(combined.path("modes").has("coupled-backward")).isTrue();
    }

    @Test
    void badOptionsAndOccupiedOutputsAreOneLineErrors(@TempDir Path out) throws IOException {
        CliRun badRate = run("train", out.resolve("a"), "--lr", "-1");
        assertThat(badRate.exitCode()).isEqualTo(2);
        assertThat(badRate.errLines()).singleElement().asString().contains("learning rate -1.0");

        CliRun badMode = run("train", out.resolve("b"), "--mode", "sideways");
        assertThat(badMode.exitCode()).isEqualTo(2);
        assertThat(badMode.errLines()).singleElement().asString().contains("unknown mode 'sideways'");

        Files.createDirectories(out.resolve("busy"));
        Files.writeString(out.resolve("busy").resolve("notes.txt"), "someone else's");
        CliRun busy = run("train", out.resolve("busy"));
        assertThat(busy.exitCode()).isEqualTo(CliException.OUTPUT);
        assertThat(busy.errLines()).singleElement().asString().contains("already holds files");
        assertThat(out.resolve("busy")).isDirectoryNotContaining("glob:**/config.json");
    }

    @Test
    void missingDataIsOneLineThatSaysWhatToDo(@TempDir Path out) {
        CliRun missing = run("train", out.resolve("c"), "--forward", "cifar10");
        assertThat(missing.exitCode()).isEqualTo(CliException.BAD_DATA);
        assertThat(missing.errLines()).singleElement().asString().contains("cifar10");
        assertThat(out.resolve("c")).doesNotExist();
    }
}
