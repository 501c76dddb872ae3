package dev.bfa.report;

import dev.bfa.training.EvaluationPoint;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends rows to a run's metrics.csv, one evaluation point at a time. Each row goes to the file in
 * a single write and is on disk (in the operating system's hands) before {@link #append} returns, so
 * a crash loses at most the row being written; readers skip such a partial last line.
 *
 * <p>Opening an existing file (a resumed run) checks that its header matches the run's depth and
 * removes a partial last line, so appends continue on a clean line. Use
 * {@link RunFiles#truncateMetrics} first to drop rows newer than the checkpoint being resumed.
 */
public final class MetricsWriter implements Closeable {
    private final Path file;
    private final MetricsLayout layout;
    private final FileChannel channel;
    private long rows;

    private MetricsWriter(Path file, MetricsLayout layout, FileChannel channel, long rows) {
        this.file = file;
        this.layout = layout;
        this.channel = channel;
        this.rows = rows;
    }

    /**
     * Opens {@code file} for appending. A missing or empty file is created with the header (written
     * atomically); an existing one must have the header of {@code layout}.
     *
     * @throws ReportException when an existing file's header or rows do not parse, or its depth differs
     */
    public static MetricsWriter open(Path file, MetricsLayout layout) throws IOException {
        long existingRows = 0;
        if (Files.exists(file) && Files.size(file) > 0) {
            String text = MetricsCsv.readText(file);
            MetricsCsv.Parsed parsed = MetricsCsv.parseWithLayout(text, file.toString());
            if (!parsed.layout().equals(layout)) {
                throw new ReportException(file + ": has the columns of depth " + parsed.layout().depth()
                        + ", but this run has depth " + layout.depth());
            }
            if (parsed.completeLength() < text.length()) {
                // drop the partial line an interrupted append left behind
                AtomicFiles.writeString(file, text.substring(0, parsed.completeLength()));
            }
            existingRows = parsed.points().size();
        } else {
            AtomicFiles.writeString(file, MetricsCsv.text(layout, List.of()));
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new MetricsWriter(file, layout, channel, existingRows);
    }

    /** Appends {@code point} as one row and flushes it. */
    public synchronized void append(EvaluationPoint point) throws IOException {
        // The row formatted whole and written at once, not a CSVPrinter on the channel: a printer
        // buffers, and the row must be in the file when this returns.
        ByteBuffer bytes = ByteBuffer.wrap(MetricsCsv.row(layout, point).getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        rows++;
    }

    /**
     * Forces the rows appended so far to the disk itself, past the operating system's cache: called
     * before a checkpoint is written, so that after a power cut the rows up to the checkpoint's step
     * are there to resume with.
     */
    public synchronized void force() throws IOException {
        channel.force(false);
    }

    /** Appends each of {@code points}. */
    public void appendAll(List<EvaluationPoint> points) throws IOException {
        for (EvaluationPoint point : points) {
            append(point);
        }
    }

    /** Rows in the file, those there before opening included. */
    public synchronized long rows() {
        return rows;
    }

    public Path file() {
        return file;
    }

    public MetricsLayout layout() {
        return layout;
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
