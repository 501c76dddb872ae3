package dev.bfa.data;

import static dev.bfa.data.TestFiles.cifar;
import static dev.bfa.data.TestFiles.gzip;
import static dev.bfa.data.TestFiles.idxImages;
import static dev.bfa.data.TestFiles.idxLabels;
import static dev.bfa.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and loading a dataset's files under the data directory, and its names. */
class DatasetTest {
    @TempDir
    Path data;

    private void writeIdx(DatasetId id, int train, int test, int rows, int cols, boolean gzipped) {
        Path dir = data.resolve(id.directoryName());
        String gz = gzipped ? ".gz" : "";
        byte[] trainPixels = TestFiles.pixels(train * rows * cols, 1);
        byte[] testPixels = TestFiles.pixels(test * rows * cols, 2);
        byte[] trainImages = idxImages(train, rows, cols, trainPixels);
        byte[] testImages = idxImages(test, rows, cols, testPixels);
        write(dir.resolve(DatasetId.TRAIN_IMAGES + gz), gzipped ? gzip(trainImages) : trainImages);
        // labels stay plain: plain and .gz may be mixed
        write(dir.resolve(DatasetId.TRAIN_LABELS), idxLabels(TestFiles.labels(train, 10)));
        write(dir.resolve(DatasetId.TEST_IMAGES + gz), gzipped ? gzip(testImages) : testImages);
        write(dir.resolve(DatasetId.TEST_LABELS), idxLabels(TestFiles.labels(test, 10)));
    }

    @Test
    void loadsAnIdxDatasetWithItsNormalisation() {
        writeIdx(DatasetId.MNIST, 6, 4, 28, 28, false);
        try (Dataset d = Dataset.load(DatasetId.MNIST, data)) {
            assertThat(d.id()).isEqualTo(DatasetId.MNIST);
            assertThat(d.train().count()).isEqualTo(6);
            assertThat(d.test().count()).isEqualTo(4);
            assertThat(d.features()).isEqualTo(784);
            assertThat(d.classes()).isEqualTo(10);
            assertThat(d.normalization()).isEqualTo(Normalization.of(d.train()));
            assertThat(d.train().pixel(5, 783)).isEqualTo(TestFiles.pixels(6 * 784, 1)[6 * 784 - 1] & 0xFF);
            assertThat(d.toString()).contains("6 training and 4 test examples");
        }
    }

    @Test
    void loadsGzippedFiles() {
        writeIdx(DatasetId.FASHION_MNIST, 3, 2, 28, 28, true);
        assertThat(Dataset.isPresent(DatasetId.FASHION_MNIST, data)).isTrue();
        try (Dataset d = Dataset.load(DatasetId.FASHION_MNIST, data)) {
            assertThat(d.train().count()).isEqualTo(3);
            assertThat(d.test().count()).isEqualTo(2);
        }
    }

    @Test
    void missingFilesAreListedWithHowToGetThem() {
        assertThat(Dataset.isPresent(DatasetId.MNIST, data)).isFalse();
        assertThatThrownBy(() -> Dataset.load(DatasetId.MNIST, data)).isInstanceOf(DataFormatException.class)
                .hasMessage("mnist data not found: " + data.resolve("mnist") + " lacks train-images-idx3-ubyte[.gz],"
                        + " train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz];"
                        + " run './bfa fetch' to download it");

        writeIdx(DatasetId.FASHION_MNIST, 3, 2, 28, 28, true);
        Path labels = data.resolve("fashion-mnist").resolve(DatasetId.TEST_LABELS);
        labels.toFile().delete();
        assertThat(Dataset.missingFiles(DatasetId.FASHION_MNIST, data)).containsExactly("t10k-labels-idx1-ubyte[.gz]");
        assertThatThrownBy(() -> Dataset.load(DatasetId.FASHION_MNIST, data))
                .hasMessageContaining("lacks t10k-labels-idx1-ubyte[.gz];");
    }

