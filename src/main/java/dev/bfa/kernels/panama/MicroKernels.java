package dev.bfa.kernels.panama;

import static dev.bfa.kernels.panama.PanamaGemm.MR;
import static dev.bfa.kernels.panama.PanamaGemm.NR;
import static dev.bfa.kernels.panama.PanamaKernels.NATIVE;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/**
 * The micro-kernels: the GEMM's innermost loop, over k (the kk loop), for one MR x NR tile of C
 * held in vector registers. {@link MacroKernel}'s ir loop calls one per tile. The tile is two
 * vectors wide ({@link PanamaGemm#NR}) at every width; its height ({@link PanamaGemm#MR}, chosen
 * in {@link dev.bfa.kernels.Blocking#microKernelRows}) selects one of the unrolled kernels below.
 */
final class MicroKernels {
    private static final int VL = SPECIES.length();
    private static final long FLOAT_BYTES = Float.BYTES;

    private MicroKernels() {
    }

    /**
     * C[MR x NR] at {@code c + cOffset} = (fromZero ? 0 : C) + A-panel · B-panel over {@code kc}.
     * Each micro-kernel broadcasts one A value per row and multiplies it into two B vectors, and is
     * kept free of calls and of loops other than k so that C2 keeps every accumulator in a register.
     * With a non-null {@code unpackedB}, row kk of the B-panel is read from there instead, at
     * {@code unpackedOffset + kk * unpackedLd} bytes, and stored into {@code b} as {@link
     * Packing#pack} would. The test does not change with kk, and where it is always false (whole rows of B) it
     * cost nothing measurable against a kernel without it.
     */
    static void microKernel(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                            long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                            long unpackedOffset, long unpackedLd) {
        if (MR == 12) {
            microKernel12(a, aOffset, b, bOffset, kc, c, cOffset, ldc, fromZero, unpackedB, unpackedOffset, unpackedLd);
        } else if (MR == 8) {
            microKernel8(a, aOffset, b, bOffset, kc, c, cOffset, ldc, fromZero, unpackedB, unpackedOffset, unpackedLd);
        } else {
            microKernel4(a, aOffset, b, bOffset, kc, c, cOffset, ldc, fromZero, unpackedB, unpackedOffset, unpackedLd);
        }
    }

    /** The vector of a plain B at byte {@code from}, stored on its way at {@code b[bi]}, its place in the panel. */
    private static FloatVector packed(MemorySegment unpackedB, long from, float[] b, int bi) {
        FloatVector v = FloatVector.fromMemorySegment(SPECIES, unpackedB, from, NATIVE);
        v.intoArray(b, bi);
        return v;
    }

