package dev.bfa.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.data.Normalization;
import dev.bfa.kernels.Shapes;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Layer;
import dev.bfa.model.Network;
import dev.bfa.report.AtomicFiles;
import dev.bfa.report.JsonFields;
import dev.bfa.report.Provenance;
import dev.bfa.rules.LearningRule;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model as a safetensors file (the format of Hugging Face's safetensors: an 8-byte little-endian
 * header length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
 * little-endian data), for NumPy, PyTorch and JAX. Each network's layers are written in that
 * network's orientation ({@code out x in}, as {@code torch.nn.Linear} stores them, so a layer is
 * {@code x @ W.T + b}): {@code F.layers.0.weight}, {@code F.layers.0.bias} (a vector),
 * {@code F.layers.1.feedback}, ... A matrix both networks read is written under each name, in each
 * reader's orientation, and {@code __metadata__.tied} lists the names that are one stored matrix.
 * Backprop's feedback is the weight itself and is not written again.
 *
 * <p>Written here, the header with Jackson: the format is a length, a JSON object and the bytes, and
 * no Java library for it is in the Maven Central listing this project builds from.
 */
public final class SafetensorsExport {
    /** The file a finished run writes beside model.ckpt. */
    public static final String FILE = "model.safetensors";

    /** A bound on the header's metadata: its text is fixed but for dataset names, sizes and the build. */
    private static final long METADATA_BYTES = 4096;
    /** A bound on one tensor's header entry, {@code "F.layers.9.feedback":{"dtype":..."data_offsets":[...]}}. */
    private static final long ENTRY_BYTES = 256;

    private SafetensorsExport() {
    }

    /** What a reader needs besides the tensors to run the networks: their inputs' standardisation. */
    public record Inputs(Normalization forward, Normalization reverse) {
    }

    /**
     * At most the size of the file {@link #write} writes for a model of {@code spec}, from the shapes:
     * every tensor is a view of one stored matrix, and a matrix is written at most twice (once for each
     * network that reads it), so the data is at most twice the parameter memory; the header holds
     * {@link #METADATA_BYTES} of metadata and at most {@link #ENTRY_BYTES} per tensor (its entry and
     * its name in the tied groups), for at most three tensors (weight, bias, feedback) per layer.
     */
    public static long maxFileSize(BidirectionalModel.ModelSpec spec) {
        long tensors = 2L * 3 * spec.layers();
        return Math.addExact(Math.multiplyExact(2, BidirectionalModel.memoryNeed(spec).parameterBytes()),
                Long.BYTES + METADATA_BYTES + tensors * ENTRY_BYTES);
    }

    /** Writes {@code model} (trained by {@code config} to {@code step}) to {@code file}, replacing it atomically. */
    public static void write(Path file, BidirectionalModel model, RunConfig config, long step, Inputs inputs)
            throws IOException {
        Map<String, FloatMatrix> tensors = new LinkedHashMap<>();
        for (Network network : List.of(model.forward(), model.reverse())) {
            for (Layer layer : network.layers()) {
                String prefix = network.name() + ".layers." + layer.index() + ".";
                tensors.put(prefix + "weight", layer.weight());
                tensors.put(prefix + "bias", layer.bias());
                if (layer.feedback() != null && network.rule().feedback() != LearningRule.Feedback.OWN_WEIGHTS) {
                    tensors.put(prefix + "feedback", layer.feedback());
                }
            }
        }
        ObjectNode header = JsonFields.MAPPER.createObjectNode();
        long offset = 0;
        for (Map.Entry<String, FloatMatrix> e : tensors.entrySet()) {
            FloatMatrix m = e.getValue();
            long bytes = (long) m.rows() * m.cols() * Float.BYTES;
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            if (e.getKey().endsWith(".bias")) {
                shape.add(m.cols());
            } else {
                shape.add(m.rows()).add(m.cols());
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        header.set("__metadata__", metadata(config, step, inputs, tensors));
        byte[] json = JsonFields.MAPPER.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        // The format lets the header end in spaces; 8-byte alignment keeps the data aligned for readers that map it.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(Long.BYTES + padded + offset)).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        for (FloatMatrix m : tensors.values()) {
            for (float v : m.toArray()) {
                out.putFloat(v);
            }
        }
        AtomicFiles.write(file, out.array());
    }

    private static ObjectNode metadata(RunConfig config, long step, Inputs inputs, Map<String, FloatMatrix> tensors) {
        ObjectNode m = JsonFields.MAPPER.createObjectNode();
        m.put("format", "bfa model, F (forward) and R (reverse) networks");
        m.put("mode", config.mode().cliName());
        m.put("rule", config.mode().rule().name());
        m.put("coupling", config.mode().coupling().cliName());
        m.put("step", Long.toString(step));
        m.put("seed", Long.toString(config.seed()));
        m.put("activation", config.activation().cliName());
        m.put("layer", "hidden: h_out = activation(z - mean(z)), z = h_in @ weight.T + bias, the mean over each "
                + "row's units; last layer: logits = h_in @ weight.T + bias");
        m.put("input", "x = (pixel / 255 - mean) / std per network, pixels flattened row-major (CIFAR-10: R, G, B "
                + "planes)");
        m.put("F.dataset", config.forwardDataset());
        m.put("F.input.mean", Float.toString(inputs.forward().mean()));
        m.put("F.input.std", Float.toString(inputs.forward().std()));
        m.put("R.dataset", config.reverseDataset());
        m.put("R.input.mean", Float.toString(inputs.reverse().mean()));
        m.put("R.input.std", Float.toString(inputs.reverse().std()));
        m.put("tied", tied(tensors));
        m.put("bfa_version", Provenance.buildVersion());
        Provenance.buildCommit().ifPresent(commit -> m.put("bfa_git_commit", commit));
        return m;
    }

    /** The names whose views share their elements (one stored matrix), as a JSON array of arrays of names. */
    private static String tied(Map<String, FloatMatrix> tensors) {
        ArrayNode groups = JsonFields.MAPPER.createArrayNode();
        List<String> grouped = new ArrayList<>();
        for (Map.Entry<String, FloatMatrix> first : tensors.entrySet()) {
            if (grouped.contains(first.getKey())) {
                continue;
            }
            List<String> names = new ArrayList<>();
            tensors.forEach((name, view) -> {
                if (Shapes.overlap(view, first.getValue())) {
                    names.add(name);
                }
            });
            if (names.size() > 1) {
                grouped.addAll(names);
                ArrayNode group = groups.addArray();
                names.forEach(group::add);
            }
        }
        return groups.toString();
    }
}
