package dev.bfa.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import org.junit.jupiter.api.Test;

/**
 * dfa's feedback scale changes the draw of the direct matrices and nothing else: at scale 2 every
 * entry is exactly twice the scale-1 entry (a power of two commutes with rounding), and every other
 * matrix is bit for bit the one scale 1 draws.
 */
class DirectFeedbackScaleTest {
    private static ModelSpec spec(float scale) {
        return new ModelSpec(Mode.DFA, new Architecture(7, 5, 3, 4), new Architecture(9, 5, 3, 4), Activation.RELU, 11,
                scale);
    }

    @Test
    void theScaleMultipliesTheDirectMatricesOnly() {
        try (BidirectionalModel one = BidirectionalModel.create(spec(1f));
             BidirectionalModel two = BidirectionalModel.create(spec(2f))) {
            for (Parameter p : one.parameters()) {
                float[] unscaled = p.value().toArray();
                float[] scaled = two.parameter(p.name()).value().toArray();
                if (p.name().endsWith(".D")) {
                    assertThat(unscaled).as(p.name()).isNotEmpty().doesNotContain(0f);
                    for (int i = 0; i < unscaled.length; i++) {
                        assertThat(scaled[i]).as("%s[%d]", p.name(), i).isEqualTo(2 * unscaled[i]);
                    }
                } else {
                    assertThat(scaled).as(p.name()).isEqualTo(unscaled);
                }
            }
            assertThat(one.parameters()).extracting(Parameter::name).contains("F.D", "R.D");
        }
    }

    @Test
    void aScaleIsForDirectRulesOnly() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelSpec(Mode.FA, new Architecture(7, 5, 3, 4),
                new Architecture(9, 5, 3, 4), Activation.RELU, 11, 2f))
                .hasMessageContaining("direct feedback scale 2.0 applies to rule dfa only");
    }
}
