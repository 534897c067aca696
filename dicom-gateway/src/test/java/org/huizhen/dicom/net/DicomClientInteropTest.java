package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.net.NetTestSupport.Part10;
import org.huizhen.dicom.net.NetTestSupport.Run;
import org.huizhen.dicom.net.assoc.AssociateRejectedException;
import org.huizhen.dicom.net.assoc.AssociationDecision;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.pdu.UserIdentity;
import org.huizhen.dicom.net.service.DicomServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DicomClient} against DCMTK's {@code storescp}, and TLS in both directions: storescu over
 * TLS into {@link DicomServer}, our client over TLS into our server.
 */
class DicomClientInteropTest {
  static {
    NetTestSupport.init();
  }

  private static final String VERIFICATION = "1.2.840.10008.1.1";
  private static final String IMPLICIT_LE = "1.2.840.10008.1.2";

  @TempDir
  Path tmp;

  /** One presentation context per distinct SOP class and transfer syntax of the files. */
  static List<PresentationContextProposal> proposalsFor(List<Part10> files) {
    List<PresentationContextProposal> list = new ArrayList<>();
    list.add(PresentationContextProposal.of(VERIFICATION, IMPLICIT_LE));
    files.stream().map(p -> List.of(p.sopClassUid(), p.transferSyntaxUid())).distinct()
        .forEach(pair -> list.add(PresentationContextProposal.of(pair.get(0), pair.get(1))));
    return list;
  }

  static List<Part10> storableSources() {
    return DcmtkStoreScuInteropTest.sourceFiles().stream()
        .filter(p -> p.sopClassUid() != null && !p.sopClassUid().isEmpty() && p.sopInstanceUid() != null)
        // a DICOMDIR (Media Storage Directory) is not a storage SOP class: no SCP accepts it
        .filter(p -> !p.sopClassUid().equals("1.2.840.10008.1.3.10"))
        .toList();
  }

  static DataSetSource dataSet(Part10 p) {
    return DataSetSource.of(p.file(), p.dataSetOffset(), p.dataSetLength());
  }

