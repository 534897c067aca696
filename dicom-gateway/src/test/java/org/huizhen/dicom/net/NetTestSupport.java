package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.LoggerFactory;

/** Helpers shared by the networking tests: test data, DCMTK processes, Part 10 meta walking. */
public final class NetTestSupport {
  static {
    // Netty's DEBUG start-up chatter drowns the test output; keep our own INFO and above
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(Level.INFO);
    if (System.getenv("HZ_NET_DEBUG") != null) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.huizhen.dicom.net")).setLevel(Level.TRACE);
    }
  }

  private NetTestSupport() {
  }

  /** Call from a test class's static initializer to apply the log level above. */
  public static void init() {
  }

  /** The shared test data directory, from the system property surefire sets. */
  public static Path testdata() {
    String p = System.getProperty("hz.shared.testdata");
    if (p == null || !Files.isDirectory(Path.of(p))) {
      fail("system property hz.shared.testdata does not name a directory: " + p);
    }
    return Path.of(p);
  }

  /**
   * Makes sure an external tool is on the PATH: fails when {@code CI=true} (the build machine
   * must have it), skips otherwise.
   */
  public static void requireTool(String name) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return;
      }
    }
    String message = name + " is not on the PATH (install DCMTK / OpenSSL, see scripts/debian-deps.sh)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }

  /** A finished external process. */
  public record Run(int exitCode, String output) {}

  /** Runs a command to completion (at most {@code timeoutSeconds}), output and error merged. */
  public static Run run(List<String> command, Map<String, String> env, long timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      StringBuilder out = new StringBuilder();
      Thread reader = Thread.ofVirtual().start(() -> {
        try (InputStream in = p.getInputStream()) {
          out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
          out.append(e);
        }
      });
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        reader.join(5000);
        fail(command.get(0) + " did not finish in " + timeoutSeconds + " s:\n" + out);
      }
      reader.join(10_000);
      return new Run(p.exitValue(), out.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits for a condition, polling, up to {@code timeoutMillis}; fails with {@code what}. */
  public static void await(BooleanSupplier condition, long timeoutMillis, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      // polling interval of a condition wait (10 ms), not a fixed wait for an outcome
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** A TCP port that was free a moment ago (for external servers that cannot bind port 0). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What a Part 10 file's meta information says, and where its data set starts.
   *
   * @param dataSetOffset bytes before the data set: preamble, "DICM" and group 0002
   */
  public record Part10(Path file, long dataSetOffset, String sopClassUid, String sopInstanceUid,
      String transferSyntaxUid) {

    public long dataSetLength() {
      try {
        return Files.size(file) - dataSetOffset;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * SHA-256 of the data set as a conformant sender transmits it, hex: the bytes after group
     * 0002, plus one zero byte for a Deflated data set of odd length (PS3.5 A.5 even length).
     */
    public String transmittedDigest() {
      boolean pad = "1.2.840.10008.1.2.1.99".equals(transferSyntaxUid) && (dataSetLength() & 1) == 1;
      return pad ? digest(true) : dataSetDigest();
    }

    /** SHA-256 of the data set bytes, hex. */
    public String dataSetDigest() {
      return digest(false);
    }

    private String digest(boolean padByte) {
      try (FileChannel ch = FileChannel.open(file)) {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        ByteBuffer buf = ByteBuffer.allocate(65536);
        ch.position(dataSetOffset);
        while (ch.read(buf) > 0) {
          buf.flip();
          md.update(buf);
          buf.clear();
        }
        if (padByte) {
          md.update((byte) 0);
        }
        return HexFormat.of().formatHex(md.digest());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static final Set<String> LONG_VRS =
      Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

  /**
   * Walks the File Meta Information (PS3.10 7.1: 128-byte preamble, "DICM", group 0002 in
   * Explicit VR Little Endian). The data set starts after (0002,0000) Group Length plus its value;
   * the walk checks that the elements agree with it. Returns null for files that are not Part 10.
   */
  public static Part10 readPart10(Path file) {
    try (FileChannel ch = FileChannel.open(file)) {
      long size = ch.size();
      if (size < 144) {
        return null;
      }
      ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 65536)).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(head, 0);
      head.flip();
      if (head.get(128) != 'D' || head.get(129) != 'I' || head.get(130) != 'C' || head.get(131) != 'M') {
        return null;
      }
      int pos = 132;
      long groupEnd = -1;
      String sopClass = null;
      String sopInstance = null;
      String ts = null;
      while (pos + 8 <= head.limit() && head.getShort(pos) == 0x0002 && (groupEnd < 0 || pos < groupEnd)) {
        int element = head.getShort(pos + 2) & 0xFFFF;
        String vr = new String(new byte[] {head.get(pos + 4), head.get(pos + 5)}, StandardCharsets.US_ASCII);
        int headerLength;
        long valueLength;
        if (LONG_VRS.contains(vr)) {
          valueLength = head.getInt(pos + 8) & 0xFFFFFFFFL;
          headerLength = 12;
        } else {
          valueLength = head.getShort(pos + 6) & 0xFFFF;
          headerLength = 8;
        }
        int value = pos + headerLength;
        String text = valueLength < 256 && value + valueLength <= head.limit()
            ? new String(head.array(), value, (int) valueLength, StandardCharsets.US_ASCII)
                .replace("\0", "").trim() : "";
        switch (element) {
          case 0x0000 -> groupEnd = value + valueLength + (head.getInt(value) & 0xFFFFFFFFL);
          case 0x0002 -> sopClass = text;
          case 0x0003 -> sopInstance = text;
          case 0x0010 -> ts = text;
          default -> { }
        }
        pos = (int) (value + valueLength);
      }
      if (groupEnd >= 0 && groupEnd != pos) {
        throw new IllegalStateException(file + ": group length says " + groupEnd + ", elements end at " + pos);
      }
      return new Part10(file, pos, sopClass, sopInstance, ts);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Regular files under {@code dir}, recursively, sorted. */
  public static List<Path> filesUnder(Path dir) {
    try (var s = Files.walk(dir)) {
      return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SHA-256 of a whole file, hex. */
  public static String digest(Path file) {
    return new Part10(file, 0, null, null, null).dataSetDigest();
  }
}
