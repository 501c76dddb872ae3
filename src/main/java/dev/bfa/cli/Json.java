package dev.bfa.cli;

import java.util.Iterator;
import java.util.Map;

/**
 * A minimal JSON writer for the CLI's machine-readable output: maps (keys in iteration order),
 * iterables, strings, numbers, booleans and null. Strings are escaped per RFC 8259; control
 * characters and unpaired surrogates are written as {@code \}{@code uXXXX}, so the output is valid
 * JSON whatever the input.
 */
final class Json {
    private Json() {
    }

    /** {@code value} as compact JSON text. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, -1, 0);
        return out.toString();
    }

    /** {@code value} as JSON text indented by two spaces per level. */
    static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 2, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int indent, int depth) {
        switch (value) {
            case null -> out.append("null");
            case String s -> quote(s, out);
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> number(d, out);
            case Float f -> number(f.doubleValue(), out);
            case Number n -> out.append(n);
            case Map<?, ?> map -> {
                out.append('{');
                Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
                boolean first = true;
                while (entries.hasNext()) {
                    Map.Entry<?, ?> entry = entries.next();
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    quote(String.valueOf(entry.getKey()), out);
                    out.append(indent < 0 ? ":" : ": ");
                    write(entry.getValue(), out, indent, depth + 1);
                }
                if (!first) {
                    newline(out, indent, depth);
                }
                out.append('}');
            }
            case Iterable<?> items -> {
                out.append('[');
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    newline(out, indent, depth + 1);
                    write(item, out, indent, depth + 1);
                }
                if (!first) {
                    newline(out, indent, depth);
                }
                out.append(']');
            }
            default -> quote(value.toString(), out);
        }
    }

    private static void number(double d, StringBuilder out) {
        if (Double.isFinite(d)) {
            out.append(d);
        } else {
            out.append("null"); // JSON has no NaN or infinity
        }
    }

    private static void newline(StringBuilder out, int indent, int depth) {
        if (indent >= 0) {
            out.append('\n').repeat(' ', indent * depth);
        }
    }

    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    boolean paired = Character.isHighSurrogate(c)
                            ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            : !Character.isLowSurrogate(c) || i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || !paired) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
