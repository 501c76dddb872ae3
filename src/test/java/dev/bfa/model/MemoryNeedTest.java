package dev.bfa.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bfa.kernels.Activation;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel.MemoryNeed;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import org.junit.jupiter.api.Test;

/** The memory need the CLI checks before training is what a model really allocates. */
class MemoryNeedTest {
    @Test
    void memoryNeedIsTheSumOfTheModelsMatricesInEveryMode() {
        for (Mode mode : Mode.values()) {
            ModelSpec spec = new ModelSpec(mode, new Architecture(7, 5, 3, 4), new Architecture(9, 5, 3, 4),
                    Activation.RELU, 3);
            long values = 0;
            long state = 0;
            try (BidirectionalModel model = BidirectionalModel.create(spec)) {
                for (Parameter p : model.parameters()) {
                    long bytes = FloatMatrix.bytesFor(p.value().rows(), p.value().cols());
                    values += bytes;
                    state += p.gradient() == null ? 0 : 3 * bytes;
                }
                MemoryNeed need = BidirectionalModel.memoryNeed(spec);
                assertThat(need).as(mode.cliName()).isEqualTo(new MemoryNeed(values, state));
                assertThat(need.parameterBytes()).isEqualTo(model.parameterMemory().byteSize());
            }
        }
    }

    @Test
    void anAbsurdShapeOverflowsLoudlyInsteadOfWrapping() {
        ModelSpec huge = new ModelSpec(Mode.FA, new Architecture(784, Integer.MAX_VALUE, 2, 10),
                new Architecture(784, Integer.MAX_VALUE, 2, 10), Activation.RELU, 1);
        assertThatThrownBy(() -> BidirectionalModel.memoryNeed(huge)).isInstanceOf(ArithmeticException.class);
    }
}
