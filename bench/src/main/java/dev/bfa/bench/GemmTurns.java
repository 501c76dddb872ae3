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
        } catch (BadCommand e) {
            System.err.println("GemmTurns: " + e.getMessage());
            System.exit(2);
        }
    }

    /** What the driver asked for cannot be done; kernel failures are not this, and keep their trace. */
    private static final class BadCommand extends RuntimeException {
        BadCommand(String message) {
            super(message);
        }
    }

    /** Floats per operand at most: three such fit the launcher's 512 MB heap cap with room to spare. */
    private static final long MAX_OPERAND_FLOATS = 1L << 25;

    private static void serve(String[] args) throws IOException {
        int threads = args.length > 0 ? number(args[0], "thread count") : 1;
        if (threads > ComputePool.MAX_THREADS) {
            throw new BadCommand("thread count " + threads + " is more than " + ComputePool.MAX_THREADS);
        }
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
                        int m = number(words[1], "M");
                        int n = number(words[2], "N");
                        int k = number(words[3], "K");
                        String op = words[4];
                        if (!op.matches("[NT][NT]")) {
                            throw new BadCommand("OP '" + op + "' is not two letters from N and T");
                        }
                        long largest = Math.max((long) m * k, Math.max((long) k * n, (long) m * n));
                        if (largest > MAX_OPERAND_FLOATS) {
                            throw new BadCommand("shape " + m + " x " + n + " x " + k + " has an operand of " + largest
                                    + " floats, more than " + MAX_OPERAND_FLOATS);
                        }
                        if (arena != null) {
                            arena.close();
                        }
                        arena = Arena.ofShared();
                        operands = Operands.create(arena, m, n, k, op, 42);
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
                    default -> throw new BadCommand("unknown command: " + line.trim());
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
            throw new BadCommand("usage: " + usage + " (got '" + String.join(" ", words) + "')");
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
        throw new BadCommand(what + " '" + text + "' is not a positive integer");
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
        throw new BadCommand("SECONDS '" + text + "' is not a number of seconds from 0 to 1e6");
    }

    private static Operands current(Operands operands) {
        if (operands == null) {
            throw new BadCommand("no shape given before run or warm");
        }
        return operands;
    }
}
