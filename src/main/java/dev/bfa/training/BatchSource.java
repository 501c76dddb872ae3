package dev.bfa.training;

import dev.bfa.memory.FloatMatrix;

/** Where a network's training batches come from: each call fills the next batch. */
public interface BatchSource {
    /** Fills every row of {@code input} with the next examples and {@code labels[0 .. rows)} with their classes. */
    void nextBatch(FloatMatrix input, int[] labels);
}
