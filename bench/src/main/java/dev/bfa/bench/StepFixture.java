package dev.bfa.bench;

import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.training.Trainer;

/**
 * A trainer at TrainStepBenchmark's shapes with everything it owns (pool, synthetic data, model),
 * and the GEMMs of one of its steps, recorded from a second trainer on the same model so that the
 * measured trainer calls its kernels exactly as a real run does. Shared by the step benchmarks.
 */
final class StepFixture implements AutoCloseable {
    final ComputePool pool;
    private final Dataset forwardData;
    private final Dataset reverseData;
    private final BidirectionalModel model;
    private final Trainer recordingTrainer;
    /** The measured trainer, calling {@code stepKernels} as given to the constructor. */
    final Trainer trainer;
    final RecordingKernels.Gemm[] gemms;
    private final Kernels kernels = KernelProvider.kernels();

    StepFixture(Mode mode, int threads, Kernels stepKernels) {
        pool = ComputePool.create(threads);
        forwardData = TrainStepBenchmark.synthetic(DatasetId.CIFAR10, TrainStepBenchmark.FORWARD_INPUTS, 1);
        reverseData = TrainStepBenchmark.synthetic(DatasetId.MNIST, TrainStepBenchmark.REVERSE_INPUTS, 2);
        model = BidirectionalModel.create(new BidirectionalModel.ModelSpec(mode, TrainStepBenchmark.FORWARD_ARCHITECTURE,
                TrainStepBenchmark.REVERSE_ARCHITECTURE, Activation.RELU, TrainStepBenchmark.SEED));
        RecordingKernels recorder = new RecordingKernels(kernels);
        recordingTrainer = new Trainer(model, TrainStepBenchmark.ADAM, TrainStepBenchmark.BATCH,
                TrainStepBenchmark.batches(forwardData, 5), TrainStepBenchmark.batches(reverseData, 6), recorder, pool);
        gemms = recorder.record(recordingTrainer::step).toArray(RecordingKernels.Gemm[]::new);
        trainer = new Trainer(model, TrainStepBenchmark.ADAM, TrainStepBenchmark.BATCH,
                TrainStepBenchmark.batches(forwardData, 3), TrainStepBenchmark.batches(reverseData, 4), stepKernels, pool);
    }

    /** The recorded step's GEMMs, run again on the same memory: the step's "GEMM roofline". */
    void replayGemms() {
        for (RecordingKernels.Gemm g : gemms) {
            kernels.gemm(g.a(), g.b(), g.c(), g.accumulate(), pool);
        }
    }

    long multiplyAdds() {
        long total = 0;
        for (RecordingKernels.Gemm g : gemms) {
            total += g.multiplyAdds();
        }
        return total;
    }

    @Override
    public void close() {
        trainer.close();
        recordingTrainer.close();
        model.close();
        forwardData.close();
        reverseData.close();
        pool.close();
    }
}
