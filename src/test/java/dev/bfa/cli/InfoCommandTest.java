package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.kernels.ScalarKernels;
import java.lang.reflect.Proxy;
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
        assertThat(run.out()).contains(selection.simd() ? "simd:         yes" : "simd:         no");
    }

    @Test
    void jsonHasTheSameFields() {
        CliRun run = CliRun.of("info", "--json");

        assertThat(run.exitCode()).isZero();
        String json = run.out().strip();
        KernelProvider.Selection selection = KernelProvider.selection();
        assertThat(json).startsWith("{").endsWith("}")
                .contains("\"bfa_version\": ")
                .contains("\"version\": \"" + Runtime.version() + "\"")
                .contains("\"processors\": " + Runtime.getRuntime().availableProcessors())
                .contains("\"default_threads\": ")
                .contains("\"preferred_bits\": " + selection.preferredBits())
                .contains("\"bits\": " + selection.vectorBits())
                .contains("\"simd\": " + selection.simd())
                .contains("\"kernels\": ")
                .contains("\"gemm_blocking\": ")
                .contains("\"max_heap_bytes\": " + Runtime.getRuntime().maxMemory());
    }

    /** A kernel class that exposes its GEMM blocking, as the Panama kernels may. */
    public interface BlockingKernels extends Kernels {
        Blocking blocking();
    }

    @Test
    void reportsTheGemmBlockingWhenTheKernelsExposeIt() {
        Blocking blocking = new Blocking(8, 32, 256, 128, 3072);
        Kernels kernels = (Kernels) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BlockingKernels.class},
                (proxy, method, args) -> method.getName().equals("blocking") ? blocking : null);

        assertThat(InfoCommand.blocking(kernels)).contains(blocking);
        assertThat(InfoCommand.blocking(new ScalarKernels())).isEmpty();
    }

    @Test
    void formatsHeapSizes() {
        assertThat(InfoCommand.humanBytes(512)).isEqualTo("512 B");
        assertThat(InfoCommand.humanBytes(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(InfoCommand.humanBytes(Long.MAX_VALUE)).isEqualTo("unlimited");
    }
}
