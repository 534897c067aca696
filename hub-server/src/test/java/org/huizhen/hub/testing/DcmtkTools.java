package org.huizhen.hub.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;

/**
 * Running the external peers of the interoperability tests (DCMTK, OpenSSL) and the things
 * every such test needs: the shared test data directory, a free port, waiting for a condition.
 *
 * <p>Stateless; thread-safe.
 */
public final class DcmtkTools {
    private DcmtkTools() {
    }

    /** A finished external process: exit code and its stdout and stderr merged. */
    public record Run(int exitCode, String output) {
    }

    /** The shared test data directory, from the system property surefire sets. */
    public static Path testdata() {
        String p = System.getProperty("hz.shared.testdata");
        if (p == null || !Files.isDirectory(Path.of(p))) {
            fail("system property hz.shared.testdata does not name a directory: " + p);
        }
        return Path.of(p);
    }

    /** Whether {@code CI=true}: then a missing tool or server fails a test instead of skipping it. */
    public static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Fails on CI, skips elsewhere, with {@code message}. */
    public static void unavailable(String message) {
        if (onCi()) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** Makes sure an executable is on the PATH (fails on CI, skips otherwise). */
    public static void requireTool(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return;
            }
        }
        unavailable(name + " is not on the PATH (install DCMTK / OpenSSL, see scripts/debian-deps.sh)");
    }

    /** Runs a command to completion (at most {@code timeoutSeconds}); stdout and stderr merged. */
    public static Run run(List<String> command, long timeoutSeconds) {
        return run(command, Map.of(), timeoutSeconds);
    }

    /** Runs a command with extra environment variables. */
    public static Run run(List<String> command, Map<String, String> env, long timeoutSeconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try (InputStream in = p.getInputStream()) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (out) {
                        out.append(text);
                    }
                } catch (IOException e) {
                    synchronized (out) {
                        out.append(e);
                    }
                }
            });
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join(5000);
                fail(command.get(0) + " did not finish in " + timeoutSeconds + " s:\n" + out);
            }
            reader.join(10_000);
            synchronized (out) {
                return new Run(p.exitValue(), out.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A TCP port that was free a moment ago (for DCMTK servers, which cannot bind port 0 and report it). */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Polls {@code condition} until it holds, failing with {@code what} after {@code timeoutMillis}. */
    public static void await(BooleanSupplier condition, long timeoutMillis, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10); // polling interval of a condition wait, not a fixed wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }
}
