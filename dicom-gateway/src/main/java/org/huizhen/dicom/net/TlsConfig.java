package org.huizhen.dicom.net;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;

/**
 * TLS for DICOM associations (PS3.15 B.1 / B.9 "BCP 195" profiles): our key and certificate,
 * the certificates we trust for the peer, whether the server requires a client certificate, and
 * the protocol versions (TLSv1.2 and TLSv1.3 by default).
 *
 * <p>Immutable; builds Netty {@link SslContext}s with the JDK provider.
 *
 * @param key our key and certificate chain; required for a server, optional for a client
 * @param trustedCertificates PEM files of certificates (or CAs) we accept from the peer; empty =
 *     the JDK's default trust store
 * @param requireClientAuth server only: demand and verify a client certificate
 * @param protocols e.g. {@code TLSv1.3}, {@code TLSv1.2}
 */
public record TlsConfig(Optional<KeyMaterial> key, List<Path> trustedCertificates,
    boolean requireClientAuth, List<String> protocols) {

  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  public TlsConfig {
    trustedCertificates = List.copyOf(trustedCertificates);
    protocols = List.copyOf(protocols);
  }

  /** Where our private key and certificate chain come from. */
  public sealed interface KeyMaterial permits Pem, Pkcs12 {}

  /** PEM files: certificate chain and PKCS#8 private key (optionally encrypted). */
  public record Pem(Path certificateChain, Path privateKey, Optional<String> keyPassword)
      implements KeyMaterial {}

  /** A PKCS#12 key store holding one private key entry. */
  public record Pkcs12(Path file, String password) implements KeyMaterial {}

  /** A server (or client) identity from PEM files, trusting {@code trusted}. */
  public static TlsConfig pem(Path certificateChain, Path privateKey, List<Path> trusted,
      boolean requireClientAuth) {
    return new TlsConfig(Optional.of(new Pem(certificateChain, privateKey, Optional.empty())),
        trusted, requireClientAuth, DEFAULT_PROTOCOLS);
  }

  /** A client without its own certificate that trusts {@code trusted}. */
  public static TlsConfig trustOnly(List<Path> trusted) {
    return new TlsConfig(Optional.empty(), trusted, false, DEFAULT_PROTOCOLS);
  }

  public SslContext serverContext() throws SSLException {
    KeyMaterial k = key.orElseThrow(() -> new IllegalStateException("a TLS server needs a key"));
    SslContextBuilder b = switch (k) {
      case Pem p -> SslContextBuilder.forServer(p.certificateChain().toFile(), p.privateKey().toFile(),
          p.keyPassword().orElse(null));
      case Pkcs12 p -> SslContextBuilder.forServer(keyManagers(p));
    };
    b.clientAuth(requireClientAuth ? ClientAuth.REQUIRE : ClientAuth.NONE);
    return finish(b);
  }

  public SslContext clientContext() throws SSLException {
    SslContextBuilder b = SslContextBuilder.forClient();
    key.ifPresent(k -> {
      switch (k) {
        case Pem p -> b.keyManager(p.certificateChain().toFile(), p.privateKey().toFile(),
            p.keyPassword().orElse(null));
        case Pkcs12 p -> b.keyManager(keyManagers(p));
      }
    });
    return finish(b);
  }

  private SslContext finish(SslContextBuilder b) throws SSLException {
    b.sslProvider(SslProvider.JDK).protocols(protocols);
    if (!trustedCertificates.isEmpty()) {
      b.trustManager(readCertificates());
    }
    return b.build();
  }

  private X509Certificate[] readCertificates() throws SSLException {
    try {
      CertificateFactory cf = CertificateFactory.getInstance("X.509");
      List<X509Certificate> all = new ArrayList<>();
      for (Path p : trustedCertificates) {
        try (InputStream in = Files.newInputStream(p)) {
          cf.generateCertificates(in).forEach(c -> all.add((X509Certificate) c));
        }
      }
      return all.toArray(X509Certificate[]::new);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new SSLException("cannot read trusted certificates " + trustedCertificates, e);
    }
  }

  private static KeyManagerFactory keyManagers(Pkcs12 p) {
    try (InputStream in = Files.newInputStream(p.file())) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, p.password().toCharArray());
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, p.password().toCharArray());
      return kmf;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot read PKCS#12 key store " + p.file(), e);
    }
  }
}
