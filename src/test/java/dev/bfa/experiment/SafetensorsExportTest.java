package dev.bfa.experiment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.data.TestFiles;
import dev.bfa.kernels.Activation;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.ScalarKernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Layer;
import dev.bfa.model.Mode;
import dev.bfa.model.Network;
import dev.bfa.report.Progress;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * model.safetensors read back by a parser written here from the format's definition (not the
 * writer's code): the header's offsets tile the data, every tensor has the model's values in its
 * network's orientation, tied names hold the same matrix, and the exported weights, run through the
 * scalar reference kernels, classify F's test set exactly as {@code bfa eval} does.
 */
class SafetensorsExportTest {
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void writeDatasets() {
        TestFiles.writeTinyMnistPair(dataDir, 96, 40);
    }

    /** A parsed file: its header (without the metadata), its metadata and each tensor's floats. */
    private record Parsed(JsonNode header, JsonNode metadata, Map<String, float[]> tensors) {
    }

    private static Parsed parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long length = in.getLong();
        assertThat(length % 8).as("header length is 8-byte aligned").isZero();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) length, StandardCharsets.UTF_8));
        int dataStart = 8 + (int) length;
        Map<String, float[]> tensors = new HashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (var it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            assertThat(e.getValue().get("dtype").asText()).isEqualTo("F32");
            long begin = e.getValue().get("data_offsets").get(0).asLong();
            long end = e.getValue().get("data_offsets").get(1).asLong();
            long elements = 1;
            for (JsonNode d : e.getValue().get("shape")) {
                elements *= d.asLong();
            }
            assertThat(end - begin).as(e.getKey()).isEqualTo(elements * Float.BYTES);
            ranges.add(new long[] {begin, end});
            float[] values = new float[(int) elements];
            ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer().get(values);
            tensors.put(e.getKey(), values);
        }
        // The byte ranges tile the data from 0 to the end of the file, without gaps or overlaps.
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long next = 0;
        for (long[] r : ranges) {
            assertThat(r[0]).isEqualTo(next);
            next = r[1];
        }
        assertThat(dataStart + next).isEqualTo(bytes.length);
        return new Parsed(header, header.get("__metadata__"), tensors);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"COUPLED_BOTH", "BP", "DFA", "KP_COUPLED_BACKWARD", "SIGN"})
    void theFileHoldsEveryTensorOfTheModelAndClassifiesAsEvalDoes(Mode mode, @TempDir Path run) throws IOException {
        OptimizerConfig adam = new OptimizerConfig(OptimizerConfig.Kind.ADAM, 1e-3f, 0.9f, 0.9f, 0.999f, 1e-8f,
                mode.rule().trainsFeedback() ? 1f : 0f);
        RunConfig config = new RunConfig(mode, "fashion-mnist", "mnist", 12, 3, Activation.RELU, adam, 16, 12, 4, 3, 1);
        try (Dataset forward = Dataset.load(DatasetId.FASHION_MNIST, dataDir);
             Dataset reverse = Dataset.load(DatasetId.MNIST, dataDir);
             ComputePool pool = ComputePool.create(1)) {
            Experiments.train(config, forward, reverse, run, KernelProvider.kernels(), pool, c -> Progress.quiet(),
                    TrainingRun.Control.END_ONLY);
            Parsed file = parse(run.resolve(SafetensorsExport.FILE));
            assertThat(file.metadata().get("mode").asText()).isEqualTo(mode.cliName());
            assertThat(file.metadata().get("step").asText()).isEqualTo("12");
            assertThat(file.metadata().get("F.input.mean").asText()).isEqualTo(Float.toString(forward.normalization().mean()));
            try (BidirectionalModel model = BidirectionalModel.create(TrainingRun.modelSpec(config, forward.features(),
                    reverse.features(), forward.classes()))) {
                Checkpoint.load(run.resolve(Experiments.CHECKPOINT), model);
                for (Network network : List.of(model.forward(), model.reverse())) {
                    for (Layer layer : network.layers()) {
                        String prefix = network.name() + ".layers." + layer.index() + ".";
                        assertBits(file, prefix + "weight", layer.weight(), List.of(layer.outputs(), layer.inputs()));
                        assertBits(file, prefix + "bias", layer.bias(), List.of(layer.outputs()));
                        if (layer.index() > 0 && mode != Mode.BP) {
                            assertBits(file, prefix + "feedback", layer.feedback(),
                                    List.of(layer.feedback().rows(), layer.feedback().cols()));
                        }
                    }
                }
                if (mode == Mode.BP) {
                    assertThat(file.tensors()).as("backprop's feedback is its weight").doesNotContainKey("F.layers.1.feedback");
                }
                double exported = accuracyOfExportedF(file, forward);
                double eval = SavedModel.evaluate(run.resolve(Experiments.CHECKPOINT), forward, reverse,
                        KernelProvider.kernels(), pool).accuracy().forward();
                assertThat(exported).isEqualTo(eval);
            }
            JsonNode tied = new ObjectMapper().readTree(file.metadata().get("tied").asText());
            if (mode.coupling() == dev.bfa.model.Coupling.NONE) {
                assertThat(tied).isEmpty();
            } else {
                // F's hidden feedback l is R's weight L-1-l, in F's orientation: the same values transposed.
                assertThat(tied.toString()).contains("[\"F.layers.1.feedback\",\"R.layers.2.weight\"]");
                float[] feedback = file.tensors().get("F.layers.1.feedback");
                float[] weight = file.tensors().get("R.layers.2.weight");
                JsonNode shape = file.header().get("R.layers.2.weight").get("shape");
                int rows = shape.get(0).asInt();
                int cols = shape.get(1).asInt();
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertThat(Float.floatToRawIntBits(feedback[j * rows + i]))
                                .isEqualTo(Float.floatToRawIntBits(weight[i * cols + j]));
                    }
                }
            }
        }
    }

    private static void assertBits(Parsed file, String name, FloatMatrix view, List<Integer> shape) {
        assertThat(file.tensors()).as(name).containsKey(name);
        List<Integer> written = new ArrayList<>();
        file.header().get(name).get("shape").forEach(d -> written.add(d.asInt()));
        assertThat(written).as(name + " shape").isEqualTo(shape);
        float[] expected = view.toArray();
        float[] actual = file.tensors().get(name);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Float.floatToRawIntBits(actual[i])).as("%s[%d]", name, i)
                    .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
    }

    /** F's test accuracy from the file's tensors alone, each layer computed by the scalar reference kernels. */
    private static double accuracyOfExportedF(Parsed file, Dataset forward) {
        ScalarKernels kernels = new ScalarKernels();
        DatasetExamples test = new DatasetExamples(forward.test(), forward.normalization());
        int layers = (int) file.tensors().keySet().stream().filter(k -> k.startsWith("F.") && k.endsWith(".weight")).count();
        try (Arena arena = Arena.ofConfined(); ComputePool one = ComputePool.create(1)) {
            FloatMatrix h = FloatMatrix.allocate(arena, test.size(), forward.features());
            int[] labels = new int[test.size()];
            test.slice(0, h, labels);
            for (int l = 0; l < layers; l++) {
                JsonNode shape = file.header().get("F.layers." + l + ".weight").get("shape");
                FloatMatrix w = FloatMatrix.allocate(arena, shape.get(0).asInt(), shape.get(1).asInt());
                w.copyFrom(file.tensors().get("F.layers." + l + ".weight"));
                FloatMatrix b = FloatMatrix.allocate(arena, 1, w.rows());
                b.copyFrom(file.tensors().get("F.layers." + l + ".bias"));
                FloatMatrix z = FloatMatrix.allocate(arena, test.size(), w.rows());
                kernels.gemm(h, w.transpose(), z, false, one);
                if (l < layers - 1) {
                    kernels.biasCenterActivate(z, b, Activation.parse(file.metadata().get("activation").asText()), z);
                } else {
                    kernels.addBias(z, b);
                }
                h = z;
            }
            int correct = 0;
            for (int i = 0; i < test.size(); i++) {
                int best = 0;
                for (int j = 1; j < h.cols(); j++) {
                    if (h.get(i, j) > h.get(i, best)) {
                        best = j;
                    }
                }
                correct += best == labels[i] ? 1 : 0;
            }
            return (double) correct / test.size();
        }
    }
}
