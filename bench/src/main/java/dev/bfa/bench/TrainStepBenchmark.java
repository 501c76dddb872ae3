package dev.bfa.bench;

import dev.bfa.data.BatchSampler;
import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.data.LabeledImages;
import dev.bfa.experiment.DatasetBatches;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.model.Architecture;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.Trainer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One op of {@link #step} is one training step of both networks on the paper's shapes: F with
 * 3072 inputs (CIFAR-10 sized), R with 784 (MNIST sized), width 1024, 4 hidden layers, 10
 * classes, batch 128, Adam; batches are drawn and normalised from synthetic pixel bytes exactly as
 * in a real run. One op of {@link #gemmsOnly} replays just the GEMMs of such a step (recorded from
 * a real one: same shapes, orientations and weights), so step time / GEMM time is the cost of everything else, measured
 * in the same run. The step's GEMM work is printed at set-up; 2 x that / time is its GFLOP/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// A step calls its softmax twice and each GEMM entry point a few dozen times, so C2 compiles them
// only after about 200 steps; until then parts of the step run in profiled C1 code (slower, and the
// Vector API's Java fallback allocates). One thread takes about 50 s for that on an AVX2 Zen 3 (25 s
// on a Zen 5); 60 s of warm-up lets every fork reach the steady state.
@Warmup(iterations = 20, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xmx2g"})
public class TrainStepBenchmark {
    static final int FORWARD_INPUTS = 3072;
    static final int REVERSE_INPUTS = 784;
    static final int WIDTH = 1024;
    static final int DEPTH = 4;
    static final int CLASSES = 10;
    static final int BATCH = 128;
    static final long SEED = 42;
    static final Architecture FORWARD_ARCHITECTURE = new Architecture(FORWARD_INPUTS, WIDTH, DEPTH, CLASSES);
    static final Architecture REVERSE_ARCHITECTURE = new Architecture(REVERSE_INPUTS, WIDTH, DEPTH, CLASSES);
    static final OptimizerConfig ADAM = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-4f, 0f, 0.9f, 0.999f, 1e-8f);
    /** Enough synthetic examples that batches are not cache-resident (F's set is 25 MB). */
    private static final int EXAMPLES = 8192;

    @Param({"fa", "coupled-backward", "coupled-both", "bp"})
    public String mode;
    @Param({"1", "2"})
    public int threads;

    private StepFixture fixture;
    private Trainer trainer;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new StepFixture(dev.bfa.model.Mode.parse(mode), threads, KernelProvider.kernels());
        trainer = fixture.trainer;
        System.out.printf("%nstep of mode %s: %d GEMMs, %.4f GFLOP%n", mode, fixture.gemms.length,
                2e-9 * fixture.multiplyAdds());
    }

    static DatasetBatches batches(Dataset data, long seed) {
        return new DatasetBatches(data, new BatchSampler(EXAMPLES, BATCH, seed));
    }

    static Dataset synthetic(DatasetId id, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] pixels = new byte[EXAMPLES * features];
        byte[] labels = new byte[EXAMPLES];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) random.nextInt(CLASSES);
        }
        LabeledImages train = LabeledImages.copyOf(pixels, labels, features, CLASSES);
        LabeledImages test = LabeledImages.copyOf(java.util.Arrays.copyOf(pixels, features), new byte[1], features,
                CLASSES);
        return Dataset.of(id, train, test);
    }

    @Benchmark
    public void step() {
        trainer.step();
    }

    @Benchmark
    public void gemmsOnly() {
        fixture.replayGemms();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}
