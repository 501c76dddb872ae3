package dev.bfa.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.bfa.kernels.Activation;
import dev.bfa.model.Mode;
import dev.bfa.statistics.PairedComparison;
import dev.bfa.statistics.SampleSummary;
import dev.bfa.training.EvaluationPoint;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.awt.image.BufferedImage;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep report from cells built in memory: groups, comparisons, CSV files, figures, errors. */
class SweepReportTest {
    /** t_{0.975, 4} from a printed t table. */
    private static final double T_975_DF_4 = 2.7764451;

    @TempDir
    Path dir;

    /** The swept options and values of a cell: option, value, option, value, ... */
    private static Map<String, String> values(String... optionsAndValues) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < optionsAndValues.length; i += 2) {
            values.put(optionsAndValues[i], optionsAndValues[i + 1]);
        }
        return values;
    }

    private static RunConfig config(Mode mode, long seed, int depth, float lr) {
        return new RunConfig(mode, "fashion-mnist", "mnist", 64, depth, Activation.RELU,
                new OptimizerConfig(OptimizerConfig.Kind.ADAM, lr, 0f, 0.9f, 0.999f, 1e-8f), 32, 1000, 100, seed, 1);
    }

    /**
     * A finished cell of depth 4, ten evaluation points, whose last point has the final accuracies
     * {@code forward} and {@code reverse} (above any earlier point's, so also the best). Its mode, seed
     * and learning rate are read from {@code values} where it has them.
     */
    private static SweepCell cell(Map<String, String> values, double forward, double reverse) {
        RunConfig config = configOf(values, 4);
        List<EvaluationPoint> points = new ArrayList<>(TestPoints.run(config.mode(), 4, 10, 100));
        EvaluationPoint last = points.removeLast();
        points.add(new EvaluationPoint(last.step(), last.mode(), last.forwardLoss(), last.reverseLoss(), forward,
                reverse, last.cosine(), last.forwardFeedbackAngle(), last.reverseFeedbackAngle(),
                last.forwardSignalAngle(), last.reverseSignalAngle(), last.examplesPerSecond(),
                last.elapsedSeconds()));
        return new SweepCell(name(values), values, config, RunSummary.of(config, points, 60), points);
    }

    /** A cell of depth 4 that stopped after {@code points} of its ten evaluation points. */
    private static SweepCell unfinished(Map<String, String> values, int points) {
        RunConfig config = configOf(values, 4);
        return new SweepCell(name(values), values, config, null,
                TestPoints.run(config.mode(), 4, 10, 100).subList(0, points));
    }

    private static RunConfig configOf(Map<String, String> values, int depth) {
        return config(Mode.parse(values.getOrDefault("mode", "coupled-both")),
                Long.parseLong(values.getOrDefault("seed", "1")), depth,
                Float.parseFloat(values.getOrDefault("lr", "1e-4")));
    }

    private static String name(Map<String, String> values) {
        return String.join("-", values.values());
    }

    /** Modes × learning rates × seeds 1 .. {@code seeds}, with accuracies that vary a little. */
    private static List<SweepCell> grid(List<String> modes, List<String> lrs, int seeds) {
        List<SweepCell> cells = new ArrayList<>();
        for (String mode : modes) {
            for (String lr : lrs) {
                for (int seed = 1; seed <= seeds; seed++) {
                    cells.add(cell(values("mode", mode, "seed", Integer.toString(seed), "lr", lr),
                            0.80 + 0.01 * seed, 0.95 + 0.002 * seed));
                }
            }
        }
        return cells;
    }

    private static List<String> labels(Sweep sweep) {
        return sweep.groups().stream().map(Sweep.Group::label).toList();
    }

    private static List<CSVRecord> readCsv(Path file) throws Exception {
        try (Reader reader = Files.newBufferedReader(file);
             CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                     .parse(reader)) {
            return parser.getRecords();
        }
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void groupsTheCellsThatDifferOnlyInSeed() {
        Sweep sweep = Sweep.of(grid(List.of("fa", "coupled-both"), List.of("1e-4", "3e-4"), 2));
        assertThat(labels(sweep)).containsExactly("mode=fa,lr=1e-4", "mode=fa,lr=3e-4", "mode=coupled-both,lr=1e-4",
                "mode=coupled-both,lr=3e-4");
        assertThat(sweep.groups()).allSatisfy(g -> assertThat(g.cells()).hasSize(2));
        assertThat(sweep.groups().get(2).mode()).isEqualTo(Mode.COUPLED_BOTH);
        assertThat(sweep.groups().get(2).cells()).extracting(SweepCell::name)
                .containsExactly("coupled-both-1-1e-4", "coupled-both-2-1e-4");
        assertThat(sweep.options()).containsExactly(Map.entry("mode", List.of("fa", "coupled-both")),
                Map.entry("seed", List.of("1", "2")), Map.entry("lr", List.of("1e-4", "3e-4")));

        // a mode speaks for itself; a sweep of seeds alone is one group
        assertThat(labels(Sweep.of(List.of(cell(values("mode", "fa", "seed", "1"), 0.8, 0.9),
                cell(values("mode", "bp", "seed", "1"), 0.8, 0.9))))).containsExactly("fa", "bp");
        assertThat(labels(Sweep.of(List.of(cell(values("seed", "1"), 0.8, 0.9), cell(values("seed", "2"), 0.8, 0.9)))))
                .containsExactly("all");
        assertThat(labels(Sweep.of(List.of(cell(values("lr", "1e-4"), 0.8, 0.9)))))
                .containsExactly("lr=1e-4");
    }

    @Test
    void cellsThatDoNotFormASweepAreAnError() {
        SweepCell fa = cell(values("mode", "fa", "seed", "1"), 0.8, 0.9);
        assertThatThrownBy(() -> Sweep.of(List.of(fa, cell(values("mode", "fa", "lr", "1e-4"), 0.8, 0.9))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cell 'fa-1e-4' has the swept options [mode, lr], but cell 'fa-1' has [mode, seed]");
        SweepCell sameSeed = new SweepCell("other", fa.values(), fa.config(), fa.summary(), fa.points());
        assertThatThrownBy(() -> Sweep.of(List.of(fa, sameSeed))).hasMessage("cells 'fa-1' and 'other' of group fa "
                + "both have seed 1: cells that share a seed must differ in a swept option");
        assertThatThrownBy(() -> Sweep.of(List.of(fa, fa))).hasMessage("two cells are named 'fa-1'");
        assertThatThrownBy(() -> Sweep.of(List.of())).hasMessage("no cells to report");
    }

    @Test
    void comparesEachModeWithTheFaGroupOfTheSameOtherValues() {
        List<SweepCell> cells = new ArrayList<>(grid(List.of("fa", "coupled-both", "bp"), List.of("1e-4", "3e-4"), 2));
        cells.removeIf(c -> c.name().startsWith("fa-") && c.name().endsWith("3e-4"));
        Sweep sweep = Sweep.of(cells);
        assertThat(sweep.defaultPairs()).extracting(p -> p.first().label() + " vs " + p.second().label())
                .containsExactly("mode=coupled-both,lr=1e-4 vs mode=fa,lr=1e-4", "mode=bp,lr=1e-4 vs mode=fa,lr=1e-4");

        Sweep noFa = Sweep.of(grid(List.of("coupled-both", "bp"), List.of("1e-4"), 2));
        assertThat(noFa.defaultPairs()).isEmpty();
        Sweep modeNotSwept = Sweep.of(List.of(cell(values("lr", "1e-4"), 0.8, 0.9), cell(values("lr", "3e-4"), 0.8,
                0.9)));
        assertThat(modeNotSwept.defaultPairs()).isEmpty();
    }

    /**
     * fa has seeds 1 .. 4 (5 never ran), coupled-both 1 .. 5 with 3 unfinished, listed out of order:
     * the pairs are seeds 1, 2 and 4, matched by seed, not by position.
     */
    @Test
    void pairsBySeedOverTheSeedsFinishedInBoth() throws Exception {
        double[] fa = {0.80, 0.82, 0.81, 0.79};
        double[] coupled = {0.815, 0.826, Double.NaN, 0.80, 0.85};
        List<SweepCell> cells = new ArrayList<>();
        for (int seed = 1; seed <= 4; seed++) {
            cells.add(cell(values("mode", "fa", "seed", Integer.toString(seed)), fa[seed - 1], 0.9));
        }
        for (int seed : new int[] {4, 3, 5, 1, 2}) {
            Map<String, String> v = values("mode", "coupled-both", "seed", Integer.toString(seed));
            cells.add(seed == 3 ? unfinished(v, 4) : cell(v, coupled[seed - 1], 0.9));
        }
        Sweep sweep = Sweep.of(cells);
        Sweep.Pair pair = sweep.defaultPairs().getFirst();
        PairedComparison c = pair.compare(SweepMetric.FORWARD_ACCURACY);
        PairedComparison expected = PairedComparison.of(new double[] {0.815, 0.826, 0.80},
                new double[] {0.80, 0.82, 0.79});
        assertThat(c).isEqualTo(expected);
        assertThat(c.difference().n()).isEqualTo(3);

        SweepReport.write(dir, cells, List.of());
        assertThat(Files.readString(dir.resolve("report.md"))).contains("- coupled-both vs fa on F (fashion-mnist): "
                + Markdown.points(expected.difference().mean()) + " points, 95 % CI ["
                + Markdown.points(expected.difference().lower()) + ", " + Markdown.points(expected.difference().upper())
                + "], n = 3, paired t p = " + Markdown.pValue(expected.tTestP()) + ", Wilcoxon p = "
                + Markdown.pValue(expected.wilcoxonP()) + ": ");
    }

    /** Five seeds with a known mean, sd and Student's t interval, and differences of one sign. */
    @Test
    void theReportStatesMeansIntervalsAndWhichIsMoreAccurate() throws Exception {
        List<SweepCell> cells = new ArrayList<>();
        for (int seed = 1; seed <= 5; seed++) {
            double forward = 0.78 + 0.01 * seed; // 79 .. 83 %: mean 81, sd √2.5
            cells.add(cell(values("mode", "fa", "seed", Integer.toString(seed)), forward, 0.95));
            // higher on every seed, by 0.1, 0.2, .. 0.5 points; R equal on every seed
            cells.add(cell(values("mode", "coupled-both", "seed", Integer.toString(seed)), forward + 0.001 * seed,
                    0.95));
        }
        SweepReport.write(dir, cells, List.of());
        String report = Files.readString(dir.resolve("report.md"));
        double halfWidth = T_975_DF_4 * Math.sqrt(2.5) / Math.sqrt(5); // 1.9632 points
        assertThat(String.format(Locale.ROOT, "%.2f %.2f", 81 - halfWidth, 81 + halfWidth))
                .isEqualTo("79.04 82.96");
        assertThat(report).contains("| `fa` | 5 | 81.00 ± 1.58 [79.04, 82.96] | 81.00 ± 1.58 [79.04, 82.96] | "
                + "95.00 ± 0.00 [95.00, 95.00] |");
        // the differences 0.1 .. 0.5 points: mean 0.3, sd √0.025; all positive, so Wilcoxon p = 2/32 exactly
        double differenceHalfWidth = T_975_DF_4 * Math.sqrt(0.025) / Math.sqrt(5);
        assertThat(report).contains("- coupled-both vs fa on F (fashion-mnist): +0.30 points, 95 % CI ["
                + Markdown.points((0.3 - differenceHalfWidth) / 100) + ", "
                + Markdown.points((0.3 + differenceHalfWidth) / 100) + "], n = 5, paired t p = ")
                .contains(", Wilcoxon p = 0.063: F is more accurate with coupled-both.\n")
                .contains("- coupled-both vs fa on R (mnist): +0.00 points, n = 5: no test is possible (every "
                        + "difference is zero).\n");
    }

    @Test
    void sentencesWithTooFewPairs() {
        Sweep sweep = Sweep.of(List.of(cell(values("mode", "fa", "seed", "1"), 0.80, 0.9),
                cell(values("mode", "bp", "seed", "1"), 0.85, 0.9),
                unfinished(values("mode", "fa", "seed", "2"), 3), cell(values("mode", "bp", "seed", "2"), 0.8, 0.9),
                unfinished(values("mode", "coupled-both", "seed", "1"), 0)));
        List<Sweep.Pair> pairs = sweep.defaultPairs();
        assertThat(SweepReport.sentence(pairs.getFirst(), "F", "fashion-mnist", SweepMetric.FORWARD_ACCURACY))
                .isEqualTo("bp vs fa on F (fashion-mnist): +5.00 points, n = 1: no test is possible (1 pair: a test "
                        + "needs at least 2).");
        assertThat(SweepReport.sentence(pairs.getLast(), "R", "mnist", SweepMetric.REVERSE_ACCURACY))
                .isEqualTo("coupled-both vs fa on R (mnist): no seed finished in both groups, nothing to compare.");
    }

    @Test
    void writesCsvFilesThatReadBack() throws Exception {
        List<SweepCell> cells = new ArrayList<>(grid(List.of("fa", "coupled-both"), List.of("1e-4", "3e-4"), 3));
        cells.set(1, unfinished(cells.get(1).values(), 6));
        SweepReport.write(dir, cells, List.of());

        List<CSVRecord> rows = readCsv(dir.resolve("sweep_summary.csv"));
        assertThat(rows).hasSize(12);
        assertThat(rows.getFirst().getParser().getHeaderNames()).startsWith("cell", "group", "finished", "mode", "seed",
                "lr", "steps", "forward_dataset", "reverse_dataset", "forward_best_step", "reverse_best_step",
                "forward_test_accuracy").contains("cosine_l3", "reverse_signal_angle_l3").endsWith("wall_seconds");
        CSVRecord first = rows.getFirst();
        RunSummary s = cells.getFirst().summary();
        assertThat(first.get("cell")).isEqualTo("fa-1-1e-4");
        assertThat(first.get("group")).isEqualTo("mode=fa,lr=1e-4");
        assertThat(first.get("finished")).isEqualTo("true");
        assertThat(first.get("lr")).isEqualTo("1e-4");
        assertThat(Double.parseDouble(first.get("forward_test_accuracy"))).isEqualTo(s.forward().testAccuracy());
        assertThat(Double.parseDouble(first.get("cosine_l2"))).isEqualTo(s.cosine()[1]);
        assertThat(Double.parseDouble(first.get("reverse_feedback_angle_l4")))
                .isEqualTo(s.reverse().feedbackAngle()[3]);
        assertThat(first.get("wall_seconds")).isEqualTo("60.0");
        CSVRecord unfinished = rows.get(1);
        assertThat(unfinished.get("finished")).isEqualTo("false");
        assertThat(unfinished.get("steps")).isEqualTo("600");
        assertThat(unfinished.get("seed")).isEqualTo("2");
        assertThat(unfinished.get("forward_test_accuracy")).isEmpty();

        List<CSVRecord> groups = readCsv(dir.resolve("groups.csv"));
        assertThat(groups).extracting(r -> r.get("group")).containsExactly("mode=fa,lr=1e-4", "mode=fa,lr=3e-4",
                "mode=coupled-both,lr=1e-4", "mode=coupled-both,lr=3e-4");
        assertThat(groups.getFirst().getParser().getHeaderNames()).startsWith("group", "mode", "lr", "cells",
                "finished", "forward_test_accuracy_n", "forward_test_accuracy_mean", "forward_test_accuracy_sd",
                "forward_test_accuracy_ci_low", "forward_test_accuracy_ci_high", "forward_test_accuracy_min",
                "forward_test_accuracy_max").doesNotContain("seed");
        CSVRecord fa = groups.getFirst();
        assertThat(fa.get("cells")).isEqualTo("3");
        assertThat(fa.get("finished")).isEqualTo("2");
        double[] finished = {cells.get(0).summary().forward().testAccuracy(),
                cells.get(2).summary().forward().testAccuracy()}; // seeds 1 and 3; seed 2 did not finish
        SampleSummary expected = SampleSummary.of(finished);
        assertThat(fa.get("forward_test_accuracy_n")).isEqualTo("2");
        assertThat(Double.parseDouble(fa.get("forward_test_accuracy_mean"))).isEqualTo(expected.mean());
        assertThat(Double.parseDouble(fa.get("forward_test_accuracy_sd"))).isEqualTo(expected.standardDeviation());
        assertThat(Double.parseDouble(fa.get("forward_test_accuracy_ci_low"))).isEqualTo(expected.lower());
        assertThat(Double.parseDouble(fa.get("forward_test_accuracy_max"))).isEqualTo(finished[1]);
    }

    /** fa has 3 seeds, its band is ± 1 sd; bp has 2, its band runs from one seed to the other. */
    @Test
    void bandsAreOneStandardDeviationFromThreeSeedsAndMinToMaxBelow() {
        double[] fa = {0.80, 0.82, 0.87};
        double[] bp = {0.90, 0.94};
        List<SweepCell> cells = new ArrayList<>();
        for (int seed = 1; seed <= 3; seed++) {
            cells.add(cell(values("mode", "fa", "seed", Integer.toString(seed)), fa[seed - 1], 0.9));
        }
        for (int seed = 1; seed <= 2; seed++) {
            cells.add(cell(values("mode", "bp", "seed", Integer.toString(seed)), bp[seed - 1], 0.9));
        }
        cells.add(unfinished(values("mode", "bp", "seed", "3"), 10)); // all its points, but no summary
        Sweep sweep = Sweep.of(cells);
        YIntervalSeriesCollection bands = (YIntervalSeriesCollection) new SweepFigures.GroupCurves(sweep)
                .plot(p -> 100 * p.forwardAccuracy()).dataset();
        int last = 9;
        assertThat(bands.getXValue(0, last)).isEqualTo(1000);
        // fa: mean (80 + 82 + 87) / 3 = 83, sd √((9 + 1 + 16) / 2) = √13
        assertThat(bands.getYValue(0, last)).isCloseTo(83, within(1e-12));
        assertThat(bands.getStartYValue(0, last)).isCloseTo(83 - Math.sqrt(13), within(1e-12));
        assertThat(bands.getEndYValue(0, last)).isCloseTo(83 + Math.sqrt(13), within(1e-12));
        assertThat(bands.getYValue(1, last)).isCloseTo(92, within(1e-12));
        assertThat(bands.getStartYValue(1, last)).isCloseTo(90, within(1e-12));
        assertThat(bands.getEndYValue(1, last)).isCloseTo(94, within(1e-12));
        assertThat(SweepFigures.spread(sweep))
                .isEqualTo("± 1 standard deviation over seeds (min–max where fewer than 3)");
    }

    @Test
    void writesEveryFileAndThePngsDecode() throws Exception {
        SweepReport.write(dir, grid(List.of("fa", "coupled-both"), List.of("1e-4", "3e-4", "1e-3"), 3), List.of());
        assertThat(files(dir)).containsExactly("accuracy.png", "cosine.png", "groups.csv", "hyperparameter.png",
                "report.md", "sweep_summary.csv");
        for (String png : List.of("accuracy.png", "cosine.png", "hyperparameter.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(png).toFile());
            assertThat(image).as(png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(Figures.WIDTH);
        }
        assertThat(Files.readString(dir.resolve("report.md"))).contains("](accuracy.png)", "](cosine.png)",
                "](hyperparameter.png)");

        // one hidden layer has no paired layers, and a sweep of modes alone no hyper-parameter: both figures go
        List<SweepCell> shallow = new ArrayList<>();
        for (Mode mode : List.of(Mode.FA, Mode.BP)) {
            RunConfig config = config(mode, 1, 1, 1e-4f);
            List<EvaluationPoint> points = TestPoints.run(mode, 1, 5, 100);
            shallow.add(new SweepCell(mode.cliName(), values("mode", mode.cliName()), config,
                    RunSummary.of(config, points, 1), points));
        }
        SweepReport.write(dir, shallow, List.of());
        assertThat(files(dir)).containsExactly("accuracy.png", "groups.csv", "report.md", "sweep_summary.csv");
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report).contains("](accuracy.png)").doesNotContain("cosine.png", "hyperparameter.png", "NaN");
    }

    @Test
    void aSelectorMustPickExactlyOneGroup() throws Exception {
        List<SweepCell> cells = grid(List.of("fa", "coupled-both"), List.of("1e-4", "3e-4"), 2);
        assertThatThrownBy(() -> SweepReport.write(dir, cells,
                List.of(SweepReport.Comparison.parse("mode=fa,lr=1e-2:mode=coupled-both,lr=1e-4"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("selector 'mode=fa,lr=1e-2' picks no group; the groups are mode=fa,lr=1e-4; "
                        + "mode=fa,lr=3e-4; mode=coupled-both,lr=1e-4; mode=coupled-both,lr=3e-4");
        assertThat(files(dir)).isEmpty();
        assertThatThrownBy(() -> SweepReport.write(dir, cells,
                List.of(SweepReport.Comparison.parse("lr=1e-4:mode=fa,lr=3e-4"))))
                .hasMessage("selector 'lr=1e-4' picks 2 groups (mode=fa,lr=1e-4; mode=coupled-both,lr=1e-4): name "
                        + "more options");
        assertThatThrownBy(() -> SweepReport.write(dir, cells,
                List.of(SweepReport.Comparison.parse("mode=fa,seed=1,lr=1e-4:mode=fa,lr=3e-4"))))
                .hasMessage("selector 'mode=fa,seed=1,lr=1e-4' names the seed, but a group holds every seed: select "
                        + "it by the other options");
        assertThatThrownBy(() -> SweepReport.write(dir, cells,
                List.of(SweepReport.Comparison.parse("width=64:mode=fa,lr=3e-4"))))
                .hasMessage("selector 'width=64' names 'width', which the sweep does not vary (it varies mode, seed, "
                        + "lr)");
        assertThat(files(dir)).isEmpty();

        // numbers match by value; a named comparison comes after the default ones
        SweepReport.write(dir, cells, List.of(SweepReport.Comparison.parse("mode=fa,lr=0.0001:mode=fa,lr=3e-4")));
        assertThat(Files.readString(dir.resolve("report.md")))
                .contains("- mode=coupled-both,lr=3e-4 vs mode=fa,lr=3e-4 on R (mnist)")
                .contains("- mode=fa,lr=1e-4 vs mode=fa,lr=3e-4 on F (fashion-mnist): +0.00 points, n = 2: no test "
                        + "is possible (every difference is zero).");
    }

    @Test
    void unfinishedCellsAreListedAndLeftOut() throws Exception {
        List<SweepCell> cells = new ArrayList<>();
        cells.add(cell(values("mode", "fa", "seed", "1"), 0.80, 0.9));
        cells.add(unfinished(values("mode", "fa", "seed", "2"), 4));
        cells.add(cell(values("mode", "fa", "seed", "3"), 0.84, 0.9));
        cells.add(unfinished(values("mode", "bp", "seed", "1"), 0));
        SweepReport.write(dir, cells, List.of());
        String report = Files.readString(dir.resolve("report.md"));
        assertThat(report).contains("4 cells, 2 finished; 2 not finished, listed at the end")
                .contains("| `fa` | 2 of 3 | 82.00 ± 2.83 [")
                .contains("| `bp` | 0 of 1 | n/a | n/a | n/a | n/a | n/a |")
                .contains("## Not finished\n\n- `fa-2` (mode=fa,seed=2): reached step 400 of 1,000\n"
                        + "- `bp-1` (mode=bp,seed=1): no evaluation point yet\n")
                .contains("bp vs fa on F (fashion-mnist): no seed finished in both groups, nothing to compare.");
        assertThat(files(dir)).contains("accuracy.png");

        SweepReport.write(dir, List.of(unfinished(values("mode", "fa", "seed", "1"), 2)), List.of());
        assertThat(files(dir)).containsExactly("groups.csv", "report.md", "sweep_summary.csv");
        assertThat(Files.readString(dir.resolve("report.md"))).contains("No figures: no cell has finished.");
    }

    @Test
    void parsesComparisonsAndSelectors() {
        SweepReport.Comparison c = SweepReport.Comparison.parse(" mode = coupled-both , lr=1e-4:mode=fa,lr=1e-4");
        assertThat(c.first()).containsExactly(Map.entry("mode", "coupled-both"), Map.entry("lr", "1e-4"));
        assertThat(c.second()).containsExactly(Map.entry("mode", "fa"), Map.entry("lr", "1e-4"));
        assertThat(c).hasToString("mode=coupled-both,lr=1e-4:mode=fa,lr=1e-4");
        assertThat(SweepReport.Comparison.parse(c.toString())).isEqualTo(c);

        assertThatThrownBy(() -> SweepReport.Comparison.parse("mode=coupled-both"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("comparison 'mode=coupled-both' is not two selectors joined by ':', such as "
                        + "mode=coupled-both:mode=fa");
        assertThatThrownBy(() -> SweepReport.Comparison.parse("mode=fa:mode=bp:mode=coupled-both"))
                .hasMessageStartingWith("comparison 'mode=fa:mode=bp:mode=coupled-both' is not two selectors");
        assertThatThrownBy(() -> SweepReport.Comparison.parse("coupled-both:mode=fa"))
                .hasMessage("selector 'coupled-both': 'coupled-both' is not option=value (a selector is option=value "
                        + "pairs joined by ',', such as mode=fa,lr=1e-4)");
        assertThatThrownBy(() -> SweepReport.Comparison.parseSelector("mode=fa,")).hasMessageContaining("'' is not");
        assertThatThrownBy(() -> SweepReport.Comparison.parseSelector("mode=fa,mode=bp"))
                .hasMessage("selector 'mode=fa,mode=bp' names 'mode' twice");
    }

    @Test
    void pValuesHaveTwoSignificantDigits() {
        assertThat(Markdown.pValue(0.5)).isEqualTo("0.50");
        assertThat(Markdown.pValue(2.0 / 32)).isEqualTo("0.063");
        assertThat(Markdown.pValue(0.1849)).isEqualTo("0.18");
        assertThat(Markdown.pValue(0.0995)).isEqualTo("0.10");
        assertThat(Markdown.pValue(1)).isEqualTo("1.0");
        assertThat(Markdown.pValue(0.0012345)).isEqualTo("0.0012");
        assertThat(Markdown.pValue(3e-5)).isEqualTo("< 0.0001");
        assertThat(Markdown.pValue(Double.NaN)).isEqualTo("n/a");
    }
}