    /** 12 x NR: 24 accumulators, 2 loads and 12 broadcasts per step of k. */
    private static void microKernel12(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                      long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                      long unpackedOffset, long unpackedLd) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        FloatVector c60, c61, c70, c71, c80, c81, c90, c91, ca0, ca1, cb0, cb1;
        long second = (long) VL * FLOAT_BYTES;
        if (fromZero) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero; c30 = zero; c31 = zero;
            c40 = zero; c41 = zero; c50 = zero; c51 = zero; c60 = zero; c61 = zero; c70 = zero; c71 = zero;
            c80 = zero; c81 = zero; c90 = zero; c91 = zero; ca0 = zero; ca1 = zero; cb0 = zero; cb1 = zero;
        } else {
            long r = cOffset;
            c00 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c01 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c10 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c11 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c20 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c21 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c30 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c31 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c40 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c41 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c50 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c51 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c60 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c61 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c70 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c71 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c80 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c81 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c90 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c91 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            ca0 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            ca1 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            cb0 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            cb1 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
        }
        for (int kk = 0; kk < kc; kk++) {
            int ai = aOffset + kk * 12;
            int bi = bOffset + kk * NR;
            FloatVector b0 = unpackedB == null
                    ? FloatVector.fromArray(SPECIES, b, bi) : packed(unpackedB, unpackedOffset + kk * unpackedLd, b, bi);
            FloatVector b1 = unpackedB == null ? FloatVector.fromArray(SPECIES, b, bi + VL)
                    : packed(unpackedB, unpackedOffset + kk * unpackedLd + second, b, bi + VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(SPECIES, a[ai + 8]);
            c80 = x.fma(b0, c80);
            c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(SPECIES, a[ai + 9]);
            c90 = x.fma(b0, c90);
            c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(SPECIES, a[ai + 10]);
            ca0 = x.fma(b0, ca0);
            ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(SPECIES, a[ai + 11]);
            cb0 = x.fma(b0, cb0);
            cb1 = x.fma(b1, cb1);
        }
        long r = cOffset;
        c00.intoMemorySegment(c, r, NATIVE);
        c01.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c10.intoMemorySegment(c, r, NATIVE);
        c11.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c20.intoMemorySegment(c, r, NATIVE);
        c21.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c30.intoMemorySegment(c, r, NATIVE);
        c31.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c40.intoMemorySegment(c, r, NATIVE);
        c41.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c50.intoMemorySegment(c, r, NATIVE);
        c51.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c60.intoMemorySegment(c, r, NATIVE);
        c61.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c70.intoMemorySegment(c, r, NATIVE);
        c71.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c80.intoMemorySegment(c, r, NATIVE);
        c81.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c90.intoMemorySegment(c, r, NATIVE);
        c91.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        ca0.intoMemorySegment(c, r, NATIVE);
        ca1.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        cb0.intoMemorySegment(c, r, NATIVE);
        cb1.intoMemorySegment(c, r + second, NATIVE);
    }

    /** 8 x NR: 16 accumulators, 2 loads and 8 broadcasts per step of k. */
    private static void microKernel8(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                     long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                     long unpackedOffset, long unpackedLd) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        long second = (long) VL * FLOAT_BYTES;
        if (fromZero) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero; c30 = zero; c31 = zero;
            c40 = zero; c41 = zero; c50 = zero; c51 = zero; c60 = zero; c61 = zero; c70 = zero; c71 = zero;
        } else {
            long r = cOffset;
            c00 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c01 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c10 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c11 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c20 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c21 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c30 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c31 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c40 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c41 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c50 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c51 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c60 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c61 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c70 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c71 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
        }
        // Indices are written as affine functions of kk so that C2 can hoist the array range checks.
        for (int kk = 0; kk < kc; kk++) {
            int ai = aOffset + kk * 8;
            int bi = bOffset + kk * NR;
            FloatVector b0 = unpackedB == null
                    ? FloatVector.fromArray(SPECIES, b, bi) : packed(unpackedB, unpackedOffset + kk * unpackedLd, b, bi);
            FloatVector b1 = unpackedB == null ? FloatVector.fromArray(SPECIES, b, bi + VL)
                    : packed(unpackedB, unpackedOffset + kk * unpackedLd + second, b, bi + VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        long r = cOffset;
        c00.intoMemorySegment(c, r, NATIVE);
        c01.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c10.intoMemorySegment(c, r, NATIVE);
        c11.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c20.intoMemorySegment(c, r, NATIVE);
        c21.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c30.intoMemorySegment(c, r, NATIVE);
        c31.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c40.intoMemorySegment(c, r, NATIVE);
        c41.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c50.intoMemorySegment(c, r, NATIVE);
        c51.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c60.intoMemorySegment(c, r, NATIVE);
        c61.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c70.intoMemorySegment(c, r, NATIVE);
        c71.intoMemorySegment(c, r + second, NATIVE);
    }

    /** 4 x NR: 8 accumulators, 2 loads and 4 broadcasts per step of k. */
    private static void microKernel4(float[] a, int aOffset, float[] b, int bOffset, int kc, MemorySegment c,
                                     long cOffset, long ldc, boolean fromZero, MemorySegment unpackedB,
                                     long unpackedOffset, long unpackedLd) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        long second = (long) VL * FLOAT_BYTES;
        if (fromZero) {
            FloatVector zero = FloatVector.zero(SPECIES);
            c00 = zero; c01 = zero; c10 = zero; c11 = zero; c20 = zero; c21 = zero; c30 = zero; c31 = zero;
        } else {
            long r = cOffset;
            c00 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c01 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c10 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c11 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c20 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c21 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
            r += ldc;
            c30 = FloatVector.fromMemorySegment(SPECIES, c, r, NATIVE);
            c31 = FloatVector.fromMemorySegment(SPECIES, c, r + second, NATIVE);
        }
        for (int kk = 0; kk < kc; kk++) {
            int ai = aOffset + kk * 4;
            int bi = bOffset + kk * NR;
            FloatVector b0 = unpackedB == null
                    ? FloatVector.fromArray(SPECIES, b, bi) : packed(unpackedB, unpackedOffset + kk * unpackedLd, b, bi);
            FloatVector b1 = unpackedB == null ? FloatVector.fromArray(SPECIES, b, bi + VL)
                    : packed(unpackedB, unpackedOffset + kk * unpackedLd + second, b, bi + VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        long r = cOffset;
        c00.intoMemorySegment(c, r, NATIVE);
        c01.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c10.intoMemorySegment(c, r, NATIVE);
        c11.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c20.intoMemorySegment(c, r, NATIVE);
        c21.intoMemorySegment(c, r + second, NATIVE);
        r += ldc;
        c30.intoMemorySegment(c, r, NATIVE);
        c31.intoMemorySegment(c, r + second, NATIVE);
    }
}
