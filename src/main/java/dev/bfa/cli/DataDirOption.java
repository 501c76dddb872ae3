package dev.bfa.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option shared by the commands that read datasets. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding mnist/, fashion-mnist/ and cifar10/ (default: the project's data/).")
    Path dataDir;

    /** The chosen directory: the option, else ${bfa.home}/data (set by ./bfa), else ./data. */
    Path resolve() {
        if (dataDir != null) {
            return dataDir;
        }
        String home = System.getProperty("bfa.home");
        return home == null ? Path.of("data") : Path.of(home, "data");
    }
}
