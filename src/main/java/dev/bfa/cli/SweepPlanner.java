package dev.bfa.cli;

import dev.bfa.data.Dataset;
import dev.bfa.model.Mode;
import dev.bfa.sweep.Grid;
import dev.bfa.sweep.Sweep;
import dev.bfa.training.RunConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns a grid into a sweep: each cell's options are parsed and checked by {@code bfa train}'s own
 * definitions, so that a value a train run would refuse is refused for the sweep, with train's
 * message, before anything is read or written.
 */
final class SweepPlanner {
    private SweepPlanner() {
    }

    /** A cell with its options as train parsed them. */
    private record ParsedCell(Grid.Cell cell, TrainCommand train, Mode mode) {
    }

    /** Parses and checks every cell of {@code grid} without reading data. */
    static void check(Grid grid, long defaultSteps) {
        parse(grid, defaultSteps);
    }

    private static List<ParsedCell> parse(Grid grid, long defaultSteps) {
        List<Grid.Cell> cells;
        try {
            cells = grid.cells();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
        List<ParsedCell> parsed = new ArrayList<>();
        for (Grid.Cell cell : cells) {
            TrainCommand train = new TrainCommand();
            try {
                new CommandLine(train).parseArgs(cell.args().toArray(String[]::new));
                Mode mode = train.method.mode();
                train.options.check(List.of(mode), defaultSteps);
                parsed.add(new ParsedCell(cell, train, mode));
            } catch (ParameterException | IllegalArgumentException e) {
                throw new CliException(where(cell) + Main.oneLine(lowerFirst(e.getMessage())), CliException.USAGE, e);
            } catch (CliException e) {
                throw new CliException(where(cell) + e.getMessage(), e.exitCode(), e);
            }
        }
        List<Mode> modes = parsed.stream().map(ParsedCell::mode).toList();
        for (ParsedCell p : parsed) {
            try {
                p.train().options.refuseRuleOptionsWithout(modes);
            } catch (CliException e) {
                throw new CliException(where(p.cell()) + e.getMessage(), e.exitCode(), e);
            }
        }
        return parsed;
    }

    /**
     * The sweep of {@code grid} in {@code directory}, each cell's configuration complete ({@code --epochs}
     * needs the training set's size, hence {@code data}) and to be trained on {@code threads} threads.
     */
    static Sweep plan(Path directory, Grid grid, long defaultSteps, long checkpointEvery, SweepData data,
                      int threads) {
        List<Sweep.PlannedCell> cells = new ArrayList<>();
        Map<RunConfig, String> seen = new HashMap<>();
        for (ParsedCell p : parse(grid, defaultSteps)) {
            Dataset forward = data.get(p.train().options.forward);
            RunConfig config;
            try {
                config = p.train().options.toConfig(p.mode(), defaultSteps, forward.train().count()).withThreads(threads);
            } catch (CliException e) {
                throw new CliException(where(p.cell()) + e.getMessage(), e.exitCode(), e);
            }
            String twin = seen.putIfAbsent(config, p.cell().name());
            if (twin != null) {
                throw new CliException("cells " + twin + " and " + p.cell().name() + " have the same configuration "
                        + "(two spellings of one value?); list each value once", CliException.USAGE);
            }
            cells.add(new Sweep.PlannedCell(p.cell(), config));
        }
        return new Sweep(directory, grid, cells, checkpointEvery);
    }

    private static String where(Grid.Cell cell) {
        return cell.values().isEmpty() ? "" : "cell " + cell.name() + ": ";
    }

    private static String lowerFirst(String text) {
        return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
}
