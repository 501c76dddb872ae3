package dev.bfa.report;

/** Small statistics over arrays that skip NaN values. */
final class Stats {
    private Stats() {
    }

    /** Mean of the finite values, NaN if there are none. */
    static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Index of the largest finite value, -1 if there is none. */
    static int argMax(double[] values) {
        int best = -1;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i]) && (best < 0 || values[i] > values[best])) {
                best = i;
            }
        }
        return best;
    }

    /** Index of the smallest finite value, -1 if there is none. */
    static int argMin(double[] values) {
        int best = -1;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i]) && (best < 0 || values[i] < values[best])) {
                best = i;
            }
        }
        return best;
    }
}
