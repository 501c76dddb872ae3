package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.ChildJvm;
import java.io.IOException;
import java.util.List;
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
        ChildJvm.Result child = ChildJvm.run(List.of("-Dbfa.vector.bits=" + width), DeterminismProbe.class, "1");
        String output = child.output();
        assertThat(child.exitCode()).as(output).isZero();
        String line = output.lines().filter(l -> l.startsWith("fingerprint ")).findFirst()
                .orElseThrow(() -> new AssertionError("no fingerprint in: " + output));
        return Long.parseLong(line.substring("fingerprint ".length()));
    }
}
