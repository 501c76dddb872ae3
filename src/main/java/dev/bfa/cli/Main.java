package dev.bfa.cli;

import dev.bfa.text.UserText;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code bfa} command line. Subcommands are picocli commands listed in {@link Command#subcommands};
 * a new one (train, reproduce, eval, fetch) is a class annotated with {@code @Command} that
 * implements {@code Callable<Integer>}, added to that list.
 *
 * <p>Every error is one line on stderr, {@code bfa COMMAND: what is wrong}, with an exit code that
 * tells its kind (the table is in {@link CliException}); {@code --verbose}, anywhere on the command
 * line, adds the stack trace.
 */
@Command(name = "bfa",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Bidirectional feedback alignment: a pure-Java SIMD compute core and trainer.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {TrainCommand.class, ReproduceCommand.class, SweepCommand.class, EvalCommand.class,
            ExportCommand.class, FetchCommand.class, InfoCommand.class, BenchCommand.class, HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Inherited by every subcommand, so it may stand before or after the command's name. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On an error, print its stack trace too.")
    boolean verbose;

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
        int code;
        try {
            code = newCommandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through; the memory check before training should make this rare
            System.err.println("bfa: out of memory (" + e.getMessage() + "); use a smaller --width, --depth or"
                    + " --batch, or give the JVM more (BFA_JAVA_OPTS=-Xmx...)");
            code = CliException.NO_MEMORY;
        }
        System.exit(code);
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
            String hint = suggestions.isEmpty() ? "" : "; did you mean " + UserText.quote(suggestions.getFirst()) + "?";
            boolean hasSubcommands = !e.getCommandLine().getSubcommands().isEmpty();
            if (first.startsWith("-")) {
                return "unknown option " + UserText.quote(first) + hint;
            }
            return (hasSubcommands ? "unknown command " : "unexpected argument ") + UserText.quote(first) + hint;
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : lowerFirst(message);
    }

    /**
     * A failed run: one line, a {@link CliException}'s message or, for anything else (a bug), the
     * exception itself; the stack trace follows only with {@code --verbose}.
     */
    static int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        String name = commandLine.getCommandSpec().qualifiedName();
        boolean verbose = isVerbose(commandLine);
        int code;
        if (e instanceof CliException cli) {
            err.println(oneLine(name + ": " + cli.getMessage()));
            code = cli.exitCode();
        } else {
            err.println(oneLine(name + ": internal error: " + e)
                    + (verbose ? "" : " (rerun with --verbose for the stack trace)"));
            code = CliException.FAILED;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** Whether --verbose was given: picocli keeps an inherited option's value in the root command. */
    static boolean isVerbose(CommandLine commandLine) {
        CommandLine root = commandLine;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return root.getCommand() instanceof Main main && main.verbose;
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
