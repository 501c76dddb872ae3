package dev.bfa.cli;

import dev.bfa.experiment.TrainingRun;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Option;

/** What the training commands save besides their metrics: checkpoints, and the weights for other tools. */
final class CheckpointOptions {
    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Also save model.ckpt every N steps (default: only at the end and on Ctrl-C), so that a "
                    + "crashed run loses at most N steps to --resume.")
    Long every;

    @Option(names = "--no-safetensors", description = "Do not write model.safetensors at the end (bfa export writes it "
            + "later from model.ckpt).")
    boolean noSafetensors;

    /** Whether a finished run writes model.safetensors. */
    boolean exportsWeights() {
        return !noSafetensors;
    }

    /** Checkpoints every --checkpoint-every steps (or at the end only), stopping when {@code stop} says. */
    TrainingRun.Control control(BooleanSupplier stop) {
        if (every != null && every < 1) {
            throw new CliException("--checkpoint-every " + every + " must be at least 1 step", CliException.USAGE);
        }
        return new TrainingRun.Control(every == null ? 0 : every, stop, exportsWeights());
    }
}
