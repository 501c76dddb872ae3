package dev.bfa.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import picocli.CommandLine;

/**
 * Runs many small trainings (train with periodic checkpoints, then eval of the saved model) in one
 * JVM and prints, after each, the off-heap memory the JVM has handed out for the project's arenas:
 * the "Other" category of Native Memory Tracking, where {@code Arena.allocate} is counted
 * (BufferPoolMXBean does not see arenas). Run by {@link NativeMemoryTest} in a child JVM started
 * with {@code -XX:NativeMemoryTracking=summary}.
 *
 * <p>Arguments: data directory, output directory, number of trainings.
 */
public final class NativeMemoryProbe {
    private static final Pattern OTHER = Pattern.compile("Other \\(reserved=\\d+, committed=(\\d+)\\)");

    private NativeMemoryProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int runs = Integer.parseInt(args[2]);
        for (int i = 0; i < runs; i++) {
            Path dir = out.resolve("run" + i);
            run("train", "--data-dir", data.toString(), "--out", dir.toString(), "--mode", "coupled-both",
                    "--steps", "20", "--eval-every", "5", "--checkpoint-every", "7", "--batch", "16", "--width", "24",
                    "--depth", "3", "--threads", "1", "--quiet");
            run("eval", dir.toString(), "--data-dir", data.toString(), "--threads", "1");
            System.out.println("native " + otherCommitted());
        }
    }

    private static void run(String... args) {
        CommandLine commandLine = Main.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(new StringWriter()));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        if (exit != 0) {
            throw new IllegalStateException(String.join(" ", args) + " failed: " + err);
        }
    }

    private static long otherCommitted() throws Exception {
        String summary = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary", "scale=b"}}, new String[] {String[].class.getName()});
        Matcher m = OTHER.matcher(summary);
        if (!m.find()) {
            throw new IllegalStateException("no Other category in: " + summary);
        }
        return Long.parseLong(m.group(1));
    }
}
