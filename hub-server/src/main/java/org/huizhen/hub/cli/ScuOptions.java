package org.huizhen.hub.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.huizhen.dicom.net.ClientConfig;
import org.huizhen.dicom.net.TlsConfig;
import picocli.CommandLine.Option;

/** Options shared by the SCU commands ({@code echo}, {@code store}): our AE title and TLS. */
final class ScuOptions {
    @Option(names = "--calling-ae", paramLabel = "AET", defaultValue = "HUIZHEN_SCU",
            description = "Our (calling) AE title. Default: ${DEFAULT-VALUE}.")
    String callingAe;
    @Option(names = "--tls", description = "Use DICOM over TLS (PS3.15 Annex B).")
    boolean tls;
    @Option(names = "--tls-trusted", paramLabel = "PEM", description = "Certificates to trust for the peer (TLS).")
    Path tlsTrusted;
    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Our certificate chain, when the peer asks for client authentication.")
    Path tlsCert;
    @Option(names = "--tls-key", paramLabel = "PEM", description = "Our private key (PKCS#8 PEM).")
    Path tlsKey;
    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30", description = "Connect/ARTIM timeout. Default: ${DEFAULT-VALUE} s.")
    int timeoutSeconds;

    ClientConfig clientConfig(Peer peer) {
        ClientConfig.Builder b = ClientConfig.builder(callingAe, peer.aeTitle(), peer.host(), peer.port())
                .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                .artimTimeout(Duration.ofSeconds(timeoutSeconds));
        if (tls) {
            List<Path> trusted = tlsTrusted == null ? List.of() : List.of(tlsTrusted);
            b.tls(tlsCert != null && tlsKey != null ? TlsConfig.pem(tlsCert, tlsKey, trusted, false) : TlsConfig.trustOnly(trusted));
        }
        return b.build();
    }
}
