package dev.bfa.experiment;

import dev.bfa.data.BatchSampler;
import dev.bfa.data.Dataset;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.BidirectionalModel.ModelSpec;
import dev.bfa.report.Provenance;
import dev.bfa.report.RunFiles;
import dev.bfa.rules.LearningRule;
import dev.bfa.training.Diagnostics;
import dev.bfa.training.Divergence;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.NetworkPass;
import dev.bfa.training.RunConfig;
import dev.bfa.training.Trainer;
import dev.bfa.training.Trainer.Accuracy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * One training run of one mode: builds the model for the two datasets, trains for the configured
 * steps, evaluates at step 0, every {@code evaluationEvery} steps and at the end, and reports to a
 * {@link Listener}. Writing files is the listener's business.
 *
 * <p>A run hands the listener a {@link Checkpoint.Header} every {@link Control#checkpointEvery}
 * steps, at the end, and when {@link Control#stopRequested} turns true (it then stops after the
 * step in progress). The header carries everything besides the model memory that the rest of the
 * run depends on (step, both data orders, the loss sums of the current evaluation interval), so
 * {@link #resume} continues to the same bits as a run that never stopped. Every step's loss is
 * checked (by the {@link Trainer}), and the whole model before each checkpoint and evaluation
 * ({@link Divergence}); a diverged run throws {@link Divergence.DivergedException} before the bad
 * state reaches the listener.
 */
public final class TrainingRun {
    /** Receives the run's progress; every method has a do-nothing default. */
    public interface Listener {
        default void stepped(long step, double forwardLoss, double reverseLoss) {
        }

        default void evaluated(EvaluationPoint point) {
        }

        /**
         * A finite, consistent state to save; {@code model} holds its memory. {@code last}: the run
         * ends after it (its last step, or a stop), so no later checkpoint can stand in for it.
         */
        default void checkpoint(BidirectionalModel model, Checkpoint.Header header, boolean last) {
        }

        /** Called once training is over (not after a stop), with the model still open. */
        default void finished(BidirectionalModel model, TrainingRun run) {
        }
    }

    /**
     * How a run saves itself and when it stops early.
     *
     * @param checkpointEvery steps between checkpoints; 0 for a checkpoint at the end only
     * @param stopRequested   polled after every step: true stops the run after a checkpoint
     * @param exportsWeights  whether a finished run also writes model.safetensors
     */
    public record Control(long checkpointEvery, BooleanSupplier stopRequested, boolean exportsWeights) {
        /** A checkpoint at the end only, never stopped early. */
        public static final Control END_ONLY = new Control(0, () -> false);

        public Control {
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpoint interval " + checkpointEvery + " is negative");
            }
        }

        /** Exporting the weights at the end. */
        public Control(long checkpointEvery, BooleanSupplier stopRequested) {
            this(checkpointEvery, stopRequested, true);
        }
    }

    private final RunConfig config;
    private final Dataset forwardData;
    private final Dataset reverseData;
    private final Kernels kernels;
    private final ComputePool pool;
    private final Control control;
    private final List<EvaluationPoint> points = new ArrayList<>();
    private DatasetBatches forwardBatches;
    private DatasetBatches reverseBatches;
    private long completedSteps;
    private boolean stopped;
    // The current evaluation interval: loss sums in the order the steps ran, and timing.
    private double lossF = Double.NaN;
    private double lossR = Double.NaN;
    private long lossSteps;
    private double trainingSeconds;
    private double intervalSeconds;
    private long intervalSteps;

    public TrainingRun(RunConfig config, Dataset forwardData, Dataset reverseData, Kernels kernels, ComputePool pool) {
        this(config, forwardData, reverseData, kernels, pool, Control.END_ONLY);
    }

    public TrainingRun(RunConfig config, Dataset forwardData, Dataset reverseData, Kernels kernels, ComputePool pool,
                       Control control) {
        this.config = config;
        this.forwardData = forwardData;
        this.reverseData = reverseData;
        this.kernels = kernels;
        this.pool = pool;
        this.control = control;
    }

    /** The model a run of {@code config} trains, for these datasets. */
    public static ModelSpec modelSpec(RunConfig config, int forwardInputs, int reverseInputs, int classes) {
        return new ModelSpec(config.mode(),
                new Architecture(forwardInputs, config.width(), config.depth(), classes),
                new Architecture(reverseInputs, config.width(), config.depth(), classes),
                config.activation(), config.seed(), config.directFeedbackScale());
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
        long activations = Math.addExact(passBytes(spec.forward(), config, forwardData),
                passBytes(spec.reverse(), config, reverseData));
        return new MemoryPlan(model.parameterBytes(), model.stateBytes(), activations,
                examplesBytes(forwardData) + examplesBytes(reverseData));
    }

    private static long passBytes(Architecture a, RunConfig config, Dataset data) {
        int probeRows = Math.min(config.batch(), data.train().count());
        LearningRule rule = config.mode().rule();
        return Math.addExact(NetworkPass.bufferBytes(a, rule, config.batch()),
                Math.multiplyExact(2, NetworkPass.bufferBytes(a, rule, probeRows)));
    }

    private static long examplesBytes(Dataset data) {
        long features = data.features() + 1L;
        return features * (data.train().count() + data.test().count());
    }

    Control control() {
        return control;
    }

    /** The standardisation of each network's inputs. */
    SafetensorsExport.Inputs inputs() {
        return new SafetensorsExport.Inputs(forwardData.normalization(), reverseData.normalization());
    }

    public RunConfig config() {
        return config;
    }

    /** The build, JDK, machine and kernels this run computes with. */
    public Provenance provenance() {
        return Provenance.of(kernels, pool.threads());
    }

    /** Every evaluation point of the run, those before a resume included. */
    public List<EvaluationPoint> points() {
        return List.copyOf(points);
    }

    public long completedSteps() {
        return completedSteps;
    }

    /** Whether the run stopped on request before its last step. */
    public boolean stopped() {
        return stopped;
    }

    /** Trains from step 0. */
    public void run(Listener listener) {
        ModelSpec spec = modelSpec(config, forwardData.features(), reverseData.features(), forwardData.classes());
        try (BidirectionalModel model = BidirectionalModel.create(spec)) {
            BatchSampler forward = new BatchSampler(forwardData.train().count(), config.batch(), streamSeed("F.data"));
            BatchSampler reverse = new BatchSampler(reverseData.train().count(), config.batch(), streamSeed("R.data"));
            train(model, forward, reverse, listener);
        }
    }

    /**
     * Continues from {@code checkpoint}, taken by a run of this configuration on these datasets;
     * {@code earlier} are the evaluation points that run recorded up to the checkpoint's step.
     *
     * @throws Checkpoint.CheckpointException when the checkpoint is unusable or of another run
     */
    public void resume(Path checkpoint, List<EvaluationPoint> earlier, Listener listener) throws IOException {
        ModelSpec spec = modelSpec(config, forwardData.features(), reverseData.features(), forwardData.classes());
        try (BidirectionalModel model = BidirectionalModel.create(spec)) {
            Checkpoint.Header header = Checkpoint.load(checkpoint, model);
            checkResumable(header, checkpoint);
            completedSteps = header.step();
            Checkpoint.Progress p = header.progress();
            lossF = p.forwardLossSum();
            lossR = p.reverseLossSum();
            lossSteps = p.lossSteps();
            trainingSeconds = p.trainingSeconds();
            intervalSeconds = p.intervalSeconds();
            intervalSteps = p.intervalSteps();
            points.addAll(earlier);
            train(model, BatchSampler.restore(header.forwardSampler(), config.batch()),
                    BatchSampler.restore(header.reverseSampler(), config.batch()), listener);
        }
    }

    /**
     * Refuses a checkpoint this run cannot continue: one written under another configuration, past
     * the last step, or with data orders over training sets of other sizes than these.
     */
    public void checkResumable(Checkpoint.Header header, Path checkpoint) throws Checkpoint.CheckpointException {
        RunConfig saved;
        try {
            saved = RunFiles.parseConfig(header.configJson(), checkpoint.toString());
        } catch (RuntimeException e) {
            throw new Checkpoint.CheckpointException(e.getMessage());
        }
        if (!RunFiles.configJson(saved).equals(RunFiles.configJson(config))) {
            throw new Checkpoint.CheckpointException(checkpoint + ": was written by a run of another configuration "
                    + "than the one being resumed");
        }
        if (header.step() > config.steps()) {
            throw new Checkpoint.CheckpointException(checkpoint + ": is at step " + header.step()
                    + ", past the run's last step " + config.steps());
        }
        checkDataOrder(header.forwardSampler(), forwardData, "F", checkpoint);
        checkDataOrder(header.reverseSampler(), reverseData, "R", checkpoint);
    }

    private static void checkDataOrder(BatchSampler.State state, Dataset data, String network, Path checkpoint)
            throws Checkpoint.CheckpointException {
        if (state.count() != data.train().count()) {
            throw new Checkpoint.CheckpointException(checkpoint + ": " + network + "'s data order covers "
                    + state.count() + " training examples, but " + data.id().cliName() + " here has "
                    + data.train().count());
        }
    }

    private void train(BidirectionalModel model, BatchSampler forwardSampler, BatchSampler reverseSampler,
                       Listener listener) {
        forwardBatches = new DatasetBatches(forwardData, forwardSampler);
        reverseBatches = new DatasetBatches(reverseData, reverseSampler);
        DatasetExamples forwardTest = new DatasetExamples(forwardData.test(), forwardData.normalization());
        DatasetExamples reverseTest = new DatasetExamples(reverseData.test(), reverseData.normalization());
        try (Trainer trainer = new Trainer(model, config.optimizer(), config.batch(), forwardBatches, reverseBatches,
                     kernels, pool);
             Diagnostics diagnostics = new Diagnostics(model,
                     new DatasetExamples(forwardData.train(), forwardData.normalization()),
                     new DatasetExamples(reverseData.train(), reverseData.normalization()),
                     config.batch(), kernels, pool)) {
            trainer.resumeAt(completedSteps);
            if (completedSteps == 0) {
                listener.evaluated(record(0, model, trainer, diagnostics, Double.NaN, Double.NaN, Double.NaN, 0,
                        forwardTest, reverseTest));
            }
            for (long step = completedSteps + 1; step <= config.steps(); step++) {
                long start = System.nanoTime();
                trainer.step();
                double seconds = (System.nanoTime() - start) / 1e9;
                trainingSeconds += seconds;
                intervalSeconds += seconds;
                intervalSteps++;
                lossF = lossSteps == 0 ? trainer.forwardLoss() : lossF + trainer.forwardLoss();
                lossR = lossSteps == 0 ? trainer.reverseLoss() : lossR + trainer.reverseLoss();
                lossSteps++;
                completedSteps = step;
                listener.stepped(step, trainer.forwardLoss(), trainer.reverseLoss());
                boolean evaluation = step % config.evaluationEvery() == 0 || step == config.steps();
                if (evaluation) {
                    Divergence.checkMemory(step, model);
                    double examplesPerSecond = 2.0 * config.batch() * intervalSteps / intervalSeconds;
                    listener.evaluated(record(step, model, trainer, diagnostics, lossF / lossSteps, lossR / lossSteps,
                            examplesPerSecond, trainingSeconds, forwardTest, reverseTest));
                    lossSteps = 0;
                    intervalSeconds = 0;
                    intervalSteps = 0;
                }
                boolean stop = control.stopRequested().getAsBoolean();
                if (stop || step == config.steps()
                        || (control.checkpointEvery() > 0 && step % control.checkpointEvery() == 0)) {
                    if (!evaluation) {
                        Divergence.checkMemory(step, model);
                    }
                    listener.checkpoint(model, header(model), stop || step == config.steps());
                }
                if (stop && step < config.steps()) {
                    stopped = true;
                    return;
                }
            }
            listener.finished(model, this);
        }
    }

    private Checkpoint.Header header(BidirectionalModel model) {
        return new Checkpoint.Header(Checkpoint.identity(model.spec()), RunFiles.configJson(config), completedSteps,
                forwardBatches.sampler().state(), reverseBatches.sampler().state(),
                new Checkpoint.Progress(lossF, lossR, lossSteps, trainingSeconds, intervalSeconds, intervalSteps));
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
