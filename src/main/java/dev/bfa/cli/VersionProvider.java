package dev.bfa.cli;

import dev.bfa.report.Provenance;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the bfa version (and commit, when built from a checkout) and the JDK running it. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "bfa " + Provenance.buildVersion() + Provenance.buildCommit().map(c -> " (" + c + ")").orElse(""),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")",
        };
    }
}
