package dev.bfa.data;

import static dev.bfa.fuzz.FuzzChecks.assertOneLineNaming;
import static dev.bfa.fuzz.FuzzChecks.parseWithinHeapBudget;

import java.nio.file.Path;
import java.util.function.Supplier;

/** The checks the data readers' fuzz tests share. */
final class ReaderFuzzing {
    private ReaderFuzzing() {
    }

    /**
     * Runs {@code read} over {@code files}, which hold {@code content} bytes (decompressed): it must
     * return examples that fit in them or fail with a one-line {@link DataFormatException} naming one
     * of them, and must allocate no more example memory than they hold (and a bounded amount of heap).
     */
    static void readWithinContent(long content, long fileBytes, String reader, Supplier<LabeledImages> read,
                                  Path... files) throws Exception {
        parseWithinHeapBudget(content + fileBytes, reader, () -> {
            long allocatedBefore = LabeledImages.allocatedBytes();
            try (LabeledImages set = read.get()) {
                if ((long) set.count() * set.features() + set.count() > content) {
                    throw new AssertionError(set + " from files holding " + content + " bytes");
                }
            } catch (DataFormatException e) {
                assertOneLineNaming(e.getMessage(), files);
            }
            long allocated = LabeledImages.allocatedBytes() - allocatedBefore;
            if (allocated > content) {
                throw new AssertionError(reader + " allocated " + allocated + " bytes for examples from files"
                        + " holding " + content);
            }
        });
    }
}
