package dev.bfa.experiment;

import dev.bfa.data.BatchAssembler;
import dev.bfa.data.BatchSampler;
import dev.bfa.data.Dataset;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.training.BatchSource;

/** Training batches of one network: its own shuffled order over its training set, normalised bytes. */
public final class DatasetBatches implements BatchSource {
    private final Dataset dataset;
    private final BatchSampler sampler;
    private final BatchAssembler assembler;
    private final int[] indices;

    public DatasetBatches(Dataset dataset, BatchSampler sampler) {
        this.dataset = dataset;
        this.sampler = sampler;
        this.assembler = new BatchAssembler(dataset.features());
        this.indices = new int[sampler.batchSize()];
    }

    BatchSampler sampler() {
        return sampler;
    }

    @Override
    public void nextBatch(FloatMatrix input, int[] labels) {
        sampler.nextBatch(indices);
        assembler.assemble(dataset.train(), indices, input.rows(), dataset.normalization(), input, labels);
    }
}
