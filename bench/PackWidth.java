import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packing a plain B (1024 x 3072 floats, row-major, off-heap) into 32-wide panels 256 deep, the
 * copies of PanamaGemm's packPlainRows at 512 bits, on its own: all of B once per pass, in blocks
 * of columns WIDTH wide (each block: every block of k, its rows read in runs of WIDTH floats).
 * Prints the best of 40 passes per width, first with B left in cache between passes, then with
 * 64 MB touched before each pass so that B comes from memory. docs/performance.md compares this
 * with the same packing inside the GEMM; run as that page says:
 *
 *   java --add-modules=jdk.incubator.vector bench/PackWidth.java
 */
public final class PackWidth {
    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_512;
    private static final int VL = SPECIES.length();
    private static final int NR = 2 * VL;
    private static final int KC = 256;
    private static final int PANEL_PAD = 16;
    private static final int K = 1024;
    private static final int N = 3072;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    public static void main(String[] args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment b = arena.allocate((long) K * N * Float.BYTES, 64);
            for (long i = 0; i < (long) K * N; i++) {
                b.setAtIndex(ValueLayout.JAVA_FLOAT, i, i % 7);
            }
            float[] packed = new float[N / NR * (KC * NR + PANEL_PAD)];
            float[] evictor = new float[16 << 20];
            for (boolean evict : new boolean[] {false, true}) {
                for (int width : new int[] {3072, 1536, 768, 384, 192}) {
                    double best = Double.MAX_VALUE;
                    for (int pass = 0; pass < 40; pass++) {
                        if (evict) {
                            for (int i = 0; i < evictor.length; i += 16) {
                                evictor[i] += 1f;
                            }
                        }
                        long start = System.nanoTime();
                        for (int j0 = 0; j0 < N; j0 += width) {
                            for (int k0 = 0; k0 < K; k0 += KC) {
                                pack(b, k0, j0, width, packed);
                            }
                        }
                        best = Math.min(best, (System.nanoTime() - start) / 1e3);
                    }
                    System.out.printf("%s, runs of %d floats: %.0f us for all of B (%.2f ns per float)%n",
                            evict ? "B from memory" : "B in cache", width, best, best * 1e3 / K / N);
                }
            }
        }
    }

    /** Rows k0 .. k0 + KC, columns j0 .. j0 + width of B into panels KC x NR + PANEL_PAD apart. */
    private static void pack(MemorySegment b, int k0, int j0, int width, float[] packed) {
        int panelStride = KC * NR + PANEL_PAD;
        for (int kk = 0; kk < KC; kk++) {
            long row = ((long) (k0 + kk) * N + j0) * Float.BYTES;
            for (int p = 0; p < width / NR; p++) {
                long from = row + (long) p * NR * Float.BYTES;
                int to = p * panelStride + kk * NR;
                FloatVector.fromMemorySegment(SPECIES, b, from, NATIVE).intoArray(packed, to);
                FloatVector.fromMemorySegment(SPECIES, b, from + (long) VL * Float.BYTES, NATIVE)
                        .intoArray(packed, to + VL);
            }
        }
    }
}
