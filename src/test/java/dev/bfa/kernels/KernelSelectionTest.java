package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bit-identity tests compare {@link KernelProvider#kernels()} with the reference. If the Panama
 * kernels silently failed to load, KernelProvider would fall back to the reference and every such
 * comparison would pass trivially; this test makes that fallback a failure wherever the Vector API is
 * enabled (as it is in every surefire execution).
 */
@Tag("kernels")
class KernelSelectionTest {

    @Test
    void theRequestedWidthIsWhatRuns() {
        KernelProvider.Selection selection = KernelProvider.selection();
        String property = System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY, "auto");
        int requested = KernelProvider.parseRequestedBits(property);
        System.out.println("KernelSelectionTest: -D" + KernelProvider.VECTOR_BITS_PROPERTY + "=" + property + " -> "
                + selection.kernels().name() + " (" + selection.reason() + ")");
        if (requested == 0) {
            assertThat(selection.simd()).isFalse();
            assertThat(selection.kernels()).isInstanceOf(ScalarKernels.class);
            return;
        }
        boolean vectorApiEnabled = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertThat(vectorApiEnabled).as("surefire runs with --add-modules=jdk.incubator.vector").isTrue();
        assertThat(selection.simd()).as("SIMD kernels selected; fallback reason: %s", selection.reason()).isTrue();
        assertThat(selection.kernels()).isNotInstanceOf(ScalarKernels.class);
        if (requested > 0) {
            assertThat(selection.vectorBits()).isEqualTo(requested);
        } else {
            assertThat(selection.vectorBits()).isEqualTo(selection.preferredBits());
        }
    }

    /** A register tile forced with {@value Blocking#MR_PROPERTY} (as the pom's GEMM executions do) is the one the GEMM uses. */
    @Test
    void theForcedRegisterTileIsWhatRuns() {
        String forced = System.getProperty(Blocking.MR_PROPERTY);
        assumeTrue(forced != null && KernelProvider.selection().simd(), "no register tile forced");
        assertThat(KernelProvider.kernels().blocking()).map(Blocking::mr).hasValue(Integer.parseInt(forced.trim()));
    }

    /**
     * The same choice whichever of the classes involved a program initializes first: each run loads
     * the project's classes afresh in a class loader of its own, initializes {@code first}, then asks
     * KernelProvider.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev.bfa.kernels.panama.PanamaGemm", "dev.bfa.kernels.panama.PanamaKernels",
            "dev.bfa.kernels.panama.VectorMath", "dev.bfa.kernels.panama.MicroKernels",
            "dev.bfa.kernels.panama.RowStaging", "dev.bfa.kernels.KernelProvider"})
    void theChoiceDoesNotDependOnWhichClassIsInitializedFirst(String first) throws Exception {
        URL classes = KernelProvider.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader fresh = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            Class.forName(first, true, fresh);
            Object selection = Class.forName(KernelProvider.class.getName(), true, fresh).getMethod("selection").invoke(null);
            int bits = (int) selection.getClass().getMethod("vectorBits").invoke(selection);
            Object reason = selection.getClass().getMethod("reason").invoke(selection);
            assertThat(bits).as("vector bits after initializing %s first; reason: %s", first, reason)
                    .isEqualTo(KernelProvider.selection().vectorBits());
        }
    }
}
