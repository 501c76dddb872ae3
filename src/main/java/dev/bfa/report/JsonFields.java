package dev.bfa.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.text.UserText;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Jackson set up for the run files, and typed access to an object's fields that fails with one line
 * naming the file and the field ({@code summary.json: field "forward.test_accuracy": expected a
 * number, found "high"}). Non-finite numbers are written as {@code null} (JSON has no NaN) and read
 * back as NaN.
 */
public final class JsonFields {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode node;
    private final String source;
    private final String path;

    private JsonFields(JsonNode node, String source, String path) {
        this.node = node;
        this.source = source;
        this.path = path;
    }

    /** The top-level object of {@code text}; {@code source} names the file in errors. */
    public static JsonFields parse(String text, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            // Jackson quotes the offending token, control and separator characters included.
            throw new ReportException(source + ": not valid JSON" + where + ": " + UserText.escape(e.getOriginalMessage()));
        } catch (NumberFormatException e) {
            // found by RunConfigFuzzTest: Jackson reports a number BigDecimal cannot hold (1.0E-8444444444444)
            // this way rather than as a JsonProcessingException
            throw new ReportException(source + ": not a usable number: " + UserText.escape(String.valueOf(e.getMessage())));
        }
        if (root == null || root.isMissingNode()) {
            throw new ReportException(source + ": empty file, expected a JSON object");
        }
        if (!root.isObject()) {
            throw new ReportException(source + ": expected a JSON object, found " + describe(root));
        }
        return new JsonFields(root, source, "");
    }

    public static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    public String source() {
        return source;
    }

    private String name(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    public ReportException error(String field, String problem) {
        return new ReportException(source + ": field \"" + name(field) + "\": " + problem);
    }

    private JsonNode required(String field) {
        JsonNode value = node.get(field);
        if (value == null) {
            throw new ReportException(source + ": missing field \"" + name(field) + "\"");
        }
        return value;
    }

    public boolean has(String field) {
        return node.has(field);
    }

    public JsonFields object(String field) {
        JsonNode value = required(field);
        if (!value.isObject()) {
            throw error(field, "expected an object, found " + describe(value));
        }
        return new JsonFields(value, source, name(field));
    }

    /** The objects of the list in {@code field}, each named {@code field[i]} in errors. */
    public List<JsonFields> objects(String field) {
        return items(field, JsonNode::isObject, "an object", (item, name) -> new JsonFields(item, source, name));
    }

    /** The strings of the list in {@code field}. */
    public List<String> strings(String field) {
        return items(field, JsonNode::isTextual, "a string", (item, name) -> item.asText());
    }

    private <T> List<T> items(String field, java.util.function.Predicate<JsonNode> valid, String expected,
                              java.util.function.BiFunction<JsonNode, String, T> read) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw error(field, "expected a list, found " + describe(value));
        }
        List<T> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!valid.test(item)) {
                throw error(field + "[" + i + "]", "expected " + expected + ", found " + describe(item));
            }
            items.add(read.apply(item, name(field + "[" + i + "]")));
        }
        return items;
    }

    /** The JSON object itself, for a reader that hands part of a file to another parser. */
    public JsonNode node() {
        return node;
    }

    Iterable<String> fieldNames() {
        return () -> node.fieldNames();
    }

    public String string(String field) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw error(field, "expected a string, found " + describe(value));
        }
        if (value.asText().isBlank()) {
            throw error(field, "must not be empty");
        }
        return value.asText();
    }

    public long integer(String field) {
        JsonNode value = required(field);
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            BigDecimal exact = value.decimalValue();
            try {
                return exact.longValueExact();
            } catch (ArithmeticException e) {
                throw error(field, "expected an integer, found " + value.asText());
            }
        }
        throw error(field, "expected an integer, found " + describe(value));
    }

    public int int32(String field) {
        long value = integer(field);
        if (value != (int) value) {
            throw error(field, value + " is too large");
        }
        return (int) value;
    }

    /** A number, read exactly from its decimal text; {@code null} reads as NaN. */
    private BigDecimal decimal(String field) {
        JsonNode value = required(field);
        if (value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw error(field, "expected a number, found " + describe(value));
        }
        return value.decimalValue();
    }

    public double number(String field) {
        BigDecimal value = decimal(field);
        return value == null ? Double.NaN : value.doubleValue();
    }

    public float float32(String field) {
        BigDecimal value = decimal(field);
        return value == null ? Float.NaN : value.floatValue();
    }

    public double[] numbers(String field) {
        JsonNode value = required(field);
        if (!value.isArray()) {
            throw error(field, "expected a list of numbers, found " + describe(value));
        }
        double[] result = new double[value.size()];
        for (int i = 0; i < result.length; i++) {
            JsonNode item = value.get(i);
            if (item.isNull()) {
                result[i] = Double.NaN;
            } else if (item.isNumber()) {
                result[i] = item.decimalValue().doubleValue();
            } else {
                throw error(field + "[" + i + "]", "expected a number, found " + describe(item));
            }
        }
        return result;
    }

    static void put(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }

    static void put(ObjectNode node, String field, double[] values) {
        ArrayNode array = node.putArray(field);
        if (values == null) {
            return;
        }
        for (double v : values) {
            if (Double.isFinite(v)) {
                array.add(v);
            } else {
                array.addNull();
            }
        }
    }

    static String describe(JsonNode value) {
        if (value.isTextual()) {
            return "\"" + UserText.escape(value.asText()) + "\"";
        }
        if (value.isObject()) {
            return "an object";
        }
        if (value.isArray()) {
            return "a list";
        }
        return value.toString();
    }
}
