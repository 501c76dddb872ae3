package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Shapes;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.model.Parameter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What a diverged run is told, and the claim that the per-step loss check sees every bad weight. */
class DivergenceTest {
    private static final OptimizerConfig ADAM =
            new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f);

    private static Trainer trainer(BidirectionalModel model, ComputePool pool) {
        return new Trainer(model, ADAM, 16, new SyntheticData(64, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1),
                new SyntheticData(64, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2),
                KernelProvider.kernels(), pool);
    }

    /**
     * One NaN or infinity in any single weight or bias, of either network, in every mode, makes the
     * next step's loss non-finite: so checking the loss every step misses no bad weight, and since
     * the check comes before the update, the message names that matrix and not the NaNs after it.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBadWeightAnywhereShowsInTheNextLoss(Mode mode) {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            try (ComputePool pool = ComputePool.create(1);
                 BidirectionalModel probe = BidirectionalModel.create(ModelFixtures.spec(mode, Activation.RELU, 3))) {
                for (Parameter p : probe.parameters()) {
                    if (p.owner() == null) {
                        continue;
                    }
                    try (BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(mode, Activation.RELU, 3));
                         Trainer trainer = trainer(model, pool)) {
                        trainer.step();
                        FloatMatrix value = model.parameter(p.name()).value();
                        value.set(value.rows() - 1, value.cols() / 2, bad);
                        if (readByTheForwardPass(model, value)) {
                            assertThatThrownBy(trainer::step).as("%s = %s", p.name(), bad)
                                    .isInstanceOf(Divergence.DivergedException.class)
                                    .hasMessageStartingWith("step 2: the loss of ")
                                    .hasMessageEndingWith("; " + Divergence.describe(p.name()) + " is not finite");
                            assertThat(trainer.steps()).as("no update after a diverged step").isEqualTo(1);
                        } else {
                            // A trained feedback matrix (Kolen-Pollack) only the backward pass reads: the
                            // bad value reaches the weights in step 2's update, and the loss of step 3.
                            trainer.step();
                            assertThatThrownBy(trainer::step).as("%s = %s", p.name(), bad)
                                    .isInstanceOf(Divergence.DivergedException.class)
                                    .hasMessageStartingWith("step 3: the loss of ");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void theMemoryCheckNamesTheFirstBadMatrix(int part) {
        try (BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(Mode.COUPLED_BOTH, Activation.TANH, 5))) {
            assertThatCode(() -> Divergence.checkMemory(7, model)).doesNotThrowAnyException();
            Parameter p = model.parameter("R.W2");
            FloatMatrix m = switch (part) {
                case 0 -> p.value();
                case 1 -> p.gradient();
                case 2 -> p.slot1();
                default -> p.slot2();
            };
            m.set(3, 4, Float.POSITIVE_INFINITY);
            String what = new String[] {"weight", "weight gradient", "weight optimiser state",
                "weight optimiser state"}[part];
            assertThatThrownBy(() -> Divergence.checkMemory(7, model))
                    .isInstanceOf(Divergence.DivergedException.class)
                    .hasMessage("step 7: R layer 2 " + what + " is not finite");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"F.W0", "F.b3", "R.W1", "R.b0", "F.B2"})
    void namesSayNetworkLayerAndKind(String name) {
        String expected = switch (name) {
            case "F.W0" -> "F layer 0 weight";
            case "F.b3" -> "F layer 3 bias";
            case "R.W1" -> "R layer 1 weight";
            case "R.b0" -> "R layer 0 bias";
            default -> "F layer 2 feedback matrix";
        };
        assertThat(Divergence.describe(name)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY})
    void aNonFiniteLossWithFiniteWeightsIsAnOverflow(float loss) {
        try (BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(Mode.FA, Activation.RELU, 5))) {
            assertThatThrownBy(() -> Divergence.checkLoss(12, 0.5, loss, model))
                    .hasMessage("step 12: the loss of R is " + (double) loss
                            + "; every weight is finite, so the forward pass overflowed (is the learning rate too high?)");
        }
    }

    /** Whether the forward pass reads {@code m}: it is a weight or a bias of either network. */
    private static boolean readByTheForwardPass(BidirectionalModel model, FloatMatrix m) {
        return java.util.stream.Stream.of(model.forward(), model.reverse()).flatMap(n -> n.layers().stream())
                .anyMatch(layer -> Shapes.overlap(layer.weight(), m) || Shapes.overlap(layer.bias(), m));
    }
}
