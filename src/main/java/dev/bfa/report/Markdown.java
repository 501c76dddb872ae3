package dev.bfa.report;

import dev.bfa.model.Mode;
import dev.bfa.training.OptimizerConfig;
import dev.bfa.training.RunConfig;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Markdown tables and number formats shared by the reports. Missing values (NaN) show as "n/a". */
final class Markdown {
    static final String MISSING = "n/a";
    /** What {@link #configTable(StringBuilder, List, boolean)} shows for a setting that differs between runs. */
    static final String DIFFERS = "differs between runs";
    private static final String MODE_SETTING = "mode";

    private Markdown() {
    }

    /** A table with a header row; {@code alignRight[i]} right-aligns column i (numbers). */
    static final class Table {
        private final List<String> header;
        private final boolean[] right;
        private final List<List<String>> rows = new ArrayList<>();

        Table(List<String> header, boolean... right) {
            this.header = header;
            this.right = right;
        }

        Table row(List<String> cells) {
            if (cells.size() != header.size()) {
                throw new IllegalArgumentException("row has " + cells.size() + " cells, header " + header.size());
            }
            rows.add(cells);
            return this;
        }

        Table row(String... cells) {
            return row(List.of(cells));
        }

        void appendTo(StringBuilder out) {
            line(out, header);
            List<String> rule = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                rule.add(i < right.length && right[i] ? "---:" : "---");
            }
            line(out, rule);
            for (List<String> row : rows) {
                line(out, row);
            }
            out.append('\n');
        }

        private static void line(StringBuilder out, List<String> cells) {
            out.append('|');
            for (String cell : cells) {
                out.append(' ').append(cell.replace("|", "\\|").replace("\n", " ")).append(" |");
            }
            out.append('\n');
        }
    }

    /** A fraction in [0, 1] as a percentage with two decimals: "85.12 %". */
    static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.2f %%", 100 * fraction) : MISSING;
    }

    /** A difference of two fractions in percentage points, signed: "+0.12" or "-1.30". */
    static String points(double fractionDifference) {
        return Double.isFinite(fractionDifference)
                ? String.format(Locale.ROOT, "%+.2f", 100 * fractionDifference) : MISSING;
    }

    /** A p-value to two significant digits: "0.50", "0.063", "0.0013", "1.0"; "< 0.0001" below that. */
    static String pValue(double p) {
        if (!Double.isFinite(p)) {
            return MISSING;
        }
        if (p < 1e-4) {
            return "< 0.0001";
        }
        BigDecimal rounded = new BigDecimal(p).round(new MathContext(2, RoundingMode.HALF_UP));
        // 0.5 rounds to one digit; the second is as significant as any other
        return rounded.setScale(rounded.scale() + 2 - rounded.precision()).toPlainString();
    }

    static String fixed(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : MISSING;
    }

    /** A count with thousands separators: "12,345". */
    static String count(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : MISSING;
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    /** Seconds as "1 h 02 min 03 s", "2 min 05 s" or "7.3 s". */
    static String duration(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return MISSING;
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long rest = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d h %02d min %02d s", h, m, rest)
                : String.format(Locale.ROOT, "%d min %02d s", m, rest);
    }

    static String code(String text) {
        return "`" + text + "`";
    }

    /** What {@code mode} couples, in one sentence (docs/spec.md, "Couplings"). */
    static String describe(Mode mode) {
        return switch (mode) {
            case FA -> "standard feedback alignment: F and R are independent, each with its own fixed random "
                    + "feedback matrices";
            case COUPLED_BACKWARD -> "F's hidden feedback matrices are R's forward weights (trained by R); "
                    + "R's feedback matrices are fixed random";
            case COUPLED_BOTH -> "F's hidden feedback matrices are R's forward weights, and R's hidden feedback "
                    + "matrices are F's forward weights";
            case BP -> "backpropagation baseline: every feedback matrix is the layer's own forward weights";
            case DFA -> "direct feedback alignment: the output error goes to each hidden layer through its own "
                    + "fixed random matrix; F and R are independent";
            case SIGN -> "sign-symmetry: each feedback matrix is the sign of the layer's own forward weights, "
                    + "at a fixed scale; F and R are independent";
            case KP -> "Kolen-Pollack: each network's feedback matrices start random and receive its weights' "
                    + "updates and decay; F and R are independent";
            case KP_COUPLED_BACKWARD -> "Kolen-Pollack, with F's hidden feedback matrices being R's forward weights "
                    + "(trained by R and by F's Kolen-Pollack update)";
            case KP_COUPLED_BOTH -> "Kolen-Pollack, with each network's hidden feedback matrices being the other's "
                    + "forward weights (each trained by both networks)";
        };
    }

    /** The optimiser and the settings it uses. */
    static String optimizer(OptimizerConfig o) {
        return switch (o.kind()) {
            case SGD -> String.format(Locale.ROOT, "sgd, learning rate %s, momentum %s", o.learningRate(),
                    o.momentum());
            case ADAM -> String.format(Locale.ROOT, "adam, learning rate %s, beta1 %s, beta2 %s, epsilon %s",
                    o.learningRate(), o.beta1(), o.beta2(), o.epsilon());
        };
    }

    /** The architecture: "4 hidden layers of 1024 units, relu (5 weight layers per network)". */
    static String architecture(RunConfig config) {
        return config.depth() + " hidden layer" + (config.depth() == 1 ? "" : "s") + " of " + config.width()
                + " units, " + config.activation().cliName() + " (" + (config.depth() + 1)
                + " weight layers per network)";
    }

    /** The configuration as a two-column table, without the mode when {@code withMode} is false. */
    static void configTable(StringBuilder out, RunConfig config, boolean withMode) {
        configTable(out, List.of(config), withMode);
    }

    /**
     * The settings of several runs (a sweep's cells) as a two-column table: a setting on which they
     * differ reads {@value #DIFFERS}.
     */
    static void configTable(StringBuilder out, List<RunConfig> configs, boolean withMode) {
        Map<String, Set<String>> settings = new LinkedHashMap<>();
        for (RunConfig config : configs) {
            settings(config).forEach((setting, text) -> settings.computeIfAbsent(setting, s -> new LinkedHashSet<>())
                    .add(text));
        }
        Table table = new Table(List.of("setting", "value"));
        settings.forEach((setting, texts) -> {
            if (withMode || !setting.equals(MODE_SETTING)) {
                table.row(setting, texts.size() == 1 ? texts.iterator().next() : DIFFERS);
            }
        });
        table.appendTo(out);
    }

    /** The settings of {@code config} and their text, in the order of the table. */
    private static Map<String, String> settings(RunConfig config) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(MODE_SETTING, code(config.mode().cliName()) + ": " + describe(config.mode()));
        settings.put("F (forward network)", config.forwardDataset());
        settings.put("R (reverse network)", config.reverseDataset());
        settings.put("networks", architecture(config));
        settings.put("optimiser", optimizer(config.optimizer()));
        settings.put("batch", config.batch() + " examples per network per step");
        settings.put("steps", count(config.steps()) + ", evaluated every " + count(config.evaluationEvery()));
        settings.put("seed", Long.toString(config.seed()));
        settings.put("threads", Integer.toString(config.threads()));
        return settings;
    }
}
