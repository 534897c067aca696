package org.huizhen.dicom.net.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Valid PDUs of every type, and their encodings, shared by the codec tests. */
public final class SamplePdus {
  public static final String CT = "1.2.840.10008.5.1.4.1.1.2";
  public static final String VERIFICATION = "1.2.840.10008.1.1";
  public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
  public static final String IMPLICIT_LE = "1.2.840.10008.1.2";

  private SamplePdus() {
  }

  public static AAssociateRq associateRq() {
    UserInformation ui = new UserInformation(16384, "1.2.3.4", Optional.of("TEST_1"),
        OptionalInt.of(3), OptionalInt.of(2), List.of(new RoleSelection(CT, true, false)),
        List.of(new ExtendedNegotiation(CT, new byte[] {1, 0, 1})),
        Optional.of(UserIdentity.usernamePasscode("doctor", "secret", true)), Optional.empty());
    return new AAssociateRq(1, "HUB", "CLINIC1", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextRq(1, VERIFICATION, List.of(IMPLICIT_LE)),
            new PresentationContextRq(3, CT, List.of(EXPLICIT_LE, IMPLICIT_LE))),
        ui);
  }

  public static AAssociateAc associateAc() {
    UserInformation ui = new UserInformation(32768, "1.2.826.0.1.3680043.10.1515.1",
        Optional.of("HUIZHEN_010"), OptionalInt.of(1), OptionalInt.of(1), List.of(), List.of(),
        Optional.empty(), Optional.of(new byte[0]));
    return new AAssociateAc(1, "HUB", "CLINIC1", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextAc(1, 0, IMPLICIT_LE), new PresentationContextAc(3, 4, EXPLICIT_LE)),
        ui);
  }

  /** A P-DATA-TF with two PDVs; the caller owns it. */
  public static PDataTf pData() {
    return new PDataTf(List.of(
        new Pdv(1, true, true, Unpooled.wrappedBuffer(new byte[] {1, 2, 3, 4})),
        new Pdv(3, false, false, Unpooled.wrappedBuffer(new byte[] {9, 8, 7, 6, 5, 4}))));
  }

  /** Every PDU type, freshly built (the P-DATA is owned by the caller). */
  public static List<Pdu> all() {
    return List.of(associateRq(), associateAc(), new AAssociateRj(1, 1, 3), pData(),
        AReleaseRq.INSTANCE, AReleaseRp.INSTANCE, new AAbort(2, 6));
  }

  /** Encodes through {@link PduEncoder} in an embedded channel; takes ownership of {@code pdu}. */
  public static byte[] encode(Pdu pdu) {
    EmbeddedChannel ch = new EmbeddedChannel(PduEncoder.INSTANCE);
    ch.writeOutbound(pdu);
    ByteBuf all = Unpooled.buffer();
    for (Object o; (o = ch.readOutbound()) != null; ) {
      ByteBuf b = (ByteBuf) o;
      all.writeBytes(b);
      b.release();
    }
    ch.finishAndReleaseAll();
    byte[] bytes = new byte[all.readableBytes()];
    all.readBytes(bytes);
    all.release();
    return bytes;
  }
}
