package dev.bfa.report;

import dev.bfa.training.EvaluationPoint;
import java.io.Console;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on stderr. Three displays:
 * <ul>
 *   <li>{@link Display#TERMINAL}: a live progress bar (me.tongfei.progressbar) with the step, the
 *       library's ETA, and an extra message: epoch, smoothed training loss of F and R, examples/s.
 *       Evaluation lines scroll above the bar.</li>
 *   <li>{@link Display#PLAIN}: for logs and CI, where stderr is not a terminal: no carriage returns or
 *       escape sequences, just one line every {@linkplain Builder#plainInterval interval} (default
 *       15 s) with the same information, and the evaluation lines.</li>
 *   <li>{@link Display#QUIET}: prints nothing.</li>
 * </ul>
 * {@link Display#AUTO} (the default) picks TERMINAL when stderr is an interactive terminal, else PLAIN.
 *
 * <p>Call {@link #update} after every step (it is cheap), {@link #evaluation} after every evaluation
 * point, and {@link #close} at the end. Not for use from several training threads at once.
 */
public final class Progress implements AutoCloseable {
    /** Where and how progress is shown. */
    public enum Display {
        /** TERMINAL if stderr is an interactive terminal, else PLAIN. */
        AUTO,
        /** A live progress bar redrawn in place. */
        TERMINAL,
        /** A plain line every few seconds, no control characters. */
        PLAIN,
        /** Nothing at all. */
        QUIET
    }

    private static final double LOSS_SMOOTHING = 0.05;   // EMA weight of the newest step: ~20-step memory
    private static final long RATE_WINDOW_NANOS = 2_000_000_000L;
    private static final long MESSAGE_EVERY_NANOS = 200_000_000L;

    private final String task;
    private final long totalSteps;
    private final long startStep;
    private final Display display;
    private final PrintStream out;
    private final long examplesPerStep;
    private final int batch;
    private final long forwardTrainSize;
    private final long reverseTrainSize;
    private final long plainIntervalNanos;
    private final LongSupplier clock;
    private final ProgressBar bar;
    private final TerminalConsumer terminal;
    private final long startNanos;

    private long step;
    private double forwardLoss = Double.NaN;
    private double reverseLoss = Double.NaN;
    private double lossWeight;
    private double rate = Double.NaN;
    private long windowNanos;
    private long windowStep;
    private long lastMessageNanos;
    private long lastPlainNanos;
    private long lastPlainStep;
    private boolean closed;

    private Progress(Builder b) {
        this.task = b.task;
        this.totalSteps = b.totalSteps;
        this.startStep = b.startStep;
        this.out = b.out;
        this.batch = b.batch;
        this.forwardTrainSize = b.forwardTrainSize;
        this.reverseTrainSize = b.reverseTrainSize;
        this.examplesPerStep = b.examplesPerStep;
        this.plainIntervalNanos = b.plainInterval.toNanos();
        this.clock = b.clock;
        this.display = b.display == Display.AUTO ? (stderrIsTerminal() ? Display.TERMINAL : Display.PLAIN) : b.display;
        this.startNanos = clock.getAsLong();
        this.step = startStep;
        this.windowNanos = startNanos;
        this.windowStep = startStep;
        this.lastPlainNanos = startNanos;
        this.lastPlainStep = startStep;
        this.lastMessageNanos = startNanos - MESSAGE_EVERY_NANOS;
        if (display == Display.TERMINAL) {
            terminal = new TerminalConsumer(out, terminalWidth());
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalSteps)
                    .setStyle(unicode(out) ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                    .setConsumer(terminal)
                    .setUpdateIntervalMillis(250)
                    .continuousUpdate()
                    .startsFrom(startStep, Duration.ZERO)
                    .build();
        } else {
            terminal = null;
            bar = null;
        }
    }

    /** A progress display for {@code totalSteps} steps named {@code task} (shown before the bar). */
    public static Builder builder(String task, long totalSteps) {
        return new Builder(task, totalSteps);
    }

    /** A progress display that prints nothing. */
    public static Progress quiet() {
        return builder("", 1).display(Display.QUIET).build();
    }

    /** The display in use (never AUTO). */
    public Display display() {
        return display;
    }

    /**
     * Records that {@code step} steps are done and the latest step's mean losses. Losses are shown
     * smoothed (exponential moving average over about 20 steps); NaN losses are shown as they are.
     */
    public void update(long step, double forwardLoss, double reverseLoss) {
        if (display == Display.QUIET || closed) {
            return;
        }
        this.step = step;
        smoothLosses(forwardLoss, reverseLoss);
        long now = clock.getAsLong();
        if (now - windowNanos >= RATE_WINDOW_NANOS && step > windowStep) {
            double seconds = (now - windowNanos) / 1e9;
            double perStep = examplesPerStep > 0 ? examplesPerStep : 1;
            rate = (step - windowStep) * perStep / seconds;
            windowNanos = now;
            windowStep = step;
        }
        if (display == Display.TERMINAL) {
            if (now - lastMessageNanos >= MESSAGE_EVERY_NANOS || step >= totalSteps) {
                lastMessageNanos = now;
                bar.setExtraMessage(barStatus());
            }
            bar.stepTo(step);
        } else if (now - lastPlainNanos >= plainIntervalNanos) {
            printPlain(now);
        }
    }

    private void smoothLosses(double f, double r) {
        lossWeight = lossWeight * (1 - LOSS_SMOOTHING) + LOSS_SMOOTHING;
        // bias-corrected EMA: the first steps are not pulled towards an initial zero
        double w = LOSS_SMOOTHING / lossWeight;
        forwardLoss = Double.isNaN(forwardLoss) ? f : forwardLoss + w * (f - forwardLoss);
        reverseLoss = Double.isNaN(reverseLoss) ? r : reverseLoss + w * (r - reverseLoss);
    }

    /**
     * Prints the one-line summary of an evaluation point ({@link #evaluationLine}). It also restarts
     * the throughput measurement, so that time spent evaluating does not count as training time.
     */
    public void evaluation(EvaluationPoint point) {
        if (display == Display.QUIET || closed) {
            return;
        }
        line(evaluationLine(point, totalSteps));
        windowNanos = clock.getAsLong();
        windowStep = point.step();
        if (Double.isFinite(point.examplesPerSecond()) && examplesPerStep > 0) {
            rate = point.examplesPerSecond();
        }
    }

    /** Prints a line of text (above the bar, in the terminal display). */
    public void message(String text) {
        if (display == Display.QUIET || closed) {
            return;
        }
        line(text);
    }

    /** Prints a line of text that must be seen: as {@link #message}, but even when the display is quiet. */
    public void warning(String text) {
        if (display == Display.QUIET) {
            out.println(text);
            out.flush();
        } else {
            line(text);
        }
    }

    private void line(String text) {
        if (display == Display.TERMINAL) {
            terminal.printAbove(text);
        } else {
            out.println(plain(text));
            out.flush();
        }
    }

    /** Ends the display: the terminal bar stays on screen at its final state; plain prints a last line. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (display == Display.TERMINAL) {
            bar.setExtraMessage(barStatus());
            bar.stepTo(step);
            bar.close();
        } else if (display == Display.PLAIN && step != lastPlainStep) {
            printPlain(clock.getAsLong());
        }
    }

    private void printPlain(long now) {
        lastPlainNanos = now;
        lastPlainStep = step;
        double elapsed = (now - startNanos) / 1e9;
        StringBuilder line = new StringBuilder();
        if (!task.isEmpty()) {
            line.append(task).append(": ");
        }
        line.append("step ").append(Markdown.count(step)).append('/').append(Markdown.count(totalSteps));
        if (totalSteps > 0) {
            line.append(String.format(Locale.ROOT, " (%.1f%%)", 100.0 * step / totalSteps));
        }
        line.append(" | ").append(status()).append(" | elapsed ").append(clockTime(elapsed));
        long done = step - startStep;
        if (done > 0 && step < totalSteps) {
            line.append(" | ETA ").append(clockTime(elapsed / done * (totalSteps - step)));
        }
        out.println(plain(line.toString()));
        out.flush();
    }

    /**
     * The bar's extra message: the full {@link #status()} when it leaves the bar at least 20 columns,
     * else a compact form. The library's renderer puts, besides the message, the task name, the
     * percentage, the bar, "step/total" and "(elapsed / ETA)" on the line.
     */
    private String barStatus() {
        int digits = Long.toString(Math.max(1, totalSteps)).length();
        int fixed = task.length() + 31 + 2 * digits;
        String full = status();
        return terminal.width - fixed - full.length() >= 20 ? full : compactStatus();
    }

    /** "ep 1.23 loss 0.432/0.081 12.3k ex/s". */
    String compactStatus() {
        StringBuilder s = new StringBuilder();
        if (batch > 0 && forwardTrainSize > 0) {
            s.append(String.format(Locale.ROOT, "ep %.2f ", (double) step * batch / forwardTrainSize));
        }
        s.append("loss ").append(Markdown.fixed(forwardLoss, 3)).append('/').append(Markdown.fixed(reverseLoss, 3));
        if (Double.isFinite(rate)) {
            s.append(' ').append(rate >= 10_000 ? String.format(Locale.ROOT, "%.1fk", rate / 1000)
                    : Markdown.count(rate)).append(examplesPerStep > 0 ? " ex/s" : " st/s");
        }
        return s.toString();
    }

    /** The status: epoch, smoothed losses, throughput. */
    String status() {
        StringBuilder s = new StringBuilder();
        if (batch > 0 && forwardTrainSize > 0 && reverseTrainSize > 0) {
            double f = (double) step * batch / forwardTrainSize;
            double r = (double) step * batch / reverseTrainSize;
            if (forwardTrainSize == reverseTrainSize) {
                s.append(String.format(Locale.ROOT, "epoch %.2f | ", f));
            } else {
                s.append(String.format(Locale.ROOT, "epoch F %.2f R %.2f | ", f, r));
            }
        }
        s.append("loss F ").append(Markdown.fixed(forwardLoss, 4)).append(" R ").append(Markdown.fixed(reverseLoss, 4));
        if (Double.isFinite(rate)) {
            s.append(" | ").append(Markdown.count(rate)).append(examplesPerStep > 0 ? " ex/s" : " steps/s");
        }
        return s.toString();
    }

    /**
     * One line for an evaluation point, for example {@code [coupled-both] step 1,000/10,000: acc F
     * 84.21% R 97.50% | loss F 0.4320 R 0.0810 | cos 0.312 0.201 0.105 | 9,800 ex/s}.
     */
    public static String evaluationLine(EvaluationPoint p, long totalSteps) {
        StringBuilder s = new StringBuilder();
        s.append('[').append(p.mode().cliName()).append("] step ").append(Markdown.count(p.step()));
        if (totalSteps > 0) {
            s.append('/').append(Markdown.count(totalSteps));
        }
        s.append(": acc F ").append(pct(p.forwardAccuracy())).append(" R ").append(pct(p.reverseAccuracy()));
        s.append(" | loss F ").append(Markdown.fixed(p.forwardLoss(), 4)).append(" R ")
                .append(Markdown.fixed(p.reverseLoss(), 4));
        double[] cosine = p.cosine();
        if (cosine != null && cosine.length > 0) {
            s.append(" | cos");
            for (double c : cosine) {
                s.append(' ').append(Markdown.fixed(c, 3));
            }
        }
        if (Double.isFinite(p.examplesPerSecond())) {
            s.append(" | ").append(Markdown.count(p.examplesPerSecond())).append(" ex/s");
        }
        return s.toString();
    }

    private static String pct(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f%%", 100 * fraction) : Markdown.MISSING;
    }

    /** h:mm:ss. */
    static String clockTime(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }

    /** {@code text} without control characters (no carriage returns or escapes in logs). */
    static String plain(String text) {
        StringBuilder s = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            s.append(Character.isISOControl(c) ? ' ' : c);
        }
        return s.toString();
    }

    /**
     * Whether stderr is an interactive terminal: there is a console on a terminal (JDK 22+:
     * {@link Console#isTerminal()}), TERM is not "dumb", and, where /proc tells, file descriptor 2
     * itself is a terminal device (stderr may be redirected while stdin and stdout are not).
     */
    public static boolean stderrIsTerminal() {
        if ("dumb".equals(System.getenv("TERM"))) {
            return false;
        }
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return false;
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception | LinkageError e) {
            return true; // no /proc (macOS, Windows): trust the console
        }
    }

    private static boolean unicode(PrintStream out) {
        return out.charset().equals(StandardCharsets.UTF_8);
    }

    private static int terminalWidth() {
        try {
            String columns = System.getenv("COLUMNS");
            if (columns != null) {
                int n = Integer.parseInt(columns.trim());
                if (n >= 20) {
                    return n - 1;
                }
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        try {
            // the library's own measurement of the terminal (through JLine)
            int width = new DelegatingProgressBarConsumer(s -> { }).getMaxRenderedLength();
            if (width >= 20) {
                return width - 1;
            }
        } catch (RuntimeException | LinkageError e) {
            // fall through
        }
        return 100;
    }

    /**
     * Draws the bar on one line, redrawn in place with a carriage return; lines printed "above" it
     * clear the bar's line, print, and redraw the bar below.
     */
    private static final class TerminalConsumer implements ProgressBarConsumer {
        private static final String CLEAR_TO_END = "\u001b[K";
        private final PrintStream out;
        private final int width;
        private String last = "";

        TerminalConsumer(PrintStream out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public int getMaxRenderedLength() {
            return width;
        }

        @Override
        public synchronized void accept(String rendered) {
            last = rendered.length() > width ? rendered.substring(0, width) : rendered;
            out.print('\r' + last + CLEAR_TO_END);
            out.flush();
        }

        synchronized void printAbove(String line) {
            out.print('\r' + CLEAR_TO_END);
            out.println(line);
            if (!last.isEmpty()) {
                out.print(last + CLEAR_TO_END);
            }
            out.flush();
        }

        @Override
        public synchronized void close() {
            out.println();
            out.flush();
        }
    }

    /** Settings of a {@link Progress}; see {@link Progress#builder}. */
    public static final class Builder {
        private final String task;
        private final long totalSteps;
        private long startStep;
        private Display display = Display.AUTO;
        private PrintStream out = System.err;
        private int batch;
        private long forwardTrainSize;
        private long reverseTrainSize;
        private long examplesPerStep;
        private Duration plainInterval = Duration.ofSeconds(15);
        private LongSupplier clock = System::nanoTime;

        private Builder(String task, long totalSteps) {
            this.task = Objects.requireNonNull(task, "task");
            if (totalSteps < 0) {
                throw new IllegalArgumentException("total steps " + totalSteps + " must not be negative");
            }
            this.totalSteps = totalSteps;
        }

        /** The step the run starts from (a resumed run): the bar starts there, the ETA counts from there. */
        public Builder startStep(long step) {
            this.startStep = step;
            return this;
        }

        /**
         * Shows epochs (passes over each training set) and examples/s: each step uses {@code batch}
         * examples of each network's training set.
         */
        public Builder epochs(int batch, long forwardTrainSize, long reverseTrainSize) {
            this.batch = batch;
            this.forwardTrainSize = forwardTrainSize;
            this.reverseTrainSize = reverseTrainSize;
            this.examplesPerStep = 2L * batch;
            return this;
        }

        /** Training examples per step, both networks together (set by {@link #epochs} as 2 × batch). */
        public Builder examplesPerStep(long examples) {
            this.examplesPerStep = examples;
            return this;
        }

        public Builder display(Display display) {
            this.display = Objects.requireNonNull(display, "display");
            return this;
        }

        /** Shorthand for {@code display(QUIET)} when {@code quiet} is true. */
        public Builder quiet(boolean quiet) {
            if (quiet) {
                this.display = Display.QUIET;
            }
            return this;
        }

        /** Time between lines in the PLAIN display. */
        public Builder plainInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("interval " + interval + " must not be negative");
            }
            this.plainInterval = interval;
            return this;
        }

        /** Where to print (default System.err). */
        public Builder output(PrintStream out) {
            this.out = Objects.requireNonNull(out, "out");
            return this;
        }

        /** The time source, in nanoseconds (for tests). */
        Builder clock(LongSupplier nanos) {
            this.clock = Objects.requireNonNull(nanos, "nanos");
            return this;
        }

        public Progress build() {
            return new Progress(this);
        }
    }
}
