package dev.bfa.experiment;

import dev.bfa.data.BatchSampler;
import dev.bfa.data.Dataset;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.training.Diagnostics;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.NetworkPass;
import dev.bfa.training.RunConfig;
import dev.bfa.training.Trainer;
import dev.bfa.training.Trainer.Accuracy;
import dev.bfa.training.Trainer.StepLoss;
import java.util.ArrayList;
import java.util.List;

/**
 * One training run of one mode: builds the model for the two datasets, trains for the configured
 * steps, evaluates at step 0, every {@code evaluationEvery} steps and at the end, and reports to a
 * {@link Listener}. Writing files is the listener's business.
 */
public final class TrainingRun {
    /** Receives the run's progress; every method has a do-nothing default. */
    public interface Listener {
        default void stepped(long step, StepLoss loss) {
        }

        default void evaluated(EvaluationPoint point) {
        }

        /** Called once training is over, with the model still open (to save it). */
        default void finished(BidirectionalModel model, TrainingRun run) {
        }
    }

    private final RunConfig config;
    private final Dataset forwardData;
    private final Dataset reverseData;
    private final Kernels kernels;
    private final ComputePool pool;
    private final List<EvaluationPoint> points = new ArrayList<>();
    private DatasetBatches forwardBatches;
    private DatasetBatches reverseBatches;
    private long completedSteps;

    public TrainingRun(RunConfig config, Dataset forwardData, Dataset reverseData, Kernels kernels, ComputePool pool) {
        this.config = config;
        this.forwardData = forwardData;
        this.reverseData = reverseData;
        this.kernels = kernels;
        this.pool = pool;
    }

    /** The model a run of {@code config} trains, for these datasets. */
    public static ModelSpec modelSpec(RunConfig config, int forwardInputs, int reverseInputs, int classes) {
        return new ModelSpec(config.mode(),
                new Architecture(forwardInputs, config.width(), config.depth(), classes),
                new Architecture(reverseInputs, config.width(), config.depth(), classes),
                config.activation(), config.seed());
    }

    /**
     * The memory a run needs, in bytes, computed from the shapes before anything is allocated:
     * the model's parameters and its optimiser state (gradients and two slots each), the
     * activation buffers (per network the trainer's pass over a batch and the diagnostics' two
     * passes over the probe batch), and the two datasets' examples.
     */
    public record MemoryPlan(long parameterBytes, long optimizerBytes, long activationBytes, long datasetBytes) {
        /** What the run still has to allocate once its datasets are loaded. */
        public long toAllocate() {
            return Math.addExact(Math.addExact(parameterBytes, optimizerBytes), activationBytes);
        }
    }

    /**
     * What a run of {@code config} on these datasets needs; mirrors what {@link #run} builds.
     *
     * @throws ArithmeticException if a size does not fit in a long
     */
    public static MemoryPlan memoryPlan(RunConfig config, Dataset forwardData, Dataset reverseData) {
        ModelSpec spec = modelSpec(config, forwardData.features(), reverseData.features(), forwardData.classes());
        BidirectionalModel.MemoryNeed model = BidirectionalModel.memoryNeed(spec);
        long activations = Math.addExact(passBytes(spec.forward(), config.batch(), forwardData),
                passBytes(spec.reverse(), config.batch(), reverseData));
        return new MemoryPlan(model.parameterBytes(), model.stateBytes(), activations,
                examplesBytes(forwardData) + examplesBytes(reverseData));
    }

    private static long passBytes(Architecture a, int batch, Dataset data) {
        int probeRows = Math.min(batch, data.train().count());
        return Math.addExact(NetworkPass.bufferBytes(a, batch), Math.multiplyExact(2, NetworkPass.bufferBytes(a, probeRows)));
    }

    private static long examplesBytes(Dataset data) {
        long features = data.features() + 1L;
        return features * (data.train().count() + data.test().count());
    }

    public RunConfig config() {
        return config;
    }

