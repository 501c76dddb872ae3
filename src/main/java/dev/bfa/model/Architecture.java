package dev.bfa.model;

/**
 * A fully connected network: {@code inputs -> width x depth -> classes}. Level 0 is the input,
 * level {@code L = depth + 1} the logits; weight layer {@code l} maps level l to level l+1.
 */
public record Architecture(int inputs, int width, int depth, int classes) {
    public Architecture {
        if (inputs < 1 || width < 1 || classes < 2) {
            throw new IllegalArgumentException("architecture " + inputs + " -> " + width + " x " + depth + " -> "
                    + classes + " needs at least 1 input, 1 hidden unit and 2 classes");
        }
        if (depth < 1) {
            throw new IllegalArgumentException("depth " + depth + " must be at least 1 hidden layer");
        }
    }

    /** Number of weight layers, L. */
    public int layers() {
        return depth + 1;
    }

    /** Units at level {@code level} (0 .. L). */
    public int levelSize(int level) {
        if (level == 0) {
            return inputs;
        }
        return level == layers() ? classes : width;
    }
}
