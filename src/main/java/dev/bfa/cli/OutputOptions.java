package dev.bfa.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a training command writes, and how much it tells while it runs. */
final class OutputOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/NAME-TIMESTAMP).")
    Path out;

    @Option(names = "--overwrite", description = "Replace what --out already holds.")
    boolean overwrite;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    /** --out, or runs/NAME-TIMESTAMP, made ready for a new run. */
    Path prepare(String name) {
        Path dir = out != null ? out : RunSupport.defaultOutput(name);
        RunSupport.prepareOutput(dir, overwrite);
        return dir;
    }
}
