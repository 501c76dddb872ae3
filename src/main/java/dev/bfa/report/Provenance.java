package dev.bfa.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * How a run's numbers were produced: the build of bfa, the JDK, the machine, and the kernels that
 * computed them. Written into config.json (by the process that started the run) and summary.json (by
 * the one that finished it), so that a figure can be traced to the code and the vector width behind it.
 *
 * <p>One kernel implementation computes every kernel family (the provider chooses once per JVM), so
 * {@code kernels} and {@code kernelChoice} hold for the GEMM and the fused kernels alike.
 *
 * @param bfaVersion   the project version, "unknown" when running from compiled classes
 * @param gitCommit    the commit the jar was built from, when it was built from a checkout
 * @param gitDirty     whether that checkout had uncommitted changes, when known
 * @param javaVersion  the running JDK's version
 * @param javaVendor   its vendor
 * @param os           operating system name, version and architecture
 * @param cpu          the CPU model as the OS names it ("unknown" where it does not say)
 * @param processors   processors available to the JVM
 * @param threads      threads the run computes with
 * @param kernels      the kernel implementation's name ("scalar" or "panama-512bit (16 floats)")
 * @param vectorBits   vector width in bits those kernels use; 0 on the scalar path
 * @param registerTile the GEMM's register tile, rows x columns ("8x32"); empty on the scalar path
 * @param kernelChoice why these kernels: the provider's reason, or that the caller chose them
 */
public record Provenance(String bfaVersion, Optional<String> gitCommit, Optional<Boolean> gitDirty,
                         String javaVersion, String javaVendor, String os, String cpu, int processors, int threads,
                         String kernels, int vectorBits, String registerTile, String kernelChoice) {
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.bfa/bfa/pom.properties";
    /** Written into the build's classes by git-commit-id-maven-plugin (pom.xml). */
    private static final String GIT_PROPERTIES = "/dev/bfa/build-git.properties";
    private static final Path CPU_INFO = Path.of("/proc/cpuinfo");

    /** The provenance of a run computed by {@code kernels} on {@code threads} threads in this JVM. */
    public static Provenance of(Kernels kernels, int threads) {
        KernelProvider.Selection selection = KernelProvider.selection();
        String choice = selection.kernels() == kernels ? selection.reason() : "chosen by the caller, not the provider";
        return new Provenance(Build.VERSION, Build.COMMIT, Build.DIRTY, Runtime.version().toString(),
                System.getProperty("java.vendor", "unknown"),
                System.getProperty("os.name", "unknown") + " " + System.getProperty("os.version", "")
                        + " (" + System.getProperty("os.arch", "unknown") + ")",
                Build.CPU, Runtime.getRuntime().availableProcessors(), threads, kernels.name(), kernels.vectorBits(),
                kernels.blocking().map(b -> b.mr() + "x" + b.nr()).orElse(""), choice);
    }

    /**
     * The project version: from the jar manifest or, failing that, the pom.properties Maven puts in
     * the jar; "unknown" when running from compiled classes (tests, IDE).
     */
    public static String buildVersion() {
        return Build.VERSION;
    }

    /** The commit this build of bfa was made from, when it was built from a checkout. */
    public static Optional<String> buildCommit() {
        return Build.COMMIT;
    }

    /** What stays the same for the whole JVM, read from the jar and the OS once, when first asked. */
    private static final class Build {
        static final Properties GIT = resource(GIT_PROPERTIES);
        static final String VERSION = version();
        static final Optional<String> COMMIT = Optional.of(GIT.getProperty("git.commit.id.full", ""))
                .filter(c -> !c.isBlank());
        static final Optional<Boolean> DIRTY = Optional.of(GIT.getProperty("git.dirty", ""))
                .filter(d -> !d.isBlank()).map(Boolean::parseBoolean);
        static final String CPU = cpuModel();

        private static String version() {
            String fromManifest = Provenance.class.getPackage().getImplementationVersion();
            if (fromManifest != null && !fromManifest.isBlank()) {
                return fromManifest;
            }
            return resource(POM_PROPERTIES).getProperty("version", "unknown");
        }
    }

    /** The provenance as the JSON object config.json and summary.json hold under "provenance". */
    public ObjectNode toJson() {
        ObjectNode node = JsonFields.MAPPER.createObjectNode();
        node.put("bfa_version", bfaVersion);
        gitCommit.ifPresentOrElse(c -> node.put("git_commit", c), () -> node.putNull("git_commit"));
        gitDirty.ifPresentOrElse(d -> node.put("git_dirty", d), () -> node.putNull("git_dirty"));
        node.put("java_version", javaVersion);
        node.put("java_vendor", javaVendor);
        node.put("os", os);
        node.put("cpu", cpu);
        node.put("processors", processors);
        node.put("threads", threads);
        node.put("kernels", kernels);
        node.put("vector_bits", vectorBits);
        node.put("register_tile", registerTile);
        node.put("kernel_choice", kernelChoice);
        return node;
    }

    /** The same in one line, as {@code train} prints it when it starts. */
    public String oneLine() {
        String build = "bfa " + bfaVersion + gitCommit.map(c -> " (" + c.substring(0, Math.min(12, c.length()))
                + (gitDirty.orElse(false) ? ", uncommitted changes" : "") + ")").orElse("");
        return build + "; JDK " + javaVersion + " (" + javaVendor + "); " + os + "; " + cpu + "; kernels " + kernels
                + (registerTile.isEmpty() ? "" : ", tile " + registerTile) + " (" + kernelChoice + "); " + threads
                + (threads == 1 ? " thread" : " threads");
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(CPU_INFO).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Properties resource(String name) {
        Properties properties = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream(name)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // informational only: a missing or unreadable file leaves the fields unknown
        }
        return properties;
    }
}
