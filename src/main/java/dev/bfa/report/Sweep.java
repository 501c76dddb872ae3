package dev.bfa.report;

import dev.bfa.model.Coupling;
import dev.bfa.model.Mode;
import dev.bfa.statistics.PairedComparison;
import dev.bfa.statistics.SampleSummary;
import dev.bfa.text.UserText;
import dev.bfa.training.RunConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/**
 * A sweep's cells sorted for its report: the options that vary and their values, the groups of cells
 * that differ only in seed, and which groups to compare.
 */
final class Sweep {
    /** The option whose values a group spans. */
    static final String SEED = "seed";
    /** The option whose groups are compared with its {@code fa} group by default. */
    static final String MODE = "mode";
    /** The options that say how a group learns: compared by {@link #defaultPairs}, never a hyper-parameter. */
    static final Set<String> METHOD = Set.of(MODE, "rule", "coupling");
    /** The label of the one group of a sweep that varies only the seed. */
    static final String ALL = "all";

    private final List<SweepCell> cells;
    private final Map<String, List<String>> options;
    private final List<Group> groups;

    /**
     * Cells that differ only in seed.
     *
     * @param label  the group's values as {@code mode=fa,lr=1e-4} (the value alone when only the mode
     *               varies besides the seed, {@value #ALL} when only the seed does)
     * @param values the swept options other than the seed, with this group's values
     * @param mode   the cells' mode
     * @param cells  the cells, in the sweep's order
     */
    record Group(String label, Map<String, String> values, Mode mode, List<SweepCell> cells) {
        /** The cells that finished, the only ones its statistics count. */
        List<SweepCell> finished() {
            return cells.stream().filter(SweepCell::finished).toList();
        }

        /** {@code metric} of each finished seed. */
        double[] values(SweepMetric metric) {
            return finished().stream().mapToDouble(c -> metric.of(c.summary())).toArray();
        }

        /** {@code metric} over the finished seeds. */
        SampleSummary summary(SweepMetric metric) {
            return SampleSummary.of(values(metric));
        }
    }

    /** Two groups to compare, paired by seed. */
    record Pair(Group first, Group second) {
        /** {@code metric} of {@code first} against {@code second} on the seeds that finished in both. */
        PairedComparison compare(SweepMetric metric) {
            Map<Long, RunSummary> bySeed = new HashMap<>();
            for (SweepCell cell : second.finished()) {
                bySeed.put(cell.config().seed(), cell.summary());
            }
            DoubleStream.Builder firstValues = DoubleStream.builder();
            DoubleStream.Builder secondValues = DoubleStream.builder();
            for (SweepCell cell : first.finished()) {
                RunSummary other = bySeed.get(cell.config().seed());
                if (other != null) {
                    firstValues.add(metric.of(cell.summary()));
                    secondValues.add(metric.of(other));
                }
            }
            return PairedComparison.of(firstValues.build().toArray(), secondValues.build().toArray());
        }
    }

    private Sweep(List<SweepCell> cells, Map<String, List<String>> options, List<Group> groups) {
        this.cells = cells;
        this.options = options;
        this.groups = groups;
    }

    /**
     * The sweep of {@code cells}, which must all name the same swept options.
     *
     * @throws IllegalArgumentException when there are no cells, two share a name, they name different
     *                                  options, or two cells of a group have the same seed
     */
    static Sweep of(List<SweepCell> cells) {
        if (cells.isEmpty()) {
            throw new IllegalArgumentException("no cells to report");
        }
        SweepCell first = cells.getFirst();
        Map<String, Set<String>> values = new LinkedHashMap<>();
        first.values().keySet().forEach(option -> values.put(option, new LinkedHashSet<>()));
        Set<String> names = new LinkedHashSet<>();
        Map<Map<String, String>, List<SweepCell>> byGroup = new LinkedHashMap<>();
        for (SweepCell cell : cells) {
            if (!names.add(cell.name())) {
                throw new IllegalArgumentException("two cells are named " + UserText.quote(cell.name()));
            }
            if (!cell.values().keySet().equals(values.keySet())) {
                throw new IllegalArgumentException("cell " + UserText.quote(cell.name()) + " has the swept options "
                        + cell.values().keySet() + ", but cell " + UserText.quote(first.name()) + " has "
                        + values.keySet());
            }
            cell.values().forEach((option, value) -> values.get(option).add(value));
            Map<String, String> key = new LinkedHashMap<>(cell.values());
            key.remove(SEED);
            byGroup.computeIfAbsent(key, k -> new ArrayList<>()).add(cell);
        }
        List<Group> groups = new ArrayList<>();
        byGroup.forEach((key, members) -> groups.add(group(key, members)));
        Map<String, List<String>> options = new LinkedHashMap<>();
        values.forEach((option, distinct) -> options.put(option, List.copyOf(distinct)));
        return new Sweep(List.copyOf(cells), Collections.unmodifiableMap(options), List.copyOf(groups));
    }

    private static Group group(Map<String, String> key, List<SweepCell> members) {
        String label = label(key);
        Map<Long, String> seeds = new HashMap<>();
        for (SweepCell cell : members) {
            String before = seeds.put(cell.config().seed(), cell.name());
            if (before != null) {
                throw new IllegalArgumentException("cells " + UserText.quote(before) + " and "
                        + UserText.quote(cell.name()) + " of group " + label + " both have seed " + cell.config().seed()
                        + ": cells that share a seed must differ in a swept option");
            }
        }
        return new Group(label, Collections.unmodifiableMap(key), members.getFirst().config().mode(),
                List.copyOf(members));
    }

