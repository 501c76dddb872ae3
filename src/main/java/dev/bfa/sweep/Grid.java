package dev.bfa.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A sweep's grid, as Hydra's multirun reads one from a command line: each option with the values it
 * takes ({@code --mode fa,bp --seed 1..5}), in the order given. Its cells are the Cartesian product,
 * the first option outermost, so that {@code --mode fa,bp --seed 1..3} runs fa's three seeds first.
 *
 * @param axes the options in command-line order; an option with one value is part of every cell
 */
public record Grid(List<Axis> axes) {
    /** The most values one range may expand to: a typo like {@code 1..100000} is refused, not queued. */
    static final int MAX_RANGE = 10_000;
    /** The name of the one cell of a grid in which nothing varies. */
    static final String SINGLE_CELL_NAME = "run";
    /** Characters a value may have: it becomes part of a directory name, on any file system. */
    private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9._+-]+");
    private static final Pattern RANGE = Pattern.compile("(-?\\d+)\\.\\.(-?\\d+)");

    public Grid {
        axes = List.copyOf(axes);
        Set<String> seen = new LinkedHashSet<>();
        for (Axis axis : axes) {
            if (!seen.add(axis.option())) {
                throw new IllegalArgumentException(axis.option() + " is given twice");
            }
        }
    }

    /**
     * One option and its values.
     *
     * @param option the option as typed, with its dashes ({@code --lr})
     * @param values each value's text as given (ranges expanded), in order, no two alike
     */
    public record Axis(String option, List<String> values) {
        public Axis {
            values = List.copyOf(values);
            if (values.isEmpty()) {
                throw new IllegalArgumentException(option + ": no values");
            }
        }

        /** The option's name in a cell's name: without its dashes ({@code lr}). */
        public String key() {
            return option.replaceFirst("^-+", "");
        }

        public boolean varies() {
            return values.size() > 1;
        }
    }

    /**
     * One run of the grid.
     *
     * @param index  its place in the product, from 0 (a Slurm array task's id)
     * @param name   its directory name, built from the values that vary ({@code mode=fa,seed=3})
     * @param values the varying options' keys and this cell's values, in grid order
     * @param args   every option of the grid with this cell's value, as {@code bfa train} takes them
     */
    public record Cell(int index, String name, Map<String, String> values, List<String> args) {
        public Cell {
            values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
            args = List.copyOf(args);
        }
    }

    /**
     * Parses one option's values: a comma-separated list, where an option with whole-number values
     * ({@code integer}) may also take ranges {@code a..b} (both ends included).
     *
     * @throws IllegalArgumentException with one line naming the option as typed and what is wrong
     */
    public static Axis parseAxis(String option, String text, boolean integer) {
        String given = option + " " + text;
        if (text.isBlank()) {
            throw new IllegalArgumentException(given.strip() + ": no values (give one, a list a,b,c"
                    + (integer ? " or a range a..b" : "") + ")");
        }
        Set<String> values = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            String item = part.strip();
            if (item.isEmpty()) {
                throw new IllegalArgumentException(given + ": an empty value in the list");
            }
            for (String value : expand(given, item, integer)) {
                if (!SAFE_VALUE.matcher(value).matches()) {
                    throw new IllegalArgumentException(given + ": the value '" + value + "' cannot name a cell's "
                            + "directory (letters, digits and . _ + - only)");
                }
                if (!values.add(value)) {
                    throw new IllegalArgumentException(given + ": the value " + value + " is listed twice");
                }
            }
        }
        return new Axis(option, List.copyOf(values));
    }

    private static List<String> expand(String given, String item, boolean integer) {
        if (!item.contains("..")) {
            return List.of(item);
        }
        var range = RANGE.matcher(item);
        if (!integer) {
            throw new IllegalArgumentException(given + ": a range a..b is for options with whole-number values");
        }
        if (!range.matches()) {
            throw new IllegalArgumentException(given + ": '" + item + "' is not a range of whole numbers a..b");
        }
        long from = Long.parseLong(range.group(1));
        long to = Long.parseLong(range.group(2));
        if (to < from) {
            throw new IllegalArgumentException(given + ": the range " + item + " is empty (it ends before it starts)");
        }
        if (to - from >= MAX_RANGE) {
            throw new IllegalArgumentException(given + ": the range " + item + " has more than " + MAX_RANGE
                    + " values");
        }
        List<String> values = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            values.add(Long.toString(v));
        }
        return values;
    }

    /** The options that take more than one value, in grid order. */
    public List<Axis> varying() {
        return axes.stream().filter(Axis::varies).toList();
    }

    /** The number of cells. */
    public long size() {
        long n = 1;
        for (Axis axis : axes) {
            n = Math.multiplyExact(n, axis.values().size());
        }
        return n;
    }

    /** The cells, the first option outermost. */
    public List<Cell> cells() {
        long size = size();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the grid has " + size + " cells, too many to run");
        }
        List<Cell> cells = new ArrayList<>((int) size);
        int[] choice = new int[axes.size()];
        for (int index = 0; index < size; index++) {
            Map<String, String> values = new LinkedHashMap<>();
            List<String> args = new ArrayList<>();
            for (int a = 0; a < axes.size(); a++) {
                Axis axis = axes.get(a);
                String value = axis.values().get(choice[a]);
                args.add(axis.option());
                args.add(value);
                if (axis.varies()) {
                    values.put(axis.key(), value);
                }
            }
            cells.add(new Cell(index, name(values), values, args));
            for (int a = axes.size() - 1; a >= 0; a--) {
                if (++choice[a] < axes.get(a).values().size()) {
                    break;
                }
                choice[a] = 0;
            }
        }
        return cells;
    }

    private static String name(Map<String, String> values) {
        if (values.isEmpty()) {
            return SINGLE_CELL_NAME;
        }
        StringBuilder name = new StringBuilder();
        values.forEach((key, value) -> name.append(name.isEmpty() ? "" : ",").append(key).append('=').append(value));
        return name.toString();
    }

    /**
     * What differs between this grid and {@code other}, one phrase per option
     * ({@code --lr 1e-4,3e-4 there, 1e-3 here}), or an empty list when they are the same grid.
     */
    public List<String> differences(Grid other) {
        Map<String, List<String>> mine = byOption();
        Map<String, List<String>> theirs = other.byOption();
        List<String> found = new ArrayList<>();
        Set<String> options = new LinkedHashSet<>(theirs.keySet());
        options.addAll(mine.keySet());
        for (String option : options) {
            List<String> here = mine.get(option);
            List<String> there = theirs.get(option);
            if (!java.util.Objects.equals(here, there)) {
                found.add(option + " " + (there == null ? "not given" : String.join(",", there)) + " there, "
                        + (here == null ? "not given" : String.join(",", here)) + " here");
            }
        }
        if (found.isEmpty() && !mine.keySet().stream().toList().equals(theirs.keySet().stream().toList())) {
            found.add("the options in another order (" + String.join(" ", theirs.keySet()) + " there, "
                    + String.join(" ", mine.keySet()) + " here), which orders and names the cells differently");
        }
        return found;
    }

    private Map<String, List<String>> byOption() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        axes.forEach(axis -> map.put(axis.option(), axis.values()));
        return map;
    }
}
