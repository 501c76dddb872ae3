package dev.bfa.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockingTest {
    private String saved;

    @BeforeEach
    void clearTheOverride() {
        saved = System.clearProperty(Blocking.MR_PROPERTY);
    }

    @AfterEach
    void restoreTheOverride() {
        if (saved == null) {
            System.clearProperty(Blocking.MR_PROPERTY);
        } else {
            System.setProperty(Blocking.MR_PROPERTY, saved);
        }
    }

    @Test
    void eightRowsFor512BitVectorsAndFourForNarrowerOnes() {
        assertThat(Blocking.microKernelRows(16)).isEqualTo(8);
        assertThat(Blocking.microKernelRows(8)).isEqualTo(4);
        assertThat(Blocking.microKernelRows(4)).isEqualTo(4);
    }

    @Test
    void thePropertyForcesAnyHeight() {
        System.setProperty(Blocking.MR_PROPERTY, "8");
        assertThat(Blocking.microKernelRows(8)).isEqualTo(8);
        System.setProperty(Blocking.MR_PROPERTY, " 4 ");
        assertThat(Blocking.microKernelRows(16)).isEqualTo(4);
        System.setProperty(Blocking.MR_PROPERTY, "12");
        assertThat(Blocking.microKernelRows(16)).isEqualTo(12);
    }

    @Test
    void anyOtherHeightIsRefusedByName() {
        System.setProperty(Blocking.MR_PROPERTY, "6");
        assertThatThrownBy(() -> Blocking.microKernelRows(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dbfa.gemm.mr=6 is not 4, 8 or 12");
    }

    @Test
    void blockingSizesAreRoundedToWholeRegisterTiles() {
        Blocking blocking = Blocking.forMicroKernel(4, 16);
        assertThat(blocking.mc() % 4).isZero();
        assertThat(blocking.nc() % 16).isZero();
        assertThatThrownBy(() -> new Blocking(4, 16, 256, 130, 3072))
                .hasMessage("mc 130 must be a multiple of mr 4");
        assertThat(Blocking.forMicroKernel(12, 32).mc()).isEqualTo(132);
    }
}
