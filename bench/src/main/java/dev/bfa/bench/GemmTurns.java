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

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        Kernels kernels = KernelProvider.kernels();
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Arena arena = null;
        Operands operands = null;
        try (ComputePool pool = ComputePool.create(threads)) {
            out.println("ready " + kernels.name() + ", " + threads + " thread(s)");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] words = line.trim().split("\\s+");
                switch (words[0]) {
                    case "shape" -> {
                        if (arena != null) {
                            arena.close();
                        }
                        arena = Arena.ofShared();
                        operands = Operands.create(arena, Integer.parseInt(words[1]), Integer.parseInt(words[2]),
                                Integer.parseInt(words[3]), words[4], 42);
                        out.println("ok");
                    }
                    case "run" -> out.println(current(operands).seconds(kernels, pool, Integer.parseInt(words[1])));
                    case "warm" -> {
                        long end = System.nanoTime() + (long) (Double.parseDouble(words[1]) * 1e9);
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

    private static Operands current(Operands operands) {
        if (operands == null) {
            throw new IllegalStateException("no shape given before run or warm");
        }
        return operands;
    }
}
