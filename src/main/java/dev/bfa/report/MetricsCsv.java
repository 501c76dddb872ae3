package dev.bfa.report;

import dev.bfa.model.Mode;
import dev.bfa.text.UserText;
import dev.bfa.training.EvaluationPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * metrics.csv: CSV as {@link Csv#FORMAT} has it, a header record ({@link MetricsLayout#columns()}),
 * then one record per evaluation point. Numbers are written with {@link Double#toString(double)} (the
 * shortest text that reads back to the same double; NaN as {@code NaN}), the mode by its CLI name,
 * so bfa's own rows are never quoted; a file saved by a spreadsheet may quote any field.
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
        return Csv.print(List.of(fields(layout, point)));
    }

    /** The whole file for {@code points}: header and rows. */
    public static String text(MetricsLayout layout, List<EvaluationPoint> points) {
        List<List<String>> records = new ArrayList<>(points.size() + 1);
        records.add(layout.columns());
        for (EvaluationPoint point : points) {
            records.add(fields(layout, point));
        }
        return Csv.print(records);
    }

    /** The fields of {@code point}'s row, in the order of {@code layout}'s columns. */
    private static List<String> fields(MetricsLayout layout, EvaluationPoint point) {
        checkLength("cosine", point.cosine(), layout.pairedLayers(), point);
        checkLength("forward feedback angle", point.forwardFeedbackAngle(), layout.feedbackLayers(), point);
        checkLength("reverse feedback angle", point.reverseFeedbackAngle(), layout.feedbackLayers(), point);
        checkLength("forward signal angle", point.forwardSignalAngle(), layout.signalLayers(), point);
        checkLength("reverse signal angle", point.reverseSignalAngle(), layout.signalLayers(), point);
        List<String> fields = new ArrayList<>();
        fields.add(Long.toString(point.step()));
        fields.add(point.mode().cliName());
        number(fields, point.forwardLoss());
        number(fields, point.reverseLoss());
        number(fields, point.forwardAccuracy());
        number(fields, point.reverseAccuracy());
        numbers(fields, point.cosine());
        numbers(fields, point.forwardFeedbackAngle());
        numbers(fields, point.reverseFeedbackAngle());
        numbers(fields, point.forwardSignalAngle());
        numbers(fields, point.reverseSignalAngle());
        number(fields, point.examplesPerSecond());
        number(fields, point.elapsedSeconds());
        return fields;
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
        int start = text.startsWith(BYTE_ORDER_MARK) ? BYTE_ORDER_MARK.length() : 0;
        int completeLength = text.lastIndexOf('\n') + 1;
        if (completeLength == 0) {
            throw new ReportException(source + ": " + (text.substring(start).isBlank()
                    ? "empty file, no header line" : "no complete header line"));
        }
        try (CSVParser parser = CSVParser.parse(text.substring(start, completeLength), Csv.FORMAT)) {
            Iterator<CSVRecord> records = parser.iterator();
            MetricsLayout layout = header(next(records, source + " line 1"), source);
            List<String> columns = layout.columns();
            List<EvaluationPoint> points = new ArrayList<>();
            while (true) {
                String where = source + " line " + (parser.getCurrentLineNumber() + 1);
                List<String> fields = next(records, where);
                if (fields == null) {
                    return new Parsed(layout, List.copyOf(points), completeLength);
                }
                if (!isBlankLine(fields)) {
                    points.add(parseRow(layout, columns, fields, where));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("parsing a String does not fail", e);
        }
    }

    /**
     * The fields of the next record, or null after the last; trimmed, because blanks around a value,
     * inside its quotes or not, are no part of it.
     */
    private static List<String> next(Iterator<CSVRecord> records, String where) {
        try {
            return records.hasNext() ? records.next().stream().map(String::trim).toList() : null;
        } catch (UncheckedIOException e) {
            // the parser's own error (an unclosed quote, text after a closing quote) says where in the line
            throw new ReportException(where + ": not valid CSV: " + UserText.escape(e.getCause().getMessage()), e);
        }
    }

    private static boolean isBlankLine(List<String> fields) {
        return fields.size() == 1 && fields.getFirst().isEmpty();
    }

    private static MetricsLayout header(List<String> columns, String source) {
        try {
            return MetricsLayout.fromColumns(columns);
        } catch (IllegalArgumentException e) {
            throw new ReportException(source + ": " + e.getMessage(), e);
        }
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
            return fields.get(next++);
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

    private static void number(List<String> fields, double value) {
        fields.add(Double.toString(value));
    }

    private static void numbers(List<String> fields, double[] values) {
        if (values == null) {
            return;
        }
        for (double value : values) {
            number(fields, value);
        }
    }
}
