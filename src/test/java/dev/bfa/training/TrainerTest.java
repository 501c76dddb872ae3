package dev.bfa.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bfa.kernels.Activation;
import dev.bfa.kernels.AdamStep;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.KernelTestSupport;
import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.model.Parameter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TrainerTest {
    private static final Kernels KERNELS = KernelProvider.kernels();
    private static final int BATCH = 16;
    private static final int STEPS_TO_LEARN = 400;
    private static final OptimizerConfig SGD = new OptimizerConfig(OptimizerConfig.Kind.SGD, 0.05f, 0.9f, 0.9f, 0.999f, 1e-8f);
    private static final OptimizerConfig ADAM = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f);

    private static Trainer trainer(BidirectionalModel model, OptimizerConfig optimizer, ComputePool pool) {
        return trainer(model, optimizer, pool, BATCH);
    }

    private static Trainer trainer(BidirectionalModel model, OptimizerConfig optimizer, ComputePool pool, int batch) {
        return new Trainer(model, optimizer, batch,
                new SyntheticData(256, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1),
                new SyntheticData(256, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2), KERNELS, pool);
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void feedbackAlignmentWithFeedbackEqualToWeightsIsBackpropBitForBit(Activation activation) {
        for (OptimizerConfig optimizer : List.of(SGD, ADAM)) {
            try (ComputePool pool = ComputePool.create(2);
                 BidirectionalModel fa = BidirectionalModel.create(ModelFixtures.spec(Mode.FA, activation, 5));
                 BidirectionalModel bp = BidirectionalModel.create(ModelFixtures.spec(Mode.BP, activation, 5))) {
                try (Trainer faTrainer = trainer(fa, optimizer, pool); Trainer bpTrainer = trainer(bp, optimizer, pool)) {
                    for (int step = 0; step < 4; step++) {
                        tieFeedbackToWeights(fa);
                        faTrainer.step();
                        bpTrainer.step();
                        assertThat(Double.doubleToRawLongBits(faTrainer.forwardLoss()))
                                .isEqualTo(Double.doubleToRawLongBits(bpTrainer.forwardLoss()));
                        assertThat(Double.doubleToRawLongBits(faTrainer.reverseLoss()))
                                .isEqualTo(Double.doubleToRawLongBits(bpTrainer.reverseLoss()));
                    }
                }
                for (Parameter p : bp.parameters()) {
                    assertThat(fa.parameter(p.name()).value().toArray())
                            .as("%s after 4 %s steps", p.name(), optimizer.kind())
                            .containsExactly(p.value().toArray());
                }
            }
        }
    }

    /**
     * The step of docs/spec.md ("One training step"), spelled out with whole-matrix kernel calls:
     * both networks' passes with gradients on the weights as they stand, then the update of every
     * trained parameter. The trainer (chunked parallel updates, its own order of calls) must give
     * the same bits in every mode; an update applied before the other network's passes changes
     * them (in coupled-both each network's errors read the other's weights).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aStepIsBothPassesOnTheOldWeightsThenEveryUpdate(Mode mode) {
        // One thread runs each parameter's update the moment the trainer releases it, so a release
        // before the step is done with the parameter changes the bits every time; two threads run
        // released updates whenever a loop leaves a thread free.
        for (int threads : new int[] {1, 2}) {
            for (OptimizerConfig optimizer : List.of(SGD, ADAM)) {
                stepMatchesTheSpelledOutStep(mode, optimizer, threads, ModelFixtures.WIDTH, BATCH);
            }
        }
    }

    /**
     * The same with GEMMs large enough to run on every thread (the small model's run on the caller
     * alone): there the pool's workers take update chunks between their blocks of C and at the
     * ends of loops, beside GEMMs that are still reading the weights the step is not done with.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void updatesBesideParallelGemmsLeaveTheStepUnchanged(Mode mode) {
        for (int threads : new int[] {1, 2, 3}) {
            stepMatchesTheSpelledOutStep(mode, ADAM, threads, 512, 16);
        }
    }

    private static void stepMatchesTheSpelledOutStep(Mode mode, OptimizerConfig optimizer, int threads, int width,
                                                     int batch) {
        try (ComputePool pool = ComputePool.create(threads);
             BidirectionalModel trained = BidirectionalModel.create(ModelFixtures.spec(mode, Activation.TANH, 6, width));
             BidirectionalModel spelledOut = BidirectionalModel.create(
                     ModelFixtures.spec(mode, Activation.TANH, 6, width));
             Trainer trainer = trainer(trained, optimizer, pool, batch);
             NetworkPass forward = new NetworkPass(spelledOut.forward(), batch, KERNELS, pool);
             NetworkPass reverse = new NetworkPass(spelledOut.reverse(), batch, KERNELS, pool)) {
            BatchSource forwardData = new SyntheticData(256, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1);
            BatchSource reverseData = new SyntheticData(256, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2);
            int[] labels = new int[batch];
            for (int step = 1; step <= 3; step++) {
                trainer.step();
                forwardData.nextBatch(forward.input(batch), labels);
                forward.forward(batch);
                forward.backward(batch, labels, true, false);
                reverseData.nextBatch(reverse.input(batch), labels);
                reverse.forward(batch);
                reverse.backward(batch, labels, true, false);
                AdamStep adam = AdamStep.of(optimizer.learningRate(), optimizer.beta1(), optimizer.beta2(),
                        optimizer.epsilon(), step);
                for (Parameter p : spelledOut.parameters()) {
                    if (p.owner() == null) {
                        continue;
                    }
                    if (optimizer.kind() == OptimizerConfig.Kind.ADAM) {
                        KERNELS.adamUpdate(p.value(), p.gradient(), p.slot1(), p.slot2(), adam);
                    } else {
                        KERNELS.sgdMomentumUpdate(p.value(), p.gradient(), p.slot1(), optimizer.learningRate(),
                                optimizer.momentum());
                    }
                }
            }
            for (Parameter p : spelledOut.parameters()) {
                // Not containsExactly: AssertJ's is quadratic in the length, 40-80 s on 262,144 floats.
                KernelTestSupport.assertBitIdentical(p.value().toArray(), trained.parameter(p.name()).value().toArray(),
                        String.format("%s after 3 %s steps in %s on %d threads", p.name(), optimizer.kind(), mode,
                                threads));
            }
        }
    }

    /** Copies every W_l (l >= 1) of both networks into its fixed feedback matrix. */
    private static void tieFeedbackToWeights(BidirectionalModel fa) {
        for (String network : List.of("F", "R")) {
            for (int l = 1; l <= ModelFixtures.DEPTH; l++) {
                fa.parameter(network + ".B" + l).value().copyFrom(fa.parameter(network + ".W" + l).value().toArray());
            }
        }
    }

    @Test
    void coupledBackwardStoresEachSharedMatrixOnce() {
        try (BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(Mode.COUPLED_BACKWARD, Activation.RELU, 3))) {
            int layers = ModelFixtures.DEPTH + 1;
            for (int l = 1; l <= layers - 2; l++) {
                FloatMatrix feedbackOfF = model.forward().layer(l).feedback();
                FloatMatrix weightOfR = model.reverse().layer(layers - 1 - l).weight();
                assertThat(weightOfR.isTransposed()).isTrue();
                assertThat(weightOfR.rows()).isEqualTo(feedbackOfF.cols());
                weightOfR.set(2, 5, 42.5f);
                assertThat(feedbackOfF.get(5, 2)).isEqualTo(42.5f);
                feedbackOfF.set(1, 3, -7f);
                assertThat(weightOfR.get(3, 1)).isEqualTo(-7f);
                assertThat(model.parameters()).extracting(Parameter::name).doesNotContain("F.B" + l);
            }
            // The output layer's feedback stays fixed random, and R keeps its own fixed feedback.
            assertThat(model.forward().layer(layers - 1).feedbackSource()).isEqualTo("fixed random");
            assertThat(model.reverse().layer(1).feedbackSource()).isEqualTo("fixed random");
        }
    }

    @Test
    void updatesOfTheReverseNetworkAreSeenAsTheForwardNetworksFeedback() {
        try (ComputePool pool = ComputePool.create(2);
             BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(Mode.COUPLED_BOTH, Activation.TANH, 4));
             Trainer trainer = trainer(model, SGD, pool)) {
            int layers = ModelFixtures.DEPTH + 1;
            float[] feedbackBefore = model.forward().layer(1).feedback().toArray();
            float[] forwardWeightBefore = model.forward().layer(layers - 2).weight().toArray();
            trainer.step();
            float[] feedbackAfter = model.forward().layer(1).feedback().toArray();
            assertThat(feedbackAfter).isNotEqualTo(feedbackBefore);
            assertThat(feedbackAfter).containsExactly(model.reverse().layer(layers - 2).weight().transpose().toArray());
            // coupled-both: R's feedback of its layer 1 is F's forward weights of layer L-2, transposed.
            assertThat(model.reverse().layer(1).feedback().transpose().toArray())
                    .containsExactly(model.forward().layer(layers - 2).weight().toArray())
                    .isNotEqualTo(forwardWeightBefore);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aShortRunLearnsWellAboveChance(Mode mode) {
        SyntheticData forwardTest = new SyntheticData(256, ModelFixtures.F_INPUTS, ModelFixtures.CLASSES, 0.5f, 1);
        SyntheticData reverseTest = new SyntheticData(256, ModelFixtures.R_INPUTS, ModelFixtures.CLASSES, 0.5f, 2);
        try (ComputePool pool = ComputePool.create(2);
             BidirectionalModel model = BidirectionalModel.create(ModelFixtures.spec(mode, Activation.RELU, 9));
             Trainer trainer = trainer(model, ADAM, pool)) {
            Trainer.Accuracy before = trainer.evaluate(forwardTest, reverseTest);
            for (int step = 0; step < STEPS_TO_LEARN; step++) {
                trainer.step();
            }
            Trainer.Accuracy after = trainer.evaluate(forwardTest, reverseTest);
            // Chance is 1/5; the clusters are well separated, so a working trainer gets near 100%.
            assertThat(after.forward()).as("F accuracy (before: %s)", before.forward()).isGreaterThan(0.9);
            assertThat(after.reverse()).as("R accuracy (before: %s)", before.reverse()).isGreaterThan(0.9);
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        long expected = 0;
        for (int threads : new int[] {1, 2, 3}) {
            long fingerprint = DeterminismProbe.fingerprintAfterTraining(threads);
            if (threads == 1) {
                expected = fingerprint;
            }
            assertThat(fingerprint).as("%d threads", threads).isEqualTo(expected);
        }
    }
}
