package dev.bfa.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the bfa version and the JDK running it. */
public final class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/dev.bfa/bfa/pom.properties";

    @Override
    public String[] getVersion() {
        return new String[] {
            "bfa " + bfaVersion(),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")",
        };
    }

    /**
     * The project version: from the jar manifest or, failing that, the pom.properties Maven puts in
     * the jar; "unknown" when running from compiled classes (tests, IDE).
     */
    public static String bfaVersion() {
        String fromManifest = Main.class.getPackage().getImplementationVersion();
        if (fromManifest != null && !fromManifest.isBlank()) {
            return fromManifest;
        }
        try (InputStream in = Main.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return version;
                }
            }
        } catch (IOException e) {
            // fall through: the version is informational only
        }
        return "unknown";
    }
}
