package org.huizhen.hub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hub started as a separate JVM ({@code huizhen serve}) from the test class path, the way an
 * operator starts it — so a test can SIGKILL it. Ports are chosen by the hub (port 0) and read
 * back from the "ready" lines it prints.
 *
 * <p>Not thread-safe; one test drives one instance.
 */
public final class HubProcess implements AutoCloseable {
    private static final Pattern DICOM = Pattern.compile("^\\s+DICOM\\s+AE (\\S+) on (\\S+):(\\d+)");
    private static final Pattern HTTP = Pattern.compile("^\\s+HTTP\\s+http://(\\S+):(\\d+)/");
    private final Process process;
    private final List<String> output;
    private final int dicomPort;
    private final int httpPort;
    private final String aeTitle;

    private HubProcess(Process process, BlockingQueue<String> lines, List<String> output) throws InterruptedException {
        this.process = process;
        this.output = output;
        int dicom = -1;
        int http = -1;
        String aet = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (dicom < 0 || http < 0) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                process.destroyForcibly();
                throw new IllegalStateException("hub did not become ready; it printed:\n" + String.join("\n", output));
            }
            Matcher m = DICOM.matcher(line);
            if (m.find()) {
                aet = m.group(1);
                dicom = Integer.parseInt(m.group(3));
            }
            m = HTTP.matcher(line);
            if (m.find()) {
                http = Integer.parseInt(m.group(2));
            }
        }
        this.dicomPort = dicom;
        this.httpPort = http;
        this.aeTitle = aet;
    }

    private static final String EOF = "\u0000EOF";

    /**
     * Starts {@code huizhen serve --data DIR --dicom-port 0 --http-port 0} plus {@code extraArgs},
     * and waits until it prints its listening addresses.
     */
    public static HubProcess start(Path dataDir, Map<String, String> env, String... extraArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "org.huizhen.hub.cli.Main", "serve", "--data", dataDir.toString(),
                "--dicom-port", "0", "--http-port", "0"));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        List<String> output = new CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                output.add("(output closed: " + e + ")");
            } finally {
                lines.add(EOF);
            }
        }, "hub-output");
        pump.setDaemon(true);
        pump.start();
        return new HubProcess(p, lines, output);
    }

    public int dicomPort() {
        return dicomPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public String aeTitle() {
        return aeTitle;
    }

    /** Everything the hub printed so far (stdout and stderr). */
    public List<String> output() {
        return List.copyOf(output);
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL: the process gets no chance to flush or clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the orderly shutdown. Returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
