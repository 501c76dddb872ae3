package dev.bfa.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a training command writes, and how much it tells while it runs. */
final class OutputOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/NAME-TIMESTAMP).")
    Path out;

    @Option(names = "--overwrite",
            description = "Write into --out even if it already holds files (another run's are replaced).")
    boolean overwrite;

    @Option(names = "--quiet", description = "No progress display.")
    boolean quiet;

    /** Refuses --out and --overwrite where they contradict --resume {@code dir}. */
    void checkResume(Path dir) {
        if (out != null && !out.toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())) {
            throw new CliException("--out " + out + " and --resume " + dir + " name different directories; "
                    + "a resumed run continues in its own", CliException.USAGE);
        }
        if (overwrite) {
            throw new CliException("--overwrite would discard the run that --resume continues; give one of them",
                    CliException.USAGE);
        }
    }

    /**
     * --out, or runs/NAME-TIMESTAMP, checked for a new run but not created: the command creates it
     * ({@link RunSupport#createOutput}) once everything else has been checked.
     */
    Path check(String name) {
        Path dir = out != null ? out : RunSupport.defaultOutput(name);
        RunSupport.checkOutput(dir, overwrite);
        return dir;
    }
}
