package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The real datasets, when {@code ./bfa fetch} has put them under {@code data/} (skipped otherwise):
 * their files match the checksum table, the counts are the published ones, the labels look sane and
 * the normalisation has the well-known values.
 */
class RealDataTest {
    private static final Path DATA = Path.of("data");

    private static void assumePresent(DatasetId id) {
        Assumptions.assumeTrue(Dataset.isPresent(id, DATA), id + " is not under " + DATA.toAbsolutePath()
                + " (run ./bfa fetch)");
    }

    @Test
    void mnist() {
        assumePresent(DatasetId.MNIST);
        assertThat(new DataFetcher(DATA, Checksums.load(Path.of(Checksums.PROJECT_FILE)), line -> { })
                .isPresent(DatasetId.MNIST)).as("checksums").isTrue();
        try (Dataset d = Dataset.load(DatasetId.MNIST, DATA)) {
            assertThat(d.train().count()).isEqualTo(60_000);
            assertThat(d.test().count()).isEqualTo(10_000);
            assertThat(d.features()).isEqualTo(784);
            int[] train = d.train().labelHistogram();
            int[] test = d.test().labelHistogram();
            for (int c = 0; c < 10; c++) {
                assertThat(train[c]).as("class %d", c).isBetween(5_000, 7_000);
                assertThat(test[c]).as("class %d", c).isBetween(850, 1_150);
            }
            assertThat(train[1]).isEqualTo(6742); // the published count of ones
            assertThat((double) d.normalization().mean()).isCloseTo(0.1307, within(1e-4));
            assertThat((double) d.normalization().std()).isCloseTo(0.3081, within(1e-4));
            // corner pixels of a digit image are blank
            assertThat(d.train().pixel(0, 0)).isZero();
            assertThat(d.train().label(0)).isEqualTo(5);
        }
    }

    @Test
    void fashionMnist() {
        assumePresent(DatasetId.FASHION_MNIST);
        try (Dataset d = Dataset.load(DatasetId.FASHION_MNIST, DATA)) {
            assertThat(d.train().count()).isEqualTo(60_000);
            assertThat(d.test().count()).isEqualTo(10_000);
            assertThat(d.train().labelHistogram()).containsOnly(6_000);
            assertThat(d.test().labelHistogram()).containsOnly(1_000);
            assertThat((double) d.normalization().mean()).isCloseTo(0.2860, within(1e-4));
            assertThat((double) d.normalization().std()).isCloseTo(0.3530, within(1e-4));
        }
    }
}
