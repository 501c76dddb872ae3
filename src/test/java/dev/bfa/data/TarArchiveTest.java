package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar reader of {@code bfa fetch}: regular files only, skipping, long names from GNU tar and
 * pax, and every malformed archive a {@link FetchException} naming it.
 */
class TarArchiveTest {
    private static final String ARCHIVE = "package.tgz";

    @TempDir
    Path dir;

    private static Map<String, byte[]> readAll(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchive tar = new TarArchive(in, ARCHIVE)) {
            for (String name; (name = tar.nextFile()) != null; ) {
                out.put(name, tar.content().readAllBytes());
            }
        }
        return out;
    }

    /** Reading all of {@code tar} fails with one line that names the archive and says it is corrupt. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertCorrupt(byte[] tar) {
        return assertThatThrownBy(() -> readAll(new ByteArrayInputStream(tar))).isInstanceOf(FetchException.class)
                .hasMessageStartingWith(ARCHIVE + ": corrupt tar archive (").hasMessageNotContaining("\n");
    }

    @Test
    void readsTheRegularFilesOfAGzippedUstarArchiveBuiltInMemory() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("package/", new byte[0]);
        files.put("package/package.json", "{}".getBytes());
        files.put("package/data/a", TestFiles.pixels(1000, 1));
        files.put("package/data/empty", new byte[0]);
        files.put("package/data/b", TestFiles.pixels(512, 2));
        byte[] tgz = TestFiles.gzip(TestFiles.tar(files));
        Map<String, byte[]> read = readAll(new GZIPInputStream(new ByteArrayInputStream(tgz)));
        assertThat(read.keySet()).containsExactly("package/package.json", "package/data/a", "package/data/empty",
                "package/data/b");
        assertThat(read.get("package/data/a")).containsExactly(files.get("package/data/a"));
        assertThat(read.get("package/data/b")).containsExactly(files.get("package/data/b"));
        assertThat(read.get("package/data/empty")).isEmpty();
    }

    @Test
    void skipsUnreadFiles() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("one", TestFiles.pixels(700, 1));
        files.put("two", TestFiles.pixels(30, 2));
        try (TarArchive tar = new TarArchive(new ByteArrayInputStream(TestFiles.tar(files)), ARCHIVE)) {
            assertThat(tar.nextFile()).isEqualTo("one");
            assertThat(tar.nextFile()).isEqualTo("two");
            assertThat(tar.content().readAllBytes()).containsExactly(files.get("two"));
            assertThat(tar.nextFile()).isNull();
        }
    }

    @Test
    void linksAreNotFiles() throws IOException {
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
            for (byte type : new byte[] {TarConstants.LF_SYMLINK, TarConstants.LF_LINK}) {
                TarArchiveEntry link = new TarArchiveEntry("package/data/link-" + (char) type, type);
                link.setLinkName("package/data/a");
                out.putArchiveEntry(link);
                out.closeArchiveEntry();
            }
        }
        assertThat(readAll(new ByteArrayInputStream(archive.toByteArray()))).isEmpty();
    }

    @Test
    void aPaxPathRecordNamesTheFile() throws IOException {
        byte[] data = TestFiles.pixels(20, 3);
        String name = "package/data/" + "n".repeat(150);
        byte[] tar = TestFiles.paxTar(TestFiles.paxRecord("path", name), "short", data);
        Map<String, byte[]> read = readAll(new ByteArrayInputStream(tar));
        assertThat(read).containsOnlyKeys(name);
        assertThat(read.get(name)).containsExactly(data);
    }

    @Test
    void corruptHeaderChecksumIsReported() {
        byte[] tar = TestFiles.tar(Map.of("x", new byte[] {1, 2, 3}));
        tar[10] = 'Z';
        assertCorrupt(tar).hasMessageContaining("the header checksum of 'x' does not match");
    }

    @Test
    void truncatedArchiveIsReported() {
        byte[] tar = TestFiles.tar(Map.of("x", TestFiles.pixels(2000, 1)));
        assertCorrupt(Arrays.copyOf(tar, 1000)).hasMessageContaining("Truncated");
    }

    @Test
    void aHeaderThatIsNotOneIsReportedWithTheLibrarysReason() {
        byte[] garbage = new byte[1024];
        Arrays.fill(garbage, (byte) 'a');
        assertCorrupt(garbage).hasMessage(ARCHIVE + ": corrupt tar archive (Corrupted TAR archive: Invalid byte 97"
                + " at offset 0 in 'aaaaaaaa' len=8)");
    }

    @Test
    void malformedPaxHeadersAreReportedNamingTheArchive() {
        byte[] data = {1, 2, 3};
        assertCorrupt(TestFiles.paxTar("abc path=x\n", "f", data)).hasMessageContaining("non-number");
        assertCorrupt(TestFiles.paxTar("99999999999 path=x\n", "f", data)).hasMessageContaining("exceeds");
        assertCorrupt(TestFiles.paxTar(TestFiles.paxRecord("size", "abc"), "f", data))
                .hasMessageContaining("string value: abc");
        assertCorrupt(TestFiles.paxTar(TestFiles.paxRecord("size", "-3"), "f", data))
                .hasMessageContaining("negative");
        assertCorrupt(TestFiles.paxTar(TestFiles.paxRecord("mtime", "soon"), "f", data))
                .hasMessageContaining("'soon'");
    }

    @Test
    void anUncheckedExceptionFromWithinTheLibraryIsReportedToo() {
        // Commons Compress 1.28 wraps its own parse errors; this stands for one it may let through.
        InputStream failing = new InputStream() {
            @Override
            public int read() {
                throw new IllegalArgumentException("Invalid byte 97 at offset 124");
            }
        };
        assertThatThrownBy(() -> readAll(failing)).isInstanceOf(FetchException.class)
                .hasMessage(ARCHIVE + ": corrupt tar archive (Invalid byte 97 at offset 124)");
    }

    @Test
    void aValueQuotedFromTheArchiveIsShownEscapedOnOneLine() {
        assertCorrupt(TestFiles.paxTar(TestFiles.paxRecord("size", "1\r\n2\u2028"), "f", new byte[3]))
                .hasMessageContaining("1\\r\\n2\\u2028");
    }

    @Test
    void aSparseFileIsRefusedWithoutExpandingItsHoles() {
        // pax format 0.1: 2 GiB of holes before one stored byte
        String records = TestFiles.paxRecord("GNU.sparse.size", String.valueOf(Integer.MAX_VALUE))
                + TestFiles.paxRecord("GNU.sparse.map", (Integer.MAX_VALUE - 1) + ",1");
        byte[] tar = TestFiles.paxTar(records, "package/data/train-images-idx3-ubyte", new byte[] {7});
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(
                () -> readAll(new ByteArrayInputStream(tar))).isInstanceOf(FetchException.class)
                .hasMessage(ARCHIVE + ": 'package/data/train-images-idx3-ubyte' is a sparse file, which bfa does not"
                        + " read"));
    }

    @Test
    void readsArchivesFromTheSystemTarIncludingLongNames() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/package/data"));
        String longDir = "d".repeat(60) + "/" + "e".repeat(60);
        Path deep = Files.createDirectories(dir.resolve("src").resolve(longDir));
        Files.write(src.resolve("train-images-idx3-ubyte"), TestFiles.pixels(3000, 4));
        Files.write(deep.resolve("f".repeat(90)), TestFiles.pixels(10, 5));
        for (String format : new String[] {"gnu", "pax", "ustar"}) {
            Path archive = dir.resolve(format + ".tgz");
            Process p;
            try {
                p = new ProcessBuilder("tar", "--format=" + format, "-czf", archive.toString(), "-C",
                        dir.resolve("src").toString(), ".").redirectErrorStream(true).start();
            } catch (IOException e) {
                Assumptions.abort("no tar program: " + e.getMessage());
                return;
            }
            p.getInputStream().readAllBytes();
            Assumptions.assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "tar failed");
            Map<String, byte[]> read = readAll(new GZIPInputStream(Files.newInputStream(archive)));
            assertThat(read.get("./package/data/train-images-idx3-ubyte")).as(format)
                    .containsExactly(TestFiles.pixels(3000, 4));
            assertThat(read.get("./" + longDir + "/" + "f".repeat(90))).as(format)
                    .containsExactly(TestFiles.pixels(10, 5));
        }
    }
}
