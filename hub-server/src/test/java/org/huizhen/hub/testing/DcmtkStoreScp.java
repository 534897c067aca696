package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * DCMTK's {@code storescp} as the receiving peer of the hub's SCU commands, on a port that was
 * free a moment ago: bit-preserving ({@code +B}: the files hold the data sets exactly as they
 * arrived), unique file names, every SOP class and transfer syntax accepted. DCMTK reads
 * {@code TCP_NODELAY} from its environment; it is set so small PDUs are not delayed.
 *
 * <p>Not thread-safe; one test drives one instance.
 */
public final class DcmtkStoreScp implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final Path log;
    private final Process process;

    /**
     * Starts {@code storescp -aet aeTitle ... extraArgs port} writing into {@code dir} and waits
     * until it listens.
     */
    public DcmtkStoreScp(Path dir, String aeTitle, String... extraArgs) {
        DcmtkTools.requireTool("storescp");
        this.dir = dir;
        this.port = DcmtkTools.freePort();
        this.log = dir.resolveSibling(dir.getFileName() + ".storescp.log");
        List<String> cmd = new ArrayList<>(List.of("storescp", "-aet", aeTitle, "+B", "+uf", "+xa", "-pm",
                "-od", dir.toString()));
        cmd.addAll(List.of(extraArgs));
        cmd.add(String.valueOf(port));
        try {
            Files.createDirectories(dir);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("TCP_NODELAY", "1");
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DcmtkTools.await(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("storescp exited with " + process.exitValue() + ": " + log());
            }
            return DcmtkTools.listening(port);
        }, 10_000, "storescp listening on " + port);
    }

    public int port() {
        return port;
    }

    /** The files storescp wrote so far. */
    public List<Path> received() {
        return InteropFiles.filesUnder(dir);
    }

    /** What storescp printed. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
