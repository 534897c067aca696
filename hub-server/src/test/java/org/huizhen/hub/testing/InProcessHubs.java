package org.huizhen.hub.testing;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.huizhen.hub.Hub;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;

/**
 * Configuration for a hub started inside the test JVM ({@link Hub#start}): bundled defaults,
 * data under a given directory, loopback only, ports chosen by the system, any calling AE title
 * accepted.
 *
 * <p>Stateless; thread-safe.
 */
public final class InProcessHubs {
    private InProcessHubs() {
    }

    /** A test configuration on {@code dataDir}, fsync on (the production setting). */
    public static HubConfig config(Path dataDir) {
        return ConfigLoader.load(Optional.empty(), Map.of())
                .override("hub.data-dir", dataDir.toString())
                .override("dicom.bind", "127.0.0.1")
                .override("dicom.port", "0")
                .override("http.bind", "127.0.0.1")
                .override("http.port", "0")
                .override("dicom.accept-any-ae", "true")
                .build();
    }

    /** {@code AET@127.0.0.1:PORT} of a running hub, as {@code huizhen store --to} takes it. */
    public static String peer(Hub hub) {
        return "HUIZHEN@127.0.0.1:" + hub.dicomPort();
    }
}