    @Test
    void wrongImageSizeForTheDataset() {
        writeIdx(DatasetId.MNIST, 3, 2, 2, 3, false);
        assertThatThrownBy(() -> Dataset.load(DatasetId.MNIST, data)).isInstanceOf(DataFormatException.class)
                .hasMessage(data.resolve("mnist").resolve(DatasetId.TRAIN_IMAGES) + ": images have 6 pixels,"
                        + " expected 784 for mnist");
    }

    @Test
    void invalidTestFileFailsAfterTheTrainingSetLoaded() throws Exception {
        writeIdx(DatasetId.MNIST, 3, 2, 28, 28, false);
        Path testLabels = data.resolve("mnist").resolve(DatasetId.TEST_LABELS);
        Files.write(testLabels, idxLabels(new byte[] {1, 12}));
        assertThatThrownBy(() -> Dataset.load(DatasetId.MNIST, data)).isInstanceOf(DataFormatException.class)
                .hasMessage(testLabels + ": label 12 at index 1 is outside 0..9");
    }

    private void writeCifar(Path dir) {
        int p = Cifar10Reader.PIXELS;
        for (int b = 0; b < 5; b++) {
            write(dir.resolve(DatasetId.CIFAR10_TRAIN_BATCHES.get(b)),
                    cifar(new byte[] {(byte) b, (byte) (b + 5)}, TestFiles.pixels(2 * p, b)));
        }
        write(dir.resolve(DatasetId.CIFAR10_TEST_BATCH), cifar(new byte[] {3}, TestFiles.pixels(p, 9)));
    }

    @Test
    void loadsCifar10DirectlyOrFromItsArchiveFolder() {
        writeCifar(data.resolve("cifar10").resolve("cifar-10-batches-bin"));
        try (Dataset d = Dataset.load(DatasetId.CIFAR10, data)) {
            assertThat(d.train().count()).isEqualTo(10);
            assertThat(d.test().count()).isEqualTo(1);
            assertThat(d.features()).isEqualTo(3072);
            assertThat(d.train().labels()).containsExactly(0, 5, 1, 6, 2, 7, 3, 8, 4, 9);
        }
        Path other = data.resolve("other");
        writeCifar(other.resolve("cifar10"));
        try (Dataset d = Dataset.load(DatasetId.CIFAR10, other)) {
            assertThat(d.train().count()).isEqualTo(10);
        }
    }

    @Test
    void missingCifar10SaysHowToSupplyIt() {
        assertThatThrownBy(() -> Dataset.load(DatasetId.CIFAR10, data)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("cifar10 data not found: " + data.resolve("cifar10") + " lacks data_batch_1.bin,")
                .hasMessageContaining("test_batch.bin; CIFAR-10 cannot be fetched by bfa: download the CIFAR-10 binary"
                        + " version (cifar-10-binary.tar.gz) elsewhere and extract it into " + data.resolve("cifar10"))
                .hasMessageContaining("cifar-10-batches-bin/");
    }

    @Test
    void datasetIdNamesAndParsing() {
        assertThat(DatasetId.parse("mnist")).isEqualTo(DatasetId.MNIST);
        assertThat(DatasetId.parse(" Fashion-MNIST ")).isEqualTo(DatasetId.FASHION_MNIST);
        assertThat(DatasetId.parse("FASHION_MNIST")).isEqualTo(DatasetId.FASHION_MNIST);
        assertThat(DatasetId.parse("cifar10")).isEqualTo(DatasetId.CIFAR10);
        assertThatThrownBy(() -> DatasetId.parse("cifar100")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown dataset 'cifar100'; valid names: mnist, fashion-mnist, cifar10");
        assertThat(DatasetId.MNIST.inputSize()).isEqualTo(784);
        assertThat(DatasetId.FASHION_MNIST.inputSize()).isEqualTo(784);
        assertThat(DatasetId.CIFAR10.inputSize()).isEqualTo(3072);
        assertThat(DatasetId.CIFAR10.classes()).isEqualTo(10);
        assertThat(DatasetId.FASHION_MNIST.directoryName()).isEqualTo("fashion-mnist");
        assertThat(DatasetId.FASHION_MNIST).hasToString("fashion-mnist");
        assertThat(DatasetId.CIFAR10.trainFileNames()).hasSize(5);
        assertThat(DatasetId.CIFAR10.fetchable()).isFalse();
    }
}
