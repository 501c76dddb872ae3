package dev.bfa.bench;

import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;

/**
 * bfa's side of a paired comparison with another GEMM (bench/openblas_sgemm.py --paired): the
 * driver takes turns with this process, so that each of its measurements and each of ours land
 * in the same stretch of a shared machine, and the ratio of two neighbouring turns is not
 * distorted by the machine's drifting speed. Commands, one per line on standard input:
 *
 * <pre>
 *   shape M N K OP    operands for C(M x N) = op(A) op(B), OP one of NN NT TN TT; answers "ok"
 *   run CALLS         CALLS GEMMs into C; answers the seconds they took
 *   warm SECONDS      GEMMs on the current shape for that long, so C2 compiles them; answers "ok"
 * </pre>
 *
 * The pool has the thread count of the first argument (default 1). Started by the driver as
 * {@code ./bfa bench --main GemmTurns [THREADS]}.
 */
public final class GemmTurns {
    private GemmTurns() {
    }

    /** A bad argument or command ends the process with one line on standard error and exit code 2. */
    public static void main(String[] args) throws IOException {
        try {
            serve(args);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("GemmTurns: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void serve(String[] args) throws IOException {
        int threads = args.length > 0 ? number(args[0], "thread count") : 1;
        Kernels kernels = KernelProvider.kernels();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Arena arena = null;
        Operands operands = null;
        try (ComputePool pool = ComputePool.create(threads)) {
            out.println("ready " + kernels.name() + ", " + threads + " thread(s)");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.trim().split("\\s+");
                if (words[0].isEmpty()) {
                    continue;
                }
                switch (words[0]) {
                    case "shape" -> {
                        arguments(words, 4, "shape M N K OP");
                        if (arena != null) {
                            arena.close();
                        }
                        arena = Arena.ofShared();
                        operands = Operands.create(arena, number(words[1], "M"), number(words[2], "N"),
                                number(words[3], "K"), words[4], 42);
                        out.println("ok");
                    }
                    case "run" -> {
                        arguments(words, 1, "run CALLS");
                        out.println(current(operands).seconds(kernels, pool, number(words[1], "CALLS")));
                    }
                    case "warm" -> {
                        arguments(words, 1, "warm SECONDS");
                        long end = System.nanoTime() + (long) (seconds(words[1]) * 1e9);
                        while (System.nanoTime() < end) {
                            current(operands).seconds(kernels, pool, 1);
                        }
                        out.println("ok");
                    }
                    default -> throw new IllegalArgumentException("unknown command: " + line);
                }
            }
        } finally {
            if (arena != null) {
                arena.close();
            }
        }
    }

    private static void arguments(String[] words, int count, String usage) {
        if (words.length != count + 1) {
            throw new IllegalArgumentException("'" + String.join(" ", words) + "' is not " + usage);
        }
    }

    private static int number(String text, String what) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with what it was meant to be
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a positive integer");
    }

    private static double seconds(String text) {
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && value < 1e6) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("SECONDS '" + text + "' is not a number of seconds from 0 to 1e6");
    }

    private static Operands current(Operands operands) {
        if (operands == null) {
            throw new IllegalStateException("no shape given before run or warm");
        }
        return operands;
    }
}