    public List<EvaluationPoint> points() {
        return List.copyOf(points);
    }

    public long completedSteps() {
        return completedSteps;
    }

    /** Data order state of F and R, for checkpoints. */
    public BatchSampler.State forwardSamplerState() {
        return forwardBatches.sampler().state();
    }

    public BatchSampler.State reverseSamplerState() {
        return reverseBatches.sampler().state();
    }

    public void run(Listener listener) {
        ModelSpec spec = modelSpec(config, forwardData.features(), reverseData.features(), forwardData.classes());
        forwardBatches = new DatasetBatches(forwardData,
                new BatchSampler(forwardData.train().count(), config.batch(), streamSeed("F.data")));
        reverseBatches = new DatasetBatches(reverseData,
                new BatchSampler(reverseData.train().count(), config.batch(), streamSeed("R.data")));
        DatasetExamples forwardTest = new DatasetExamples(forwardData.test(), forwardData.normalization());
        DatasetExamples reverseTest = new DatasetExamples(reverseData.test(), reverseData.normalization());
        try (BidirectionalModel model = BidirectionalModel.create(spec);
             Trainer trainer = new Trainer(model, config.optimizer(), config.batch(), forwardBatches, reverseBatches,
                     kernels, pool);
             Diagnostics diagnostics = new Diagnostics(model,
                     new DatasetExamples(forwardData.train(), forwardData.normalization()),
                     new DatasetExamples(reverseData.train(), reverseData.normalization()),
                     config.batch(), kernels, pool)) {
            double lossF = Double.NaN;
            double lossR = Double.NaN;
            long lossSteps = 0;
            double trainingSeconds = 0;
            double intervalSeconds = 0;
            long intervalSteps = 0;
            listener.evaluated(record(0, model, trainer, diagnostics, lossF, lossR, Double.NaN, 0, forwardTest,
                    reverseTest));
            for (long step = 1; step <= config.steps(); step++) {
                long start = System.nanoTime();
                StepLoss loss = trainer.step();
                double seconds = (System.nanoTime() - start) / 1e9;
                trainingSeconds += seconds;
                intervalSeconds += seconds;
                intervalSteps++;
                lossF = lossSteps == 0 ? loss.forward() : lossF + loss.forward();
                lossR = lossSteps == 0 ? loss.reverse() : lossR + loss.reverse();
                lossSteps++;
                completedSteps = step;
                listener.stepped(step, loss);
                if (step % config.evaluationEvery() == 0 || step == config.steps()) {
                    double examplesPerSecond = 2.0 * config.batch() * intervalSteps / intervalSeconds;
                    listener.evaluated(record(step, model, trainer, diagnostics, lossF / lossSteps, lossR / lossSteps,
                            examplesPerSecond, trainingSeconds, forwardTest, reverseTest));
                    lossSteps = 0;
                    intervalSeconds = 0;
                    intervalSteps = 0;
                }
            }
            listener.finished(model, this);
        }
    }

    private long streamSeed(String name) {
        return BidirectionalModel.generatorFor(config.seed(), name).nextLong();
    }

    private EvaluationPoint record(long step, BidirectionalModel model, Trainer trainer, Diagnostics diagnostics,
                                   double lossF, double lossR, double examplesPerSecond, double elapsed,
                                   DatasetExamples forwardTest, DatasetExamples reverseTest) {
        Accuracy accuracy = trainer.evaluate(forwardTest, reverseTest);
        EvaluationPoint point = new EvaluationPoint(step, config.mode(), lossF, lossR, accuracy.forward(),
                accuracy.reverse(), diagnostics.cosines(), diagnostics.feedbackAngles(model.forward()),
                diagnostics.feedbackAngles(model.reverse()), diagnostics.signalAngles(model.forward()),
                diagnostics.signalAngles(model.reverse()), examplesPerSecond, elapsed);
        points.add(point);
        return point;
    }
}