  @Test
  void storesEveryTestFileIntoStorescpByteIdentical() throws Exception {
    List<Part10> sources = storableSources();
    try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("scp"), "STORESCP", List.of())) {
      ClientConfig config = ClientConfig.builder("HUB", "STORESCP", "127.0.0.1", scp.port).build();
      ClientAssociation a = DicomClient.connect(config, proposalsFor(sources)).get(30, TimeUnit.SECONDS);
      assertThat(a.echo().get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
      List<CompletableFuture<DimseResponse>> responses = new ArrayList<>();
      for (Part10 p : sources) {
        // several stores issued at once; window 1 runs them one after another
        responses.add(a.store(p.sopClassUid(), p.sopInstanceUid(), p.transferSyntaxUid(), dataSet(p)));
      }
      for (int i = 0; i < responses.size(); i++) {
        DimseResponse r = responses.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.status().category()).as("%s: %s", sources.get(i).file(), r)
            .isIn(Status.Category.SUCCESS, Status.Category.WARNING);
      }
      a.release().get(30, TimeUnit.SECONDS);
      assertThat(a.association().channel().isOpen()).isFalse();
      List<String> expected = sources.stream().map(Part10::transmittedDigest).sorted().toList();
      List<String> got = scp.received().stream().map(Part10::dataSetDigest).sorted().toList();
      assertThat(got).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void storescuOverTlsWithClientCertificate() {
    NetTestSupport.requireTool("storescu");
    TlsTestKeys keys = TlsTestKeys.create(tmp);
    FileStoreHandler handler = new FileStoreHandler(tmp);
    // files storescu sends unchanged (see DcmtkStoreScuInteropTest), in their own syntax
    List<Part10> sources = storableSources().stream()
        .filter(p -> !DcmtkStoreScuInteropTest.reencodedByStorescu(p))
        .filter(p -> !p.transferSyntaxUid().equals("1.2.840.10008.1.2.1.99")).limit(12).toList();
    assertThat(sources).hasSize(12);
    Path profile = DcmtkStoreScuInteropTest.associationProfile(tmp, sources);
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1")
        .port(0).tls(TlsConfig.pem(keys.serverCert(), keys.serverKey(), List.of(keys.clientCert()), true))
        .build(), DicomServices.builder().store(handler).build())) {
      List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "CLINIC", "-aec", "HUB",
          "+tls", keys.clientKey().toString(), keys.clientCert().toString(),
          "+cf", keys.serverCert().toString()));
      cmd.addAll(List.of(DcmtkStoreScuInteropTest.storescuArgs(profile, server.port(), sources)));
      Run r = NetTestSupport.run(cmd, Map.of(), 60);
      assertThat(r.exitCode()).as(r.output()).isZero();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(handler.stored).hasSize(sources.size())
        .allSatisfy(s -> assertThat(s.request().association().tls()).isTrue());
    assertThat(handler.stored.stream().map(s -> NetTestSupport.digest(s.file())).sorted().toList())
        .containsExactlyElementsOf(sources.stream().map(Part10::dataSetDigest).sorted().toList());
  }

  @Test
  void clientOverTlsWithUserIdentityIntoOurServer() throws Exception {
    TlsTestKeys keys = TlsTestKeys.create(tmp);
    FileStoreHandler handler = new FileStoreHandler(tmp);
    List<AssociationDecision> decisions = new ArrayList<>();
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1")
        .port(0).tls(TlsConfig.pem(keys.serverCert(), keys.serverKey(), List.of(keys.clientCert()), true))
        .policy(rq -> {
          AssociationDecision d = rq.identity().flatMap(UserIdentity::passcode).filter("s3cret"::equals).isPresent()
              ? new AssociationDecision.Accept(rq.identity().get().username().orElseThrow())
              : AssociationDecision.Reject.NO_REASON;
          decisions.add(d);
          return d;
        })
        .build(), DicomServices.builder().store(handler).build())) {
      Part10 mr = storableSources().stream()
          .filter(p -> p.file().getFileName().toString().equals("MR_small.dcm")).findFirst().orElseThrow();
      TlsConfig clientTls = TlsConfig.pem(keys.clientCert(), keys.clientKey(), List.of(keys.serverCert()), false);
      ClientConfig good = ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port()).tls(clientTls)
          .userIdentity(UserIdentity.usernamePasscode("dr.wang", "s3cret", true)).build();
      ClientAssociation a = DicomClient.connect(good, proposalsFor(List.of(mr))).get(30, TimeUnit.SECONDS);
      // PS3.7 D.3.3.7.2: a positive response was requested, so the AC carries the 0x59 item
      assertThat(a.association().acceptance().userInformation().identityServerResponse()).isPresent();
      DimseResponse r = a.store(mr.sopClassUid(), mr.sopInstanceUid(), mr.transferSyntaxUid(), dataSet(mr))
          .get(30, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(Status.SUCCESS);
      a.release().get(30, TimeUnit.SECONDS);
      assertThat(handler.stored).singleElement().satisfies(s -> {
        assertThat(s.request().association().attachment()).isEqualTo("dr.wang");
        assertThat(s.request().association().tls()).isTrue();
        assertThat(NetTestSupport.digest(s.file())).isEqualTo(mr.dataSetDigest());
      });

      ClientConfig wrongPassword = ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
          .tls(clientTls).userIdentity(UserIdentity.usernamePasscode("dr.wang", "guess", false)).build();
      assertThatThrownBy(() -> DicomClient.connect(wrongPassword, proposalsFor(List.of(mr))).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).cause().isInstanceOf(AssociateRejectedException.class)
          .satisfies(e -> {
            AssociateRejectedException rj = (AssociateRejectedException) e;
            assertThat(List.of(rj.result(), rj.source(), rj.reason())).containsExactly(1, 1, 1);
          });
    }
  }

  @Test
  void serverKeyFromPkcs12() throws Exception {
    TlsTestKeys keys = TlsTestKeys.create(tmp);
    Path p12 = tmp.resolve("server.p12");
    Run r = NetTestSupport.run(List.of("openssl", "pkcs12", "-export", "-inkey", keys.serverKey().toString(),
        "-in", keys.serverCert().toString(), "-out", p12.toString(), "-passout", "pass:changeit"), Map.of(), 60);
    assertThat(r.exitCode()).as(r.output()).isZero();
    TlsConfig serverTls = new TlsConfig(java.util.Optional.of(new TlsConfig.Pkcs12(p12, "changeit")), List.of(),
        false, List.of("TLSv1.3"));
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .tls(serverTls).build(), DicomServices.builder().build())) {
      ClientConfig config = ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
          .tls(TlsConfig.trustOnly(List.of(keys.serverCert()))).build();
      ClientAssociation a = DicomClient.connect(config,
          List.of(PresentationContextProposal.of(VERIFICATION, IMPLICIT_LE))).get(30, TimeUnit.SECONDS);
      assertThat(a.echo().get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
      assertThat(a.association().context().tls()).isTrue();
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void tlsClientThatDoesNotTrustTheServerFailsToConnect() throws Exception {
    TlsTestKeys keys = TlsTestKeys.create(tmp);
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .tls(TlsConfig.pem(keys.serverCert(), keys.serverKey(), List.of(), false)).build(),
        DicomServices.builder().build())) {
      // trusts only the client's own certificate, not the server's
      ClientConfig config = ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
          .tls(TlsConfig.trustOnly(List.of(keys.clientCert()))).build();
      assertThatThrownBy(() -> DicomClient.connect(config,
          List.of(PresentationContextProposal.of(VERIFICATION, IMPLICIT_LE))).get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
      NetTestSupport.await(() -> server.openConnections() == 0, 10_000, "the failed connection to close");
    }
  }

  @Test
  void rejectsUnknownCalledAeTitleWithReason7() {
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1")
        .port(0).artimTimeout(Duration.ofSeconds(5)).build(), DicomServices.builder().build())) {
      ClientConfig config = ClientConfig.builder("CLINIC", "ELSEWHERE", "127.0.0.1", server.port()).build();
      assertThatThrownBy(() -> DicomClient.connect(config,
          List.of(PresentationContextProposal.of(VERIFICATION, IMPLICIT_LE))).get(30, TimeUnit.SECONDS))
          .cause().isInstanceOfSatisfying(AssociateRejectedException.class,
              e -> assertThat(List.of(e.result(), e.source(), e.reason())).containsExactly(1, 1, 7));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
