package dev.bfa.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * The CSV of bfa's files (metrics.csv, sweep_summary.csv, groups.csv), written and read with Apache
 * Commons CSV: RFC 4180, so fields are separated by commas and a field that holds a comma, a double
 * quote or a line break is written in double quotes (a quote inside doubled); lines end in
 * {@code \n}. Numbers and names need no quotes, so a row of them is the fields joined by commas.
 *
 * <p>Reading also takes {@code \r\n} line ends (a file saved on Windows) and spaces around a quoted
 * field. A blank line is read as a record of one empty field rather than skipped, so that the
 * parser's count of lines gives every record's line number.
 */
final class Csv {
    static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
            .setRecordSeparator('\n')
            .setIgnoreSurroundingSpaces(true)
            .get();

    private Csv() {
    }

    /** {@code records} as CSV text, each on a line of its own. */
    static String print(List<? extends List<String>> records) {
        StringWriter text = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(text, FORMAT)) {
            printer.printRecords(records);
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return text.toString();
    }
}
