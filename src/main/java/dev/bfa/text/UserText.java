package dev.bfa.text;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Shows text that came from a user or a file inside a one-line error message, and reads the names
 * users type. The text is not
 * trusted: a config value can hold line breaks, terminal escapes or bidirectional overrides, and
 * a message that printed them raw would break into several lines or show something other than
 * what the file holds. So every character that is not plainly printable is written as a Java-style
 * escape (and the backslash doubled, so that an escape shown is never the user's own text), and
 * long values are cut, keeping the message readable. Sizes and the reasons of failed file
 * operations are shown here too, the same way in every message.
 */
public final class UserText {
    /** Code points of a value shown before it is cut. */
    static final int MAX_SHOWN = 200;

    private UserText() {
    }

    /**
     * The one of {@code values} whose {@code nameOf} a user typed as {@code given}, ignoring case and
     * surrounding blanks.
     *
     * @throws IllegalArgumentException "unknown KIND 'given': expected one of" the names
     */
    public static <E> E parseName(String kind, String given, E[] values, Function<E, String> nameOf) {
        String wanted = given.trim().toLowerCase(Locale.ROOT);
        for (E value : values) {
            if (nameOf.apply(value).equals(wanted)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown " + kind + " " + quote(given) + ": expected one of "
                + Arrays.stream(values).map(nameOf).collect(Collectors.joining(", ")));
    }

    /** {@code text} between single quotes, escaped and cut as above; {@code (none)} for null. */
    public static String quote(String text) {
        return text == null ? "(none)" : "'" + escape(text) + "'";
    }

    /**
     * {@code text} with control, format, separator and unpaired surrogate characters written as
     * {@code \n}, {@code \r}, {@code \t} or {@code \}{@code uXXXX} (one per UTF-16 unit), the
     * backslash doubled, and cut after {@link #MAX_SHOWN} code points with "...".
     */
    public static String escape(String text) {
        StringBuilder shown = new StringBuilder(Math.min(text.length(), MAX_SHOWN) + 8);
        int count = 0;
        for (int i = 0; i < text.length(); ) {
            if (count == MAX_SHOWN) {
                return shown.append("...").toString();
            }
            int codePoint = text.codePointAt(i);
            appendShown(shown, codePoint);
            i += Character.charCount(codePoint);
            count++;
        }
        return shown.toString();
    }

    /** A size for a message: bytes below 1 KiB, else one decimal in KiB, MiB, GiB or TiB; "unlimited" for Long.MAX_VALUE. */
    public static String bytes(long bytes) {
        if (bytes == Long.MAX_VALUE) {
            return "unlimited";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /**
     * The operating system's reason a file operation failed ("No space left on device"), without
     * the path that java.nio puts in the message: the message names the file itself.
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "the file system refused to create it";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void appendShown(StringBuilder shown, int codePoint) {
        switch (codePoint) {
            case '\n' -> shown.append("\\n");
            case '\r' -> shown.append("\\r");
            case '\t' -> shown.append("\\t");
            case '\\' -> shown.append("\\\\");
            default -> {
                if (printable(codePoint)) {
                    shown.appendCodePoint(codePoint);
                } else {
                    for (char unit : Character.toChars(codePoint)) {
                        shown.append(String.format("\\u%04X", (int) unit));
                    }
                }
            }
        }
    }

    private static boolean printable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }
}
