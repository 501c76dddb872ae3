package dev.bfa.cli;

import dev.bfa.experiment.TrainingRun;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Option;

/** The {@code --checkpoint-every} option of the training commands. */
final class CheckpointOptions {
    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Also save model.ckpt every N steps (default: only at the end and on Ctrl-C), so that a "
                    + "crashed run loses at most N steps to --resume.")
    Long every;

    /** Checkpoints every --checkpoint-every steps (or at the end only), stopping when {@code stop} says. */
    TrainingRun.Control control(BooleanSupplier stop) {
        if (every != null && every < 1) {
            throw new CliException("--checkpoint-every " + every + " must be at least 1 step", CliException.USAGE);
        }
        return new TrainingRun.Control(every == null ? 0 : every, stop);
    }
}
