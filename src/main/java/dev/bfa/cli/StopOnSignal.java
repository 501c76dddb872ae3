package dev.bfa.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into a request that the training loop polls after every step:
 * it finishes the step, saves a checkpoint and returns, and the command exits with 128 + the
 * signal's number (130 for Ctrl-C), as shells expect of a program stopped by a signal. A second
 * signal stops at once, which is safe too: a checkpoint is written to a temporary file and renamed,
 * so a halt in the middle of one leaves the previous checkpoint in place.
 *
 * <p>{@code sun.misc.Signal} (module jdk.unsupported) rather than a shutdown hook: a hook runs
 * while the JVM is already exiting, so it would have to block the exit until the training thread
 * had saved, and a {@code System.exit} from that thread would then deadlock. Replacing the signal
 * handler keeps the whole stop on the ordinary path of the command. The previous handlers come
 * back on {@link #close}.
 */
final class StopOnSignal implements BooleanSupplier, AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private volatile Signal received;

    private StopOnSignal() {
    }

    static StopOnSignal install() {
        StopOnSignal stop = new StopOnSignal();
        for (String name : List.of("INT", "TERM")) {
            Signal signal = new Signal(name);
            try {
                stop.previous.put(signal, Signal.handle(signal, stop::handle));
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (e.g. under -Xrs): leave its default
            }
        }
        return stop;
    }

    private void handle(Signal signal) {
        if (received != null) {
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        received = signal;
        System.err.println("\nbfa: SIG" + signal.getName() + ": finishing this step and saving a checkpoint "
                + "(send it again to stop at once)");
        System.err.flush();
    }

    @Override
    public boolean getAsBoolean() {
        return received != null;
    }

    /** The exit code of a run stopped by the signal: 128 + its number. */
    int exitCode() {
        return 128 + received.getNumber();
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
