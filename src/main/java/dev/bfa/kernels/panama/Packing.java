package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.memory.FloatMatrix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packing: copies a block of an operand into the panels the micro-kernel streams through, so that
 * it reads both operands contiguously, in the order it multiplies them, whatever the operand's
 * view. Called from the kc loop (B's kc x nc block) and the mc loop (A's mc x kc block) of {@link
 * MacroKernel}, and by {@link GemmJob} for an operand shared whole. A panel is {@code panelWidth}
 * wide (MR for A read as k x m, NR for B) and kc deep, one row of it per step of k; a panel past
 * the operand's edge is filled with zeros, so the micro-kernel always runs on whole panels.
 */
final class Packing {
    private static final int VL = SPECIES.length();
    private static final long FLOAT_BYTES = Float.BYTES;
    /**
     * Floats between one of B's panels and the next in a thread's own packing buffers, beyond the
     * panel's kc x NR. Unpadded, a 256 x 32 panel is 32 KB, a whole multiple of the span an L1
     * set repeats at (4 KB), so packing a plain B row by row sent each row's stores to every panel
     * into one 8-way set. One cache line of padding spreads them over consecutive sets.
     */
    static final int B_PANEL_PAD = 16;
    /**
     * The first 12 lanes, for A's 12-row panels at 512 bits. A constant: a mask made per call with
     * {@code indexInRange} was allocated, about 3 KB a training step.
     */
    private static final VectorMask<Float> TWELVE_LANES = SPECIES.indexInRange(0, Math.min(12, VL));

    private Packing() {
    }

    /**
     * Packs rows {@code k0 .. k0+kc} and columns {@code j0 .. j0+width} of {@code view} (logically
     * k x j) into {@code panelWidth}-wide panels: element (kk, j) goes to
     * {@code dst[dstOffset + (j / panelWidth) * panelStride + kk * panelWidth + j % panelWidth]}
     * (j counted from {@code j0}; {@code panelStride} at least {@code kc * panelWidth}), and the
     * columns past {@code width} in the last panel are zeros.
     * Used for B (panels of NR columns) and for A read as k x m (panels of MR rows).
     */
    static void pack(FloatMatrix view, int k0, int kc, int j0, int width, int panelWidth, float[] dst,
                     int dstOffset, int panelStride, GemmWorkspace ws) {
        if (!view.isTransposed()) {
            packPlainRows(view, k0, kc, j0, width, panelWidth, dst, dstOffset, panelStride);
            return;
        }
        for (int p = 0; p * panelWidth < width; p++) {
            packTransposedPanel(view, k0, kc, j0 + p * panelWidth, Math.min(panelWidth, width - p * panelWidth),
                    panelWidth, dst, dstOffset + p * panelStride, ws.lines);
        }
    }

