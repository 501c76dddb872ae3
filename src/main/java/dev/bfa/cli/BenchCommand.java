package dev.bfa.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Placeholder for {@code bench}: the launcher script runs the JMH benchmark jar itself, so reaching
 * this command means the CLI jar was started directly.
 */
@Command(name = "bench",
        description = "Run the JMH benchmarks: ./bfa bench [JMH options].")
public final class BenchCommand implements Callable<Integer> {
    static final String MESSAGE =
            "benchmarks run via ./bfa bench [JMH options] (it builds and runs target/bench/benchmarks.jar)";

    @Spec
    CommandSpec spec;

    /** Any JMH options given here are accepted and ignored, so the message below is what is shown. */
    @Unmatched
    List<String> ignored;

    @Override
    public Integer call() {
        throw new CliException(MESSAGE, CliException.USAGE);
    }
}
