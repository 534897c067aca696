package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.net.QueryArchive.Instance;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.service.DicomServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our SCU's C-FIND, C-MOVE and C-GET ({@link ClientAssociation}) against an independent
 * Query/Retrieve SCP: DCMTK's {@code dcmqrscp}, filled with the {@link QueryArchive} instances by
 * our C-STORE. Expected results come from the archive's plain fields.
 */
class DcmqrscpScuInteropTest {
  static {
    NetTestSupport.init();
  }

  private static final String STUDY_FIND = QueryRetrieveInteropTest.STUDY_FIND;
  private static final String STUDY_MOVE = QueryRetrieveInteropTest.STUDY_MOVE;
  private static final String STUDY_GET = QueryRetrieveInteropTest.STUDY_GET;
  private static final String EXPLICIT_LE = QueryArchive.EXPLICIT_LE;

  @TempDir
  Path tmp;

  @Test
  void ourScuFindsMovesAndGetsFromDcmqrscp() throws Exception {
    NetTestSupport.requireTool("dcmqrscp");
    QueryArchive archive = QueryArchive.sample();
    try (DcmtkStoreScp storescp = new DcmtkStoreScp(tmp.resolve("moved"), "STORESCP", List.of())) {
      int port = NetTestSupport.freePort();
      Path db = Files.createDirectories(tmp.resolve("db"));
      Path cfg = tmp.resolve("dcmqrscp.cfg");
      Files.writeString(cfg, String.join("\n",
          "NetworkTCPPort = " + port,
          "MaxPDUSize = 16384",
          "MaxAssociations = 16",
          "HostTable BEGIN",
          "storescp = (STORESCP, 127.0.0.1, " + storescp.port + ")",
          "HostTable END",
          "VendorTable BEGIN",
          "VendorTable END",
          "AETable BEGIN",
          "DCMQRSCP " + db + " RW (200, 1024mb) ANY",
          "AETable END", ""));
      Process qr = new ProcessBuilder("dcmqrscp", "-s", "-dhl", "-c", cfg.toString(), String.valueOf(port))
          .redirectErrorStream(true).redirectOutput(tmp.resolve("dcmqrscp.log").toFile()).start();
      try {
        NetTestSupport.await(() -> listening(qr, port), 10_000, "dcmqrscp listening");
        run(archive, port, storescp);
      } finally {
        qr.destroy();
        qr.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private void run(QueryArchive archive, int port, DcmtkStoreScp storescp) throws Exception {
    FileStoreHandler received = new FileStoreHandler(Files.createDirectories(tmp.resolve("got")));
    ClientAssociation a = DicomClient.connect(ClientConfig.builder("HZSCU", "DCMQRSCP", "127.0.0.1", port).build(),
        List.of(PresentationContextProposal.of(STUDY_FIND, EXPLICIT_LE),
            PresentationContextProposal.of(STUDY_MOVE, EXPLICIT_LE),
            PresentationContextProposal.of(STUDY_GET, EXPLICIT_LE),
            PresentationContextProposal.of(QueryArchive.SECONDARY_CAPTURE, EXPLICIT_LE)),
        List.of(new RoleSelection(QueryArchive.SECONDARY_CAPTURE, true, true)),
        DicomServices.builder().store(received).build()).get(30, TimeUnit.SECONDS);
    try {
      for (Instance i : archive.instances) {
        var rsp = a.store(QueryArchive.SECONDARY_CAPTURE, i.uid(Tag.SOPInstanceUID), EXPLICIT_LE,
            DataSetSource.of(i.bytes())).get(30, TimeUnit.SECONDS);
        assertThat(rsp.status()).as(rsp.toString()).isEqualTo(Status.SUCCESS);
      }

      // C-FIND: the studies of patient P1, with the keys asked for
      DataSet q = DataSet.builder().setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY")
          .setString(Tag.PatientID, VR.LO, "P1").setString(Tag.StudyInstanceUID, VR.UI, "")
          .setString(Tag.StudyDate, VR.DA, "").build();
      FindResult found = a.find(STUDY_FIND, q).get(30, TimeUnit.SECONDS);
      assertThat(found.response().status()).isEqualTo(Status.SUCCESS);
      List<String> p1Studies = archive.instances.stream().filter(i -> i.uid(Tag.PatientID).equals("P1"))
          .map(i -> i.uid(Tag.StudyInstanceUID)).distinct().toList();
      assertThat(found.matches()).extracting(m -> m.getString(Tag.StudyInstanceUID).orElseThrow())
          .containsExactlyInAnyOrderElementsOf(p1Studies);

      // C-MOVE one study to storescp
      String study = p1Studies.get(0);
      List<String> studyInstances = archive.instances.stream().filter(i -> i.uid(Tag.StudyInstanceUID).equals(study))
          .map(i -> i.uid(Tag.SOPInstanceUID)).toList();
      DataSet studyKey = DataSet.builder().setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY")
          .setString(Tag.StudyInstanceUID, VR.UI, study).build();
      RetrieveResult moved = a.move(STUDY_MOVE, studyKey, "STORESCP").get(60, TimeUnit.SECONDS);
      assertThat(moved.response().status()).as(moved.toString()).isEqualTo(Status.SUCCESS);
      assertThat(moved.completed()).isEqualTo(studyInstances.size());
      assertThat(storescp.received()).extracting(NetTestSupport.Part10::sopInstanceUid)
          .containsExactlyInAnyOrderElementsOf(studyInstances);

      // C-GET the same study back over this association
      RetrieveResult got = a.get(STUDY_GET, studyKey).get(60, TimeUnit.SECONDS);
      assertThat(got.response().status()).as(got.toString()).isEqualTo(Status.SUCCESS);
      assertThat(got.completed()).isEqualTo(studyInstances.size());
      assertThat(received.stored).extracting(s -> s.request().sopInstanceUid())
          .containsExactlyInAnyOrderElementsOf(studyInstances);
    } finally {
      a.release().get(30, TimeUnit.SECONDS);
    }
  }

  private static boolean listening(Process p, int port) {
    if (!p.isAlive()) {
      throw new IllegalStateException("dcmqrscp exited with " + p.exitValue());
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
