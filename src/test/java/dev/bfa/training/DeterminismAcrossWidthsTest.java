package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.ChildJvm;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The same seed and settings give bit-identical weights at every vector width and on the scalar path,
 * and each child JVM says which kernels trained, so that a silent fallback to scalar cannot pass as a
 * vector-width check.
 */
class DeterminismAcrossWidthsTest {

    @Test
    void trainingGivesTheSameBitsAtEveryVectorWidth() throws Exception {
        long here = DeterminismProbe.fingerprintAfterTraining(2);
        Map<String, String> kernelsAt = Map.of("128", "panama-128bit (4 floats)", "256", "panama-256bit (8 floats)",
                "scalar", "scalar");
        kernelsAt.forEach((width, kernels) -> {
            try {
                assertThat(fingerprintInChildJvm(width, kernels)).as("vector width %s", width).isEqualTo(here);
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static long fingerprintInChildJvm(String width, String expectedKernels)
            throws IOException, InterruptedException {
        ChildJvm.Result child = ChildJvm.run(List.of("-Dbfa.vector.bits=" + width), DeterminismProbe.class, "1");
        String output = child.output();
        assertThat(child.exitCode()).as(output).isZero();
        assertThat(output).as("the kernels that trained at -Dbfa.vector.bits=" + width)
                .contains(DeterminismProbe.KERNELS_LINE + expectedKernels + "\n");
        String line = output.lines().filter(l -> l.startsWith("fingerprint ")).findFirst()
                .orElseThrow(() -> new AssertionError("no fingerprint in: " + output));
        return Long.parseLong(line.substring("fingerprint ".length()));
    }
}
