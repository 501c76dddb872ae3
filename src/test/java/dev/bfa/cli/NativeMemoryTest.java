package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.ChildJvm;
import dev.bfa.data.TestFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Off-heap memory is released when models, passes and datasets are closed: six trainings and
 * evaluations in one JVM leave its arena memory where the second left it. One leaked model of these
 * tiny networks is ~100 KB, a leaked dataset ~150 KB, so a missing close() grows the count by
 * megabytes over the runs; the bound allows 64 KB of drift.
 */
class NativeMemoryTest {
    private static final int RUNS = 6;

    @Test
    void manyTrainingsInOneJvmDoNotGrowNativeMemory(@TempDir Path dir) throws Exception {
        TestFiles.writeTinyMnistPair(dir.resolve("data"), 96, 40);
        ChildJvm.Result child = ChildJvm.run(List.of("-XX:NativeMemoryTracking=summary"), NativeMemoryProbe.class,
                dir.resolve("data").toString(), dir.resolve("runs").toString(), String.valueOf(RUNS));
        assertThat(child.exitCode()).as(child.output()).isZero();
        List<Long> native_ = child.output().lines().filter(l -> l.startsWith("native "))
                .map(l -> Long.parseLong(l.substring("native ".length()))).toList();
        assertThat(native_).as(child.output()).hasSize(RUNS);
        long settled = native_.get(1);
        assertThat(native_.subList(2, RUNS)).as("arena bytes after each run: %s", native_)
                .allSatisfy(bytes -> assertThat(bytes).isLessThanOrEqualTo(settled + 64 * 1024));
    }
}
