import dev.bfa.data.BatchSampler;
import dev.bfa.experiment.Checkpoint;
import dev.bfa.kernels.Activation;
import dev.bfa.model.Architecture;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Mode;
import dev.bfa.training.Divergence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Size and cost of a checkpoint at the default shapes of ./bfa train (F and R 784 -> 1024 x 4 -> 10):
 * write (temporary file, fsync, rename, directory fsync), verify (streamed CRC32C), load (verify,
 * then read into the model), and the finiteness scan of the whole model memory that runs before each
 * checkpoint and evaluation. Medians of 5. Reported in docs/reliability.md; run as that page says:
 *
 *   java --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp target/classes \
 *       bench/CheckpointTiming.java [MODE] [DIR]
 */
public class CheckpointTiming {
    public static void main(String[] args) throws Exception {
        Mode mode = Mode.parse(args.length > 0 ? args[0] : "fa");
        Path dir = Files.createDirectories(Path.of(args.length > 1 ? args[1] : "target/checkpoint-timing"));
        Path file = dir.resolve("model.ckpt");
        BidirectionalModel.ModelSpec spec = new BidirectionalModel.ModelSpec(mode, new Architecture(784, 1024, 4, 10),
                new Architecture(784, 1024, 4, 10), Activation.RELU, 1);
        try (BidirectionalModel model = BidirectionalModel.create(spec);
             BidirectionalModel target = BidirectionalModel.create(spec)) {
            Checkpoint.Header header = new Checkpoint.Header(Checkpoint.identity(spec), "{}", 1,
                    new BatchSampler.State(1, 60000, 0, 0), new BatchSampler.State(2, 60000, 0, 0));
            double[] write = new double[5];
            double[] verify = new double[5];
            double[] load = new double[5];
            double[] scan = new double[5];
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                Checkpoint.write(file, model, header);
                long t1 = System.nanoTime();
                Checkpoint.verify(file);
                long t2 = System.nanoTime();
                Checkpoint.load(file, target);
                long t3 = System.nanoTime();
                Divergence.checkMemory(1, model);
                long t4 = System.nanoTime();
                write[i] = (t1 - t0) / 1e6;
                verify[i] = (t2 - t1) / 1e6;
                load[i] = (t3 - t2) / 1e6;
                scan[i] = (t4 - t3) / 1e6;
            }
            System.out.printf("mode %s: checkpoint %.1f MB (parameters %.1f MB, gradients and optimiser state %.1f MB)%n",
                    mode.cliName(), Files.size(file) / 1e6, model.parameterMemory().byteSize() / 1e6,
                    model.stateMemory().byteSize() / 1e6);
            System.out.printf("write %.0f ms, verify %.0f ms, load %.0f ms, finiteness scan %.0f ms (medians of 5)%n",
                    median(write), median(verify), median(load), median(scan));
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
