package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.Shapes;
import dev.bfa.memory.FloatMatrix;

/**
 * The GEMM's entry, {@code C = A·B} or {@code C += A·B} on views of any orientation. It picks the
 * register tile for the vector width, and with it the micro-kernel, plans how C's tiles are split
 * among the threads, and runs the plan; the loops are in the files below it, one level each, in the
 * BLIS layering (docs/kernels.md follows one call through them):
 *
 * <pre>
 * GemmJob        for each block of C                   the pool's threads take the blocks
 * MacroKernel      for jc in block's columns step nc
 *                    for pc in k step kc               Packing: B's kc x nc into NR-wide panels
 *                      for ic in block's rows step mc  Packing: A's mc x kc into MR-tall panels
 *                        for jr in nc step NR
 *                          for ir in mc step MR
 * MicroKernels               for kk in kc              C[MR x NR] += A-panel · B-panel
 * </pre>
 *
 * Every C element is one fma chain over ascending k (docs/spec.md, "Order of floating-point
 * operations"): blocks of k continue the chain through C, whose stored floats are exact, so the
 * result equals the scalar reference for any blocking and any split of C across threads.
 */
final class PanamaGemm {
    private static final int VL = SPECIES.length();
    /**
     * Rows of the register tile ({@link Blocking#microKernelRows}): 8 with 512-bit vectors, where
     * AVX-512's 32 registers hold the 16 accumulators; 4 with narrower ones, for AVX2's 16
     * registers; 12 (24 accumulators) only where forced, measured slower than 8 on the Zen 4
     * (docs/kernels.md). {@link MicroKernels} has a kernel unrolled for each.
     */
    static final int MR = Blocking.microKernelRows(VL);
    /** Columns of the register tile: two vectors. */
    static final int NR = 2 * VL;

    private final Blocking blocking = Blocking.forMicroKernel(MR, NR);
    private final ThreadLocal<GemmWorkspace> workspaces = ThreadLocal.withInitial(() -> new GemmWorkspace(blocking));
    private final ThreadLocal<GemmJob> jobs = ThreadLocal.withInitial(() -> new GemmJob(blocking, workspaces));

    Blocking blocking() {
        return blocking;
    }

    void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        Shapes.checkGemm(a, b, c, pool);
        if (c.isTransposed()) {
            // C^T = B^T A^T: the same products summed in the same order, written through plain rows.
            gemm(b.transpose(), a.transpose(), c.transpose(), accumulate, pool);
            return;
        }
        int m = c.rows();
        int n = c.cols();
        long multiplyAdds = (long) m * n * a.cols();
        int rowPanels = ceilDiv(m, MR);
        int columnPanels = ceilDiv(n, NR);
        long grid = Partition.of(rowPanels, columnPanels, pool.threads(), multiplyAdds);
        GemmJob job = jobs.get();
        job.set(a.transpose(), b, c, accumulate, grid, rowPanels, columnPanels, pool.threads(), multiplyAdds);
        try {
            pool.run(job.computeTasks(), job);
        } finally {
            job.clear();
        }
    }

    static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }
}
