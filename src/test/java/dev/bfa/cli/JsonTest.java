package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void escapesStrings() {
        assertThat(Json.write("a\"b\\c/d")).isEqualTo("\"a\\\"b\\\\c/d\"");
        assertThat(Json.write("\b\f\n\r\t")).isEqualTo("\"\\b\\f\\n\\r\\t\"");
        assertThat(Json.write("\u0000\u001f\u007f")).isEqualTo("\"\\u0000\\u001f\u007f\"");
        assertThat(Json.write("\u2028")).isEqualTo("\"\\u2028\"");
        assertThat(Json.write("é😀")).isEqualTo("\"é😀\"");
    }

    @Test
    void escapesUnpairedSurrogates() {
        assertThat(Json.write("x\ud83dy")).isEqualTo("\"x\\ud83dy\"");
        assertThat(Json.write("\ude00")).isEqualTo("\"\\ude00\"");
        assertThat(Json.write("\ud83d\ud83d\ude00")).isEqualTo("\"\\ud83d\ud83d\ude00\"");
    }

    @Test
    void writesValues() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n", 3);
        map.put("l", 1L << 40);
        map.put("d", 0.5);
        map.put("nan", Double.NaN);
        map.put("b", true);
        map.put("z", null);
        map.put("list", List.of(1, "two"));
        map.put("empty", Map.of());
        map.put("none", List.of());

        assertThat(Json.write(map)).isEqualTo(
                "{\"n\":3,\"l\":1099511627776,\"d\":0.5,\"nan\":null,\"b\":true,\"z\":null,"
                        + "\"list\":[1,\"two\"],\"empty\":{},\"none\":[]}");
    }

    @Test
    void indentsPrettyOutput() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("k", Arrays.asList("v", null));
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", inner);

        assertThat(Json.writePretty(map)).isEqualTo(
                "{\n  \"a\": {\n    \"k\": [\n      \"v\",\n      null\n    ]\n  }\n}");
    }
}
