package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.net.NetTestSupport.Run;
import org.huizhen.dicom.net.QueryArchive.Instance;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.service.MoveDestination;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * C-FIND, C-MOVE and C-GET of {@link DicomServer} against DCMTK's {@code findscu},
 * {@code movescu}, {@code getscu} and {@code storescp}, and our own SCU
 * ({@link ClientAssociation#find}, {@link ClientAssociation#move}, {@link ClientAssociation#get})
 * against it. The server's handlers are a {@link QueryArchive}; expected results are computed
 * from the archive's plain fields here, not by its matcher.
 */
class QueryRetrieveInteropTest {
  static {
    NetTestSupport.init();
  }

  static final String PATIENT_FIND = "1.2.840.10008.5.1.4.1.2.1.1";
  static final String STUDY_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
  static final String STUDY_MOVE = "1.2.840.10008.5.1.4.1.2.2.2";
  static final String STUDY_GET = "1.2.840.10008.5.1.4.1.2.2.3";
  static final String IMPLICIT_LE = "1.2.840.10008.1.2";

  static QueryArchive archive;
  static DicomServer server;
  static ListAppender<ILoggingEvent> leaks;

  @TempDir
  Path tmp;

  /** What the last findscu run printed. */
  private String lastOutput = "";

  @BeforeAll
  static void start() throws Exception {
    leaks = new ListAppender<>();
    leaks.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector"))
        .addAppender(leaks);
    archive = QueryArchive.sample();
    server = DicomServer.start(DicomServerConfig.builder("QRSCP").bindHost("127.0.0.1").port(0).build(),
        DicomServices.builder().find(archive).move(archive).get(archive).build());
  }

  @AfterAll
  static void stop() {
    server.close();
    // paranoid leak detection reports when a leaked buffer is collected and another is allocated
    System.gc();
    for (int i = 0; i < 64; i++) {
      io.netty.buffer.PooledByteBufAllocator.DEFAULT.buffer(1024).release();
    }
    assertThat(leaks.list).as("Netty buffer leak reports").isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private static List<Instance> all() {
    return archive.instances;
  }

  private static String first(String level, Predicate<Instance> filter) {
    return all().stream().filter(filter).map(i -> i.uid(QueryArchive.levelKey(level))).findFirst().orElseThrow();
  }

  /** Runs findscu with -X into a fresh directory; returns the response identifiers read back. */
  private List<DataSet> findscu(List<String> args) throws IOException {
    return findscu(args, List.of());
  }

  private List<DataSet> findscu(List<String> args, List<String> queryFiles) throws IOException {
    NetTestSupport.requireTool("findscu");
    Path out = Files.createDirectories(tmp.resolve("find-" + System.nanoTime()));
    List<String> cmd = new ArrayList<>(List.of("findscu", "-aec", "QRSCP", "-X", "-od", out.toString()));
    cmd.addAll(args);
    cmd.addAll(List.of("127.0.0.1", String.valueOf(server.port())));
    cmd.addAll(queryFiles);
    Run run = NetTestSupport.run(cmd, Map.of(), 60);
    assertThat(run.exitCode()).as(run.output()).isZero();
    lastOutput = run.output();
    List<DataSet> found = new ArrayList<>();
    for (Path f : NetTestSupport.filesUnder(out)) {
      found.add(DicomReader.readFile(f, ReadOptions.DEFAULT).dataSet());
    }
    return found;
  }

  private static List<String> keys(String... kv) {
    return Stream.of(kv).flatMap(k -> Stream.of("-k", k)).toList();
  }

  private ClientAssociation connect(List<PresentationContextProposal> pcs, List<RoleSelection> roles,
      DicomServices services) throws Exception {
    return DicomClient.connect(ClientConfig.builder("HZSCU", "QRSCP", "127.0.0.1", server.port()).build(),
        pcs, roles, services).get(30, TimeUnit.SECONDS);
  }

  private static DataSet query(String level, Object... tagValue) {
    DataSet.Builder b = DataSet.builder().setString(Tag.QueryRetrieveLevel, VR.CS, level);
    for (int i = 0; i < tagValue.length; i += 3) {
      b.setString((Integer) tagValue[i], (VR) tagValue[i + 1], (String) tagValue[i + 2]);
    }
    return b.build();
  }

  // ------------------------------------------------------------------ C-FIND with findscu

  static Stream<Arguments> findscuQueries() {
    Instance someStudy = QueryArchive.sample().instances.get(0);
    String study = someStudy.uid(Tag.StudyInstanceUID);
    String series = someStudy.uid(Tag.SeriesInstanceUID);
    String otherStudy = QueryArchive.sample().instances.get(8).uid(Tag.StudyInstanceUID);
    return Stream.of(
        // wildcard on PN at PATIENT level, Patient Root: only the patient whose name starts so
        Arguments.of("-P", "PATIENT", keys("PatientName=WANG*", "PatientID"),
            (Predicate<Instance>) i -> i.ds().getString(Tag.PatientName).orElse("").startsWith("WANG")),
        // single-character wildcard: P1, P2, P3 but not Q4
        Arguments.of("-P", "PATIENT", keys("PatientID=P?", "PatientName"),
            (Predicate<Instance>) i -> i.uid(Tag.PatientID).startsWith("P")),
        // universal matching: every study
        Arguments.of("-S", "STUDY", keys("StudyInstanceUID", "PatientID"), (Predicate<Instance>) i -> true),
        // date range: studies from January to March 2024
        Arguments.of("-S", "STUDY", keys("StudyDate=20240101-20240331", "StudyInstanceUID"),
            (Predicate<Instance>) i -> {
              String d = i.uid(Tag.StudyDate);
              return d.compareTo("20240101") >= 0 && d.compareTo("20240331") <= 0;
            }),
        // list of UIDs
        Arguments.of("-S", "STUDY", keys("StudyInstanceUID=" + study + "\\" + otherStudy, "StudyDate"),
            (Predicate<Instance>) i -> Set.of(study, otherStudy).contains(i.uid(Tag.StudyInstanceUID))),
        // SERIES level within one study, single value on Modality
        Arguments.of("-S", "SERIES", keys("StudyInstanceUID=" + study, "SeriesInstanceUID", "Modality=CT"),
            (Predicate<Instance>) i -> i.uid(Tag.StudyInstanceUID).equals(study) && i.uid(Tag.Modality).equals("CT")),
        // IMAGE level within one series
        Arguments.of("-S", "IMAGE", keys("StudyInstanceUID=" + study, "SeriesInstanceUID=" + series,
            "SOPInstanceUID", "InstanceNumber"), (Predicate<Instance>) i -> i.uid(Tag.SeriesInstanceUID).equals(series)));
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @MethodSource("findscuQueries")
  void findscuGetsTheMatchingEntitiesWithOnlyTheRequestedKeys(String model, String level, List<String> keys,
      Predicate<Instance> expected) throws IOException {
    List<String> args = new ArrayList<>(List.of(model));
    args.addAll(keys("QueryRetrieveLevel=" + level));
    args.addAll(keys);
    List<DataSet> responses = findscu(args);

    int key = QueryArchive.levelKey(level);
    Set<String> want = all().stream().filter(expected).map(i -> i.uid(key)).collect(Collectors.toSet());
    assertThat(want).isNotEmpty();
    assertThat(responses).extracting(r -> r.getString(key).orElse("?"))
        .containsExactlyInAnyOrderElementsOf(want);
    // only the keys asked for (plus Query/Retrieve Level and Specific Character Set) come back
    Set<Integer> asked = keys.stream().filter(k -> !k.equals("-k")).map(k -> k.split("=")[0])
        .map(QueryRetrieveInteropTest::tagOf).collect(Collectors.toSet());
    for (DataSet r : responses) {
      assertThat(r.elements()).extracting(DicomElement::tag)
          .allMatch(t -> asked.contains(t) || t == Tag.QueryRetrieveLevel || t == Tag.SpecificCharacterSet);
    }
  }

  private static int tagOf(String keyword) {
    try {
      return Tag.class.getField(keyword).getInt(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException(keyword, e);
    }
  }

  /** Writes a query identifier as a Part 10 file for findscu, text in the query's own character set. */
  private Path queryFile(DataSet q) throws IOException {
    Path f = tmp.resolve("query-" + System.nanoTime() + ".dcm");
    try (var out = Files.newOutputStream(f)) {
      DicomWriter.writePart10(out, FileMetaInfo.of(STUDY_FIND, "1.2.826.0.1.3680043.10.1515.99.0",
          QueryArchive.EXPLICIT_LE, "HZTEST"), q, WriteOptions.DEFAULT);
    }
    return f;
  }

  @ParameterizedTest(name = "query in {0}")
  @ValueSource(strings = {"GB18030", "ISO_IR 192"})
  void findscuQueryWithChineseNameMatchesAcrossCharacterSets(String queryCharset) throws IOException {
    // the query is in queryCharset; the stored names are in GB18030 (张) and UTF-8 (李): both match
    for (String prefix : List.of("张", "李")) {
      DataSet q = DataSet.builder().setString(Tag.SpecificCharacterSet, VR.CS, queryCharset)
          .setString(Tag.QueryRetrieveLevel, VR.CS, "PATIENT")
          .setString(Tag.PatientName, VR.PN, prefix + "*")
          .setString(Tag.PatientID, VR.LO, "").build();
      List<DataSet> responses = findscu(List.of("-P"), List.of(queryFile(q).toString()));

      QueryArchive.Patient p = QueryArchive.PATIENTS.stream().filter(x -> x.name().startsWith(prefix))
          .findFirst().orElseThrow();
      assertThat(responses).hasSize(1);
      DataSet r = responses.get(0);
      assertThat(r.getString(Tag.PatientID)).contains(p.id());
      // the response carries the stored name's character set, and the name decodes back to it
      assertThat(r.getString(Tag.SpecificCharacterSet)).contains(p.charset());
      assertThat(r.getString(Tag.PatientName)).contains(p.name());
    }
  }

  @Test
  void findscuCancelStopsTheSearchAndTheServerKeepsServing() throws IOException {
    int closedBefore = archive.closedSessions.get();
    archive.blockAfter.set(2); // the session holds after two matches until it is closed
    List<DataSet> responses;
    try {
      responses = findscu(List.of("-v", "-S", "--cancel", "2", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID"));
    } finally {
      archive.blockAfter.set(-1);
    }
    assertThat(responses).hasSize(2);
    // DCMTK names the final status from its code: 0xFE00
    assertThat(lastOutput).contains("Received Final Find Response (Cancel");
    // the cancel closed the session that was waiting for more
    NetTestSupport.await(() -> archive.closedSessions.get() > closedBefore, 10_000, "session closed");
    long studies = all().stream().map(i -> i.uid(Tag.StudyInstanceUID)).distinct().count();
    assertThat(findscu(List.of("-S", "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID")))
        .hasSize((int) studies);
  }

  // ------------------------------------------------------------------ C-FIND with our SCU

  @Test
  void ourScuFindsAndCancels() throws Exception {
    ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_FIND, IMPLICIT_LE)), List.of(), null);
    try {
      FindResult r = a.find(STUDY_FIND, query("STUDY", Tag.PatientID, VR.LO, "P1",
          Tag.StudyInstanceUID, VR.UI, "")).get(30, TimeUnit.SECONDS);
      assertThat(r.response().status()).isEqualTo(Status.SUCCESS);
      assertThat(r.matches()).extracting(m -> m.getString(Tag.StudyInstanceUID).orElseThrow())
          .containsExactlyInAnyOrderElementsOf(all().stream().filter(i -> i.uid(Tag.PatientID).equals("P1"))
              .map(i -> i.uid(Tag.StudyInstanceUID)).distinct().toList());

      archive.blockAfter.set(2);
      List<DataSet> seen = new ArrayList<>();
      DimseResponse cancelled = a.find(STUDY_FIND, query("STUDY", Tag.StudyInstanceUID, VR.UI, ""),
          m -> seen.add(m) && seen.size() < 1).get(30, TimeUnit.SECONDS);
      assertThat(cancelled.status()).isEqualTo(Status.CANCEL);
      assertThat(seen).isNotEmpty();
    } finally {
      archive.blockAfter.set(-1);
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void malformedIdentifiersFailAndTheAssociationGoesOn() throws Exception {
    ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_FIND, QueryArchive.EXPLICIT_LE),
        PresentationContextProposal.of(STUDY_MOVE, QueryArchive.EXPLICIT_LE)), List.of(), null);
    try {
      // an element header claiming 2 GiB of value: cannot be decoded
      byte[] bad = HexFormat.of().parseHex("08005200435302005354" + "10001000504e0000" + "1000200055540000f0ffff7f");
      for (var sc : List.of(Map.entry(STUDY_FIND, CommandSet.C_FIND_RQ), Map.entry(STUDY_MOVE, CommandSet.C_MOVE_RQ))) {
        CommandSet.Builder cmd = CommandSet.builder().setInt(CommandSet.COMMAND_FIELD, sc.getValue())
            .setString(CommandSet.AFFECTED_SOP_CLASS_UID, sc.getKey()).setInt(CommandSet.PRIORITY, 0);
        if (sc.getValue() == CommandSet.C_MOVE_RQ) {
          cmd.setString(CommandSet.MOVE_DESTINATION, "ANY");
        }
        DimseResponse r = a.invokeRaw(sc.getKey(), cmd.build(), bad).get(30, TimeUnit.SECONDS);
        assertThat(r.status().isFailure()).as(r.toString()).isTrue();
        assertThat(r.errorComment()).isPresent();
      }
      // an identifier without Query/Retrieve Level does not match the Q/R model (PS3.4 C.4.1.1.4)
      FindResult noLevel = a.find(STUDY_FIND, DataSet.builder().setString(Tag.PatientID, VR.LO, "P1").build())
          .get(30, TimeUnit.SECONDS);
      assertThat(noLevel.response().status()).isEqualTo(Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS);
      FindResult ok = a.find(STUDY_FIND, query("STUDY", Tag.StudyInstanceUID, VR.UI, "")).get(30, TimeUnit.SECONDS);
      assertThat(ok.response().status()).isEqualTo(Status.SUCCESS);
      assertThat(ok.matches()).isNotEmpty();
    } finally {
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ C-MOVE

  @Test
  void movescuSendsTheStudyToStorescp() throws Exception {
    NetTestSupport.requireTool("movescu");
    String study = first("STUDY", i -> i.uid(Tag.PatientID).equals("P2"));
    try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("moved"), "STORESCP", List.of())) {
      archive.destinations.put("STORESCP", MoveDestination.of("STORESCP", "127.0.0.1", scp.port));
      Run run = NetTestSupport.run(List.of("movescu", "-v", "-S", "-aec", "QRSCP", "-aem", "STORESCP",
          "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study,
          "127.0.0.1", String.valueOf(server.port())), Map.of(), 60);
      assertThat(run.exitCode()).as(run.output()).isZero();

      List<Instance> expected = all().stream().filter(i -> i.uid(Tag.StudyInstanceUID).equals(study)).toList();
      NetTestSupport.await(() -> scp.received().size() == expected.size(), 10_000, "files at storescp");
      // storescp (+B) keeps the data set bytes as received: they are the archive's bytes
      assertThat(scp.received()).extracting(NetTestSupport.Part10::sopInstanceUid)
          .containsExactlyInAnyOrderElementsOf(expected.stream().map(i -> i.uid(Tag.SOPInstanceUID)).toList());
      for (NetTestSupport.Part10 p : scp.received()) {
        Instance src = expected.stream().filter(i -> i.uid(Tag.SOPInstanceUID).equals(p.sopInstanceUid()))
            .findFirst().orElseThrow();
        assertThat(Files.readAllBytes(p.file())).endsWith(src.bytes());
      }
    }
  }

  @Test
  void ourScuMoveReportsCountsAndUnknownDestination() throws Exception {
    try (DcmtkStoreScp scp = new DcmtkStoreScp(tmp.resolve("moved2"), "STORESCP2", List.of())) {
      archive.destinations.put("STORESCP2", MoveDestination.of("STORESCP2", "127.0.0.1", scp.port));
      ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_MOVE, IMPLICIT_LE)), List.of(), null);
      try {
        String study = first("STUDY", i -> i.uid(Tag.PatientID).equals("P1"));
        long expected = all().stream().filter(i -> i.uid(Tag.StudyInstanceUID).equals(study)).count();
        RetrieveResult r = a.move(STUDY_MOVE, query("STUDY", Tag.StudyInstanceUID, VR.UI, study), "STORESCP2")
            .get(60, TimeUnit.SECONDS);
        assertThat(r.response().status()).isEqualTo(Status.SUCCESS);
        assertThat(r.completed()).isEqualTo(expected);
        assertThat(r.failed()).isZero();
        assertThat(scp.received()).hasSize((int) expected);

        RetrieveResult unknown = a.move(STUDY_MOVE, query("STUDY", Tag.StudyInstanceUID, VR.UI, study), "NOWHERE")
            .get(30, TimeUnit.SECONDS);
        assertThat(unknown.response().status()).isEqualTo(Status.MOVE_DESTINATION_UNKNOWN);
      } finally {
        a.release().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void movescuToUnknownDestinationGetsA801() {
    NetTestSupport.requireTool("movescu");
    Run run = NetTestSupport.run(List.of("movescu", "-v", "-S", "-aec", "QRSCP", "-aem", "NOWHERE",
        "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + all().get(0).uid(Tag.StudyInstanceUID),
        "127.0.0.1", String.valueOf(server.port())), Map.of(), 60);
    // DCMTK names the status from its code: 0xA801 is "Refused: Move Destination unknown"
    assertThat(run.output()).contains("MoveDestinationUnknown");
  }

  @Test
  void moveToUnreachableDestinationFailsEverySubOperation() throws Exception {
    archive.destinations.put("GONE", MoveDestination.of("GONE", "127.0.0.1", NetTestSupport.freePort()));
    ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_MOVE, IMPLICIT_LE)), List.of(), null);
    try {
      String series = first("SERIES", i -> true);
      List<String> uids = all().stream().filter(i -> i.uid(Tag.SeriesInstanceUID).equals(series))
          .map(i -> i.uid(Tag.SOPInstanceUID)).toList();
      RetrieveResult r = a.move(STUDY_MOVE, query("SERIES", Tag.SeriesInstanceUID, VR.UI, series), "GONE")
          .get(60, TimeUnit.SECONDS);
      assertThat(r.response().status()).isEqualTo(Status.OUT_OF_RESOURCES_UNABLE_TO_PERFORM_SUBOPERATIONS);
      assertThat(r.failed()).isEqualTo(uids.size());
      assertThat(r.failedSopInstanceUids()).containsExactlyInAnyOrderElementsOf(uids);
    } finally {
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ C-GET

  @Test
  void getscuReceivesTheSeries() throws Exception {
    NetTestSupport.requireTool("getscu");
    String series = first("SERIES", i -> i.uid(Tag.PatientID).equals("P3"));
    Path out = Files.createDirectories(tmp.resolve("got"));
    Run run = NetTestSupport.run(List.of("getscu", "-v", "-S", "-aec", "QRSCP", "-od", out.toString(),
        "-k", "QueryRetrieveLevel=SERIES", "-k", "SeriesInstanceUID=" + series,
        "127.0.0.1", String.valueOf(server.port())), Map.of(), 60);
    assertThat(run.exitCode()).as(run.output()).isZero();
    List<String> expected = all().stream().filter(i -> i.uid(Tag.SeriesInstanceUID).equals(series))
        .map(i -> i.uid(Tag.SOPInstanceUID)).toList();
    assertThat(NetTestSupport.filesUnder(out)).extracting(f -> NetTestSupport.readPart10(f).sopInstanceUid())
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void ourScuGetReceivesOverTheSameAssociation() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ours"));
    FileStoreHandler store = new FileStoreHandler(dir);
    ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_GET, IMPLICIT_LE),
            PresentationContextProposal.of(QueryArchive.SECONDARY_CAPTURE, QueryArchive.EXPLICIT_LE)),
        List.of(new RoleSelection(QueryArchive.SECONDARY_CAPTURE, false, true)),
        DicomServices.builder().store(store).build());
    try {
      assertThat(a.acceptedScpRole(QueryArchive.SECONDARY_CAPTURE)).isTrue();
      String study = first("STUDY", i -> i.uid(Tag.PatientID).equals("Q4"));
      List<Instance> expected = all().stream().filter(i -> i.uid(Tag.StudyInstanceUID).equals(study)).toList();
      RetrieveResult r = a.get(STUDY_GET, query("STUDY", Tag.StudyInstanceUID, VR.UI, study)).get(60, TimeUnit.SECONDS);
      assertThat(r.response().status()).isEqualTo(Status.SUCCESS);
      assertThat(r.completed()).isEqualTo(expected.size());
      assertThat(store.stored).extracting(s -> s.request().sopInstanceUid())
          .containsExactlyInAnyOrderElementsOf(expected.stream().map(i -> i.uid(Tag.SOPInstanceUID)).toList());
      for (FileStoreHandler.Stored s : store.stored) {
        byte[] want = expected.stream().filter(i -> i.uid(Tag.SOPInstanceUID).equals(s.request().sopInstanceUid()))
            .findFirst().orElseThrow().bytes();
        assertThat(Files.readAllBytes(s.file())).isEqualTo(want);
      }
    } finally {
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void getWithoutScpRoleFailsEverySubOperation() throws Exception {
    // no role selection: the requestor stays SCU only, so nothing may be stored to it (PS3.7 D.3.3.4)
    ClientAssociation a = connect(List.of(PresentationContextProposal.of(STUDY_GET, IMPLICIT_LE),
        PresentationContextProposal.of(QueryArchive.SECONDARY_CAPTURE, QueryArchive.EXPLICIT_LE)), List.of(), null);
    try {
      String series = first("SERIES", i -> true);
      long n = all().stream().filter(i -> i.uid(Tag.SeriesInstanceUID).equals(series)).count();
      RetrieveResult r = a.get(STUDY_GET, query("SERIES", Tag.SeriesInstanceUID, VR.UI, series)).get(60, TimeUnit.SECONDS);
      assertThat(r.response().status().isFailure()).isTrue();
      assertThat(r.failed()).isEqualTo(n);
      assertThat(r.completed()).isZero();
    } finally {
      a.release().get(30, TimeUnit.SECONDS);
    }
  }
}
