package dev.bfa.data;

import java.util.Objects;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * One network's order over a training set of {@code count} examples: a fresh permutation of
 * {@code 0 .. count-1} for every pass (epoch), consumed {@code batchSize} indices at a time; a batch
 * that reaches the end of an epoch continues at the start of the next one, reshuffled. Every index
 * appears exactly once per epoch.
 *
 * <p>The permutation of epoch {@code e} depends only on {@code (seed, e, count)}, so the sampler's
 * whole state is the small {@link State} record: restoring it resumes the exact same sequence.
 * Epoch {@code e} is shuffled by a generator created as
 * {@code RandomGeneratorFactory.of("L64X128MixRandom").create(seed + (e + 1) * 0x9E3779B97F4A7C15L)}
 * (an algorithm the JDK specifies, identical on every machine; the {@code + 1} keeps epoch 0 apart
 * from a generator created with the plain seed, e.g. for weights). The shuffle starts from the
 * identity and runs Fisher-Yates downwards: for {@code i = count-1 .. 1}, swap {@code i} with
 * {@code j} uniform in {@code 0..i}, drawn by {@link #uniform} from {@code nextLong()} only.
 *
 * <p>{@link #nextBatch} allocates nothing, except one generator object each time a new epoch starts.
 * Not thread-safe: one sampler per network.
 */
public final class BatchSampler {
    /** The generator algorithm. */
    public static final String ALGORITHM = "L64X128MixRandom";
    /** Added per epoch to the seed (the 64-bit golden ratio, as in SplitMix). */
    public static final long EPOCH_SEED_GAMMA = 0x9E3779B97F4A7C15L;
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of(ALGORITHM);

    /**
     * Everything needed to resume: the seed, the training-set size, the current epoch (0-based) and
     * the position in that epoch's permutation ({@code 0 <= position < count}).
     */
    public record State(long seed, int count, long epoch, int position) {
        public State {
            if (count < 1) {
                throw new IllegalArgumentException("sampler count " + count + " must be at least 1");
            }
            if (epoch < 0) {
                throw new IllegalArgumentException("sampler epoch " + epoch + " is negative");
            }
            if (position < 0 || position >= count) {
                throw new IllegalArgumentException("sampler position " + position + " is outside 0.." + (count - 1));
            }
        }
    }

    private final long seed;
    private final int count;
    private final int batchSize;
    private final int[] order;
    private long epoch;
    private int position;

    /** A sampler at the start of epoch 0. */
    public BatchSampler(int count, int batchSize, long seed) {
        this(new State(seed, count, 0, 0), batchSize);
    }

    private BatchSampler(State state, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be at least 1");
        }
        this.seed = state.seed();
        this.count = state.count();
        this.batchSize = batchSize;
        this.order = new int[count];
        this.epoch = state.epoch();
        this.position = state.position();
        permutation(seed, epoch, order);
    }

    /**
     * A sampler that continues exactly where the one that exported {@code state} was. The batch size
     * may differ: the order of indices does not depend on it.
     */
    public static BatchSampler restore(State state, int batchSize) {
        return new BatchSampler(Objects.requireNonNull(state, "state"), batchSize);
    }

    /** The state to {@link #restore} from. */
    public State state() {
        return new State(seed, count, epoch, position);
    }

    /**
     * Fills {@code indicesOut[0 .. batchSize)} with the next indices, moving into the next epoch (a
     * new permutation) when the current one runs out, even in the middle of a batch.
     */
    public void nextBatch(int[] indicesOut) {
        if (indicesOut.length < batchSize) {
            throw new IllegalArgumentException("index array of length " + indicesOut.length
                    + " is shorter than the batch size " + batchSize);
        }
        int filled = 0;
        while (filled < batchSize) {
            int take = Math.min(batchSize - filled, count - position);
            System.arraycopy(order, position, indicesOut, filled, take);
            filled += take;
            position += take;
            if (position == count) {
                epoch++;
                position = 0;
                permutation(seed, epoch, order);
            }
        }
    }

    /**
     * Writes the permutation of epoch {@code epoch} for a set of {@code out.length} examples into
     * {@code out}, as the class comment defines it.
     */
    public static void permutation(long seed, long epoch, int[] out) {
        RandomGenerator random = FACTORY.create(seed + (epoch + 1) * EPOCH_SEED_GAMMA);
        for (int i = 0; i < out.length; i++) {
            out[i] = i;
        }
        for (int i = out.length - 1; i > 0; i--) {
            int j = uniform(random, i + 1);
            int t = out[i];
            out[i] = out[j];
            out[j] = t;
        }
    }

    /**
     * A uniform value in {@code 0 .. bound-1} from the high 32 bits of {@code nextLong()}: Lemire's
     * multiply-shift with rejection (unbiased), independent of the JDK's own bounded methods.
     */
    static int uniform(RandomGenerator random, int bound) {
        long b = bound;
        long m = (random.nextLong() >>> 32) * b;
        long low = m & 0xFFFF_FFFFL;
        if (low < b) {
            long threshold = (1L << 32) % b;
            while (low < threshold) {
                m = (random.nextLong() >>> 32) * b;
                low = m & 0xFFFF_FFFFL;
            }
        }
        return (int) (m >>> 32);
    }

    public long seed() {
        return seed;
    }

    /** Training-set size. */
    public int count() {
        return count;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The current epoch, 0-based: also the number of completed passes. */
    public long epoch() {
        return epoch;
    }

    /** Position in the current epoch's permutation. */
    public int position() {
        return position;
    }

    /** Passes over the data so far, fractional: {@code epoch + position / count}. */
    public double epochs() {
        return epoch + (double) position / count;
    }
}
