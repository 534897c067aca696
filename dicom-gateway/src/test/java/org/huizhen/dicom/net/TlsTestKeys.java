package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Self-signed RSA keys and certificates made with {@code openssl req -x509} at test time, for
 * the TLS tests (PS3.15 B.1): one pair for the server, one for the client.
 */
record TlsTestKeys(Path serverKey, Path serverCert, Path clientKey, Path clientCert) {

  static TlsTestKeys create(Path dir) {
    NetTestSupport.requireTool("openssl");
    return new TlsTestKeys(key(dir, "server"), dir.resolve("server.crt"), key(dir, "client"),
        dir.resolve("client.crt"));
  }

  private static Path key(Path dir, String name) {
    Path key = dir.resolve(name + ".key");
    NetTestSupport.Run r = NetTestSupport.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048",
        "-nodes", "-keyout", key.toString(), "-out", dir.resolve(name + ".crt").toString(),
        "-days", "2", "-subj", "/CN=localhost"), Map.of(), 60);
    assertThat(r.exitCode()).as(r.output()).isZero();
    return key;
  }
}
