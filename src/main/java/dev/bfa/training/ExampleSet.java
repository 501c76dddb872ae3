package dev.bfa.training;

import dev.bfa.memory.FloatMatrix;

/** A fixed, ordered set of examples (a test set), read in consecutive slices. */
public interface ExampleSet {
    int size();

    /** Copies examples {@code first .. first + input.rows()} into {@code input} and their classes into {@code labels}. */
    void slice(int first, FloatMatrix input, int[] labels);
}
