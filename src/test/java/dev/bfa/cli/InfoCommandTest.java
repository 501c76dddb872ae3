package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.kernels.KernelProvider;
import org.junit.jupiter.api.Test;

class InfoCommandTest {
    @Test
    void printsEveryField() {
        CliRun run = CliRun.of("info");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).isEmpty();
        KernelProvider.Selection selection = KernelProvider.selection();
        assertThat(run.out())
                .contains("bfa:")
                .contains("java:").contains(Runtime.version().toString())
                .contains("java home:").contains(System.getProperty("java.home"))
                .contains("os:").contains(System.getProperty("os.arch"))
                .contains("processors:").contains(Integer.toString(Runtime.getRuntime().availableProcessors()))
                .contains("threads:")
                .contains("vector width:").contains(selection.preferredBits() + " bits preferred")
                .contains("kernels:").contains(selection.kernels().name())
                .contains("simd:").contains(selection.reason())
                .contains("max heap:");
        assertThat(run.out()).containsPattern(selection.simd() ? "simd:\\s+yes" : "simd:\\s+no");
    }

    @Test
    void jsonHasTheSameFields() throws Exception {
        CliRun run = CliRun.of("info", "--json");

        assertThat(run.exitCode()).isZero();
        String json = run.out().strip();
        KernelProvider.Selection selection = KernelProvider.selection();
        JsonNode root = new ObjectMapper().readTree(json);
        assertThat(root.path("bfa_version").isTextual()).isTrue();
        assertThat(root.path("java").path("version").asText()).isEqualTo(Runtime.version().toString());
        assertThat(root.path("processors").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(root.has("default_threads")).isTrue();
        assertThat(root.path("vector").path("preferred_bits").asInt()).isEqualTo(selection.preferredBits());
        assertThat(root.path("vector").path("bits").asInt()).isEqualTo(selection.vectorBits());
        assertThat(root.path("vector").path("simd").asBoolean()).isEqualTo(selection.simd());
        assertThat(root.path("kernels").asText()).isEqualTo(selection.kernels().name());
        assertThat(root.has("gemm_blocking")).isTrue();
        assertThat(root.path("max_heap_bytes").asLong()).isEqualTo(Runtime.getRuntime().maxMemory());
    }

    @Test
    void reportsTheGemmBlockingOfTheKernelsInUse() {
        String text = InfoCommand.toText(InfoCommand.collect());
        KernelProvider.kernels().blocking().ifPresentOrElse(
                b -> assertThat(text).contains("gemm blocking").contains("kc=" + b.kc()),
                () -> assertThat(text).doesNotContain("gemm blocking"));
    }
}
