package dev.bfa.kernels;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM, when first asked, and says why.
 *
 * <p>The system property {@value #VECTOR_BITS_PROPERTY} selects: {@code auto} (default: the
 * widest vector the CPU offers), {@code 512}, {@code 256} or {@code 128} (forced width, so one
 * machine can test every width), or {@code scalar} (the reference path). The Panama kernels are
 * loaded reflectively, so this class works, and falls back with a reason, where the
 * {@code jdk.incubator.vector} module is absent.
 */
public final class KernelProvider {
    public static final String VECTOR_BITS_PROPERTY = "bfa.vector.bits";
    private static final String PANAMA_CLASS = "dev.bfa.kernels.panama.PanamaKernels";

    /** What was chosen: the kernels, the width in bits (0 for scalar) and, on fallback, why. */
    public record Selection(Kernels kernels, int vectorBits, int preferredBits, String reason) {
        public boolean simd() {
            return vectorBits > 0;
        }
    }

    /**
     * The choice, made when first asked for. Not a field of this class: the Panama classes read
     * {@link #parseRequestedBits} while they initialize, and a choice made then would build the
     * kernels from half-initialized classes (a Panama class touched first made it fall back to
     * scalar with "/ by zero").
     */
    private static final class Chosen {
        static final Selection SELECTION = select(System.getProperty(VECTOR_BITS_PROPERTY, "auto"));
    }

    private KernelProvider() {
    }

    /** The kernels chosen for this JVM. */
    public static Kernels kernels() {
        return Chosen.SELECTION.kernels();
    }

    public static Selection selection() {
        return Chosen.SELECTION;
    }

    /** Parses a requested width: 0 for scalar, -1 for auto, else 128, 256 or 512. */
    public static int parseRequestedBits(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto", "" -> -1;
            case "scalar", "0" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException(
                    "-D" + VECTOR_BITS_PROPERTY + "=" + value + " is not one of auto, 512, 256, 128, scalar");
        };
    }

    private static Selection select(String property) {
        int requested = parseRequestedBits(property);
        if (requested == 0) {
            return new Selection(new ScalarKernels(), 0, 0, "scalar path forced by -D" + VECTOR_BITS_PROPERTY + "=scalar");
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return new Selection(new ScalarKernels(), 0, 0,
                    "the Vector API is not enabled: run the JVM with --add-modules=jdk.incubator.vector");
        }
        try {
            Class<?> panama = Class.forName(PANAMA_CLASS);
            int preferred = (int) MethodHandles.publicLookup()
                    .findStatic(panama, "preferredBits", MethodType.methodType(int.class)).invoke();
            if (preferred < 128) {
                return new Selection(new ScalarKernels(), 0, preferred,
                        "the CPU offers no float vectors of 128 bits or more (preferred " + preferred + " bits)");
            }
            Kernels kernels = (Kernels) MethodHandles.publicLookup()
                    .findStatic(panama, "create", MethodType.methodType(Kernels.class)).invoke();
            int bits = kernels.vectorBits();
            String reason = requested < 0 ? "widest vector the CPU prefers"
                    : "forced by -D" + VECTOR_BITS_PROPERTY + "=" + requested
                    + (requested > preferred ? " (wider than the CPU's " + preferred + " bits: emulated, slow)" : "");
            return new Selection(kernels, bits, preferred, reason);
        } catch (Throwable e) {
            return new Selection(new ScalarKernels(), 0, 0, "the Panama kernels failed to load: " + e);
        }
    }
}
