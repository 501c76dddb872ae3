package dev.bfa.kernels;

/**
 * Cache-blocking sizes of the GEMM, in one checked place (BLIS's names); the Panama GEMM
 * ({@code dev.bfa.kernels.panama.PanamaGemm}) takes them once, for its vector width.
 *
 * <ul>
 *   <li>{@code mr x nr}: the register tile of the micro-kernel; fixed by its unrolling.</li>
 *   <li>{@code kc}: depth of a packed panel; a {@code kc x nr} sliver of B stays in L1.</li>
 *   <li>{@code mc}: rows of A packed at once; the {@code mc x kc} block stays in L2.</li>
 *   <li>{@code nc}: columns of B packed at once; the {@code kc x nc} block stays in L3.</li>
 * </ul>
 * {@code kc}, {@code mc} and {@code nc} can be overridden for tuning with the system properties
 * {@code bfa.gemm.kc}, {@code bfa.gemm.mc}, {@code bfa.gemm.nc}; results do not depend on them.
 */
public record Blocking(int mr, int nr, int kc, int mc, int nc) {
    public static final int DEFAULT_KC = 256;
    public static final int DEFAULT_MC = 128;
    public static final int DEFAULT_NC = 3072;

    public Blocking {
        if (mr < 1 || nr < 1 || kc < 1 || mc < 1 || nc < 1) {
            throw new IllegalArgumentException("blocking sizes must be positive: " + this);
        }
        if (mc % mr != 0) {
            throw new IllegalArgumentException("mc " + mc + " must be a multiple of mr " + mr);
        }
        if (nc % nr != 0) {
            throw new IllegalArgumentException("nc " + nc + " must be a multiple of nr " + nr);
        }
    }

    /** Forces the micro-kernel's height (4, 8 or 12), so that one machine can test every micro-kernel. */
    public static final String MR_PROPERTY = "bfa.gemm.mr";

    /**
     * Rows of the GEMM's register tile for vectors of {@code floatsPerVector} lanes: 8 for 512-bit
     * vectors, whose CPUs (AVX-512) have 32 vector registers for 16 accumulators; 4 for narrower
     * ones, where 16 registers (AVX2) hold 8 accumulators, two B vectors and the broadcasts. Six
     * rows (12 accumulators) measured slower there: C2 kept three broadcasts live and spilled an
     * accumulator to the stack on every step of k (docs/kernels.md, "Measured choices"). The
     * property {@value #MR_PROPERTY} forces 4, 8 or 12 (24 accumulators, for 512-bit vectors).
     */
    public static int microKernelRows(int floatsPerVector) {
        String forced = System.getProperty(MR_PROPERTY);
        if (forced == null || forced.isBlank()) {
            return floatsPerVector >= 16 ? 8 : 4;
        }
        return switch (forced.trim()) {
            case "4" -> 4;
            case "8" -> 8;
            case "12" -> 12;
            default -> throw new IllegalArgumentException("-D" + MR_PROPERTY + "=" + forced + " is not 4, 8 or 12");
        };
    }

    /** The defaults for a micro-kernel of {@code mr x nr}, with any tuning properties applied. */
    public static Blocking forMicroKernel(int mr, int nr) {
        int kc = Integer.getInteger("bfa.gemm.kc", DEFAULT_KC);
        int mc = roundUp(Integer.getInteger("bfa.gemm.mc", DEFAULT_MC), mr);
        int nc = roundUp(Integer.getInteger("bfa.gemm.nc", DEFAULT_NC), nr);
        return new Blocking(mr, nr, kc, mc, nc);
    }

    private static int roundUp(int value, int multiple) {
        return Math.max(multiple, (value + multiple - 1) / multiple * multiple);
    }
}
