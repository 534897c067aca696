package org.huizhen.hub.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.huizhen.hub.Hub;
import org.huizhen.hub.config.ConfigLoader;
import org.huizhen.hub.config.HubConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code huizhen serve}: runs the hub until SIGTERM/SIGINT. Flags override the config file,
 * which overrides the bundled defaults; environment variables {@code HUIZHEN_*} sit between
 * the file and the flags.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the hub (DICOM listener + HTTP). Embedded H2 index and filesystem blobs under --data by default.")
public final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (default: $HUIZHEN_CONFIG, else built-in defaults).")
    Path config;
    @Option(names = "--data", paramLabel = "DIR", description = "Data directory (hub.data-dir).")
    Path data;
    @Option(names = "--dicom-port", paramLabel = "N", description = "DICOM port (dicom.port); 0 picks a free port.")
    Integer dicomPort;
    @Option(names = "--http-port", paramLabel = "N", description = "HTTP port (http.port); 0 picks a free port.")
    Integer httpPort;
    @Option(names = "--ae-title", paramLabel = "AET", description = "Our AE title (dicom.ae-title).")
    String aeTitle;
    @Option(names = "--accept-any-ae", description = "Demo mode: accept associations from any calling AE title.")
    boolean acceptAnyAe;

    @Override
    public Integer call() throws Exception {
        HubConfig cfg = loadConfig();
        Hub hub = Hub.start(cfg);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            hub.close();
            stopped.countDown();
        }, "huizhen-shutdown"));
        System.out.println(hub.describe());
        System.out.flush();
        stopped.await();
        return 0;
    }

    HubConfig loadConfig() {
        Optional<Path> file = Optional.ofNullable(config)
                .or(() -> Optional.ofNullable(System.getenv("HUIZHEN_CONFIG")).filter(s -> !s.isBlank()).map(Path::of));
        ConfigLoader loader = ConfigLoader.load(file, System.getenv());
        if (data != null) {
            loader.override("hub.data-dir", data.toString());
        }
        if (dicomPort != null) {
            loader.override("dicom.port", dicomPort.toString());
        }
        if (httpPort != null) {
            loader.override("http.port", httpPort.toString());
        }
        if (aeTitle != null) {
            loader.override("dicom.ae-title", aeTitle);
        }
        if (acceptAnyAe) {
            loader.override("dicom.accept-any-ae", "true");
        }
        return loader.build();
    }
}
