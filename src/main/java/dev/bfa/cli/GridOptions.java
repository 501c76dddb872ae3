package dev.bfa.cli;

import dev.bfa.sweep.Grid;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The grid options of {@code bfa sweep}: every option of {@code bfa train} that sets part of a run's
 * configuration ({@link TrainingOptions#CONFIG_FIELDS}), taking a list of values. They are copied
 * from train's own definitions when the command line is built, so that a new training option is a
 * sweep option at once, with train's description; train parses and checks each cell's values.
 */
public final class GridOptions implements IModelTransformer {
    /** The options whose values are whole numbers, which may therefore take ranges a..b. */
    private static final Set<Class<?>> WHOLE_NUMBERS = Set.of(int.class, Integer.class, long.class, Long.class);

    @Override
    public CommandSpec transform(CommandSpec sweep) {
        CommandSpec train = CommandSpec.forAnnotatedObject(new TrainCommand());
        for (String name : TrainingOptions.CONFIG_FIELDS.keySet()) {
            OptionSpec option = train.findOption(name);
            String description = String.join(" ", option.description()) + (integer(option) ? " A list a,b,c or a range a..b sweeps it."
                    : " A list a,b,c sweeps it.");
            sweep.addOption(OptionSpec.builder(name)
                    .paramLabel(option.paramLabel() + "[,...]")
                    .type(String.class)
                    .description(description)
                    .build());
        }
        return sweep;
    }

    private static boolean integer(OptionSpec option) {
        return WHOLE_NUMBERS.contains(option.type());
    }

    /** The grid given on the command line: the grid options in the order they were typed. */
    static Grid read(ParseResult parsed) {
        List<Grid.Axis> axes = new ArrayList<>();
        for (OptionSpec matched : parsed.matchedOptions()) {
            String name = matched.longestName();
            if (TrainingOptions.CONFIG_FIELDS.containsKey(name)) {
                axes.add(parseAxis(name, matched.getValue()));
            }
        }
        return new Grid(axes);
    }

    /** One option's values, or a usage error naming the option as typed. */
    static Grid.Axis parseAxis(String option, String text) {
        boolean wholeNumbers = integer(CommandSpec.forAnnotatedObject(new TrainCommand()).findOption(option));
        try {
            return Grid.parseAxis(option, text, wholeNumbers);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), CliException.USAGE, e);
        }
    }
}
