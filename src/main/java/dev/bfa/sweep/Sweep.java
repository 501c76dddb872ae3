package dev.bfa.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.report.AtomicFiles;
import dev.bfa.report.JsonFields;
import dev.bfa.report.ReportException;
import dev.bfa.report.RunFiles;
import dev.bfa.training.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A sweep as recorded in its directory's {@value #FILE} before any cell runs: the grid and every
 * cell's exact configuration, so that the sweep is continued, on this machine or a cluster's
 * nodes, from that file alone. Each cell trains in its own ordinary run directory,
 * {@code DIR/runs/<cell name>/}.
 *
 * <pre>
 * DIR/sweep.json            the grid, the cells and their configurations
 * DIR/runs/NAME/            each cell's run directory (config.json, metrics.csv, model.ckpt, ...)
 * DIR/status/NAME.json      how each cell's last attempt went ({@link CellStatus})
 * DIR/slurm/                the batch script, the jar the array tasks run, their logs (Slurm only)
 * DIR/report.md ...         the sweep report
 * </pre>
 *
 * @param checkpointEvery the cells' --checkpoint-every (0: at the end only)
 */
public record Sweep(Path directory, Grid grid, List<PlannedCell> cells, long checkpointEvery) {
    public static final String FILE = "sweep.json";
    public static final String RUNS = "runs";
    public static final String STATUS = "status";
    /** Format version of sweep.json. */
    public static final int FORMAT = 1;

    public Sweep {
        cells = List.copyOf(cells);
    }

    /** One cell of the grid with the configuration it trains. */
    public record PlannedCell(Grid.Cell cell, RunConfig config) {
        public String name() {
            return cell.name();
        }

        public int index() {
            return cell.index();
        }
    }

    /** The run directory of {@code cell}. */
    public Path runDirectory(PlannedCell cell) {
        return directory.resolve(RUNS).resolve(cell.name());
    }

    /** The status file of {@code cell}. */
    public Path statusFile(PlannedCell cell) {
        return directory.resolve(STATUS).resolve(cell.name() + ".json");
    }

    /** The cell at {@code index}, or an IllegalArgumentException naming the valid range. */
    public PlannedCell cell(int index) {
        if (index < 0 || index >= cells.size()) {
            throw new IllegalArgumentException("cell " + index + " is not in the sweep in " + directory + " (it has cells 0.."
                    + (cells.size() - 1) + ")");
        }
        return cells.get(index);
    }

    /** The cell named {@code name}, or an IllegalArgumentException. */
    public PlannedCell cell(String name) {
        return cells.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no cell named " + name + " in " + directory));
    }

    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(FILE));
    }

    /** Writes {@value #FILE} into {@code directory} (atomically). */
    public void write() throws IOException {
        Files.createDirectories(directory);
        AtomicFiles.writeString(directory.resolve(FILE), JsonFields.write(toJson()));
    }

    private ObjectNode toJson() {
        ObjectNode root = JsonFields.MAPPER.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode axes = root.putArray("grid");
        for (Grid.Axis axis : grid.axes()) {
            ObjectNode node = axes.addObject();
            node.put("option", axis.option());
            ArrayNode values = node.putArray("values");
            axis.values().forEach(values::add);
        }
        root.put("checkpoint_every", checkpointEvery);
        ArrayNode list = root.putArray("cells");
        for (PlannedCell planned : cells) {
            ObjectNode node = list.addObject();
            node.put("index", planned.index());
            node.put("name", planned.name());
            ArrayNode args = node.putArray("args");
            planned.cell().args().forEach(args::add);
            node.set("config", RunFiles.configNode(planned.config()));
        }
        return root;
    }

    /**
     * The sweep recorded in {@code directory}.
     *
     * @throws ReportException when sweep.json is missing, malformed, or does not match its own grid
     */
    public static Sweep read(Path directory) throws IOException {
        Path file = directory.resolve(FILE);
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ReportException(directory + ": not a sweep directory (no " + FILE + ")", e);
        }
        JsonFields root = JsonFields.parse(text, file.toString());
        long format = root.integer("format");
        if (format != FORMAT) {
            throw root.error("format", "version " + format + " is not supported (this bfa reads version " + FORMAT + ")");
        }
        List<Grid.Axis> axes = new ArrayList<>();
        for (JsonFields axis : root.objects("grid")) {
            try {
                axes.add(new Grid.Axis(axis.string("option"), axis.strings("values")));
            } catch (ReportException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ReportException(file + ": field \"grid\": " + e.getMessage(), e);
            }
        }
        Grid grid;
        try {
            grid = new Grid(axes);
        } catch (IllegalArgumentException e) {
            throw new ReportException(file + ": field \"grid\": " + e.getMessage(), e);
        }
        long checkpointEvery = root.integer("checkpoint_every");
        List<Grid.Cell> expected = grid.cells();
        List<JsonFields> stored = root.objects("cells");
        if (stored.size() != expected.size()) {
            throw root.error("cells", stored.size() + " cells, but the grid makes " + expected.size());
        }
        List<PlannedCell> cells = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            JsonFields node = stored.get(i);
            Grid.Cell cell = expected.get(i);
            if (node.integer("index") != i || !node.string("name").equals(cell.name())
                    || !node.strings("args").equals(cell.args())) {
                throw root.error("cells[" + i + "]", "is not cell " + i + " of the grid (" + cell.name() + ")");
            }
            cells.add(new PlannedCell(cell, RunFiles.parseConfig(node.object("config"))));
        }
        return new Sweep(directory, grid, cells, checkpointEvery);
    }
}
