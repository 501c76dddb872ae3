package dev.bfa.cli;

import dev.bfa.data.Checksums;
import dev.bfa.data.DataFetcher;
import dev.bfa.data.DataFormatException;
import dev.bfa.data.FetchException;
import dev.bfa.data.Dataset;
import dev.bfa.data.DatasetId;
import dev.bfa.report.Progress;
import dev.bfa.report.ReportException;
import dev.bfa.training.Divergence;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.stream.Stream;

/** What train, reproduce and eval share: loading data, preparing the output directory, progress. */
final class RunSupport {
    private RunSupport() {
    }

    /** Loads a dataset, fetching it first when it is missing and can be fetched on this machine. */
    static Dataset load(String name, Path dataDir) {
        try {
            DatasetId id = DatasetId.parse(name);
            if (id.fetchable() && !Dataset.isPresent(id, dataDir)) {
                System.err.println("bfa: " + id.cliName() + " is not in " + dataDir + ", fetching it first");
                new DataFetcher(dataDir, Checksums.locate(), line -> System.err.println("bfa: " + line)).fetch(id);
            }
            return Dataset.load(id, dataDir);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        } catch (DataFormatException | FetchException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Makes sure {@code dir} can take a new run: absent, empty, or {@code overwrite} given. */
    static void prepareOutput(Path dir, boolean overwrite) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new CliException("--out " + dir + " exists and is not a directory", CliException.USAGE);
            }
            if (Files.isDirectory(dir)) {
                boolean empty;
                try (Stream<Path> entries = Files.list(dir)) {
                    empty = entries.findAny().isEmpty();
                }
                if (!empty && !overwrite) {
                    throw new CliException("--out " + dir + " already holds files; choose another directory or add "
                            + "--overwrite", CliException.USAGE);
                }
            }
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                throw new CliException("--out " + dir + " is not writable");
            }
        } catch (IOException e) {
            throw new CliException("cannot create --out " + dir + ": " + e.getMessage());
        }
    }

    /** The default run directory: runs/NAME-yyyyMMdd-HHmmss under the project (or the working directory). */
    static Path defaultOutput(String name) {
        String stamp = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String home = System.getProperty("bfa.home");
        Path runs = home == null ? Path.of("runs") : Path.of(home, "runs");
        return runs.resolve(name + "-" + stamp);
    }

    static Function<RunConfig, Progress> progress(boolean quiet, int forwardTrain, int reverseTrain, long startStep) {
        return config -> Progress.builder(config.mode().cliName(), config.steps())
                .startStep(startStep)
                .epochs(config.batch(), forwardTrain, reverseTrain)
                .quiet(quiet)
                .build();
    }

    /** Runs {@code body}, turning the failures a user can act on into one-line errors. */
    static <T> T reportingFailures(IoBody<T> body) {
        try {
            return body.run();
        } catch (IOException | UncheckedIOException | ReportException | DataFormatException e) {
            throw new CliException(e.getMessage());
        } catch (Divergence.DivergedException e) {
            throw new CliException(e.getMessage(), CliException.DIVERGED);
        }
    }

    @FunctionalInterface
    interface IoBody<T> {
        T run() throws IOException;
    }
}
