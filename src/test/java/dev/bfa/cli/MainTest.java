package dev.bfa.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    @Test
    void unknownOptionIsOneLineOnStderrWithExitCode2() {
        CliRun run = CliRun.of("--bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString()
                .contains("--bogus")
                .contains("bfa --help")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void unknownOptionOfASubcommandNamesTheSubcommand() {
        CliRun run = CliRun.of("info", "--bogus");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("bfa info:")
                .contains("--bogus")
                .contains("bfa info --help");
    }

    @Test
    void unknownCommandIsOneLineWithASuggestion() {
        CliRun run = CliRun.of("inf");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString()
                .contains("unknown command 'inf'")
                .contains("did you mean 'info'");
    }

    @Test
    void missingCommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).singleElement().asString().contains("missing command");
    }

    @Test
    void helpListsTheCommands() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: bfa").contains("info").contains("bench").contains("--version");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void versionNamesBfaAndTheJdk() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("bfa ").contains("JDK " + Runtime.version());
    }

    @Test
    void benchInsideTheJarPointsToTheLauncher() {
        CliRun run = CliRun.of("bench", "GemmBenchmark", "-p", "threads=1", "-rf", "json");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).singleElement().asString().contains("./bfa bench");
    }

    @Test
    void userErrorsFromCommandsAreOneLineWithTheirExitCode() {
        CommandLine info = Main.newCommandLine().getSubcommands().get("info");
        StringWriter err = new StringWriter();
        info.setErr(new PrintWriter(err, true));

        int code = Main.handleExecutionException(new CliException("no such file: x.bin\nsecond line"), info, null);

        assertThat(code).isEqualTo(CliException.FAILED);
        assertThat(err.toString().strip()).isEqualTo("bfa info: no such file: x.bin second line");
    }

    @Test
    void unexpectedExceptionsAreOneLineThatPointsToVerbose() {
        CommandLine info = Main.newCommandLine().getSubcommands().get("info");
        StringWriter err = new StringWriter();
        info.setErr(new PrintWriter(err, true));

        int code = Main.handleExecutionException(new IllegalStateException("bug"), info, null);

        assertThat(code).isEqualTo(CliException.FAILED);
        assertThat(err.toString().strip()).isEqualTo("bfa info: internal error: java.lang.IllegalStateException: bug"
                + " (rerun with --verbose for the stack trace)");
    }

    @Test
    void verboseAnywhereOnTheLineAddsTheStackTrace() {
        for (String[] args : new String[][] {{"--verbose", "info"}, {"info", "--verbose"}}) {
            CommandLine root = Main.newCommandLine();
            root.parseArgs(args);
            CommandLine info = root.getSubcommands().get("info");
            StringWriter err = new StringWriter();
            info.setErr(new PrintWriter(err, true));

            int code = Main.handleExecutionException(new CliException("x.bin: truncated", CliException.BAD_DATA,
                    new java.io.EOFException("inner")), info, null);

            assertThat(code).isEqualTo(CliException.BAD_DATA);
            assertThat(err.toString()).startsWith("bfa info: x.bin: truncated").contains("\tat ")
                    .contains("EOFException: inner");
        }
    }
}
