package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The minimal tar reader: ustar members, skipping, long names from GNU tar and pax, corruption. */
class TarArchiveTest {
    @TempDir
    Path dir;

    private static Map<String, byte[]> readAll(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (TarArchive tar = new TarArchive(in)) {
            for (TarArchive.Entry e; (e = tar.next()) != null; ) {
                if (e.isFile()) {
                    out.put(e.name(), tar.content().readAllBytes());
                }
            }
        }
        return out;
    }

    @Test
    void readsAGzippedUstarArchiveBuiltInMemory() throws IOException {
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
    void skipsUnreadMembers() throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("one", TestFiles.pixels(700, 1));
        files.put("two", TestFiles.pixels(30, 2));
        try (TarArchive tar = new TarArchive(new ByteArrayInputStream(TestFiles.tar(files)))) {
            assertThat(tar.next().name()).isEqualTo("one");
            TarArchive.Entry two = tar.next();
            assertThat(two).isEqualTo(new TarArchive.Entry("two", 30, '0'));
            assertThat(tar.content().readAllBytes()).containsExactly(files.get("two"));
            assertThat(tar.next()).isNull();
        }
    }

    @Test
    void corruptHeaderChecksumIsReported() {
        byte[] tar = TestFiles.tar(Map.of("x", new byte[] {1, 2, 3}));
        tar[10] = 'Z';
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(tar))).isInstanceOf(IOException.class)
                .hasMessageContaining("checksum");
    }

    @Test
    void truncatedArchiveIsReported() {
        byte[] tar = TestFiles.tar(Map.of("x", TestFiles.pixels(2000, 1)));
        byte[] cut = java.util.Arrays.copyOf(tar, 1000);
        assertThatThrownBy(() -> readAll(new ByteArrayInputStream(cut))).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
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
