package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bfa.model.Mode;
import dev.bfa.training.EvaluationPoint;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Figures 2 and 3 as PNG files, for one mode and for all four. */
class FiguresTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    private static BufferedImage readPng(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).isGreaterThan(10_000);
        assertThat(Arrays.copyOf(bytes, 8)).isEqualTo(PNG_SIGNATURE);
        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image).isNotNull();
        return image;
    }

    /** Pixels of exactly {@code color} (the curves are drawn in it; anti-aliasing blends only the edges). */
    private static int count(BufferedImage image, Color color) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void allFourModes() throws Exception {
        Map<Mode, List<EvaluationPoint>> runs = TestPoints.runs(4, 50, 200, Mode.PAPER.toArray(Mode[]::new));
        Figures.writeAccuracy(dir.resolve("accuracy.png"), runs, "fashion-mnist", "mnist");
        assertThat(Figures.writeCosine(dir.resolve("cosine.png"), runs, "fashion-mnist", "mnist")).isTrue();

        BufferedImage accuracy = readPng(dir.resolve("accuracy.png"));
        assertThat(accuracy.getWidth()).isEqualTo(1000);
        assertThat(accuracy.getHeight()).isEqualTo(700);
        BufferedImage cosine = readPng(dir.resolve("cosine.png"));
        assertThat(cosine.getWidth()).isEqualTo(1000);
        assertThat(cosine.getHeight()).isEqualTo(700);
        for (Mode mode : Mode.PAPER) {
            assertThat(count(accuracy, Figures.color(mode))).as("pixels of %s", mode).isGreaterThan(200);
            assertThat(count(cosine, Figures.color(mode))).as("pixels of %s", mode).isGreaterThan(200);
        }
        // white background
        assertThat(accuracy.getRGB(2, 2) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void everyModeHasItsOwnColour() {
        assertThat(java.util.Arrays.stream(Mode.values()).map(Figures::color).distinct()).hasSize(Mode.values().length);
    }

    @Test
    void aSingleMode() throws Exception {
        Map<Mode, List<EvaluationPoint>> runs = TestPoints.runs(4, 8, 100, Mode.COUPLED_BACKWARD);
        Figures.writeAccuracy(dir.resolve("accuracy.png"), runs, "fashion-mnist", "mnist");
        assertThat(Figures.writeCosine(dir.resolve("cosine.png"), runs, "fashion-mnist", "mnist")).isTrue();
        for (String name : List.of("accuracy.png", "cosine.png")) {
            BufferedImage image = readPng(dir.resolve(name));
            assertThat(image.getWidth()).isEqualTo(1000);
            assertThat(image.getHeight()).isEqualTo(700);
            assertThat(count(image, Figures.color(Mode.COUPLED_BACKWARD))).isGreaterThan(200);
            assertThat(count(image, Figures.color(Mode.COUPLED_BOTH))).isZero();
        }
    }

    @Test
    void aSinglePointAndMissingValuesStillDraw() throws Exception {
        EvaluationPoint only = TestPoints.run(Mode.FA, 4, 1, 1).getFirst();
        EvaluationPoint nan = new EvaluationPoint(2, Mode.FA, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                new double[] {Double.NaN, Double.NaN, Double.NaN}, only.forwardFeedbackAngle(),
                only.reverseFeedbackAngle(), only.forwardSignalAngle(), only.reverseSignalAngle(), Double.NaN,
                Double.NaN);
        Map<Mode, List<EvaluationPoint>> runs = Map.of(Mode.FA, List.of(only, nan));
        Figures.writeAccuracy(dir.resolve("accuracy.png"), runs, "f", "r");
        Figures.writeCosine(dir.resolve("cosine.png"), runs, "f", "r");
        assertThat(count(readPng(dir.resolve("accuracy.png")), Figures.color(Mode.FA))).isPositive();
    }

    @Test
    void deepNetworksGetMorePanelsAndShallowOnesNone() throws Exception {
        Map<Mode, List<EvaluationPoint>> deep = TestPoints.runs(9, 10, 10, Mode.FA, Mode.COUPLED_BOTH);
        Figures.writeCosine(dir.resolve("deep.png"), deep, "f", "r");
        BufferedImage image = readPng(dir.resolve("deep.png"));
        assertThat(image.getHeight()).isEqualTo(Figures.cosineSize(8).height).isGreaterThan(700);

        Map<Mode, List<EvaluationPoint>> shallow = TestPoints.runs(1, 3, 10, Mode.FA);
        assertThat(Figures.writeCosine(dir.resolve("none.png"), shallow, "f", "r")).isFalse();
        assertThat(dir.resolve("none.png")).doesNotExist();
        assertThatThrownBy(() -> Figures.accuracyImage(Map.of(), "f", "r"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void coloursAreThePapers() {
        assertThat(Figures.color(Mode.FA).getGreen()).isGreaterThan(Figures.color(Mode.FA).getRed());
        assertThat(Figures.color(Mode.COUPLED_BACKWARD).getBlue()).isGreaterThan(150);
        assertThat(Figures.color(Mode.COUPLED_BOTH).getRed()).isEqualTo(255);
        Color grey = Figures.color(Mode.BP);
        assertThat(grey.getRed()).isEqualTo(grey.getGreen()).isEqualTo(grey.getBlue());
    }
}
