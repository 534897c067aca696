package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.huizhen.hub.testing.DcmtkTools;

/**
 * A real Orthanc (Debian {@code orthanc}) with its DICOMweb plugin ({@code orthanc-dicomweb}),
 * started for one test in its own directory: own storage and index, a free HTTP port on
 * loopback, no DICOM listener, no authentication, DICOMweb at {@code /dicom-web/}. Optionally
 * configured as a DICOMweb client of other servers ({@code DicomWeb.Servers}), with HTTP headers
 * per server (e.g. {@code Authorization: Bearer ...} for the hub).
 *
 * <p>Its REST API is used through {@link #get}/{@link #post}; everything is blocking. Not
 * thread-safe; {@link #close} stops the process.
 */
final class OrthancPeer implements AutoCloseable {
    /** Where Debian's {@code orthanc-dicomweb} puts the plugin. */
    static final Path DICOMWEB_PLUGIN = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A DICOMweb server this Orthanc may call: its root URL and extra request headers. */
    record RemoteServer(String name, String url, Map<String, String> headers) {
    }

    private final Process process;
    private final int httpPort;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private OrthancPeer(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    /** Fails on CI, skips otherwise, when Orthanc or its DICOMweb plugin is not installed. */
    static void requireInstalled() {
        DcmtkTools.requireTool("Orthanc");
        if (!Files.isRegularFile(DICOMWEB_PLUGIN)) {
            DcmtkTools.unavailable("Orthanc's DICOMweb plugin is missing at " + DICOMWEB_PLUGIN
                    + " (install orthanc-dicomweb, see scripts/debian-deps.sh)");
        }
    }

    /** Starts Orthanc in {@code dir} and waits until its REST API answers. */
    static OrthancPeer start(Path dir, String name, List<RemoteServer> servers) throws IOException {
        requireInstalled();
        Files.createDirectories(dir);
        int port = DcmtkTools.freePort();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("Name", name);
        cfg.put("StorageDirectory", dir.resolve("storage").toString());
        cfg.put("IndexDirectory", dir.resolve("storage").toString());
        cfg.put("HttpPort", port);
        cfg.put("HttpServerEnabled", true);
        cfg.put("RemoteAccessAllowed", false);
        cfg.put("AuthenticationEnabled", false);
        cfg.put("DicomServerEnabled", false);
        cfg.put("OrthancExplorerEnabled", false);
        cfg.put("WebDavEnabled", false);
        // Orthanc drops idle keep-alive connections after 1 s, which races the JDK client's
        // connection reuse ("header parser received no bytes"): one connection per request
        cfg.put("KeepAlive", false);
        cfg.putArray("Plugins").add(DICOMWEB_PLUGIN.toString());
        ObjectNode dw = cfg.putObject("DicomWeb");
        dw.put("Enable", true);
        dw.put("Root", "/dicom-web/");
        dw.put("EnableWado", true);
        dw.put("Ssl", false);
        ObjectNode peers = dw.putObject("Servers");
        for (RemoteServer s : servers) {
            ObjectNode p = peers.putObject(s.name());
            p.put("Url", s.url());
            if (!s.headers().isEmpty()) {
                ObjectNode h = p.putObject("HttpHeaders");
                s.headers().forEach(h::put);
            }
        }
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(cfg));
        Path log = dir.resolve("orthanc.log");
        Process p = new ProcessBuilder("Orthanc", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OrthancPeer peer = new OrthancPeer(p, port, log);
        DcmtkTools.await(() -> !p.isAlive() || peer.answers(), 30_000, "Orthanc " + name + " on port " + port);
        if (!p.isAlive()) {
            fail("Orthanc " + name + " exited with " + p.exitValue() + ":\n" + peer.logText());
        }
        return peer;
    }

    private boolean answers() {
        try {
            return http.send(HttpRequest.newBuilder(uri("/system")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code http://127.0.0.1:port}. */
    String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** The DICOMweb root, {@code http://127.0.0.1:port/dicom-web}. */
    String dicomWebRoot() {
        return baseUrl() + "/dicom-web";
    }

    int httpPort() {
        return httpPort;
    }

    /** Uploads one DICOM file through {@code POST /instances}; returns Orthanc's answer. */
    JsonNode upload(Path file) throws IOException {
        return send(HttpRequest.newBuilder(uri("/instances"))
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), 200);
    }

    /** {@code GET path}, expecting 200 and JSON. */
    JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).GET().build(), 200);
    }

    /** {@code POST path} with a JSON body, expecting 200 and JSON. */
    JsonNode post(String path, Object body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), 200);
    }

    /** {@code DELETE path}, expecting 200. */
    void delete(String path) throws IOException {
        send(HttpRequest.newBuilder(uri(path)).DELETE().build(), 200);
    }

    private JsonNode send(HttpRequest request, int expected) throws IOException {
        try {
            HttpResponse<String> r;
            try {
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // Orthanc may close an idle kept-alive connection just as the client reuses it
                // ("header parser received no bytes"); the request never reached it: send it once more.
                r = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            assertThat(r.statusCode()).as("Orthanc %s %s answered:%n%s%nlog:%n%s",
                    request.method(), request.uri(), r.body(), logTail()).isEqualTo(expected);
            return r.body().isBlank() ? JSON.nullNode() : JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } catch (IOException e) {
            throw new IOException("Orthanc " + request.method() + " " + request.uri() + " failed (alive: "
                    + process.isAlive() + "); log:\n" + logTail(), e);
        }
    }

    private URI uri(String path) {
        return URI.create(baseUrl() + path);
    }

    String logText() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logTail() {
        String t = logText();
        return t.length() > 4000 ? t.substring(t.length() - 4000) : t;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
