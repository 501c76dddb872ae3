package dev.bfa.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expected SHA-256 of the fetched data files, in {@code sha256sum} format: lines
 * {@code <64 hex digits>  <dataset>/<file>} (paths relative to the data directory, so
 * {@code cd data && sha256sum -c checksums.sha256} checks them too). Blank lines and lines starting
 * with {@code #} are ignored.
 *
 * <p>The single source is {@code data/checksums.sha256} in the project; {@link #locate()} finds it
 * as the class-path resource {@value #RESOURCE} (when the build bundles it), else under the
 * {@code bfa.home} system property, else under the working directory.
 */
public final class Checksums {
    /** Class-path location of the bundled table. */
    public static final String RESOURCE = "/checksums.sha256";
    /** Location of the table relative to the project root. */
    public static final String PROJECT_FILE = "data/checksums.sha256";
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]{64}) [ *](\\S.*)");

    private final Map<String, String> entries;
    private final String source;

    private Checksums(Map<String, String> entries, String source) {
        this.entries = Collections.unmodifiableMap(entries);
        this.source = source;
    }

    /** Parses {@code text}; {@code source} names where it came from, for messages. */
    public static Checksums parse(String text, String source) {
        Map<String, String> entries = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                throw new FetchException(source + ": line " + (i + 1)
                        + " is not '<sha256>  <dataset>/<file>': " + abbreviate(line));
            }
            entries.put(m.group(2).strip(), m.group(1).toLowerCase(Locale.ROOT));
        }
        return new Checksums(entries, source);
    }

    /** Reads the table from {@code file}. */
    public static Checksums load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new FetchException("cannot read the checksum table " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The project's table: the class-path resource {@value #RESOURCE}, else
     * {@code ${bfa.home}/data/checksums.sha256}, else {@code data/checksums.sha256} in the working
     * directory.
     *
     * @throws FetchException if none exists
     */
    public static Checksums locate() {
        try (InputStream in = Checksums.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + RESOURCE);
            }
        } catch (IOException e) {
            throw new FetchException("cannot read the bundled checksum table " + RESOURCE + ": " + e.getMessage(), e);
        }
        String home = System.getProperty("bfa.home");
        if (home != null && !home.isBlank()) {
            Path file = Path.of(home).resolve(PROJECT_FILE);
            if (Files.isRegularFile(file)) {
                return load(file);
            }
        }
        Path local = Path.of(PROJECT_FILE);
        if (Files.isRegularFile(local)) {
            return load(local);
        }
        throw new FetchException("checksum table not found: not bundled as " + RESOURCE + ", and no " + PROJECT_FILE
                + " under bfa.home (" + home + ") or the working directory");
    }

    /** The expected SHA-256 (lower-case hex) of {@code relativePath} ({@code <dataset>/<file>}). */
    public Optional<String> expected(String relativePath) {
        return Optional.ofNullable(entries.get(relativePath));
    }

    /** As {@link #expected}, failing with a clear message when the table has no entry. */
    public String require(String relativePath) {
        String sha = entries.get(relativePath);
        if (sha == null) {
            throw new FetchException("no checksum for " + relativePath + " in " + source);
        }
        return sha;
    }

    /** All entries: relative path to SHA-256, in file order. */
    public Map<String, String> entries() {
        return entries;
    }

    /** Where the table came from. */
    public String source() {
        return source;
    }

    /** The SHA-256 of {@code file}, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