    /**
     * {@link #pack} for an operand whose storage rows run along j. Each storage row is walked once,
     * left to right, handing its runs out to the panels: filling one panel at a time strides down
     * {@code kc} rows instead, and made the packing of B cost about as much as the micro-kernel.
     * Runs are whole vectors without masks. Panels half a vector wide (A's 8 rows at 512 bits) are
     * the exception: they are packed two at a time, down all their rows, by {@link #packPanelPairs}.
     * A's 12-row panels at 512 bits are copied a masked vector per row. What is left (what the
     * pairs leave, an odd last panel or the last row of an odd {@code kc}, and other panels below
     * a vector, A's 4 rows forced with {@code -Dbfa.gemm.mr=4} at 512 bits) is copied exactly, and
     * a ragged last panel's padding is zeroed.
     */
    static void packPlainRows(FloatMatrix view, int k0, int kc, int j0, int width, int panelWidth, float[] dst,
                              int dstOffset, int panelStride) {
        MemorySegment src = view.segment();
        int fullPanels = width / panelWidth;
        int raggedWidth = width - fullPanels * panelWidth;
        int vectorPanels = panelWidth % VL == 0 ? fullPanels : 0;
        int pairedPanels = 2 * panelWidth == VL ? fullPanels & ~1 : 0;
        int pairedRows = pairedPanels > 0 ? kc & ~1 : 0;
        boolean twelveRows = isTwelveRowPanel(panelWidth);
        if (pairedRows > 0) {
            packPanelPairs(view, k0, pairedRows, j0, pairedPanels, dst, dstOffset, panelStride);
        }
        for (int kk = 0; kk < kc; kk++) {
            long row = view.storageOffset(k0 + kk, j0);
            int to = dstOffset + kk * panelWidth;
            for (int p = 0; p < vectorPanels; p++) {
                long from = row + (long) p * panelWidth * FLOAT_BYTES;
                for (int col = 0; col < panelWidth; col += VL) {
                    FloatVector.fromMemorySegment(SPECIES, src, from + (long) col * FLOAT_BYTES, NATIVE)
                            .intoArray(dst, to + p * panelStride + col);
                }
            }
            int firstCopied = Math.max(vectorPanels, kk < pairedRows ? pairedPanels : 0);
            for (int p = firstCopied; p < fullPanels; p++) {
                long from = row + (long) p * panelWidth * FLOAT_BYTES;
                if (twelveRows) {
                    FloatVector.fromMemorySegment(SPECIES, src, from, NATIVE, TWELVE_LANES)
                            .intoArray(dst, to + p * panelStride, TWELVE_LANES);
                } else {
                    MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED, from, dst, to + p * panelStride,
                            panelWidth);
                }
            }
            if (raggedWidth > 0) {
                int at = to + fullPanels * panelStride;
                MemorySegment.copy(src, ValueLayout.JAVA_FLOAT_UNALIGNED,
                        row + (long) fullPanels * panelWidth * FLOAT_BYTES, dst, at, raggedWidth);
                Arrays.fill(dst, at + raggedWidth, at + panelWidth, 0f);
            }
        }
    }

    /**
     * {@link #packPlainRows} for the first {@code rows} rows (even) and {@code panels} panels (even)
     * half a vector wide: one vector holds a pair of panels' row, and the lower halves of two
     * successive rows' vectors, merged, are one whole vector of the first panel, the upper halves
     * one of the second. A pair of panels is filled down all its rows before the next, which was
     * faster than going row by row across all the panels or in bands of rows.
     */
    private static void packPanelPairs(FloatMatrix view, int k0, int rows, int j0, int panels, float[] dst,
                                       int dstOffset, int panelStride) {
        MemorySegment src = view.segment();
        long ld = (long) view.ld() * FLOAT_BYTES;
        FloatVector lower = FloatVector.fromArray(SPECIES, RegisterTranspose.HALF_MERGES, 0);
        FloatVector upper = FloatVector.fromArray(SPECIES, RegisterTranspose.HALF_MERGES, VL);
        for (int p = 0; p < panels; p += 2) {
            long from = view.storageOffset(k0, j0 + p * (VL / 2));
            int to = dstOffset + p * panelStride;
            for (int kk = 0; kk < rows; kk += 2) {
                FloatVector first = FloatVector.fromMemorySegment(SPECIES, src, from, NATIVE);
                FloatVector second = FloatVector.fromMemorySegment(SPECIES, src, from + ld, NATIVE);
                lower.selectFrom(first, second).intoArray(dst, to);
                upper.selectFrom(first, second).intoArray(dst, to + panelStride);
                from += 2 * ld;
                to += VL;
            }
        }
    }

    /**
     * A panel of an operand whose storage rows run along k. Whole VL x VL blocks (VL storage rows,
     * VL floats of each) are transposed in registers ({@link RegisterTranspose#transposeBlock}), and
     * so are whole panels half a vector wide (A's 8 rows at 512 bits) or 12 rows at 512 bits ({@link
     * #packTwelveRows}), VL deep at a time; what is left, the columns of a ragged panel or of other
     * narrow panels and the last {@code kc % VL} rows of k, goes through {@link #copyTransposed},
     * and the columns past {@code w} are zeros. Copied element by element, these panels had taken a
     * large share of an NT GEMM's time.
     */
    private static void packTransposedPanel(FloatMatrix view, int k0, int kc, int jStart, int w, int panelWidth,
                                            float[] dst, int base, float[] lines) {
        boolean halfWidth = VL >= 8 && 2 * panelWidth == VL && w == panelWidth;
        boolean twelveRows = isTwelveRowPanel(panelWidth) && w == panelWidth;
        int blockColumns = !RegisterTranspose.TRANSPOSES_IN_REGISTERS ? 0
                : halfWidth || twelveRows ? w : panelWidth % VL == 0 ? w / VL * VL : 0;
        int blockDepth = blockColumns > 0 ? kc / VL * VL : 0;
        MemorySegment src = view.segment();
        long ld = (long) view.ld() * FLOAT_BYTES;
        if (twelveRows) {
            packTwelveRows(src, view.storageOffset(jStart, k0), ld, blockDepth, dst, base, lines);
        } else {
            for (int jj = 0; jj < blockColumns; jj += VL) {
                long row = view.storageOffset(jStart + jj, k0);
                for (int kk = 0; kk < blockDepth; kk += VL) {
                    RegisterTranspose.transposeBlock(src, row + (long) kk * FLOAT_BYTES, ld, VL, dst,
                            base + kk * panelWidth + jj, panelWidth, halfWidth);
                }
            }
        }
        copyTransposed(view, k0, blockDepth, kc, jStart, 0, blockColumns, panelWidth, dst, base, lines);
        copyTransposed(view, k0, 0, kc, jStart, blockColumns, w, panelWidth, dst, base, lines);
        for (int kk = 0; w < panelWidth && kk < kc; kk++) {
            Arrays.fill(dst, base + kk * panelWidth + w, base + (kk + 1) * panelWidth, 0f);
        }
    }

    /**
     * The first {@code depth} (a multiple of VL) rows of a whole 12-row panel at 512 bits, a block
     * of 16 rows of k at a time: its 12 storage rows transposed in registers into {@code lines}, 16
     * floats a row, then each row's first 12 floats copied into the panel with a masked vector.
     * Stored straight into the panel with masks by {@link RegisterTranspose#transposeBlock}, the
     * larger method was more than C1 could compile ("out of virtual registers in linear scan"), C2
     * had not compiled it either after seconds of GEMMs, and with the default 8-row tile too
     * 128 x 1024 x 1024 NT ran 0.27 x as fast, NN 0.76 x (Zen 4).
     */
    private static void packTwelveRows(MemorySegment src, long from, long ld, int depth, float[] dst, int base,
                                       float[] lines) {
        for (int kk = 0; kk < depth; kk += VL) {
            RegisterTranspose.transposeBlock(src, from + (long) kk * FLOAT_BYTES, ld, 12, lines, 0, VL, false);
            for (int t = 0; t < VL; t++) {
                FloatVector.fromArray(SPECIES, lines, t * VL).intoArray(dst, base + (kk + t) * 12, TWELVE_LANES);
            }
        }
    }

    /** Whether panels {@code panelWidth} wide are A's 12-row panels at 512 bits ({@code -Dbfa.gemm.mr=12}). */
    private static boolean isTwelveRowPanel(int panelWidth) {
        return VL == 16 && panelWidth == 12;
    }

    /**
     * Rows {@code kFrom .. kTo} of columns {@code jFrom .. jTo} of a panel (as {@link
     * #packTransposedPanel}): the storage rows' runs are copied in bulk into {@code lines}, then
     * transposed array to array, writing the panel's rows sequentially.
     */
    private static void copyTransposed(FloatMatrix view, int k0, int kFrom, int kTo, int jStart, int jFrom, int jTo,
                                       int panelWidth, float[] dst, int base, float[] lines) {
        int depth = kTo - kFrom;
        if (depth == 0) {
            return;
        }
        for (int jj = jFrom; jj < jTo; jj++) {
            MemorySegment.copy(view.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                    view.storageOffset(jStart + jj, k0 + kFrom), lines, (jj - jFrom) * depth, depth);
        }
        for (int kk = kFrom; kk < kTo; kk++) {
            int to = base + kk * panelWidth;
            for (int jj = jFrom; jj < jTo; jj++) {
                dst[to + jj] = lines[(jj - jFrom) * depth + kk - kFrom];
            }
        }
    }
}
