package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.huizhen.hub.Hub;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;

/**
 * An in-process {@link Hub} for the interoperability tests: loopback only, ports chosen by the
 * system (port 0), its data in a directory of the test's, configured the way an operator does
 * it (a YAML file for the consortium, then single keys). fsync is off: these tests are about
 * what arrives, not about surviving a power cut, and fsync per instance would triple their time.
 *
 * <p>Not thread-safe to build; the hub itself is.
 */
public final class InteropHub {
    private final Path dir;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private String institutionsYaml;

    private InteropHub(Path dir) {
        this.dir = dir;
        overrides.put("hub.data-dir", dir.resolve("data").toString());
        overrides.put("dicom.bind", "127.0.0.1");
        overrides.put("dicom.port", "0");
        overrides.put("http.bind", "127.0.0.1");
        overrides.put("http.port", "0");
        overrides.put("storage.fsync", "false");
        overrides.put("dicom.artim-timeout-seconds", "10");
    }

    /** A hub keeping its data (and config file) under {@code dir}; any calling AE title is accepted unless a consortium is set. */
    public static InteropHub in(Path dir) {
        return new InteropHub(dir);
    }

    /** Sets one configuration key, e.g. {@code dicom.tls.enabled}. */
    public InteropHub with(String key, String value) {
        overrides.put(key, value);
        return this;
    }

    /**
     * The {@code institutions:} list as YAML (the part of the config file below that key,
     * indented by two spaces); callers are then only accepted from configured AE titles.
     */
    public InteropHub institutions(String yaml) {
        this.institutionsYaml = yaml;
        return this;
    }

    /** The configuration this builds. */
    public HubConfig config() {
        Optional<Path> file = Optional.empty();
        boolean acceptAny = institutionsYaml == null;
        try {
            Files.createDirectories(dir);
            if (institutionsYaml != null) {
                Path f = dir.resolve("huizhen.yaml");
                Files.writeString(f, "institutions:\n" + institutionsYaml);
                file = Optional.of(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ConfigLoader loader = ConfigLoader.load(file, Map.of());
        loader.override("dicom.accept-any-ae", String.valueOf(acceptAny));
        overrides.forEach(loader::override);
        return loader.build();
    }

    /** Starts the hub; the caller closes it. */
    public Hub start() throws Exception {
        return Hub.start(config());
    }

    /** {@code AET@127.0.0.1:PORT} of a hub's plain DICOM listener, as the CLI takes it. */
    /**
     * A configuration on {@code dataDir} itself with fsync on (the production setting), any AE
     * accepted, both listeners on free loopback ports: for tests about durability and recovery.
     */
    public static HubConfig durableConfig(Path dataDir) {
        return ConfigLoader.load(Optional.empty(), Map.of())
                .override("hub.data-dir", dataDir.toString())
                .override("dicom.bind", "127.0.0.1")
                .override("dicom.port", "0")
                .override("http.bind", "127.0.0.1")
                .override("http.port", "0")
                .override("dicom.accept-any-ae", "true")
                .build();
    }

    public static String address(Hub hub) {
        return "HUIZHEN@127.0.0.1:" + hub.dicomPort();
    }

    /** The hub's blob directory under {@code dir} (to check that nothing is left behind). */
    public Path blobDir() {
        return dir.resolve("data").resolve("blobs");
    }
}
