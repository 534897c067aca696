package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.CommandSetCodec;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.pdu.AAbort;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.PDataTf;
import org.huizhen.dicom.net.pdu.Pdu;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.huizhen.dicom.net.pdu.SamplePdus;
import org.huizhen.dicom.net.pdu.UserInformation;
import org.huizhen.dicom.net.service.DicomServices;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A running {@link DicomServer} fed malformed PDUs over a raw socket: it answers with an A-ABORT
 * carrying the PS3.8 Table 9-26 reason (or closes), stores nothing, and serves the next
 * association. Also the ARTIM timer (PS3.8 9.1.5) for a connection that never associates.
 */
class MalformedPduServerTest {
  static {
    NetTestSupport.init();
  }

  private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
  private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  private static final int MAX_PDU = 16_384;

  @TempDir
  Path dir;
  private FileStoreHandler handler;
  private DicomServer server;

  @BeforeEach
  void start() throws Exception {
    handler = new FileStoreHandler(dir);
    server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .maxPduLength(MAX_PDU).artimTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(2)).build(),
        DicomServices.builder().store(handler).build());
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  static byte[] associateRq() {
    return SamplePdus.encode(new AAssociateRq(1, "HUB", "FUZZER", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextRq(1, CT, List.of(EXPLICIT_LE))),
        UserInformation.minimal(MAX_PDU, "1.2.3")));
  }

  /** A C-STORE-RQ command PDU on context 1 announcing a data set. */
  static byte[] storeCommand() {
    CommandSet cmd = CommandSet.builder().setString(CommandSet.AFFECTED_SOP_CLASS_UID, CT)
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ).setInt(CommandSet.MESSAGE_ID, 1)
        .setInt(CommandSet.PRIORITY, 0).setInt(CommandSet.COMMAND_DATA_SET_TYPE, 0)
        .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.5").build();
    return SamplePdus.encode(PDataTf.of(1, true, true, CommandSetCodec.encode(ByteBufAllocator.DEFAULT, cmd)));
  }

  static byte[] dataPdu(int length, boolean last) {
    return SamplePdus.encode(PDataTf.of(1, false, last, Unpooled.wrappedBuffer(new byte[length])));
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static Stream<Arguments> badStreams() {
    byte[] hugeAssociate = {1, 0, 0, 0x10, 0, 0, 0, 1}; // 1 MiB A-ASSOCIATE-RQ, above the limit
    byte[] tooLongPData = {4, 0, 0, 0, 0x40, 1}; // 16385 bytes > negotiated 16384
    byte[] badPdvLength = {4, 0, 0, 0, 0, 8, 0, 0, 0, 0x20, 1, 0, 0, 0};
    byte[] undecodableCommand = SamplePdus.encode(PDataTf.of(1, true, true,
        Unpooled.wrappedBuffer(new byte[] {8, 0, 0, 0, 2, 0, 0, 0, 1, 2})));
    byte[] commandOnUnknownContext = storeCommand().clone();
    commandOnUnknownContext[10] = 5; // PDV context id 5 was never proposed
    return Stream.of(
        Arguments.of("command on a context that was not accepted", commandOnUnknownContext, true,
            AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("HTTP request instead of DICOM", "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            false, AAbort.REASON_UNRECOGNIZED_PDU),
        Arguments.of("P-DATA before association", dataPdu(10, true), false, AAbort.REASON_UNEXPECTED_PDU),
        Arguments.of("A-ASSOCIATE-RQ above the size limit", hugeAssociate, false,
            AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("P-DATA longer than our maximum", concat(storeCommand(), tooLongPData), true,
            AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("PDV length beyond the PDU mid-instance", concat(storeCommand(), dataPdu(100, false),
            badPdvLength), true, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("undecodable command set", undecodableCommand, true, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("second A-ASSOCIATE-RQ", associateRq(), true, AAbort.REASON_UNEXPECTED_PDU),
        Arguments.of("data set without command", dataPdu(10, true), true, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badStreams")
  void abortsWithReasonStoresNothingAndKeepsServing(String name, byte[] bytes, boolean associateFirst,
      int reason) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      if (associateFirst) {
        associate(s);
      }
      s.getOutputStream().write(bytes);
      s.getOutputStream().flush();
      byte[] abort = readPdu(s.getInputStream());
      assertThat(abort[0]).isEqualTo((byte) Pdu.TYPE_ABORT);
      assertThat(abort[8]).as("source: service-provider").isEqualTo((byte) AAbort.SOURCE_SERVICE_PROVIDER);
      assertThat(abort[9]).as("reason").isEqualTo((byte) reason);
      // then the server closes (at the latest when ARTIM expires)
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(handler.stored).isEmpty();
    assertServerStillServes();
  }

  @Test
  void connectionLostMidInstanceStoresNothing() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      associate(s);
      s.getOutputStream().write(concat(storeCommand(), dataPdu(1000, false)));
      s.getOutputStream().flush();
      NetTestSupport.await(() -> dir.toFile().list().length == 1, 5000, "the sink to be opened");
    }
    NetTestSupport.await(() -> handler.aborted.get() == 1, 5000, "the sink to be aborted");
    assertThat(handler.stored).isEmpty();
    assertServerStillServes();
  }

  /** Random byte mutations of a valid association and store, fixed seeds: never a crash or a store. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void survivesRandomMutationsOfValidPdus(long seed) throws Exception {
    byte[] valid = concat(associateRq(), storeCommand(), dataPdu(64, true));
    Random random = new Random(seed);
    byte[] mutated = valid.clone();
    for (int i = 0; i < 1 + random.nextInt(4); i++) {
      mutated[random.nextInt(mutated.length)] = (byte) random.nextInt(256);
    }
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      try {
        s.getOutputStream().write(mutated);
        // a mutated length may leave the server waiting for more bytes: end our side
        s.shutdownOutput();
        InputStream in = s.getInputStream();
        while (in.read() >= 0) {
          // drain whatever the server answers until it closes (ARTIM bounds the wait)
        }
      } catch (SocketException e) {
        // the server may close first and reset our pending write: an acceptable outcome
      }
    }
    // a mutation may leave the association valid; then the 64-byte instance is stored whole
    assertThat(handler.stored).allSatisfy(st -> assertThat(st.file()).hasSize(64));
    assertServerStillServes();
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 12).mapToObj(i -> 1000L + i);
  }

  @Test
  void artimClosesConnectionThatNeverAssociates() throws Exception {
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      // PS3.8 9.1.5 AA-2: no A-ASSOCIATE-RQ before ARTIM expires -> the connection is closed
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
    NetTestSupport.await(() -> server.openConnections() == 0, 5000, "the connection to be gone");
  }

  @Test
  void idleAssociationIsAborted() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(10_000);
      associate(s);
      // nothing more from us: after idleTimeout the server aborts (source 2) and closes
      byte[] abort = readPdu(s.getInputStream());
      assertThat(abort[0]).isEqualTo((byte) Pdu.TYPE_ABORT);
      assertThat(abort[8]).isEqualTo((byte) AAbort.SOURCE_SERVICE_PROVIDER);
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    assertServerStillServes();
  }

  private static void associate(Socket s) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(associateRq());
    out.flush();
    byte[] ac = readPdu(s.getInputStream());
    assertThat(ac[0]).isEqualTo((byte) Pdu.TYPE_ASSOCIATE_AC);
  }

  /** Reads one whole PDU (header and body). */
  private static byte[] readPdu(InputStream in) throws IOException {
    DataInputStream d = new DataInputStream(in);
    byte[] header = new byte[6];
    try {
      d.readFully(header);
    } catch (EOFException e) {
      throw new AssertionError("connection closed without a PDU", e);
    }
    int length = ((header[2] & 0xFF) << 24) | ((header[3] & 0xFF) << 16) | ((header[4] & 0xFF) << 8) | (header[5] & 0xFF);
    byte[] pdu = new byte[6 + length];
    System.arraycopy(header, 0, pdu, 0, 6);
    d.readFully(pdu, 6, length);
    return pdu;
  }

  private void assertServerStillServes() throws Exception {
    ClientAssociation a = DicomClient.connect(
        ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port()).build(),
        List.of(PresentationContextProposal.of("1.2.840.10008.1.1", "1.2.840.10008.1.2"))).get(10, TimeUnit.SECONDS);
    assertThat(a.echo().get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
    a.release().get(10, TimeUnit.SECONDS);
  }

}
