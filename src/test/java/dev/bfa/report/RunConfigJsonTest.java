package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.json: round trip, key names, and one-line errors for bad files. */
class RunConfigJsonTest {
    @TempDir
    Path dir;

    static RunConfig sgd() {
        return new RunConfig(Mode.COUPLED_BOTH, "fashion-mnist", "mnist", 1024, 4, Activation.RELU,
                new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.01f, 0.9f, 0.9f, 0.999f, 1e-8f), 128, 10_000, 500,
                Long.MIN_VALUE + 7, 8);
    }

    static RunConfig adam() {
        return new RunConfig(Mode.FA, "cifar10", "mnist", 64, 2, Activation.TANH,
                new OptimizerConfig(OptimizerConfig.Kind.ADAM, 3e-4f, 0f, 0.85f, 0.995f, 1.5e-7f), 32, 7, 1,
                123456789012345L, 1);
    }

    static RunConfig dfa() {
        return new RunConfig(Mode.DFA, "fashion-mnist", "mnist", 32, 3, Activation.RELU,
                new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-4f, 0.9f, 0.9f, 0.999f, 1e-8f), 16, 50, 10, 3, 2,
                0.25f);
    }

    @Test
    void roundTripsEveryField() throws Exception {
        for (RunConfig config : new RunConfig[] {sgd(), adam(), dfa()}) {
            RunFiles.writeConfig(dir, config, TestPoints.PROVENANCE);
            assertThat(RunFiles.readConfig(dir.resolve("config.json"))).isEqualTo(config);
            assertThat(RunFiles.readConfig(dir)).isEqualTo(config);
        }
    }

    /** Only a dfa run's file names the direct feedback scale, so every other rule's file is as it was. */
    @Test
    void theDirectFeedbackScaleIsWrittenForDfaOnly() {
        assertThat(RunFiles.configJson(dfa())).contains("\"direct_feedback_scale\" : 0.25");
        assertThat(RunFiles.configJson(sgd())).doesNotContain("direct_feedback_scale");
        String unscaled = RunFiles.configJson(dfa()).replace(",\n  \"direct_feedback_scale\" : 0.25", "");
        assertThat(unscaled).doesNotContain("direct_feedback_scale");
        assertThat(RunFiles.parseConfig(unscaled, "c.json").directFeedbackScale()).isEqualTo(1f);
        assertThatThrownBy(() -> RunFiles.parseConfig(RunFiles.configJson(sgd()).replace("\"threads\" : 8",
                "\"threads\" : 8,\n  \"direct_feedback_scale\" : 2.0"), "c.json"))
                .hasMessage("c.json: direct feedback scale 2.0 applies to rule dfa only, not to mode coupled-both");
    }

    /** A config.json written before learning rules (no rule, coupling or weight decay) reads as the same run. */
    @Test
    void readsConfigsWrittenBeforeLearningRules() {
        String before = valid().replace("  \"rule\" : \"fa\",\n", "").replace("  \"coupling\" : \"both\",\n", "")
                .replace(",\n    \"weight_decay\" : 0.0", "");
        assertThat(before).doesNotContain("rule").doesNotContain("weight_decay").doesNotContain("\"coupling\"");
        assertThat(RunFiles.parseConfig(before, "c.json")).isEqualTo(sgd());
    }

    @Test
    void aRuleOrCouplingThatContradictsTheModeIsNamed() {
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"rule\" : \"fa\"", "\"rule\" : \"kp\""),
                "c.json")).hasMessage("c.json: field \"rule\": is kp, but mode coupled-both has rule fa");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"coupling\" : \"both\"",
                "\"coupling\" : \"none\""), "c.json"))
                .hasMessage("c.json: field \"coupling\": is none, but mode coupled-both has coupling both");
    }

    @Test
    void usesSnakeCaseKeysCliNamesAndAFormatVersion() throws Exception {
        RunFiles.writeConfig(dir, sgd(), TestPoints.PROVENANCE);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        assertThat(json.get("format").asInt()).isEqualTo(1);
        assertThat(json.get("mode").asText()).isEqualTo("coupled-both");
        assertThat(json.get("forward_dataset").asText()).isEqualTo("fashion-mnist");
        assertThat(json.get("reverse_dataset").asText()).isEqualTo("mnist");
        assertThat(json.get("activation").asText()).isEqualTo("relu");
        assertThat(json.get("evaluation_every").asLong()).isEqualTo(500);
        assertThat(json.get("seed").asLong()).isEqualTo(Long.MIN_VALUE + 7);
        assertThat(json.at("/optimizer/kind").asText()).isEqualTo("sgd");
        assertThat(json.at("/optimizer/learning_rate").isNumber()).isTrue();
        // floats are written as their shortest decimal, not widened to 0.009999999776482582
        assertThat(Files.readString(dir.resolve("config.json"))).contains("0.01").doesNotContain("0.0099999");
        assertThat(json.fieldNames()).toIterable().containsExactly("format", "mode", "rule", "coupling", "forward_dataset",
                "reverse_dataset", "width", "depth", "activation", "optimizer", "batch", "steps", "evaluation_every",
                "seed", "threads", "provenance");
    }

    private String valid() {
        return RunFiles.configJson(sgd());
    }

    @Test
    void namesTheFileAndFieldWhenAFieldIsMissing() {
        String json = valid().replaceAll("\"width\" : 1024,\\s*", "");
        assertThatThrownBy(() -> RunFiles.parseConfig(json, "runs/x/config.json"))
                .isInstanceOf(ReportException.class)
                .hasMessage("runs/x/config.json: missing field \"width\"");
    }

    @Test
    void namesTheFieldWhenItHasTheWrongType() {
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"batch\" : 128", "\"batch\" : \"big\""),
                "c.json"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("c.json: field \"batch\": expected an integer, found \"big\"");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"learning_rate\" : 0.01",
                "\"learning_rate\" : \"fast\""), "c.json"))
                .hasMessage("c.json: field \"optimizer.learning_rate\": expected a number, found \"fast\"");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"batch\" : 128", "\"batch\" : 1.5"),
                "c.json"))
                .hasMessage("c.json: field \"batch\": expected an integer, found 1.5");
    }

    @Test
    void rejectsUnknownNamesAndBadValuesWithOneLine() {
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("coupled-both", "sideways"), "c.json"))
                .hasMessageStartingWith("c.json: field \"mode\": unknown mode 'sideways'")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"relu\"", "\"gelu\""), "c.json"))
                .hasMessage("c.json: field \"activation\": unknown activation 'gelu': expected one of relu, tanh");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"steps\" : 10000", "\"steps\" : 0"),
                "c.json"))
                .isInstanceOf(ReportException.class)
                .hasMessage("c.json: steps 0 must be at least 1");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"momentum\" : 0.9", "\"momentum\" : 1.5"),
                "c.json"))
                .hasMessage("c.json: field \"optimizer\": momentum 1.5 must be in [0, 1)");
    }

    @Test
    void showsLineBreaksAndControlsInTheFilesValuesEscapedSoTheMessageStaysOneLine() {
        // A value with a JSON-escaped line break once split the message (a Jazzer finding).
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"coupled-both\"", "\"fa\\\\\\nsal\""),
                "c.json"))
                .hasMessageStartingWith("c.json: field \"mode\": unknown mode 'fa\\\\\\nsal': expected one of");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"relu\"", "\"re\\u2028lu\\u001b[31m\""),
                "c.json"))
                .hasMessageStartingWith("c.json: field \"activation\": unknown activation 're\\u2028lu\\u001B[31m'");
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"batch\" : 128", "\"batch\" : \"1\\r\\n2\""),
                "c.json"))
                .hasMessage("c.json: field \"batch\": expected an integer, found \"1\\r\\n2\"");
        // Jackson's own message quotes an unquoted token raw (a review finding): here a NEL inside it.
        assertThatThrownBy(() -> RunFiles.parseConfig("{\"format\":1,\"mode\":abc\u0085def}", "c.json"))
                .hasMessageStartingWith("c.json: not valid JSON (line 1")
                .hasMessageContaining("abc\\u0085def")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("\\R"));
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"sgd\"", "\"\\tadam\\n\\nx\""), "c.json"))
                .hasMessage("c.json: field \"optimizer.kind\": unknown optimiser '\\tadam\\n\\nx': expected sgd or adam");
    }

    @Test
    void rejectsNewerFormatsBrokenJsonAndMissingFiles() {
        assertThatThrownBy(() -> RunFiles.parseConfig(valid().replace("\"format\" : 1", "\"format\" : 2"), "c.json"))
                .hasMessageContaining("c.json: field \"format\": version 2 is not supported")
                .hasMessageContaining("newer bfa");
        assertThatThrownBy(() -> RunFiles.parseConfig("{\"mode\": ", "c.json"))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("c.json: not valid JSON (line 1");
        assertThatThrownBy(() -> RunFiles.parseConfig("[1, 2]", "c.json"))
                .hasMessage("c.json: expected a JSON object, found a list");
        assertThatThrownBy(() -> RunFiles.parseConfig("", "c.json"))
                .hasMessage("c.json: empty file, expected a JSON object");
        assertThatThrownBy(() -> RunFiles.readConfig(dir.resolve("nowhere")))
                .isInstanceOf(ReportException.class)
                .hasMessageEndingWith("nowhere: file not found");
    }
}
