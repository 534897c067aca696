package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.service.FindSession;
import org.junit.jupiter.api.Test;

/**
 * The C-FIND SCP does not run ahead of a requester that stops reading: with the client's reads
 * paused, the session is asked for only as many matches as the socket buffers hold, not for the
 * whole (large) result; reading again resumes the stream, and a cancel then ends it.
 */
class FindBackpressureTest {
  static {
    NetTestSupport.init();
  }

  /** Matches the session could produce: 400 MB of responses if nothing held it back. */
  private static final int TOTAL = 100_000;
  private static final String COMMENT = "x".repeat(4000);

  @Test
  void sessionIsNotDrainedWhileTheRequesterDoesNotRead() throws Exception {
    AtomicInteger produced = new AtomicInteger();
    AtomicBoolean closed = new AtomicBoolean();
    DicomServices services = DicomServices.builder().find(rq -> new FindSession() {
      @Override
      public Optional<DataSet> next() {
        int n = produced.incrementAndGet();
        return n > TOTAL ? Optional.empty() : Optional.of(DataSet.builder()
            .setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY")
            .setString(Tag.StudyInstanceUID, VR.UI, "1.2.3." + n)
            .setString(Tag.StudyComments, VR.LT, COMMENT).build());
      }

      @Override
      public void close() {
        closed.set(true);
      }
    }).build();
    try (DicomServer server = DicomServer.start(
        DicomServerConfig.builder("QRSCP").bindHost("127.0.0.1").port(0).build(), services)) {
      ClientAssociation a = DicomClient.connect(ClientConfig.builder("HZSCU", "QRSCP", "127.0.0.1", server.port())
          .build(), List.of(PresentationContextProposal.of(QueryRetrieveInteropTest.STUDY_FIND,
              QueryArchive.EXPLICIT_LE))).get(30, TimeUnit.SECONDS);
      var channel = a.association().channel();
      AtomicInteger received = new AtomicInteger();
      AtomicBoolean stop = new AtomicBoolean();
      CompletableFuture<DimseResponse> done = a.find(QueryRetrieveInteropTest.STUDY_FIND,
          DataSet.builder().setString(Tag.QueryRetrieveLevel, VR.CS, "STUDY")
              .setString(Tag.StudyInstanceUID, VR.UI, "").setString(Tag.StudyComments, VR.LT, "").build(),
          m -> {
            if (received.incrementAndGet() == 1) {
              channel.config().setAutoRead(false); // the requester stops reading
            }
            return !stop.get();
          });
      NetTestSupport.await(() -> received.get() >= 1, 10_000, "first match");
      // wait until the producer has stalled: no progress over 50 consecutive 10 ms polls
      int[] last = {-1};
      int[] still = {0};
      NetTestSupport.await(() -> {
        int now = produced.get();
        still[0] = now == last[0] ? still[0] + 1 : 0;
        last[0] = now;
        return still[0] >= 50;
      }, 60_000, "the session to stop being asked for matches");
      // the socket buffers hold some megabytes: a few thousand 4 KB matches, not 100,000
      assertThat(produced.get()).isLessThan(TOTAL / 10);

      stop.set(true); // the next match received sends C-CANCEL
      channel.config().setAutoRead(true);
      channel.read();
      DimseResponse end = done.get(60, TimeUnit.SECONDS);
      assertThat(end.status()).isEqualTo(Status.CANCEL);
      NetTestSupport.await(closed::get, 10_000, "session closed");
      assertThat(produced.get()).isLessThan(TOTAL);
      a.release().get(30, TimeUnit.SECONDS);
    }
  }
}
