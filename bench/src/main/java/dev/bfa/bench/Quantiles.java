package dev.bfa.bench;

import java.util.Arrays;

/** Order statistics of repeated measurements, for the paired-ratio tools. */
final class Quantiles {
    private Quantiles() {
    }

    /** The value at fraction {@code q} (0 = smallest, 0.5 = median, 1 = largest) of {@code values}, nearest rank. */
    static double of(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.round(q * (sorted.length - 1))];
    }
}
