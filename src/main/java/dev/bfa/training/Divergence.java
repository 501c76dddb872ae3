package dev.bfa.training;

import dev.bfa.memory.FloatMatrix;
import dev.bfa.model.BidirectionalModel;
import dev.bfa.model.Parameter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Finds a run that has diverged: a loss, weight, gradient or optimiser slot that is NaN or
 * infinite. Two checks, of very different cost:
 * <ul>
 *   <li>{@link #checkLoss}, every step, before the update: two doubles. A non-finite weight or bias reaches the next
 *       step's loss, because every element of every matrix is multiplied into the forward pass
 *       ({@code fma(h, NaN or ±inf, acc)} is never finite, even for {@code h = 0}), centring then
 *       spreads it across the row and the activations pass NaN on; and a non-finite gradient makes
 *       its weight non-finite in the update (SGD adds it, Adam divides inf by inf). So a divergence
 *       is caught at most one step after it happens, for free.</li>
 *   <li>{@link #checkMemory}, before every checkpoint and at every evaluation point: a scan of the
 *       whole model memory (values, gradients, optimiser slots), so that a checkpoint is never
 *       written with a non-finite number in it (e.g. Adam's second moment overflowing while the
 *       weights stay finite). It costs about as much as reading the memory once, which is why it
 *       does not run every step.</li>
 * </ul>
 * On failure the message names the first non-finite matrix in the order weights and biases, then
 * gradients, then optimiser slots, so that it points at the cause rather than at the NaNs the cause
 * spread; for a non-finite loss only the weights are looked at, since that step's gradients are
 * computed from the loss, not the other way round.
 */
public final class Divergence {
    private static final int EXPONENT = 0x7F80_0000;

    private Divergence() {
    }

    /** A diverged run: the message says at which step, and in which network and layer. */
    public static final class DivergedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long step;

        public DivergedException(long step, String message) {
            super(message);
            this.step = step;
        }

        /** The step after which the run was found diverged. */
        public long step() {
            return step;
        }
    }

    /** Throws when either loss of {@code step} is not finite, naming the first non-finite matrix if any. */
    public static void checkLoss(long step, double forwardLoss, double reverseLoss, BidirectionalModel model) {
        if (Double.isFinite(forwardLoss) && Double.isFinite(reverseLoss)) {
            return;
        }
        String network = Double.isFinite(forwardLoss) ? "R" : "F";
        double value = network.equals("F") ? forwardLoss : reverseLoss;
        // Only the weights can have caused it: this step's gradients come after the loss.
        String where = firstNonFinite(model, 1);
        throw new DivergedException(step, "step " + step + ": the loss of " + network + " is " + value + "; "
                + (where != null ? where + " is not finite"
                        : "every weight is finite, so the forward pass overflowed (is the learning rate too high?)"));
    }

    /** Throws when any number in the model's memory is not finite. */
    public static void checkMemory(long step, BidirectionalModel model) {
        if (allFinite(model.parameterMemory()) && allFinite(model.stateMemory())) {
            return;
        }
        String where = firstNonFinite(model, 4);
        throw new DivergedException(step, "step " + step + ": "
                + (where != null ? where : "the model memory") + " is not finite");
    }

    /**
     * Whether every float in {@code memory} is finite: the largest exponent field among them is
     * below all-ones. An integer max over the raw bits, which the JIT vectorises; padding between
     * matrices is zero and does not matter.
     */
    static boolean allFinite(MemorySegment memory) {
        long count = memory.byteSize() / Float.BYTES;
        int largest = 0;
        for (long i = 0; i < count; i++) {
            largest = Math.max(largest, memory.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED, i) & EXPONENT);
        }
        return largest != EXPONENT;
    }

    /**
     * "F layer 2 weight gradient" for the first non-finite matrix, or null when all are finite;
     * looks at the first {@code parts} of values, gradients, first and second optimiser slots.
     */
    static String firstNonFinite(BidirectionalModel model, int parts) {
        String[] names = {"", " gradient", " optimiser state", " optimiser state"};
        for (int part = 0; part < parts; part++) {
            for (Parameter p : model.parameters()) {
                FloatMatrix m = switch (part) {
                    case 0 -> p.value();
                    case 1 -> p.gradient();
                    case 2 -> p.slot1();
                    default -> p.slot2();
                };
                if (m != null && !allFinite(m)) {
                    return describe(p.name()) + names[part];
                }
            }
        }
        return null;
    }

    private static boolean allFinite(FloatMatrix m) {
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                if (!Float.isFinite(m.get(i, j))) {
                    return false;
                }
            }
        }
        return true;
    }

    /** "F.W2" is F's layer 2 weight, "R.b0" R's layer 0 bias, "F.B3" F's fixed feedback matrix of layer 3. */
    static String describe(String parameterName) {
        String network = parameterName.substring(0, parameterName.indexOf('.'));
        String rest = parameterName.substring(network.length() + 1);
        String what = switch (rest.charAt(0)) {
            case 'W' -> "weight";
            case 'b' -> "bias";
            case 'B' -> "feedback matrix";
            default -> rest;
        };
        return network + " layer " + rest.substring(1) + " " + what;
    }
}
