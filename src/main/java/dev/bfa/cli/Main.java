package dev.bfa.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code bfa} command line. Subcommands are picocli commands listed in {@link Command#subcommands};
 * a new one (train, reproduce, eval, fetch) is a class annotated with {@code @Command} that
 * implements {@code Callable<Integer>}, added to that list.
 *
 * <p>Exit codes: 0 success; 1 a failed run ({@link CliException} or an unexpected exception);
 * 2 invalid usage (unknown option or command, bad value), reported in one line without a stack trace.
 */
@Command(name = "bfa",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Bidirectional feedback alignment: a pure-Java SIMD compute core and trainer.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TrainCommand.class, ReproduceCommand.class, EvalCommand.class, FetchCommand.class,
            InfoCommand.class, BenchCommand.class, HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a command there is nothing to do: a usage error. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing command");
    }

    /** The configured command line: tests run it with their own out/err writers. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setParameterExceptionHandler(Main::handleParameterException);
        commandLine.setExecutionExceptionHandler(Main::handleExecutionException);
        return commandLine;
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** Invalid usage: one line naming the problem and where help is, then exit code 2. */
    static int handleParameterException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        CommandSpec spec = commandLine.getCommandSpec();
        String message = describe(e);
        String help = spec.qualifiedName() + " --help";
        commandLine.getErr().println(oneLine(spec.qualifiedName() + ": " + message + " (see '" + help + "')"));
        commandLine.getErr().flush();
        return spec.exitCodeOnInvalidInput();
    }

    private static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            String first = unmatched.getUnmatched().getFirst();
            List<String> suggestions = unmatched.getSuggestions();
            String hint = suggestions.isEmpty() ? "" : "; did you mean '" + suggestions.getFirst() + "'?";
            boolean hasSubcommands = !e.getCommandLine().getSubcommands().isEmpty();
            if (first.startsWith("-")) {
                return "unknown option '" + first + "'" + hint;
            }
            return (hasSubcommands ? "unknown command '" : "unexpected argument '") + first + "'" + hint;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : lowerFirst(message);
    }

    /** A failed run: a {@link CliException} is one line; anything else is a bug and shows its trace. */
    static int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String name = commandLine.getCommandSpec().qualifiedName();
        if (e instanceof CliException cli) {
            err.println(oneLine(name + ": " + cli.getMessage()));
            err.flush();
            return cli.exitCode();
        }
        err.println(oneLine(name + ": internal error: " + e));
        e.printStackTrace(err);
        err.flush();
        return commandLine.getCommandSpec().exitCodeOnExecutionException();
    }

    static String oneLine(String text) {
        return text.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String lowerFirst(String text) {
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && !Character.isUpperCase(text.charAt(1))) {
            return Character.toLowerCase(text.charAt(0)) + text.substring(1);
        }
        return text;
    }
}
