package org.huizhen.hub.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code huizhen version}: prints the hub's version, the Java runtime and the DICOM implementation identity. */
@Command(name = "version", description = "Print version information.")
public final class VersionCommand implements Callable<Integer> {

    /** Version as packaged in the jar manifest, or the development marker when run from classes. */
    public static String version() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    static String[] lines() {
        return new String[] {
            "huizhen " + version(),
            "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "DICOM implementation class UID 1.2.826.0.1.3680043.10.1515.1, version name HUIZHEN_010",
        };
    }

    @Override
    public Integer call() {
        for (String l : lines()) {
            System.out.println(l);
        }
        return 0;
    }

    /** Feeds {@code --version}. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return lines();
        }
    }
}
