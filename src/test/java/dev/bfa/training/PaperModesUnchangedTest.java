package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The paper's four modes compute today what they computed before learning rules became their own
 * axis: the fingerprints below were taken at commit b8c6aaf, whose trainer knew only these modes,
 * and a refactoring of the rules or the coupling must leave every bit of them as it was.
 */
class PaperModesUnchangedTest {
    private static final Map<Mode, Long> FINGERPRINTS_AT_B8C6AAF = Map.of(
            Mode.FA, 2908184642382844865L,
            Mode.COUPLED_BACKWARD, 8628103067335512541L,
            Mode.COUPLED_BOTH, 7790149016510526662L,
            Mode.BP, -5069349446543811923L);

    @Test
    void everyPaperModeTrainsToTheSameBitsAsBeforeRules() {
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f);
        OptimizerConfig sgd = new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.05f, 0.9f, 0.9f, 0.999f, 1e-8f);
        Map<Mode, Long> now = new EnumMap<>(Mode.class);
        for (Mode mode : FINGERPRINTS_AT_B8C6AAF.keySet()) {
            // Adam with ReLU in the low half, momentum SGD with tanh in the high half.
            now.put(mode, fingerprint(mode, adam, Activation.RELU) ^ fingerprint(mode, sgd, Activation.TANH) << 32);
        }
        assertThat(now).isEqualTo(FINGERPRINTS_AT_B8C6AAF);
    }

    private static long fingerprint(Mode mode, OptimizerConfig optimizer, Activation activation) {
        return ModelFixtures.fingerprintAfterTraining(ModelFixtures.spec(mode, activation, 21), optimizer, 2, 6);
    }
}
