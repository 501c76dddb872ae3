package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.experiment.SafetensorsExport;
import dev.bfa.experiment.SavedModel;
import dev.bfa.training.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bfa export}: a saved model as a safetensors file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a saved model (a run directory or its model.ckpt) as a safetensors file for NumPy, "
                + "PyTorch or JAX: each layer's weight (out x in), bias and feedback matrix under F.layers.L.* and "
                + "R.layers.L.*, with the activation, centring, input standardisation and tied matrices in its "
                + "metadata (docs/python.md).",
                "A finished train or reproduce run has written RUN/model.safetensors already."})
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "RUN", description = "A run directory, or a model.ckpt file.")
    Path run;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write (default: model.safetensors beside the checkpoint).")
    Path out;

    @Mixin
    DataDirOption data;

    @Override
    public Integer call() {
        Path checkpoint = RunSupport.checkpointOf(run);
        Path file = out != null ? out : checkpoint.toAbsolutePath().resolveSibling(SafetensorsExport.FILE);
        if (Files.isDirectory(file)) {
            throw new CliException("--out " + file + ": is a directory; give the file to write", CliException.USAGE);
        }
        RunConfig config = RunSupport.reportingFailures(() -> SavedModel.config(checkpoint));
        // The datasets give the networks' input sizes and the standardisation the file records.
        try (Dataset forward = RunSupport.load(config.forwardDataset(), data.resolve());
             Dataset reverse = RunSupport.load(config.reverseDataset(), data.resolve())) {
            RunSupport.checkMemory(List.of(config), forward, reverse,
                    "the model in " + checkpoint + " is too large for this machine");
            long step = RunSupport.reportingFailures(() -> SavedModel.export(checkpoint, forward, reverse, file));
            spec.commandLine().getOut().printf("%s at step %d: %s%n", config.mode().cliName(), step, file);
        }
        return 0;
    }
}
