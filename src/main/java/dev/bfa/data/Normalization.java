package dev.bfa.data;

/**
 * Input standardisation: pixel bytes are scaled to [0,1] and standardised with the training set's
 * {@code mean} and {@code std} (population standard deviation) of those [0,1] values.
 *
 * <p>The exact float operation that turns a pixel byte {@code b} into an input is
 *
 * <pre>{@code x = Math.fma((float) (b & 0xFF), scale(), offset())}</pre>
 *
 * with {@code scale() = (float) (1.0 / (255.0 * std))} and {@code offset() = (float) (-(double) mean / std)}
 * computed in double from the stored float {@code mean} and {@code std} and rounded once to float.
 * That is {@code (b/255 - mean)/std} up to one rounding of the fused multiply-add; every path that
 * builds inputs (the {@link BatchAssembler}, evaluation, tests) uses exactly this.
 */
public record Normalization(float mean, float std) {
    /** Scaling to [0,1] only: mean 0, std 1. */
    public static final Normalization UNIT = new Normalization(0f, 1f);

    public Normalization {
        if (!Float.isFinite(mean) || !Float.isFinite(std) || !(std > 0f)) {
            throw new IllegalArgumentException("normalisation needs a finite mean and a positive std, got mean "
                    + mean + ", std " + std);
        }
    }

    /**
     * The mean and population std of all pixel values of {@code train}, each scaled to [0,1]: computed in
     * double from the 256-bin histogram of the pixel bytes (the same result as summing over every
     * byte, in a fixed order), then rounded to float.
     *
     * @throws DataFormatException if every pixel has the same value (nothing to standardise)
     */
    public static Normalization of(LabeledImages train) {
        return fromHistogram(train.pixelHistogram());
    }

    /** As {@link #of(LabeledImages)} from a histogram of pixel bytes (256 counts). */
    static Normalization fromHistogram(long[] histogram) {
        long n = 0;
        long weighted = 0;
        for (int v = 0; v < 256; v++) {
            n += histogram[v];
            weighted += histogram[v] * v;
        }
        if (n == 0) {
            throw new IllegalArgumentException("no pixels to compute a normalisation from");
        }
        double mean = weighted / (255.0 * n);
        double squares = 0;
        for (int v = 0; v < 256; v++) {
            double d = v / 255.0 - mean;
            squares += histogram[v] * (d * d);
        }
        double std = Math.sqrt(squares / n);
        if (!((float) std > 0f)) {
            throw new DataFormatException("training pixels all have the same value: cannot standardise them");
        }
        return new Normalization((float) mean, (float) std);
    }

    /** The factor of the pixel byte: {@code (float) (1.0 / (255.0 * std))}. */
    public float scale() {
        return (float) (1.0 / (255.0 * std));
    }

    /** The added term: {@code (float) (-(double) mean / std)}. */
    public float offset() {
        return (float) (-(double) mean / std);
    }

    /** The input for pixel byte {@code b} (only its low 8 bits, unsigned). */
    public float apply(int b) {
        return Math.fma((float) (b & 0xFF), scale(), offset());
    }
}
