package dev.bfa.experiment;

import dev.bfa.data.Dataset;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Kernels;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.report.RunFiles;
import dev.bfa.training.NetworkPass;
import dev.bfa.training.RunConfig;
import dev.bfa.training.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/** A model.ckpt evaluated on the test sets its run was trained for. */
public final class SavedModel {
    private SavedModel() {
    }

    /** What a checkpoint says about itself, and how well it classifies the test sets. */
    public record Evaluation(RunConfig config, long step, Trainer.Accuracy accuracy) {
    }

    /** The configuration stored in {@code checkpoint}. */
    public static RunConfig config(Path checkpoint) throws IOException {
        return RunFiles.parseConfig(Checkpoint.readHeader(checkpoint).configJson(), checkpoint.toString());
    }

    /** Writes the model in {@code checkpoint} as a safetensors file; returns the step it was saved at. */
    public static long export(Path checkpoint, Dataset forward, Dataset reverse, Path file) throws IOException {
        RunConfig config = config(checkpoint);
        try (BidirectionalModel model = BidirectionalModel.create(TrainingRun.modelSpec(config, forward.features(),
                reverse.features(), forward.classes()))) {
            Checkpoint.Header header = Checkpoint.load(checkpoint, model);
            SafetensorsExport.write(file, model, config, header.step(),
                    new SafetensorsExport.Inputs(forward.normalization(), reverse.normalization()));
            return header.step();
        }
    }

    public static Evaluation evaluate(Path checkpoint, Dataset forward, Dataset reverse, Kernels kernels,
                                      ComputePool pool) throws IOException {
        RunConfig config = config(checkpoint);
        try (BidirectionalModel model = BidirectionalModel.create(TrainingRun.modelSpec(config, forward.features(),
                reverse.features(), forward.classes()))) {
            Checkpoint.Header header = Checkpoint.load(checkpoint, model);
            try (NetworkPass f = new NetworkPass(model.forward(), config.batch(), kernels, pool);
                 NetworkPass r = new NetworkPass(model.reverse(), config.batch(), kernels, pool)) {
                double forwardAccuracy = f.accuracy(new DatasetExamples(forward.test(), forward.normalization()));
                double reverseAccuracy = r.accuracy(new DatasetExamples(reverse.test(), reverse.normalization()));
                return new Evaluation(config, header.step(), new Trainer.Accuracy(forwardAccuracy, reverseAccuracy));
            }
        }
    }
}
