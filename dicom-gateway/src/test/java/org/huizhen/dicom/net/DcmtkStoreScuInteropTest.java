package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.huizhen.dicom.net.NetTestSupport.Part10;
import org.huizhen.dicom.net.NetTestSupport.Run;
import org.huizhen.dicom.net.assoc.AssociationDecision;
import org.huizhen.dicom.net.service.DicomServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our {@link DicomServer} against DCMTK's {@code echoscu} and {@code storescu} over loopback:
 * the data sets that arrive must be byte-identical to the source files' data sets.
 */
class DcmtkStoreScuInteropTest {
  static {
    NetTestSupport.init();
  }

  @TempDir
  Path received;
  private FileStoreHandler handler;
  private DicomServer server;

  @BeforeAll
  static void tools() {
    NetTestSupport.requireTool("storescu");
    NetTestSupport.requireTool("echoscu");
  }

  @BeforeEach
  void startServer() throws Exception {
    handler = new FileStoreHandler(received);
    server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .policy(rq -> rq.callingAe().equals("INTRUDER")
            ? AssociationDecision.Reject.CALLING_AE_NOT_RECOGNIZED
            : new AssociationDecision.Accept("institution-" + rq.callingAe()))
        .artimTimeout(Duration.ofSeconds(5))
        .build(), DicomServices.builder().store(handler).build());
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  /** Every Part 10 file of the shared DICOM set and the DICOM ECGs. */
  static List<Part10> sourceFiles() {
    Path data = NetTestSupport.testdata();
    List<Path> files = new ArrayList<>(NetTestSupport.filesUnder(data.resolve("dicom")));
    files.addAll(NetTestSupport.filesUnder(data.resolve("ecg")).stream()
        .filter(p -> p.getParent().equals(data.resolve("ecg")) && p.toString().endsWith(".dcm")).toList());
    return files.stream().map(NetTestSupport::readPart10).filter(Objects::nonNull).toList();
  }

