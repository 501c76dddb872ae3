package dev.bfa.kernels.panama;

import static dev.bfa.kernels.FloatMath.EXP_C2;
import static dev.bfa.kernels.FloatMath.EXP_C3;
import static dev.bfa.kernels.FloatMath.EXP_C4;
import static dev.bfa.kernels.FloatMath.EXP_C5;
import static dev.bfa.kernels.FloatMath.EXP_C6;
import static dev.bfa.kernels.FloatMath.EXP_C7;
import static dev.bfa.kernels.FloatMath.EXP_MAX_INPUT;
import static dev.bfa.kernels.FloatMath.EXP_MIN_INPUT;
import static dev.bfa.kernels.FloatMath.LN2_HI;
import static dev.bfa.kernels.FloatMath.LN2_LO;
import static dev.bfa.kernels.FloatMath.LOG2E;
import static dev.bfa.kernels.FloatMath.ROUNDING_MAGIC;
import static dev.bfa.kernels.FloatMath.SIGN_MASK;
import static dev.bfa.kernels.FloatMath.TANH_C11;
import static dev.bfa.kernels.FloatMath.TANH_C13;
import static dev.bfa.kernels.FloatMath.TANH_C15;
import static dev.bfa.kernels.FloatMath.TANH_C17;
import static dev.bfa.kernels.FloatMath.TANH_C19;
import static dev.bfa.kernels.FloatMath.TANH_C3;
import static dev.bfa.kernels.FloatMath.TANH_C5;
import static dev.bfa.kernels.FloatMath.TANH_C7;
import static dev.bfa.kernels.FloatMath.TANH_C9;
import static dev.bfa.kernels.FloatMath.TANH_SERIES_LIMIT;
import static dev.bfa.kernels.panama.PanamaKernels.SPECIES;

import dev.bfa.kernels.FloatMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link FloatMath}'s functions lane-wise: the same operations on the same constants in the same
 * order, so each lane is bit-identical to the scalar function. Keep the two files in step.
 */
final class VectorMath {
    private VectorMath() {
    }

    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_MIN_INPUT).min(EXP_MAX_INPUT);
        FloatVector n = xc.mul(LOG2E).add(ROUNDING_MAGIC).sub(ROUNDING_MAGIC);
        FloatVector negN = n.neg();
        FloatVector r = negN.fma(FloatVector.broadcast(SPECIES, LN2_HI), xc);
        r = negN.fma(FloatVector.broadcast(SPECIES, LN2_LO), r);
        FloatVector p = FloatVector.broadcast(SPECIES, EXP_C7).fma(r, FloatVector.broadcast(SPECIES, EXP_C6));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_C5));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_C4));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_C3));
        p = p.fma(r, FloatVector.broadcast(SPECIES, EXP_C2));
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        p = p.fma(r, one);
        p = p.fma(r, one);
        IntVector ni = (IntVector) n.convert(VectorOperators.F2I, 0);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        return p.mul(powerOfTwo(half)).mul(powerOfTwo(ni.sub(half)));
    }

    private static FloatVector powerOfTwo(IntVector e) {
        return e.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        VectorMask<Float> small = a.compare(VectorOperators.LT, TANH_SERIES_LIMIT);
        FloatVector a2 = a.mul(a);
        FloatVector p = FloatVector.broadcast(SPECIES, TANH_C19).fma(a2, FloatVector.broadcast(SPECIES, TANH_C17));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C15));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C13));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C11));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C9));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C7));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C5));
        p = p.fma(a2, FloatVector.broadcast(SPECIES, TANH_C3));
        FloatVector t = a.mul(a2).fma(p, a);
        if (!small.allTrue()) {
            FloatVector one = FloatVector.broadcast(SPECIES, 1f);
            FloatVector large = one.sub(FloatVector.broadcast(SPECIES, 2f).div(exp(a.add(a)).add(one)));
            t = large.blend(t, small);
        }
        return t.reinterpretAsInts()
                .or(x.reinterpretAsInts().and(SIGN_MASK))
                .reinterpretAsFloats();
    }
}
