package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.huizhen.hub.testing.DcmtkTools;

/**
 * Debian's headless Chromium ({@code /usr/bin/chromium}) driven over the Chrome DevTools
 * Protocol: open a page, evaluate JavaScript in it, take a PNG screenshot, and keep the page's
 * console messages and uncaught exceptions for assertion messages. Waiting is on conditions in
 * the page ({@link #awaitExpression}), not on time.
 *
 * <p>Started with its own temporary profile, no sandbox (tests may run as root), no GPU, and no
 * background network traffic; the DevTools port is chosen by Chromium ({@code
 * --remote-debugging-port=0}) and read from {@code DevToolsActivePort} in the profile.
 *
 * <p>Calls block; one test thread at a time. {@link #close} ends the browser process.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> console = Collections.synchronizedList(new ArrayList<>());

    private HeadlessChromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Fails on CI, skips otherwise, when Chromium is not installed. */
    static void requireInstalled() {
        if (!Files.isExecutable(BINARY)) {
            DcmtkTools.unavailable("headless Chromium is missing at " + BINARY
                    + " (install chromium, see scripts/debian-deps.sh)");
        }
    }

    /** Starts Chromium with a window of {@code width} x {@code height} CSS pixels. */
    static HeadlessChromium start(Path profile, int width, int height) throws Exception {
        requireInstalled();
        Files.createDirectories(profile);
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        Process p = new ProcessBuilder(List.of(BINARY.toString(),
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        DcmtkTools.await(() -> !p.isAlive() || lines(portFile).size() >= 2, 30_000, "Chromium's DevTools port");
        if (!p.isAlive()) {
            fail("Chromium exited with " + p.exitValue() + ":\n" + Files.readString(log));
        }
        int port = Integer.parseInt(lines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String wsUrl = null;
        // the page target for about:blank appears shortly after the port is written
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (wsUrl == null && System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).build(), HttpResponse.BodyHandlers.ofString());
            for (JsonNode t : JSON.readTree(r.body())) {
                if ("page".equals(t.path("type").asText())) {
                    wsUrl = t.path("webSocketDebuggerUrl").asText();
                }
            }
            if (wsUrl == null) {
                Thread.sleep(50); // polling interval of a condition wait
            }
        }
        if (wsUrl == null) {
            p.destroyForcibly();
            fail("Chromium shows no page target on DevTools port " + port);
        }
        HeadlessChromium[] self = new HeadlessChromium[1];
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String message = partial.toString();
                    partial.setLength(0);
                    self[0].onMessage(message);
                }
                webSocket.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        self[0] = new HeadlessChromium(p, ws);
        self[0].call("Runtime.enable", JSON.createObjectNode());
        self[0].call("Page.enable", JSON.createObjectNode());
        self[0].call("Log.enable", JSON.createObjectNode());
        // the layout viewport exactly width x height at scale 1, whatever the headless window's frame takes
        self[0].call("Emulation.setDeviceMetricsOverride", JSON.createObjectNode().put("width", width)
                .put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
        return self[0];
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of(); // being written: try again
        }
    }

    private void onMessage(String text) {
        try {
            JsonNode m = JSON.readTree(text);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
                if (f != null) {
                    f.complete(m);
                }
            } else if ("Runtime.consoleAPICalled".equals(m.path("method").asText())) {
                StringBuilder line = new StringBuilder(m.at("/params/type").asText()).append(':');
                for (JsonNode a : m.at("/params/args")) {
                    line.append(' ').append(a.has("value") ? a.get("value").asText() : a.path("description").asText());
                }
                console.add(line.toString());
            } else if ("Log.entryAdded".equals(m.path("method").asText())) {
                console.add("log " + m.at("/params/entry/level").asText() + ": " + m.at("/params/entry/text").asText()
                        + " " + m.at("/params/entry/url").asText());
            } else if ("Runtime.exceptionThrown".equals(m.path("method").asText())) {
                console.add("exception: " + m.at("/params/exceptionDetails").toString());
            }
        } catch (IOException e) {
            console.add("unreadable DevTools message: " + e);
        }
    }

    /** Sends one DevTools command and waits (60 s at most) for its result. */
    JsonNode call(String method, ObjectNode params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", params);
        socket.sendText(msg.toString(), true).join();
        try {
            JsonNode r = f.get(60, TimeUnit.SECONDS);
            if (r.has("error")) {
                fail("DevTools " + method + " failed: " + r.get("error"));
            }
            return r.get("result");
        } catch (Exception e) {
            throw new AssertionError("DevTools " + method + " got no answer", e);
        }
    }

    /** Navigates to {@code url} (returns when the navigation is committed). */
    void open(String url) {
        JsonNode r = call("Page.navigate", JSON.createObjectNode().put("url", url));
        if (r.hasNonNull("errorText")) {
            fail("navigating to " + url + " failed: " + r.get("errorText").asText());
        }
    }

    /** Evaluates {@code expression} in the page; its value as JSON (awaiting a promise). */
    JsonNode evaluate(String expression) {
        JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true).put("awaitPromise", true));
        if (r.has("exceptionDetails")) {
            fail("evaluating " + expression + " threw " + r.get("exceptionDetails"));
        }
        return r.at("/result/value");
    }

    /** Waits until {@code expression} evaluates to one of {@code values}; returns which. */
    String awaitExpression(String expression, long timeoutMillis, String... values) {
        String[] seen = new String[1];
        List<String> wanted = List.of(values);
        try {
            DcmtkTools.await(() -> {
                seen[0] = evaluate(expression).asText();
                return wanted.contains(seen[0]);
            }, timeoutMillis, expression + " to be one of " + wanted);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (last: " + seen[0] + "; console:\n" + consoleText() + ")", e);
        }
        return seen[0];
    }

    /** A PNG screenshot of the whole window. */
    byte[] screenshot() {
        JsonNode r = call("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(r.get("data").asText());
    }

    /** What the page logged, and its uncaught exceptions, one per line. */
    String consoleText() {
        synchronized (console) {
            return String.join("\n", console);
        }
    }

    @Override
    public void close() {
        socket.abort();
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
