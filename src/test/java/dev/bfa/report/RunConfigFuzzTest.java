package dev.bfa.report;

import static dev.bfa.fuzz.FuzzChecks.assertOneLineNaming;
import static dev.bfa.fuzz.FuzzChecks.parseWithinHeapBudget;
import static dev.bfa.fuzz.FuzzChecks.write;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bfa.training.RunConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the config.json loader, {@link RunFiles#readConfig} (which parses with
 * {@link RunFiles#parseConfig}): any exception but {@link ReportException}, a message that is not one
 * line naming the file, or a heap allocation out of proportion to the file fails. A config that
 * loads must also survive being written and read back unchanged.
 */
class RunConfigFuzzTest {
    @TempDir
    static Path dir;

    @FuzzTest(maxDuration = "20s")
    void readConfig(byte[] input) throws Exception {
        Path file = write(dir.resolve(RunFiles.CONFIG), input);
        parseWithinHeapBudget(input.length, "RunFiles.readConfig", () -> {
            try {
                RunConfig config = RunFiles.readConfig(file);
                RunConfig again = RunFiles.parseConfig(RunFiles.configJson(config), "rewritten");
                if (!again.equals(config)) {
                    throw new AssertionError(config + " reads back as " + again);
                }
            } catch (ReportException e) {
                assertOneLineNaming(e.getMessage(), file);
            }
        });
    }
}
