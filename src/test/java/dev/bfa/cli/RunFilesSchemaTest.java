package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.bfa.data.DatasetId;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.rules.LearningRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * config.json and summary.json as the trainer writes them match the JSON Schemas in docs/schema,
 * which forbid fields they do not document; a file that breaks the documented shape fails them; and
 * the schemas' lists of modes, rules, datasets and activations are the ones bfa has.
 */
class RunFilesSchemaTest {
    private static final Path SCHEMAS = Path.of("docs", "schema");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The schemas' $refs are relative: each resolves to a file beside the one that names it. */
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemas(RunFilesSchemaTest::schemaText));

    @TempDir
    static Path shared;
    private static Path run;
    private static Path dfaRun;

    @BeforeAll
    static void trainOneRun() {
        Path data = shared.resolve("data");
        TinyRuns.writeIdxDatasets(data);
        run = shared.resolve("run");
        CliRun train = TinyRuns.run("train", data, run, "--mode", "kp-coupled-both");
        assertThat(train.exitCode()).as(train.err()).isZero();
        dfaRun = shared.resolve("dfa");
        CliRun dfa = TinyRuns.run("train", data, dfaRun, "--rule", "dfa", "--dfa-scale", "0.5");
        assertThat(dfa.exitCode()).as(dfa.err()).isZero();
    }

    private static Schema schema(String name) {
        return REGISTRY.getSchema(SchemaLocation.of(SCHEMAS.resolve(name).toAbsolutePath().toUri().toString()));
    }

    private static String schemaText(String iri) {
        try {
            return Files.readString(Path.of(URI.create(iri)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> problems(String schema, JsonNode file) {
        return schema(schema).validate(file).stream().map(Error::toString).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"config", "summary"})
    void whatTheTrainerWritesMatchesItsSchema(String file) throws IOException {
        for (Path dir : List.of(run, dfaRun)) {
            JsonNode written = JSON.readTree(dir.resolve(file + ".json").toFile());
            assertThat(written.has("provenance")).isTrue();
            assertThat(problems(file + ".schema.json", written)).as(dir.toString()).isEmpty();
        }
        assertThat(JSON.readTree(dfaRun.resolve("config.json").toFile()).path("direct_feedback_scale").asDouble())
                .isEqualTo(0.5);
    }

    @Test
    void filesThatBreakTheDocumentedShapeFail() throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(run.resolve("config.json").toFile());
        assertThat(problems("config.schema.json", config.deepCopy().put("steps", "many"))).isNotEmpty();
        assertThat(problems("config.schema.json", config.deepCopy().put("undocumented", 1))).isNotEmpty();
        ObjectNode withoutMode = config.deepCopy();
        withoutMode.remove("mode");
        assertThat(problems("config.schema.json", withoutMode)).isNotEmpty();
        ObjectNode badProvenance = config.deepCopy();
        ((ObjectNode) badProvenance.get("provenance")).put("vector_bits", 300);
        assertThat(problems("config.schema.json", badProvenance)).isNotEmpty();

        ObjectNode summary = (ObjectNode) JSON.readTree(run.resolve("summary.json").toFile());
        ObjectNode overOne = summary.deepCopy();
        ((ObjectNode) overOne.get("forward")).put("test_accuracy", 97.5);
        assertThat(problems("summary.schema.json", overOne)).isNotEmpty();
        ObjectNode nullWall = summary.deepCopy();
        nullWall.putNull("wall_seconds");
        assertThat(problems("summary.schema.json", nullWall)).as("a resumed run's unknown wall time").isEmpty();
    }

    @Test
    void theSchemasListWhatBfaHas() throws IOException {
        JsonNode config = JSON.readTree(SCHEMAS.resolve("config.schema.json").toFile());
        assertThat(strings(config.at("/properties/mode/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Mode.values()).map(Mode::cliName).toList());
        assertThat(strings(config.at("/properties/rule/enum")))
                .containsExactlyInAnyOrderElementsOf(LearningRule.all().stream().map(LearningRule::name).toList());
        assertThat(strings(config.at("/$defs/dataset/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(DatasetId.values()).map(DatasetId::cliName).toList());
        assertThat(strings(config.at("/properties/activation/enum")))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(Activation.values()).map(Activation::cliName).toList());
    }

    private static List<String> strings(JsonNode array) {
        assertThat(array.isArray()).as("an enum in the schema").isTrue();
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
