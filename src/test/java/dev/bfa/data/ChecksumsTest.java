package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checksum table: the project's file, the sha256sum format, and hashing. */
class ChecksumsTest {
    @TempDir
    Path dir;

    @Test
    void theProjectTableCoversEveryFetchedFile() {
        Checksums table = Checksums.load(Path.of(Checksums.PROJECT_FILE));
        assertThat(table.entries()).hasSize(8);
        for (DatasetId id : DataFetcher.fetchable()) {
            for (String name : DataFetcher.fileNames(id)) {
                assertThat(table.require(id.directoryName() + "/" + name)).matches("[0-9a-f]{64}");
            }
        }
        assertThat(table.expected("mnist/train-images-idx3-ubyte"))
                .hasValue("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");
        assertThat(table.expected("fashion-mnist/train-images-idx3-ubyte.gz"))
                .hasValue("b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7");
    }

    @Test
    void locateFindsTheTable() {
        // Maven runs tests in the project root: the working-directory fallback applies if nothing else does
        assertThat(Checksums.locate().entries()).hasSize(8);
    }

    @Test
    void parsesSha256sumFormatAndRejectsOtherLines() {
        String sha = "A".repeat(64);
        Checksums t = Checksums.parse("# comment\n\n" + sha + "  a/b\r\n" + "b".repeat(64) + " *c/d e\n", "x");
        assertThat(t.expected("a/b")).hasValue("a".repeat(64));
        assertThat(t.expected("c/d e")).hasValue("b".repeat(64));
        assertThat(t.expected("nope")).isEmpty();
        assertThatThrownBy(() -> t.require("nope")).isInstanceOf(FetchException.class).hasMessage("no checksum for nope in x");
        assertThatThrownBy(() -> Checksums.parse("abc  a/b\n", "tbl")).isInstanceOf(FetchException.class)
                .hasMessage("tbl: line 1 is not '<sha256>  <dataset>/<file>': abc  a/b");
        assertThatThrownBy(() -> Checksums.load(dir.resolve("missing"))).isInstanceOf(FetchException.class)
                .hasMessageContaining("missing");
    }

    @Test
    void sha256OfAFile() throws Exception {
        Path f = Files.writeString(dir.resolve("abc"), "abc");
        assertThat(Checksums.sha256(f)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
