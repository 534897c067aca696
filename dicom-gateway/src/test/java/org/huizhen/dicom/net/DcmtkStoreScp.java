package org.huizhen.dicom.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * DCMTK's {@code storescp} run as a reference peer on a free port: bit-preserving (+B, so the
 * files hold the data set bytes exactly as received), unique file names, every transfer syntax
 * and SOP class accepted. TCP_NODELAY=1 is set in its environment, as DCMTK reads it from there.
 */
final class DcmtkStoreScp implements AutoCloseable {
  final int port;
  final Path dir;
  private final Process process;

  DcmtkStoreScp(Path dir, String aeTitle, List<String> extraArgs) {
    NetTestSupport.requireTool("storescp");
    this.dir = dir;
    this.port = NetTestSupport.freePort();
    List<String> cmd = new ArrayList<>(List.of("storescp", "-aet", aeTitle, "+B", "+uf", "+xa", "-pm",
        "-od", dir.toString()));
    cmd.addAll(extraArgs);
    cmd.add(String.valueOf(port));
    try {
      java.nio.file.Files.createDirectories(dir);
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(dir.resolveSibling(dir.getFileName() + ".storescp.log").toFile());
      pb.environment().put("TCP_NODELAY", "1");
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NetTestSupport.await(this::listening, 10_000, "storescp listening on " + port);
  }

  private boolean listening() {
    if (!process.isAlive()) {
      throw new IllegalStateException("storescp exited with " + process.exitValue());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The Part 10 files storescp wrote (its log file lives beside the directory, not in it). */
  List<NetTestSupport.Part10> received() {
    return NetTestSupport.filesUnder(dir).stream().map(NetTestSupport::readPart10).toList();
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
