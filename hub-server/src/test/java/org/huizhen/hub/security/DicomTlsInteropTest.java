package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DICOM over TLS (PS3.15 B.1) configured in the hub ({@code dicom.tls.*}, PEM files made by
 * {@code openssl req -x509} at test time): DCMTK's echoscu/storescu and the hub's own
 * {@code huizhen echo/store --tls} reach the TLS listener, trusting the hub's certificate, and
 * the instance is stored. A client that does not trust the certificate, or speaks plain DICOM
 * to the TLS port, gets no association.
 */
class DicomTlsInteropTest {
    @TempDir
    static Path tmp;
    private static Hub hub;
    private static Path serverCert;
    private static int tlsPort;

    @BeforeAll
    static void startHubWithTls() throws Exception {
        DcmtkTools.requireTool("openssl");
        serverCert = tmp.resolve("server.crt");
        Path key = tmp.resolve("server.key");
        DcmtkTools.Run r = DcmtkTools.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", serverCert.toString(), "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"), 60);
        assertThat(r.exitCode()).as(r.output()).isZero();
        hub = InteropHub.in(tmp.resolve("hub"))
                .with("dicom.tls.enabled", "true")
                .with("dicom.tls.port", "0")
                .with("dicom.tls.certificate", serverCert.toString())
                .with("dicom.tls.private-key", key.toString())
                .start();
        tlsPort = hub.dicomTlsPort().orElseThrow();
    }

    @AfterAll
    static void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void echoscuAndStorescuOverTlsSucceedAndTheInstanceIsStored() throws Exception {
        DcmtkTools.requireTool("echoscu");
        DcmtkTools.Run echo = DcmtkTools.run(List.of("echoscu", "-v", "+tla", "+cf", serverCert.toString(),
                "-aet", "CLINIC", "-aec", "HUIZHEN", "127.0.0.1", String.valueOf(tlsPort)), 30);
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.output()).contains("Received Echo Response (Success)");

        Path file = DcmtkTools.testdata().resolve("dicom/dicomdir-fileset/77654033/CT2/17106");
        InteropFiles.Part10 source = InteropFiles.read(file);
        // storescu re-encodes undefined lengths and trailing padding; this file has neither, so it arrives unchanged
        assertThat(InteropFiles.hasUndefinedLengthOrPadding(source)).isFalse();
        DcmtkTools.Run store = DcmtkTools.run(List.of("storescu", "-v", "+tla", "+cf", serverCert.toString(),
                "-aet", "CLINIC", "-aec", "HUIZHEN", "127.0.0.1", String.valueOf(tlsPort), file.toString()), 60);
        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(store.output()).contains("Received Store Response (Success)");
        var stored = hub.index().findInstance(source.sopInstanceUid()).orElseThrow();
        assertThat(InteropFiles.read(hub.blobs(), stored.blobId()).dataSetDigest()).isEqualTo(source.dataSetDigest());
    }

    @Test
    void huizhenEchoAndStoreOverTlsSucceed() throws Exception {
        String peer = "HUIZHEN@127.0.0.1:" + tlsPort;
        CliRun echo = CliRun.run("echo", peer, "--tls", "--tls-trusted", serverCert.toString());
        assertThat(echo.exitCode()).as(echo.output()).isZero();
        assertThat(echo.out()).contains("C-ECHO " + peer + ": 0000(SUCCESS)");

        Path file = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        CliRun store = CliRun.run("store", file.toString(), "--to", peer, "--tls",
                "--tls-trusted", serverCert.toString());
        assertThat(store.exitCode()).as(store.output()).isZero();
        assertThat(store.out()).contains("Stored 1 of 1 file(s)");
        assertThat(hub.index().findInstance(InteropFiles.read(file).sopInstanceUid())).isPresent();
    }

    @Test
    void untrustedCertificateOrPlainDicomOnTheTlsPortGetsNoAssociation() {
        // no --tls-trusted: the JDK's default trust store does not know the self-signed certificate
        CliRun untrusted = CliRun.run("echo", "HUIZHEN@127.0.0.1:" + tlsPort, "--tls", "--timeout", "10");
        assertThat(untrusted.exitCode()).as(untrusted.output()).isEqualTo(3);

        DcmtkTools.Run plain = DcmtkTools.run(List.of("echoscu", "-to", "10", "-aet", "CLINIC", "-aec", "HUIZHEN",
                "127.0.0.1", String.valueOf(tlsPort)), 30);
        assertThat(plain.exitCode()).as(plain.output()).isNotZero();
        // while the plain listener still answers plain DICOM
        DcmtkTools.Run ok = DcmtkTools.run(List.of("echoscu", "-aet", "CLINIC", "-aec", "HUIZHEN",
                "127.0.0.1", String.valueOf(hub.dicomPort())), 30);
        assertThat(ok.exitCode()).as(ok.output()).isZero();
    }
}
