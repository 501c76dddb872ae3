package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same seed and settings give bit-identical weights at every vector width and on the scalar path. */
class DeterminismAcrossWidthsTest {

    @Test
    void trainingGivesTheSameBitsAtEveryVectorWidth() throws Exception {
        long here = DeterminismProbe.fingerprintAfterTraining(2);
        for (String width : List.of("128", "256", "scalar")) {
            assertThat(fingerprintInChildJvm(width)).as("vector width %s", width).isEqualTo(here);
        }
    }

    private static long fingerprintInChildJvm(String width) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "-Dbfa.vector.bits=" + width, "-cp", System.getProperty("java.class.path"),
                DeterminismProbe.class.getName(), "1"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String line = output.lines().filter(l -> l.startsWith("fingerprint ")).findFirst()
                .orElseThrow(() -> new AssertionError("no fingerprint in: " + output));
        return Long.parseLong(line.substring("fingerprint ".length()));
    }
}
