package dev.bfa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of this project in a child JVM: the same java executable and class path as the
 * test JVM, with the Vector API module, plus the flags a test needs (a forced vector width, native
 * memory tracking, a test hook's property). For what must happen in another process: other JVM
 * flags, or a process to kill.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** The command line that runs {@code mainClass} with {@code jvmFlags} and {@code args}. */
    public static List<String> command(List<String> jvmFlags, Class<?> mainClass, String... args) {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /** What a child printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /** Runs the child to its end (at most two minutes) and returns what it printed. */
    public static Result run(List<String> jvmFlags, Class<?> mainClass, String... args)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command(jvmFlags, mainClass, args)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM still running after 2 minutes: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
