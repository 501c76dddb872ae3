package dev.bfa.report;

import dev.bfa.model.Mode;
import dev.bfa.text.UserText;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * metrics.csv: one header line ({@link MetricsLayout#header()}), then one line per evaluation point.
 * Lines end in {@code \n}. Numbers are written with {@link Double#toString(double)} (the shortest
 * text that reads back to the same double; NaN as {@code NaN}), the mode by its CLI name.
 *
 * <p>Rows are appended one at a time while a run trains. A final line without its {@code \n} is
 * what a crash in the middle of an append leaves behind, so readers skip it.
 */
public final class MetricsCsv {
    /** What a spreadsheet may put before the header when it saves the file as UTF-8. */
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private MetricsCsv() {
    }

    /** The line for {@code point}, ending in {@code \n}. */
    public static String row(MetricsLayout layout, EvaluationPoint point) {
        checkLength("cosine", point.cosine(), layout.pairedLayers(), point);
        checkLength("forward feedback angle", point.forwardFeedbackAngle(), layout.feedbackLayers(), point);
        checkLength("reverse feedback angle", point.reverseFeedbackAngle(), layout.feedbackLayers(), point);
        checkLength("forward signal angle", point.forwardSignalAngle(), layout.signalLayers(), point);
        checkLength("reverse signal angle", point.reverseSignalAngle(), layout.signalLayers(), point);
        StringBuilder line = new StringBuilder(512);
        line.append(point.step()).append(',').append(point.mode().cliName());
        number(line, point.forwardLoss());
        number(line, point.reverseLoss());
        number(line, point.forwardAccuracy());
        number(line, point.reverseAccuracy());
        numbers(line, point.cosine());
        numbers(line, point.forwardFeedbackAngle());
        numbers(line, point.reverseFeedbackAngle());
        numbers(line, point.forwardSignalAngle());
        numbers(line, point.reverseSignalAngle());
        number(line, point.examplesPerSecond());
        number(line, point.elapsedSeconds());
        return line.append('\n').toString();
    }

    /** The whole file for {@code points}: header and rows. */
    public static String text(MetricsLayout layout, List<EvaluationPoint> points) {
        StringBuilder text = new StringBuilder(layout.header()).append('\n');
        for (EvaluationPoint point : points) {
            text.append(row(layout, point));
        }
        return text.toString();
    }

    /** The rows of the metrics file {@code file}. */
    public static List<EvaluationPoint> read(Path file) throws IOException {
        return parse(readText(file), file.toString());
    }

    static String readText(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ReportException(file + ": file not found");
        } catch (CharacterCodingException e) {
            // found by RunConfigFuzzTest: bytes that are not UTF-8 are a bad file, not an I/O error
            throw new ReportException(file + ": not UTF-8 text (" + e.getMessage() + ")");
        }
    }

    /**
     * The rows of metrics.csv text; {@code source} names the file in error messages. An unterminated
     * final line (an interrupted append) is skipped, as are blank lines.
     */
    public static List<EvaluationPoint> parse(String text, String source) {
        return parseWithLayout(text, source).points();
    }

    /**
     * Parsed metrics, the layout their header declares, and the length of the text up to the end of
     * its last complete line (the text's length unless an interrupted append left a partial line).
     */
    record Parsed(MetricsLayout layout, List<EvaluationPoint> points, int completeLength) {
    }

    static Parsed parseWithLayout(String text, String source) {
        int byteOrderMark = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK.length() : 0;
        text = text.substring(byteOrderMark);
        int headerEnd = text.indexOf('\n');
        if (headerEnd < 0) {
            throw new ReportException(source + ": " + (text.isBlank() ? "empty file, no header line"
                    : "no complete header line"));
        }
        MetricsLayout layout;
        try {
            layout = MetricsLayout.fromColumns(split(stripCr(text.substring(0, headerEnd))));
        } catch (IllegalArgumentException e) {
            throw new ReportException(source + ": " + e.getMessage(), e);
        }
        List<String> columns = layout.columns();
        List<EvaluationPoint> points = new ArrayList<>();
        int start = headerEnd + 1;
        int lineNumber = 1;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                break; // an interrupted append: not a row
            }
            lineNumber++;
            String line = stripCr(text.substring(start, end));
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            points.add(parseRow(layout, columns, split(line), source + " line " + lineNumber));
        }
        return new Parsed(layout, List.copyOf(points), byteOrderMark + start);
    }

    private static EvaluationPoint parseRow(MetricsLayout layout, List<String> columns, List<String> fields,
                                            String where) {
        if (fields.size() != columns.size()) {
            throw new ReportException(where + ": expected " + columns.size() + " fields, found " + fields.size());
        }
        Cursor c = new Cursor(columns, fields, where);
        long step = c.integer();
        Mode mode = c.mode();
        double forwardLoss = c.number();
        double reverseLoss = c.number();
        double forwardAccuracy = c.number();
        double reverseAccuracy = c.number();
        double[] cosine = c.numbers(layout.pairedLayers());
        double[] forwardFeedback = c.numbers(layout.feedbackLayers());
        double[] reverseFeedback = c.numbers(layout.feedbackLayers());
        double[] forwardSignal = c.numbers(layout.signalLayers());
        double[] reverseSignal = c.numbers(layout.signalLayers());
        double examplesPerSecond = c.number();
        double elapsed = c.number();
        return new EvaluationPoint(step, mode, forwardLoss, reverseLoss, forwardAccuracy, reverseAccuracy, cosine,
                forwardFeedback, reverseFeedback, forwardSignal, reverseSignal, examplesPerSecond, elapsed);
    }

    /** Reads fields left to right, naming the column in any error. */
    private static final class Cursor {
        private final List<String> columns;
        private final List<String> fields;
        private final String where;
        private int next;

        Cursor(List<String> columns, List<String> fields, String where) {
            this.columns = columns;
            this.fields = fields;
            this.where = where;
        }

        private String field() {
            return fields.get(next++).trim();
        }

        private ReportException bad(String expected, String found) {
            return new ReportException(where + ", column " + columns.get(next - 1) + ": expected " + expected
                    + ", found " + UserText.quote(found));
        }

        long integer() {
            String f = field();
            try {
                return Long.parseLong(f);
            } catch (NumberFormatException e) {
                throw bad("an integer", f);
            }
        }

        Mode mode() {
            String f = field();
            try {
                return Mode.parse(f);
            } catch (IllegalArgumentException e) {
                throw bad("a mode (" + Arrays.stream(Mode.values()).map(Mode::cliName)
                        .reduce((a, b) -> a + ", " + b).orElse("") + ")", f);
            }
        }

        double number() {
            String f = field();
            if (f.isEmpty()) {
                return Double.NaN;
            }
            try {
                return Double.parseDouble(f);
            } catch (NumberFormatException e) {
                throw bad("a number", f);
            }
        }

        double[] numbers(int count) {
            double[] values = new double[count];
            for (int i = 0; i < count; i++) {
                values[i] = number();
            }
            return values;
        }
    }

    private static void checkLength(String what, double[] values, int expected, EvaluationPoint point) {
        int found = values == null ? 0 : values.length;
        if (found != expected) {
            throw new IllegalArgumentException("evaluation point at step " + point.step() + " has " + found + " "
                    + what + " values, but metrics.csv has " + expected + " such columns");
        }
    }

    private static void number(StringBuilder line, double value) {
        line.append(',').append(Double.toString(value));
    }

    private static void numbers(StringBuilder line, double[] values) {
        if (values == null) {
            return;
        }
        for (double value : values) {
            number(line, value);
        }
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Splits on commas; a field in double quotes (as spreadsheets may save it) loses its quotes. */
    private static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = line.indexOf(',', start);
            String field = comma < 0 ? line.substring(start) : line.substring(start, comma);
            field = field.trim();
            if (field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")) {
                field = field.substring(1, field.length() - 1);
            }
            fields.add(field);
            if (comma < 0) {
                return fields;
            }
            start = comma + 1;
        }
    }
}
