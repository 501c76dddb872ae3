package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
}
