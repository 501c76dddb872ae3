package dev.bfa.data;

import dev.bfa.text.UserText;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The datasets bfa knows: their command-line name (also the sub-directory of the data directory
 * that holds their files), input size, class count and original file names.
 */
public enum DatasetId {
    MNIST("mnist", 784, Format.IDX),
    FASHION_MNIST("fashion-mnist", 784, Format.IDX),
    CIFAR10("cifar10", 3072, Format.CIFAR10_BINARY);

    /** How a dataset's files are stored. */
    public enum Format {
        /** Four IDX files (images and labels, train and test), each plain or gzip-compressed. */
        IDX,
        /** The CIFAR-10 binary version: records of 1 label byte and 3072 pixel bytes. */
        CIFAR10_BINARY
    }

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** IDX files may also be stored gzip-compressed under their name plus this suffix. */
    public static final String GZIP_SUFFIX = ".gz";

    public static final List<String> CIFAR10_TRAIN_BATCHES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String CIFAR10_TEST_BATCH = "test_batch.bin";
    /** The folder the CIFAR-10 binary archive extracts to; accepted inside the dataset directory. */
    public static final String CIFAR10_SUBFOLDER = "cifar-10-batches-bin";

    private final String cliName;
    private final int inputSize;
    private final Format format;

    DatasetId(String cliName, int inputSize, Format format) {
        this.cliName = cliName;
        this.inputSize = inputSize;
        this.format = format;
    }

    /** The name on the command line, e.g. {@code fashion-mnist}. */
    public String cliName() {
        return cliName;
    }

    /** The sub-directory of the data directory holding this dataset's files (the CLI name). */
    public String directoryName() {
        return cliName;
    }

    /** Pixel bytes per example: 784 (28x28 grey) or 3072 (3x32x32 colour). */
    public int inputSize() {
        return inputSize;
    }

    /** Number of classes: 10 for all three. */
    public int classes() {
        return 10;
    }

    public Format format() {
        return format;
    }

    /** Original names of the training files (IDX: images then labels; CIFAR-10: the five batches). */
    public List<String> trainFileNames() {
        return format == Format.IDX ? List.of(TRAIN_IMAGES, TRAIN_LABELS) : CIFAR10_TRAIN_BATCHES;
    }

    /** Original names of the test files (IDX: images then labels; CIFAR-10: the test batch). */
    public List<String> testFileNames() {
        return format == Format.IDX ? List.of(TEST_IMAGES, TEST_LABELS) : List.of(CIFAR10_TEST_BATCH);
    }

    /** Whether {@code bfa fetch} can bring this dataset (CIFAR-10 must be supplied by hand). */
    public boolean fetchable() {
        return format == Format.IDX;
    }

    /**
     * The dataset named {@code name}: its CLI name, case-insensitively (the enum constant name is
     * accepted too, e.g. {@code FASHION_MNIST}).
     *
     * @throws IllegalArgumentException naming the valid names
     */
    public static DatasetId parse(String name) {
        if (name != null) {
            String wanted = name.strip().toLowerCase(Locale.ROOT);
            for (DatasetId id : values()) {
                if (id.cliName.equals(wanted) || id.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return id;
                }
            }
        }
        throw new IllegalArgumentException("unknown dataset " + UserText.quote(name) + "; valid names: " + validNames());
    }

    /** The CLI names, comma-separated: {@code mnist, fashion-mnist, cifar10}. */
    public static String validNames() {
        return Arrays.stream(values()).map(DatasetId::cliName).collect(Collectors.joining(", "));
    }

    /** The CLI name. */
    @Override
    public String toString() {
        return cliName;
    }
}
