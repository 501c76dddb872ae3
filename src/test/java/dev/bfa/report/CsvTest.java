package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The CSV of bfa's files: quoted only where a field needs it, and read back as written. */
class CsvTest {
    @Test
    void fieldsThatNeedQuotesAreQuotedAndReadBack() throws Exception {
        List<List<String>> records = List.of(List.of("a,b", "say \"hi\"", "two\nlines", " padded "),
                List.of("1.5", "-2", "NaN", "coupled-both"));
        String text = Csv.print(records);
        assertThat(text).isEqualTo("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\" padded \"\n"
                + "1.5,-2,NaN,coupled-both\n");
        try (CSVParser parser = CSVParser.parse(text, Csv.FORMAT)) {
            assertThat(parser.getRecords()).map(CSVRecord::toList).isEqualTo(records);
        }
    }
}
