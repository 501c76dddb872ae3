package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/** The per-network data order: determinism, one visit per epoch, reshuffling, exact resumption. */
class BatchSamplerTest {
    /** The next {@code n} indices the sampler yields, in batches of its size. */
    private static int[] stream(BatchSampler sampler, int n) {
        int[] out = new int[n];
        int[] batch = new int[sampler.batchSize()];
        for (int filled = 0; filled < n; filled += batch.length) {
            sampler.nextBatch(batch);
            System.arraycopy(batch, 0, out, filled, Math.min(batch.length, n - filled));
        }
        return out;
    }

    @Test
    void pinnedSequenceForSeed42() {
        // Pinned so that any change to the shuffle, the seeding or the generator is noticed: saved
        // runs resume on this exact order.
        BatchSampler s = new BatchSampler(10, 4, 42);
        int[] b = new int[4];
        int[][] expected = {{5, 2, 4, 6}, {1, 3, 7, 8}, {9, 0, 1, 8}, {3, 6, 9, 7}, {4, 5, 0, 2}};
        for (int[] e : expected) {
            s.nextBatch(b);
            assertThat(b).containsExactly(e);
        }
        assertThat(s.state()).isEqualTo(new BatchSampler.State(42, 10, 2, 0));
    }

    @Test
    void sameSeedSameBatchesDifferentSeedDifferentBatches() {
        int[] a = stream(new BatchSampler(1000, 32, 7), 5000);
        int[] b = stream(new BatchSampler(1000, 32, 7), 5000);
        int[] c = stream(new BatchSampler(1000, 32, 8), 5000);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(c);
    }

    @Test
    void everyIndexOncePerEpochAndANewOrderEachEpoch() {
        int count = 1000;
        BatchSampler s = new BatchSampler(count, 48, 123); // 48 does not divide 1000: batches straddle epochs
        int[] all = stream(s, 5 * count);
        int[] previous = null;
        for (int e = 0; e < 5; e++) {
            int[] epoch = Arrays.copyOfRange(all, e * count, (e + 1) * count);
            int[] expected = new int[count];
            BatchSampler.permutation(123, e, expected);
            assertThat(epoch).containsExactly(expected);
            int[] sorted = epoch.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < count; i++) {
                assertThat(sorted[i]).isEqualTo(i);
            }
            assertThat(epoch).isNotEqualTo(previous);
            previous = epoch;
        }
        assertThat(s.epoch()).isEqualTo(5);
    }

    @Test
    void firstEpochIsNotTheIdentity() {
        int[] p = new int[100];
        BatchSampler.permutation(0, 0, p);
        int fixed = 0;
        for (int i = 0; i < p.length; i++) {
            fixed += p[i] == i ? 1 : 0;
        }
        assertThat(fixed).isLessThan(10);
    }

    @Test
    void stateExportAndRestoreResumeIdentically() {
        for (int consumed : new int[] {0, 3, 10, 37, 40, 41, 250}) {
            BatchSampler original = new BatchSampler(40, 3, -5);
            stream(original, consumed);
            BatchSampler.State state = original.state();
            BatchSampler resumed = BatchSampler.restore(state, 3);
            assertThat(resumed.state()).isEqualTo(state);
            assertThat(stream(resumed, 500)).containsExactly(stream(original, 500));
        }
    }

    @Test
    void restoringWithAnotherBatchSizeContinuesTheSameOrder() {
        BatchSampler a = new BatchSampler(50, 5, 99);
        stream(a, 35);
        int[] rest = stream(a, 200);
        BatchSampler b = new BatchSampler(50, 5, 99);
        stream(b, 35);
        BatchSampler c = BatchSampler.restore(b.state(), 8);
        assertThat(stream(c, 200)).containsExactly(rest);
    }

    @Test
    void batchLargerThanTheSetSpansSeveralEpochs() {
        BatchSampler s = new BatchSampler(3, 8, 1);
        int[] batch = new int[8];
        s.nextBatch(batch);
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.position()).isEqualTo(2);
        assertThat(s.epochs()).isEqualTo(2 + 2 / 3.0);
        int[] p0 = new int[3];
        BatchSampler.permutation(1, 0, p0);
        assertThat(Arrays.copyOf(batch, 3)).containsExactly(p0);
    }

    @Test
    void invalidArguments() {
        assertThatThrownBy(() -> new BatchSampler(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchSampler(10, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchSampler.State(0, 10, 0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchSampler.State(0, 10, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        BatchSampler s = new BatchSampler(10, 4, 0);
        assertThatThrownBy(() -> s.nextBatch(new int[3])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void uniformIsInRangeAndUnbiasedEnough() {
        RandomGenerator r = RandomGeneratorFactory.of(BatchSampler.ALGORITHM).create(3);
        assertThat(BatchSampler.uniform(r, 1)).isZero();
        int[] counts = new int[7];
        for (int i = 0; i < 70_000; i++) {
            counts[BatchSampler.uniform(r, 7)]++;
        }
        for (int c : counts) {
            assertThat(c).isBetween(9_500, 10_500);
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(BatchSampler.uniform(r, Integer.MAX_VALUE)).isBetween(0, Integer.MAX_VALUE - 1);
        }
    }

    @Test
    void nextBatchDoesNotAllocateWithinAnEpoch() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        BatchSampler s = new BatchSampler(1_000_000, 64, 5);
        int[] batch = new int[64];
        for (int i = 0; i < 2000; i++) {
            s.nextBatch(batch); // warm up
        }
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 10_000; i++) {
            s.nextBatch(batch);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(s.epoch()).isZero();
        assertThat(allocated).isLessThan(1024);
    }
}
