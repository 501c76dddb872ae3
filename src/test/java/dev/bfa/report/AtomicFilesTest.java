package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.model.Mode;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole-file writes: replaced in one step, no temporary files left behind. */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private long tempFiles(Path root) throws Exception {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.getFileName().toString().endsWith(AtomicFiles.TEMP_SUFFIX)).count();
        }
    }

    @Test
    void replacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("sub/dir/a.txt");
        AtomicFiles.writeString(file, "one");
        AtomicFiles.writeString(file, "two");
        assertThat(file).hasContent("two");
        assertThat(tempFiles(dir)).isZero();
        try (Stream<Path> list = Files.list(file.getParent())) {
            assertThat(list).containsExactly(file);
        }
    }

    @Test
    void aWholeRunLeavesNoTemporaryFiles() throws Exception {
        var config = RunConfigJsonTest.sgd();
        var points = TestPoints.run(Mode.COUPLED_BOTH, 4, 6, 10);
        RunFiles.writeConfig(dir, config, TestPoints.PROVENANCE);
        try (MetricsWriter metrics = RunFiles.openMetrics(dir, 4)) {
            metrics.appendAll(points);
        }
        RunFiles.truncateMetrics(dir, 30);
        RunFiles.finish(dir, config, points, 1, TestPoints.PROVENANCE);
        assertThat(tempFiles(dir)).isZero();
    }

    @Test
    void keepsTheUsualPermissions() throws Exception {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
        Path atomic = dir.resolve("atomic.txt");
        AtomicFiles.writeString(atomic, "x");
        // same as a file created the ordinary way (the umask), not createTempFile's owner-only 0600
        assertThat(Files.getPosixFilePermissions(atomic)).isEqualTo(Files.getPosixFilePermissions(plain));
        assertThat(Files.getPosixFilePermissions(atomic)).contains(PosixFilePermission.OWNER_READ);
    }
}
