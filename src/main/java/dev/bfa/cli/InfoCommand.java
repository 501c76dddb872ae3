package dev.bfa.cli;

import dev.bfa.kernels.Blocking;
import dev.bfa.kernels.ComputePool;
import dev.bfa.kernels.KernelProvider;
import dev.bfa.kernels.Kernels;
import dev.bfa.report.Provenance;
import dev.bfa.text.UserText;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bfa info}: the JDK, the machine, and the kernels this JVM selected. */
@Command(name = "info",
        mixinStandardHelpOptions = true,
        description = {
            "Show the JDK, the CPU and the compute kernels in use.",
            "Vector width: -Dbfa.vector.bits=auto|512|256|128|scalar (in BFA_JAVA_OPTS)."
        })
public final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the information as one JSON object.")
    boolean json;

    /** Everything {@code info} reports; {@code blocking} is absent on the scalar path. */
    record Info(
            String bfaVersion,
            String javaVersion,
            String javaVendor,
            String javaVmName,
            String javaHome,
            String osName,
            String osVersion,
            String osArch,
            int processors,
            int defaultThreads,
            String requestedVectorBits,
            int preferredVectorBits,
            int vectorBits,
            String kernels,
            boolean simd,
            String reason,
            Optional<Blocking> blocking,
            long maxHeapBytes) {
    }

    @Override
    public Integer call() {
        Info info = collect();
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? writeJson(toJson(info)) : toText(info));
        out.flush();
        return 0;
    }

    static Info collect() {
        String requested = System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY, "auto");
        KernelProvider.Selection selection = kernelSelection();
        int processors = Runtime.getRuntime().availableProcessors();
        return new Info(
                Provenance.buildVersion(),
                Runtime.version().toString(),
                System.getProperty("java.vendor", "unknown"),
                System.getProperty("java.vm.name", "unknown"),
                System.getProperty("java.home", "unknown"),
                System.getProperty("os.name", "unknown"),
                System.getProperty("os.version", "unknown"),
                System.getProperty("os.arch", "unknown"),
                processors,
                Math.min(processors, ComputePool.MAX_THREADS),
                requested,
                selection.preferredBits(),
                selection.vectorBits(),
                selection.kernels().name(),
                selection.simd(),
                selection.reason(),
                selection.kernels().blocking(),
                Runtime.getRuntime().maxMemory());
    }

    /**
     * {@link KernelProvider#selection()}, with a bad {@code -Dbfa.vector.bits} (which fails the
     * initialisation of the provider's choice) reported as a usage error instead of a stack trace.
     */
    static KernelProvider.Selection kernelSelection() {
        try {
            return KernelProvider.selection();
        } catch (ExceptionInInitializerError e) {
            if (e.getCause() instanceof IllegalArgumentException badSetting) {
                throw new CliException(badSetting.getMessage(), CliException.USAGE);
            }
            throw e;
        }
    }

    static String toText(Info info) {
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("bfa", info.bfaVersion());
        rows.put("java", info.javaVersion() + " (" + info.javaVendor() + ", " + info.javaVmName() + ")");
        rows.put("java home", info.javaHome());
        rows.put("os", info.osName() + " " + info.osVersion() + " (" + info.osArch() + ")");
        rows.put("processors", Integer.toString(info.processors()));
        rows.put("threads", info.defaultThreads() + " (default: one per available processor)");
        rows.put("vector width", info.preferredVectorBits() + " bits preferred by the CPU; "
                + (info.simd() ? info.vectorBits() + " bits in use" : "none in use")
                + " (-D" + KernelProvider.VECTOR_BITS_PROPERTY + "=" + info.requestedVectorBits() + ")");
        rows.put("kernels", info.kernels());
        rows.put("simd", (info.simd() ? "yes" : "no") + " (" + info.reason() + ")");
        info.blocking().ifPresent(b -> rows.put("gemm blocking",
                "mr=" + b.mr() + " nr=" + b.nr() + " kc=" + b.kc() + " mc=" + b.mc() + " nc=" + b.nc()));
        rows.put("max heap", UserText.bytes(info.maxHeapBytes()));

        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        StringBuilder text = new StringBuilder();
        rows.forEach((label, value) -> {
            if (!text.isEmpty()) {
                text.append(System.lineSeparator());
            }
            text.append(label).append(":").repeat(' ', width - label.length() - 1).append(value);
        });
        return text.toString();
    }

    private static String writeJson(Map<String, Object> tree) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(tree);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write info as JSON", e);
        }
    }

    static Map<String, Object> toJson(Info info) {
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("version", info.javaVersion());
        java.put("vendor", info.javaVendor());
        java.put("vm", info.javaVmName());
        java.put("home", info.javaHome());

        Map<String, Object> os = new LinkedHashMap<>();
        os.put("name", info.osName());
        os.put("version", info.osVersion());
        os.put("arch", info.osArch());

        Map<String, Object> vector = new LinkedHashMap<>();
        vector.put("requested", info.requestedVectorBits());
        vector.put("preferred_bits", info.preferredVectorBits());
        vector.put("bits", info.vectorBits());
        vector.put("simd", info.simd());
        vector.put("reason", info.reason());

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("bfa_version", info.bfaVersion());
        root.put("java", java);
        root.put("os", os);
        root.put("processors", info.processors());
        root.put("default_threads", info.defaultThreads());
        root.put("vector", vector);
        root.put("kernels", info.kernels());
        root.put("gemm_blocking", info.blocking().map(b -> {
            Map<String, Object> blocking = new LinkedHashMap<>();
            blocking.put("mr", b.mr());
            blocking.put("nr", b.nr());
            blocking.put("kc", b.kc());
            blocking.put("mc", b.mc());
            blocking.put("nc", b.nc());
            return blocking;
        }).orElse(null));
        root.put("max_heap_bytes", info.maxHeapBytes());
        return root;
    }
}
