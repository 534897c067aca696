package org.huizhen.dicom.net.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PduDecoder} and {@link PduEncoder}: every PDU type survives encode/decode whatever way
 * the bytes are split into reads, and malformed input becomes a {@link PduDecodeFailure} with the
 * PS3.8 Table 9-26 reason, never an exception or a leaked buffer.
 */
public class PduCodecTest {

  static Stream<Arguments> everyPduType() {
    return SamplePdus.all().stream().map(p -> Arguments.of(p.getClass().getSimpleName(), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyPduType")
  void decodesEveryPduTypeSplitAtEveryFragmentSize(String name, Pdu pdu) {
    Object expected = describe(pdu);
    byte[] bytes = SamplePdus.encode(pdu);
    for (int fragment = 1; fragment <= bytes.length; fragment++) {
      EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
      List<ByteBuf> inputs = new ArrayList<>();
      for (int off = 0; off < bytes.length; off += fragment) {
        ByteBuf in = Unpooled.copiedBuffer(bytes, off, Math.min(fragment, bytes.length - off));
        inputs.add(in);
        ch.writeInbound(in);
      }
      Object decoded = ch.readInbound();
      assertThat(decoded).as("fragment size %d", fragment).isInstanceOf(pdu.getClass());
      assertThat(describe((Pdu) decoded)).isEqualTo(expected);
      assertThat((Object) ch.readInbound()).isNull();
      io.netty.util.ReferenceCountUtil.release(decoded);
      assertThat(ch.finishAndReleaseAll()).isFalse();
      // every input buffer released: no retained slice was leaked
      assertThat(inputs).allMatch(b -> b.refCnt() == 0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyPduType")
  void truncatedPduYieldsNothingAndLeaksNothing(String name, Pdu pdu) {
    byte[] bytes = SamplePdus.encode(pdu);
    EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
    ByteBuf in = Unpooled.copiedBuffer(bytes, 0, bytes.length - 1);
    ch.writeInbound(in);
    // the connection ends one byte short: no PDU, no failure value, the partial input released
    assertThat(ch.finishAndReleaseAll()).isFalse();
    assertThat(in.refCnt()).isZero();
  }

  @Test
  void decodesSeveralPdusFromOneRead() {
    byte[] a = SamplePdus.encode(AReleaseRq.INSTANCE);
    byte[] b = SamplePdus.encode(new AAbort(0, 0));
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
    ch.writeInbound(Unpooled.wrappedBuffer(both));
    assertThat((Object) ch.readInbound()).isEqualTo(AReleaseRq.INSTANCE);
    assertThat((Object) ch.readInbound()).isEqualTo(new AAbort(0, 0));
    ch.finishAndReleaseAll();
  }

  /** Malformed PDUs and the A-ABORT reason each must produce; also used by the association tests. */
  public static Stream<Arguments> malformedPdus() {
    byte[] rq = SamplePdus.encode(SamplePdus.associateRq());
    byte[] overrunItem = rq.clone();
    // first item (application context, at offset 6+68) claims 0x7FFF bytes
    overrunItem[74 + 2] = 0x7F;
    overrunItem[74 + 3] = (byte) 0xFF;
    byte[] unknownItem = rq.clone();
    unknownItem[74] = 0x60;
    byte[] shortRq = {1, 0, 0, 0, 0, 10, 0, 1, 0, 0, 'A', 'B', 'C', 'D', 'E', 'F'};
    byte[] pdvTooShort = {4, 0, 0, 0, 0, 5, 0, 0, 0, 1, 1};
    byte[] pdvOverrun = {4, 0, 0, 0, 0, 7, 0, 0, 0, 9, 1, 3, 0};
    byte[] pdvEvenContext = {4, 0, 0, 0, 0, 7, 0, 0, 0, 3, 2, 3, 0};
    byte[] emptyPData = {4, 0, 0, 0, 0, 0};
    byte[] hugePData = {4, 0, 0, 1, 0, 7}; // 65543 bytes > the 65536 limit
    byte[] releaseWrongLength = {5, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0};
    byte[] unknownType = {8, 0, 0, 0, 0, 4, 0, 0, 0, 0};
    byte[] noMaxLength = SamplePdus.encode(new AAssociateRq(1, "A", "B",
        AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextRq(1, "1.2", List.of("1.2.840.10008.1.2"))),
        UserInformation.minimal(1000, "1.2")));
    // remove the maximum length sub-item (8 bytes after the user information item header)
    int ui = indexOf(noMaxLength, (byte) 0x50);
    byte[] withoutMax = new byte[noMaxLength.length - 8];
    System.arraycopy(noMaxLength, 0, withoutMax, 0, ui + 4);
    System.arraycopy(noMaxLength, ui + 12, withoutMax, ui + 4, noMaxLength.length - ui - 12);
    withoutMax[ui + 3] -= 8;
    withoutMax[5] -= 8;
    return Stream.of(
        Arguments.of("unknown PDU type", unknownType, AAbort.REASON_UNRECOGNIZED_PDU),
        Arguments.of("A-RELEASE-RQ length 5", releaseWrongLength, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("P-DATA longer than our maximum", hugePData, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("P-DATA without PDV", emptyPData, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("PDV item length 1", pdvTooShort, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("PDV item beyond its PDU", pdvOverrun, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("PDV on even context id", pdvEvenContext, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("A-ASSOCIATE-RQ shorter than fixed fields", shortRq, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("item length beyond the PDU", overrunItem, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE),
        Arguments.of("unknown item type", unknownItem, AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER),
        Arguments.of("user information without maximum length", withoutMax, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedPdus")
  void turnsMalformedInputIntoFailureValueAtEveryFragmentSize(String name, byte[] bytes, int reason) {
    for (int fragment = 1; fragment <= bytes.length; fragment++) {
      EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
      List<ByteBuf> inputs = new ArrayList<>();
      for (int off = 0; off < bytes.length; off += fragment) {
        ByteBuf in = Unpooled.copiedBuffer(bytes, off, Math.min(fragment, bytes.length - off));
        inputs.add(in);
        ch.writeInbound(in);
      }
      // and more bytes after the failure are swallowed, not decoded
      ch.writeInbound(Unpooled.wrappedBuffer(SamplePdus.encode(AReleaseRq.INSTANCE)));
      Object out = ch.readInbound();
      assertThat(out).as("fragment %d", fragment).isInstanceOf(PduDecodeFailure.class);
      assertThat(((PduDecodeFailure) out).abortReason()).isEqualTo(reason);
      assertThat((Object) ch.readInbound()).isNull();
      ch.checkException();
      assertThat(ch.finishAndReleaseAll()).isFalse();
      assertThat(inputs).allMatch(b -> b.refCnt() == 0);
    }
  }

  @Test
  void enforcesPresentationContextAndUserIdentityLimits() {
    byte[] rq = SamplePdus.encode(SamplePdus.associateRq()); // 2 contexts, 6-byte username
    PduDecodeFailure contexts = decodeFailure(rq, new PduLimits(16384, 65536, 1, 64));
    assertThat(contexts.message()).contains("more than 1 presentation contexts");
    PduDecodeFailure identity = decodeFailure(rq, new PduLimits(16384, 65536, 128, 4));
    assertThat(identity.message()).contains("user identity field of 6 bytes");
    List<PresentationContextRq> many = IntStream.range(0, 30)
        .mapToObj(i -> new PresentationContextRq(2 * i + 1, SamplePdus.CT, List.of(SamplePdus.EXPLICIT_LE))).toList();
    byte[] big = SamplePdus.encode(new AAssociateRq(1, "HUB", "CLINIC1", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        many, UserInformation.minimal(16384, "1.2")));
    assertThat(big.length - 6).isGreaterThan(1024);
    PduDecodeFailure size = decodeFailure(big, new PduLimits(16384, 1024, 128, 64));
    assertThat(size.message()).contains("exceeds limit 1024");
    assertThat(List.of(contexts.abortReason(), identity.abortReason(), size.abortReason()))
        .containsOnly(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE);
  }

  private static PduDecodeFailure decodeFailure(byte[] bytes, PduLimits limits) {
    EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(limits));
    ch.writeInbound(Unpooled.wrappedBuffer(bytes));
    Object out = ch.readInbound();
    ch.finishAndReleaseAll();
    assertThat(out).isInstanceOf(PduDecodeFailure.class);
    return (PduDecodeFailure) out;
  }

  @Test
  void encodesPDataWithoutCopyingPayload() {
    ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
    EmbeddedChannel ch = new EmbeddedChannel(PduEncoder.INSTANCE);
    ch.writeOutbound(PDataTf.of(1, false, true, payload));
    ByteBuf header = ch.readOutbound();
    ByteBuf data = ch.readOutbound();
    // PDU header (type 4, length 9) + PDV header (length 5, context 1, "last data" = 2)
    assertThat(ByteBufUtil.hexDump(header)).isEqualTo("040000000009" + "00000005" + "01" + "02");
    assertThat(data.unwrap() == null ? data : data.unwrap()).isSameAs(payload);
    header.release();
    data.release();
    assertThat(payload.refCnt()).isZero();
    ch.finishAndReleaseAll();
  }

  /** A comparable description; PDataTf compared by its PDVs' content. */
  private static Object describe(Pdu pdu) {
    if (pdu instanceof PDataTf p) {
      return p.pdvs().stream().map(v -> List.of(v.contextId(), v.command(), v.last(),
          ByteBufUtil.hexDump(v.data()))).toList();
    }
    return pdu;
  }

  private static int indexOf(byte[] a, byte b) {
    return IntStream.range(74, a.length).filter(i -> a[i] == b).findFirst().orElseThrow();
  }
}
