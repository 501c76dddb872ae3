package dev.bfa.cli;

import dev.bfa.data.DatasetId;
import dev.bfa.data.TestFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Tiny datasets in the real file formats, and CLI runs of a few steps on them. */
final class TinyRuns {
    static final int TRAIN = 96;
    static final int TEST = 40;
    /** A run that takes a fraction of a second. */
    static final List<String> SMALL = List.of("--steps", "6", "--eval-every", "3", "--batch", "16", "--width", "12",
            "--depth", "3", "--threads", "2", "--quiet");

    private TinyRuns() {
    }

    /** mnist and fashion-mnist under {@code dataDir}: plain IDX files, and one gzipped. */
    static void writeIdxDatasets(Path dataDir) {
        TestFiles.writeTinyMnistPair(dataDir, TRAIN, TEST);
    }

    /** cifar10 under {@code dataDir}: five training batches and the test batch of a few records each. */
    static void writeCifar10(Path dataDir) {
        Path dir = dataDir.resolve(DatasetId.CIFAR10.directoryName());
        List<String> names = new ArrayList<>(DatasetId.CIFAR10_TRAIN_BATCHES);
        names.add(DatasetId.CIFAR10_TEST_BATCH);
        for (int i = 0; i < names.size(); i++) {
            int records = 8;
            TestFiles.write(dir.resolve(names.get(i)), TestFiles.cifar(TestFiles.labels(records, 10),
                    TestFiles.pixels(records * 3072, i)));
        }
    }

    /**
     * {@code command} with the data directory, {@link #SMALL}, {@code extra} and --out; an option in
     * {@code extra} replaces the one of {@link #SMALL} (picocli refuses an option given twice).
     */
    static CliRun run(String command, Path dataDir, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(command, "--data-dir", dataDir.toString()));
        List<String> given = Arrays.asList(extra);
        for (int i = 0; i < SMALL.size(); i++) {
            boolean takesValue = i + 1 < SMALL.size() && !SMALL.get(i + 1).startsWith("--");
            if (!given.contains(SMALL.get(i))) {
                args.add(SMALL.get(i));
                if (takesValue) {
                    args.add(SMALL.get(i + 1));
                }
            }
            if (takesValue) {
                i++;
            }
        }
        args.addAll(given);
        args.addAll(List.of("--out", out.toString()));
        return CliRun.of(args.toArray(String[]::new));
    }
}