  private Run storescu(String... args) {
    List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "CLINIC", "-aec", "HUB", "-nh"));
    cmd.addAll(List.of(args));
    return NetTestSupport.run(cmd, Map.of(), 120);
  }

  @Test
  void echoscuGetsSuccess() {
    Run r = NetTestSupport.run(List.of("echoscu", "-v", "-aet", "CLINIC", "-aec", "HUB",
        "127.0.0.1", String.valueOf(server.port())), Map.of(), 30);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("Received Echo Response (Success)");
  }

  @Test
  void echoscuFromUnknownCallingAeIsRejectedWithReason3() {
    Run r = NetTestSupport.run(List.of("echoscu", "-v", "-aet", "INTRUDER", "-aec", "HUB",
        "127.0.0.1", String.valueOf(server.port())), Map.of(), 30);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    // PS3.8 Table 9-21: result 1 rejected-permanent, source 1 service-user, reason 3
    assertThat(r.output()).contains("Association Rejected").contains("Rejected Permanent")
        .contains("Service User").contains("Calling AE Title Not Recognized");
    assertThat(handler.stored).isEmpty();
  }

  @Test
  void echoscuToWrongCalledAeIsRejectedWithReason7() {
    Run r = NetTestSupport.run(List.of("echoscu", "-v", "-aet", "CLINIC", "-aec", "NOT_HUB",
        "127.0.0.1", String.valueOf(server.port())), Map.of(), 30);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("Called AE Title Not Recognized");
  }

  /**
   * storescu sends every test file; the data sets we receive must equal the source files' data
   * sets. storescu does not always send a file's bytes unchanged: it re-deflates Deflated data
   * sets, writes sequences of undefined length with explicit lengths and drops Data Set Trailing
   * Padding (FFFC,FFFC). So DCMTK's own storescp
   * (bit-preserving) receives the same files from the same storescu as the reference: what we
   * receive must equal what it receives, and differ from the source only for such files.
   */
  @Test
  void storescuSendsEveryTestFileByteIdentical(@TempDir Path dcmtkDir) {
    NetTestSupport.requireTool("storescp");
    List<Part10> sources = sourceFiles();
    Path profile = associationProfile(received, sources);
    Run r = storescu(storescuArgs(profile, server.port(), sources));
    // storescu refuses files whose data set lacks SOP Class/Instance UID (the DICOMDIR and
    // UN_sequence.dcm, a data set of one private sequence); those never reach us
    List<Part10> sendable = sources.stream()
        .filter(s -> !r.output().contains("No SOP Class or Instance UID in file: " + s.file())).toList();
    assertThat(sources.size() - sendable.size()).as(r.output()).isLessThanOrEqualTo(2);
    assertThat(r.output()).doesNotContain("Store Failed");

    List<String> ours = handler.stored.stream().map(s -> NetTestSupport.digest(s.file())).sorted().toList();
    List<String> reference;
    try (DcmtkStoreScp scp = new DcmtkStoreScp(dcmtkDir.resolve("in"), "HUB", List.of())) {
      Run ref = storescu(storescuArgs(profile, scp.port, sources));
      assertThat(ref.output()).doesNotContain("Store Failed");
      reference = scp.received().stream().map(Part10::dataSetDigest).sorted().toList();
    }
    assertThat(ours).hasSize(sendable.size()).containsExactlyElementsOf(reference);
    List<Part10> changedBySender = sendable.stream()
        .filter(s -> !ours.contains(s.dataSetDigest())).toList();
    assertThat(changedBySender).allSatisfy(s -> assertThat(
        "1.2.840.10008.1.2.1.99".equals(s.transferSyntaxUid()) || reencodedByStorescu(s))
        .as("%s differs but is not deflated, has no undefined length and no padding", s.file()).isTrue());
    // most files arrive unchanged from the source (the rest is storescu's re-encoding, above)
    assertThat(sendable.size() - changedBySender.size()).isGreaterThanOrEqualTo(sendable.size() / 2);
    assertThat(handler.stored).allSatisfy(s -> {
      assertThat(s.request().association().callingAe()).isEqualTo("CLINIC");
      assertThat(s.request().association().attachment()).isEqualTo("institution-CLINIC");
      assertThat(s.request().association().tls()).isFalse();
    });
  }

  static String[] storescuArgs(Path profile, int port, List<Part10> files) {
    // propose exactly the SOP class / transfer syntax pairs of the files, so that storescu sends
    // each file in its own transfer syntax instead of converting it
    List<String> args = new ArrayList<>(List.of("-xf", profile.toString(), "Files",
        "127.0.0.1", String.valueOf(port)));
    files.forEach(s -> args.add(s.file().toString()));
    return args.toArray(String[]::new);
  }

  /**
   * Whether the data set holds an undefined length (FFFFFFFF) or the Data Set Trailing Padding
   * tag (FFFC,FFFC) anywhere, which storescu re-encodes: a coarse but safe test.
   */
  static boolean reencodedByStorescu(Part10 p) {
    try {
      byte[] all = java.nio.file.Files.readAllBytes(p.file());
      for (int i = (int) p.dataSetOffset(); i + 4 <= all.length; i++) {
        if (all[i] == -1 && all[i + 1] == -1 && all[i + 2] == -1 && all[i + 3] == -1
            || all[i] == (byte) 0xFC && all[i + 1] == -1 && all[i + 2] == (byte) 0xFC && all[i + 3] == -1) {
          return true;
        }
      }
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void storescuUserIdentityReachesThePolicyAndGetsPositiveResponse() throws Exception {
    List<org.huizhen.dicom.net.assoc.AssociationRequestInfo> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    FileStoreHandler own = new FileStoreHandler(received);
    try (DicomServer withIdentity = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .policy(rq -> {
          seen.add(rq);
          return rq.identity().flatMap(org.huizhen.dicom.net.pdu.UserIdentity::username).filter("zhang"::equals)
              .isPresent() ? new AssociationDecision.Accept("zhang") : AssociationDecision.Reject.NO_REASON;
        }).build(), DicomServices.builder().store(own).build())) {
      Part10 mr = sourceFiles().stream().filter(p -> p.file().getFileName().toString().equals("MR_small_implicit.dcm"))
          .findFirst().orElseThrow();
      // -rsp: storescu fails unless the A-ASSOCIATE-AC carries the user identity response
      Run ok = NetTestSupport.run(List.of("storescu", "-aet", "CLINIC", "-aec", "HUB", "-usr", "zhang", "-rsp",
          "127.0.0.1", String.valueOf(withIdentity.port()), mr.file().toString()), Map.of(), 60);
      assertThat(ok.exitCode()).as(ok.output()).isZero();
      Run wrong = NetTestSupport.run(List.of("storescu", "-aet", "CLINIC", "-aec", "HUB", "-usr", "li",
          "127.0.0.1", String.valueOf(withIdentity.port()), mr.file().toString()), Map.of(), 60);
      assertThat(wrong.exitCode()).isNotZero();
      assertThat(wrong.output()).contains("Association Rejected");
    }
    assertThat(seen).extracting(i -> i.identity().flatMap(org.huizhen.dicom.net.pdu.UserIdentity::username).orElse(""))
        .containsExactly("zhang", "li");
    assertThat(own.stored).singleElement().satisfies(s ->
        assertThat(s.request().association().attachment()).isEqualTo("zhang"));
  }

  @Test
  void severalStorescuProcessesAtOnce() throws Exception {
    List<Part10> sources = sourceFiles().stream()
        .filter(p -> p.file().startsWith(NetTestSupport.testdata().resolve("dicom/dicomdir-fileset")))
        .filter(p -> !p.file().getFileName().toString().equals("DICOMDIR"))
        // files that storescu sends unchanged (see storescuSendsEveryTestFileByteIdentical)
        .filter(p -> !reencodedByStorescu(p)).toList();
    assertThat(sources).hasSizeGreaterThan(10);
    int processes = 4;
    Path profile = associationProfile(received, sources);
    List<Process> running = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "CLINIC" + i, "-aec", "HUB", "-nh",
          "-xf", profile.toString(), "Files",
          "127.0.0.1", String.valueOf(server.port())));
      sources.forEach(s -> cmd.add(s.file().toString()));
      running.add(new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(received.resolve("storescu" + i + ".log").toFile()).start());
    }
    for (Process p : running) {
      assertThat(p.waitFor()).isZero();
    }
    assertReceivedExactly(sources, processes);
    assertThat(handler.stored.stream().map(s -> s.request().association().callingAe()).distinct())
        .hasSize(processes);
  }

  /**
   * A storescu association configuration (DCMTK's -xf file format) with one presentation context
   * per distinct SOP class and transfer syntax of {@code files}, each with only that syntax.
   */
  static Path associationProfile(Path dir, List<Part10> files) {
    List<String> pairs = files.stream().filter(p -> p.sopClassUid() != null && !p.sopClassUid().isEmpty())
        .map(p -> p.sopClassUid() + "\\" + p.transferSyntaxUid()).distinct().sorted().toList();
    List<String> ts = files.stream().map(Part10::transferSyntaxUid).filter(Objects::nonNull)
        .distinct().sorted().toList();
    StringBuilder cfg = new StringBuilder("[[TransferSyntaxes]]\n");
    for (int i = 0; i < ts.size(); i++) {
      cfg.append("[TS").append(i).append("]\nTransferSyntax1 = ").append(ts.get(i)).append('\n');
    }
    cfg.append("[[PresentationContexts]]\n[Contexts]\n");
    for (int i = 0; i < pairs.size(); i++) {
      String[] sopAndTs = pairs.get(i).split("\\\\");
      cfg.append("PresentationContext").append(i + 1).append(" = ").append(sopAndTs[0])
          .append("\\TS").append(ts.indexOf(sopAndTs[1])).append('\n');
    }
    cfg.append("[[Profiles]]\n[Files]\nPresentationContexts = Contexts\n");
    try {
      Path file = dir.resolve("storescu.cfg");
      java.nio.file.Files.writeString(file, cfg);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void assertReceivedExactly(List<Part10> sources, int times) {
    List<String> expected = sources.stream().map(Part10::dataSetDigest)
        .flatMap(d -> Stream.generate(() -> d).limit(times)).sorted().toList();
    List<String> got = handler.stored.stream().map(s -> NetTestSupport.digest(s.file())).sorted().toList();
    assertThat(got).hasSameSizeAs(expected).containsExactlyElementsOf(expected);
  }
}
