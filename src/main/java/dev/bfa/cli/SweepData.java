package dev.bfa.cli;

import dev.bfa.data.Dataset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The datasets of a sweep's cells, each loaded once and shared by every cell that trains on it (the
 * training loop only reads them). Loading fetches a missing dataset when {@code fetch} allows; an
 * array task on a cluster must not, since its siblings would race it: the submitting command
 * fetches for all of them.
 */
final class SweepData implements AutoCloseable {
    private final Path directory;
    private final boolean fetch;
    private final Map<String, Dataset> loaded = new LinkedHashMap<>();

    SweepData(Path directory, boolean fetch) {
        this.directory = directory;
        this.fetch = fetch;
    }

    Path directory() {
        return directory;
    }

    synchronized Dataset get(String name) {
        Dataset dataset = loaded.get(name);
        if (dataset == null) {
            dataset = fetch ? RunSupport.load(name, directory) : RunSupport.loadPresent(name, directory);
            loaded.put(name, dataset);
        }
        return dataset;
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(Dataset::close);
        loaded.clear();
    }
}
