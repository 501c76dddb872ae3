package dev.bfa.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --data-dir} option shared by the commands that read datasets. */
final class DataDirOption {
    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Directory holding mnist/, fashion-mnist/ and cifar10/ (default: the project's data/).")
    Path dataDir;

    /**
     * The chosen directory: the option, else ${bfa.home}/data (set by ./bfa), else ./data. A path
     * that exists and is not a directory is refused here, before a fetch would try to write under it.
     */
    Path resolve() {
        if (dataDir != null) {
            if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
                throw new CliException("--data-dir " + dataDir + ": is a file, not a directory", CliException.USAGE);
            }
            return dataDir;
        }
        String home = System.getProperty("bfa.home");
        return home == null ? Path.of("data") : Path.of(home, "data");
    }
}
