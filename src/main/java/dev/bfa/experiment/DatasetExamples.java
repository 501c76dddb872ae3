package dev.bfa.experiment;

import dev.bfa.data.BatchAssembler;
import dev.bfa.data.LabeledImages;
import dev.bfa.data.Normalization;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.training.ExampleSet;

/** A dataset split read in order (test sets, and the diagnostics' probe batch). */
final class DatasetExamples implements ExampleSet {
    private final LabeledImages images;
    private final Normalization normalization;
    private final BatchAssembler assembler;
    private int[] indices = new int[0];

    DatasetExamples(LabeledImages images, Normalization normalization) {
        this.images = images;
        this.normalization = normalization;
        this.assembler = new BatchAssembler(images.features());
    }

    @Override
    public int size() {
        return images.count();
    }

    @Override
    public void slice(int first, FloatMatrix input, int[] labels) {
        int rows = input.rows();
        if (indices.length < rows) {
            indices = new int[rows];
        }
        for (int r = 0; r < rows; r++) {
            indices[r] = first + r;
        }
        assembler.assemble(images, indices, rows, normalization, input, labels);
    }
}
