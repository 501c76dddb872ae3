package dev.bfa.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The training and test sets of one {@link DatasetId} with the training set's {@link Normalization}.
 * Closing it frees both sets' memory.
 *
 * <p>Files live under {@code <dataDir>/<name>/} (see {@link DatasetId#directoryName()}): for the
 * IDX datasets the four original files, each plain or with {@code .gz}; for CIFAR-10 the six binary
 * batches, directly there or in its {@code cifar-10-batches-bin/} subfolder.
 */
public final class Dataset implements AutoCloseable {
    private final DatasetId id;
    private final LabeledImages train;
    private final LabeledImages test;
    private final Normalization normalization;

    private Dataset(DatasetId id, LabeledImages train, LabeledImages test, Normalization normalization) {
        this.id = id;
        this.train = train;
        this.test = test;
        this.normalization = normalization;
    }

    /**
     * Wraps sets read elsewhere (synthetic data, tests) and computes the normalisation from
     * {@code train}; the dataset takes ownership and closes both.
     */
    public static Dataset of(DatasetId id, LabeledImages train, LabeledImages test) {
        Objects.requireNonNull(id, "id");
        if (train.features() != test.features() || train.classes() != test.classes()) {
            throw new IllegalArgumentException("train (" + train + ") and test (" + test + ") differ in shape");
        }
        return new Dataset(id, train, test, Normalization.of(train));
    }

    /** The directory holding {@code id}'s files: {@code dataDir/<name>}. */
    public static Path directory(DatasetId id, Path dataDir) {
        return dataDir.resolve(id.directoryName());
    }

    /**
     * Reads {@code id} from {@code dataDir/<name>/} and computes its normalisation.
     *
     * @throws DataFormatException if files are missing (the message lists them and says how to get
     *     them) or any file is invalid
     */
    public static Dataset load(DatasetId id, Path dataDir) {
        Located files = locate(id, dataDir);
        LabeledImages train = null;
        LabeledImages test = null;
        try {
            train = read(id, files.train);
            test = read(id, files.test);
            Normalization normalization;
            try {
                normalization = Normalization.of(train);
            } catch (DataFormatException e) {
                throw new DataFormatException(files.train.getFirst() + ": " + e.getMessage(), e);
            }
            return new Dataset(id, train, test, normalization);
        } catch (RuntimeException | Error e) {
            if (train != null) {
                train.close();
            }
            if (test != null) {
                test.close();
            }
            throw e;
        }
    }

    /** Whether every file {@code id} needs exists under {@code dataDir} (their contents unchecked). */
    public static boolean isPresent(DatasetId id, Path dataDir) {
        return missingFiles(id, dataDir).isEmpty();
    }

    /**
     * The files {@code id} needs that are not under {@code dataDir/<name>/}, as names relative to that
     * directory ({@code train-images-idx3-ubyte[.gz]}, {@code data_batch_3.bin}); empty if all are there.
     */
    public static List<String> missingFiles(DatasetId id, Path dataDir) {
        Path dir = directory(id, dataDir);
        List<String> missing = new ArrayList<>();
        if (id.format() == DatasetId.Format.IDX) {
            for (String name : allNames(id)) {
                if (idxFile(dir, name) == null) {
                    missing.add(name + "[" + DatasetId.GZIP_SUFFIX + "]");
                }
            }
            return missing;
        }
        List<String> inSubfolder = new ArrayList<>();
        for (String name : allNames(id)) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                missing.add(name);
            }
            if (!Files.isRegularFile(dir.resolve(DatasetId.CIFAR10_SUBFOLDER).resolve(name))) {
                inSubfolder.add(name);
            }
        }
        return inSubfolder.isEmpty() ? inSubfolder : missing;
    }

    private record Located(List<Path> train, List<Path> test) {
    }

    private static Located locate(DatasetId id, Path dataDir) {
        Path dir = directory(id, dataDir);
        List<String> missing = missingFiles(id, dataDir);
        if (!missing.isEmpty()) {
            throw new DataFormatException(id + " data not found: " + dir + " lacks " + String.join(", ", missing)
                    + "; " + howToGet(id, dataDir));
        }
        if (id.format() == DatasetId.Format.IDX) {
            return new Located(id.trainFileNames().stream().map(n -> idxFile(dir, n)).toList(),
                    id.testFileNames().stream().map(n -> idxFile(dir, n)).toList());
        }
        Path base = allNames(id).stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)))
                ? dir : dir.resolve(DatasetId.CIFAR10_SUBFOLDER);
        return new Located(id.trainFileNames().stream().map(base::resolve).toList(),
                id.testFileNames().stream().map(base::resolve).toList());
    }

    /** What the user should do to supply {@code id}'s files. */
    public static String howToGet(DatasetId id, Path dataDir) {
        if (id.fetchable()) {
            return "run './bfa fetch' to download it";
        }
        return "CIFAR-10 cannot be fetched by bfa: download the CIFAR-10 binary version (cifar-10-binary.tar.gz)"
                + " elsewhere and extract it into " + directory(id, dataDir) + "/ (data_batch_1.bin .. data_batch_5.bin"
                + " and test_batch.bin, directly or in " + DatasetId.CIFAR10_SUBFOLDER + "/)";
    }

    private static List<String> allNames(DatasetId id) {
        List<String> names = new ArrayList<>(id.trainFileNames());
        names.addAll(id.testFileNames());
        return names;
    }

    /** The plain file if it exists, else the {@code .gz} one, else null. */
    private static Path idxFile(Path dir, String name) {
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + DatasetId.GZIP_SUFFIX);
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static LabeledImages read(DatasetId id, List<Path> files) {
        LabeledImages images = id.format() == DatasetId.Format.IDX
                ? IdxReader.read(files.get(0), files.get(1), id.classes())
                : Cifar10Reader.read(files, id.classes());
        if (images.features() != id.inputSize()) {
            images.close();
            throw new DataFormatException(files.getFirst() + ": images have " + images.features()
                    + " pixels, expected " + id.inputSize() + " for " + id);
        }
        return images;
    }

    public DatasetId id() {
        return id;
    }

    public LabeledImages train() {
        return train;
    }

    public LabeledImages test() {
        return test;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** Input size: pixel bytes per example. */
    public int features() {
        return train.features();
    }

    public int classes() {
        return train.classes();
    }

    @Override
    public void close() {
        train.close();
        test.close();
    }

    @Override
    public String toString() {
        return id + ": " + train.count() + " training and " + test.count() + " test examples of " + features()
                + " pixels, " + classes() + " classes, normalisation mean " + normalization.mean() + " std "
                + normalization.std();
    }
}