    /** See {@link Group#label()}: a mode speaks for itself, other values need their option's name. */
    private static String label(Map<String, String> key) {
        if (key.isEmpty()) {
            return ALL;
        }
        return key.size() == 1 && key.containsKey(MODE) ? key.get(MODE) : selectorText(key);
    }

    /** The selector as text: {@code mode=fa,lr=1e-4}. */
    static String selectorText(Map<String, String> selector) {
        return selector.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
    }

    List<SweepCell> cells() {
        return cells;
    }

    /** Each swept option and its values, both in the grid's order. */
    Map<String, List<String>> options() {
        return options;
    }

    /** The groups, in the order of their first cells. */
    List<Group> groups() {
        return groups;
    }

    List<SweepCell> unfinished() {
        return cells.stream().filter(c -> !c.finished()).toList();
    }

    /** Every cell's configuration. */
    List<RunConfig> configs() {
        return cells.stream().map(SweepCell::config).toList();
    }

    /** The layout of the deepest networks in the sweep, which has a column for every layer of any cell. */
    MetricsLayout deepest() {
        return new MetricsLayout(cells.stream().mapToInt(c -> c.config().depth()).max().orElseThrow());
    }

    /** F's dataset, or the datasets joined by " / " when the sweep varies it. */
    String forwardDataset() {
        return distinct(RunConfig::forwardDataset);
    }

    /** R's dataset, or the datasets joined by " / " when the sweep varies it. */
    String reverseDataset() {
        return distinct(RunConfig::reverseDataset);
    }

    private String distinct(Function<RunConfig, String> setting) {
        return configs().stream().map(setting).distinct().collect(Collectors.joining(" / "));
    }

    /**
     * The default comparisons: every coupled group against the uncoupled group of its rule, and every
     * other group but {@code fa} against {@code fa}, each with the same values of every other option,
     * where there is such a group.
     */
    List<Pair> defaultPairs() {
        List<Pair> pairs = new ArrayList<>();
        for (Group group : groups) {
            Mode baseline = group.mode().sharesFeedbackOfF() ? Mode.of(group.mode().rule(), Coupling.NONE) : Mode.FA;
            if (group.mode() == baseline) {
                continue;
            }
            for (Group other : groups) {
                if (other.mode() == baseline && withoutMethod(other).equals(withoutMethod(group))) {
                    pairs.add(new Pair(group, other));
                }
            }
        }
        return pairs;
    }

    /** The group's values but those that name how it learns (mode, rule, coupling). */
    private static Map<String, String> withoutMethod(Group group) {
        Map<String, String> values = new HashMap<>(group.values());
        values.keySet().removeAll(METHOD);
        return values;
    }

    /**
     * The one group that {@code selector} picks: every option it names has its value in the group
     * (numbers compare by value, so {@code lr=0.0001} picks the group of {@code 1e-4}).
     *
     * @throws IllegalArgumentException naming the selector when it names the seed or an option the
     *                                  sweep does not vary, or picks no group or several
     */
    Group select(Map<String, String> selector) {
        String text = UserText.quote(selectorText(selector));
        for (String option : selector.keySet()) {
            if (option.equals(SEED)) {
                throw new IllegalArgumentException("selector " + text + " names the seed, but a group holds "
                        + "every seed: select it by the other options");
            }
            if (!options.containsKey(option)) {
                throw new IllegalArgumentException("selector " + text + " names " + UserText.quote(option)
                        + ", which the sweep does not vary (it varies " + String.join(", ", options.keySet()) + ")");
            }
        }
        List<Group> picked = groups.stream().filter(g -> selector.entrySet().stream()
                .allMatch(e -> sameValue(g.values().get(e.getKey()), e.getValue()))).toList();
        if (picked.size() == 1) {
            return picked.getFirst();
        }
        List<Group> shown = picked.isEmpty() ? groups : picked;
        String labels = shown.stream().map(g -> selectorText(g.values())).collect(Collectors.joining("; "));
        throw new IllegalArgumentException(picked.isEmpty()
                ? "selector " + text + " picks no group; the groups are " + labels
                : "selector " + text + " picks " + picked.size() + " groups (" + labels + "): name more options");
    }

    private static boolean sameValue(String value, String wanted) {
        if (value.equals(wanted)) {
            return true;
        }
        Optional<Double> a = number(value);
        Optional<Double> b = number(wanted);
        return a.isPresent() && a.equals(b);
    }

    /** {@code text} as a finite number, if it is one. */
    static Optional<Double> number(String text) {
        try {
            double value = Double.parseDouble(text);
            return Double.isFinite(value) ? Optional.of(value) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The option of the hyper-parameter figure: the one option besides the seed and the mode that the
     * sweep varies, when there is exactly one and every value of it is a number.
     */
    Optional<String> hyperparameter() {
        List<String> others = options.keySet().stream().filter(o -> !o.equals(SEED) && !METHOD.contains(o)).toList();
        if (others.size() != 1) {
            return Optional.empty();
        }
        List<String> values = options.get(others.getFirst());
        return values.size() > 1 && values.stream().allMatch(v -> number(v).isPresent())
                ? Optional.of(others.getFirst()) : Optional.empty();
    }
}
