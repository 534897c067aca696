package org.huizhen.dicom.net.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns the byte stream of a DICOM upper-layer connection into {@link Pdu} values
 * (PS3.8 9.3). It is a small state machine: it waits for a whole PDU (6-byte header, then the
 * announced length) before parsing, so a PDU split across any number of TCP reads decodes the
 * same as one read.
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Bad input becomes a value: the first malformed PDU makes this decoder emit one
 * {@link PduDecodeFailure} carrying the PS3.8 A-ABORT reason and then discard all further
 * input. Limits ({@link PduLimits}): {@code maxPduLengthReceived} for P-DATA-TF,
 * {@code maxAssociatePduLength} for A-ASSOCIATE-RQ/AC, {@code maxPresentationContexts},
 * {@code maxUserIdentityFieldLength}; a length beyond one is rejected before any allocation.
 *
 * <p>Ownership: a decoded {@link PDataTf} holds retained slices of the input; the next handler
 * owns it and must release it. P-DATA is zero-copy.
 *
 * <p>Threading: one instance per channel, used on that channel's event loop only.
 */
public final class PduDecoder extends ByteToMessageDecoder {
  private final PduLimits limits;
  private boolean failed;

  public PduDecoder(PduLimits limits) {
    this.limits = limits;
    // a P-DATA-TF usually spans several reads; a composite cumulation appends them without
    // copying, and the PDVs become slices of the composite
    setCumulator(COMPOSITE_CUMULATOR);
  }

  /** The limits this decoder enforces. */
  public PduLimits limits() {
    return limits;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < Pdu.HEADER_LENGTH) {
      return;
    }
    int start = in.readerIndex();
    int type = in.getUnsignedByte(start);
    long length = in.getUnsignedInt(start + 2);
    long limit;
    switch (type) {
      case Pdu.TYPE_P_DATA_TF -> limit = limits.maxPduLengthReceived();
      case Pdu.TYPE_ASSOCIATE_RQ, Pdu.TYPE_ASSOCIATE_AC -> limit = limits.maxAssociatePduLength();
      case Pdu.TYPE_ASSOCIATE_RJ, Pdu.TYPE_RELEASE_RQ, Pdu.TYPE_RELEASE_RP, Pdu.TYPE_ABORT -> {
        if (length != 4) {
          fail(in, out, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
              "PDU type " + type + " with length " + length + ", expected 4");
          return;
        }
        limit = 4;
      }
      default -> {
        fail(in, out, AAbort.REASON_UNRECOGNIZED_PDU, "unknown PDU type 0x" + Integer.toHexString(type));
        return;
      }
    }
    if (length > limit) {
      fail(in, out, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "PDU type " + type + " length " + length + " exceeds limit " + limit);
      return;
    }
    if (in.readableBytes() < Pdu.HEADER_LENGTH + length) {
      return; // wait for the whole PDU
    }
    in.skipBytes(Pdu.HEADER_LENGTH);
    ByteBuf body = in.readSlice((int) length);
    try {
      out.add(parse(type, body));
    } catch (PduFormatException e) {
      fail(in, out, e.abortReason, e.getMessage());
    } catch (IndexOutOfBoundsException e) {
      // an item length pointing past its container
      fail(in, out, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, "item overruns PDU: " + e.getMessage());
    }
  }

  private void fail(ByteBuf in, List<Object> out, int reason, String message) {
    failed = true;
    in.skipBytes(in.readableBytes());
    out.add(new PduDecodeFailure(reason, message));
  }

  private Pdu parse(int type, ByteBuf b) throws PduFormatException {
    return switch (type) {
      case Pdu.TYPE_P_DATA_TF -> parsePData(b);
      case Pdu.TYPE_ASSOCIATE_RQ -> parseAssociateRq(b);
      case Pdu.TYPE_ASSOCIATE_AC -> parseAssociateAc(b);
      case Pdu.TYPE_ASSOCIATE_RJ -> {
        b.skipBytes(1);
        int result = b.readUnsignedByte();
        int source = b.readUnsignedByte();
        int reason = b.readUnsignedByte();
        yield new AAssociateRj(result, source, reason);
      }
      case Pdu.TYPE_RELEASE_RQ -> AReleaseRq.INSTANCE;
      case Pdu.TYPE_RELEASE_RP -> AReleaseRp.INSTANCE;
      case Pdu.TYPE_ABORT -> {
        b.skipBytes(2);
        int source = b.readUnsignedByte();
        int reason = b.readUnsignedByte();
        yield new AAbort(source, reason);
      }
      default -> throw new PduFormatException(AAbort.REASON_UNRECOGNIZED_PDU, "type " + type);
    };
  }

  /** PS3.8 9.3.5: PDV items, each with a 4-byte length covering id + header + data. */
  private static PDataTf parsePData(ByteBuf b) throws PduFormatException {
    List<Pdv> pdvs = new ArrayList<>(2);
    try {
      while (b.isReadable()) {
        if (b.readableBytes() < 6) {
          throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
              "truncated PDV item header");
        }
        long itemLength = b.readUnsignedInt();
        if (itemLength < 2 || itemLength > b.readableBytes()) {
          throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
              "PDV item length " + itemLength + " with " + b.readableBytes() + " bytes left");
        }
        int pcid = b.readUnsignedByte();
        int mch = b.readUnsignedByte();
        if ((pcid & 1) == 0 || (mch & 0xFC) != 0) {
          throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
              "PDV with context id " + pcid + " / message control header 0x" + Integer.toHexString(mch));
        }
        pdvs.add(new Pdv(pcid, (mch & 1) != 0, (mch & 2) != 0, b.readRetainedSlice((int) itemLength - 2)));
      }
      if (pdvs.isEmpty()) {
        throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, "P-DATA-TF without PDV");
      }
      return new PDataTf(pdvs);
    } catch (PduFormatException | RuntimeException e) {
      pdvs.forEach(p -> p.data().release());
      throw e;
    }
  }

  private AAssociateRq parseAssociateRq(ByteBuf b) throws PduFormatException {
    Header h = parseHeader(b);
    String appContext = null;
    List<PresentationContextRq> pcs = new ArrayList<>();
    UserInformation ui = null;
    while (b.isReadable()) {
      int itemType = b.readUnsignedByte();
      b.skipBytes(1);
      ByteBuf item = readItem(b);
      switch (itemType) {
        case 0x10 -> appContext = ascii(item);
        case 0x20 -> {
          if (pcs.size() >= limits.maxPresentationContexts()) {
            throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
                "more than " + limits.maxPresentationContexts() + " presentation contexts");
          }
          pcs.add(parsePresentationContextRq(item));
        }
        case 0x50 -> ui = parseUserInformation(item, true);
        default -> throw new PduFormatException(AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER,
            "unknown item type 0x" + Integer.toHexString(itemType) + " in A-ASSOCIATE-RQ");
      }
    }
    if (appContext == null || ui == null || pcs.isEmpty()) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "A-ASSOCIATE-RQ without application context, presentation context or user information");
    }
    return new AAssociateRq(h.version, h.calledAe, h.callingAe, appContext, pcs, ui);
  }

  private AAssociateAc parseAssociateAc(ByteBuf b) throws PduFormatException {
    Header h = parseHeader(b);
    String appContext = null;
    List<PresentationContextAc> pcs = new ArrayList<>();
    UserInformation ui = null;
    while (b.isReadable()) {
      int itemType = b.readUnsignedByte();
      b.skipBytes(1);
      ByteBuf item = readItem(b);
      switch (itemType) {
        case 0x10 -> appContext = ascii(item);
        case 0x21 -> {
          if (pcs.size() >= limits.maxPresentationContexts()) {
            throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
                "too many presentation contexts");
          }
          int id = item.readUnsignedByte();
          item.skipBytes(1);
          int result = item.readUnsignedByte();
          item.skipBytes(1);
          String ts = "";
          while (item.isReadable()) {
            int subType = item.readUnsignedByte();
            item.skipBytes(1);
            ByteBuf sub = readItem(item);
            if (subType == 0x40) {
              ts = ascii(sub);
            } else {
              throw new PduFormatException(AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER,
                  "sub-item 0x" + Integer.toHexString(subType) + " in presentation context AC");
            }
          }
          pcs.add(new PresentationContextAc(id, result, ts));
        }
        case 0x50 -> ui = parseUserInformation(item, false);
        default -> throw new PduFormatException(AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER,
            "unknown item type 0x" + Integer.toHexString(itemType) + " in A-ASSOCIATE-AC");
      }
    }
    if (appContext == null || ui == null) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "A-ASSOCIATE-AC without application context or user information");
    }
    return new AAssociateAc(h.version, h.calledAe, h.callingAe, appContext, pcs, ui);
  }

  private record Header(int version, String calledAe, String callingAe) {}

  private static Header parseHeader(ByteBuf b) throws PduFormatException {
    if (b.readableBytes() < 68) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "A-ASSOCIATE PDU shorter than its fixed fields");
    }
    int version = b.readUnsignedShort();
    b.skipBytes(2);
    String called = ascii(b.readSlice(16));
    String calling = ascii(b.readSlice(16));
    b.skipBytes(32);
    return new Header(version, called, calling);
  }

  private PresentationContextRq parsePresentationContextRq(ByteBuf item) throws PduFormatException {
    int id = item.readUnsignedByte();
    item.skipBytes(3);
    String abstractSyntax = null;
    List<String> ts = new ArrayList<>();
    while (item.isReadable()) {
      int subType = item.readUnsignedByte();
      item.skipBytes(1);
      ByteBuf sub = readItem(item);
      switch (subType) {
        case 0x30 -> abstractSyntax = ascii(sub);
        case 0x40 -> ts.add(ascii(sub));
        default -> throw new PduFormatException(AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER,
            "sub-item 0x" + Integer.toHexString(subType) + " in presentation context RQ");
      }
    }
    if (abstractSyntax == null || ts.isEmpty() || (id & 1) == 0) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "presentation context " + id + " without abstract or transfer syntax, or even id");
    }
    return new PresentationContextRq(id, abstractSyntax, ts);
  }

  /** PS3.8 D.1 and PS3.7 D.3.3: sub-items; unknown ones are skipped (PS3.7 D.3.3 asks that). */
  private UserInformation parseUserInformation(ByteBuf item, boolean rq) throws PduFormatException {
    Long maxLength = null;
    String implClass = "";
    Optional<String> implVersion = Optional.empty();
    OptionalInt invoked = OptionalInt.empty();
    OptionalInt performed = OptionalInt.empty();
    List<RoleSelection> roles = new ArrayList<>();
    List<ExtendedNegotiation> ext = new ArrayList<>();
    Optional<UserIdentity> identity = Optional.empty();
    Optional<byte[]> identityAc = Optional.empty();
    while (item.isReadable()) {
      int subType = item.readUnsignedByte();
      item.skipBytes(1);
      ByteBuf sub = readItem(item);
      switch (subType) {
        case 0x51 -> maxLength = sub.readUnsignedInt();
        case 0x52 -> implClass = ascii(sub);
        case 0x55 -> implVersion = Optional.of(ascii(sub));
        case 0x53 -> {
          invoked = OptionalInt.of(sub.readUnsignedShort());
          performed = OptionalInt.of(sub.readUnsignedShort());
        }
        case 0x54 -> {
          String uid = ascii(sub.readSlice(sub.readUnsignedShort()));
          roles.add(new RoleSelection(uid, sub.readUnsignedByte() == 1, sub.readUnsignedByte() == 1));
        }
        case 0x56 -> {
          String uid = ascii(sub.readSlice(sub.readUnsignedShort()));
          byte[] info = new byte[sub.readableBytes()];
          sub.readBytes(info);
          ext.add(new ExtendedNegotiation(uid, info));
        }
        case 0x58 -> {
          if (!rq) {
            throw new PduFormatException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER,
                "user identity request in A-ASSOCIATE-AC");
          }
          int type = sub.readUnsignedByte();
          boolean positive = sub.readUnsignedByte() == 1;
          byte[] primary = readIdentityField(sub);
          byte[] secondary = readIdentityField(sub);
          identity = Optional.of(new UserIdentity(type, positive, primary, secondary));
        }
        case 0x59 -> {
          if (rq) {
            throw new PduFormatException(AAbort.REASON_UNEXPECTED_PDU_PARAMETER,
                "user identity response in A-ASSOCIATE-RQ");
          }
          identityAc = Optional.of(readIdentityField(sub));
        }
        default -> { /* 0x57 and future sub-items: skipped */ }
      }
    }
    if (maxLength == null) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "user information without maximum length sub-item");
    }
    return new UserInformation(maxLength, implClass, implVersion, invoked, performed, roles, ext,
        identity, identityAc);
  }

  private byte[] readIdentityField(ByteBuf sub) throws PduFormatException {
    int n = sub.readUnsignedShort();
    if (n > limits.maxUserIdentityFieldLength()) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "user identity field of " + n + " bytes exceeds " + limits.maxUserIdentityFieldLength());
    }
    byte[] field = new byte[n];
    sub.readBytes(field);
    return field;
  }

  /** Reads a 2-byte item length and returns a slice of that many bytes. */
  private static ByteBuf readItem(ByteBuf b) throws PduFormatException {
    if (b.readableBytes() < 2) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, "truncated item header");
    }
    int n = b.readUnsignedShort();
    if (n > b.readableBytes()) {
      throw new PduFormatException(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
          "item length " + n + " with " + b.readableBytes() + " bytes left");
    }
    return b.readSlice(n);
  }

  /** ASCII text with leading/trailing spaces and trailing NUL padding removed. */
  private static String ascii(ByteBuf b) {
    return b.toString(StandardCharsets.US_ASCII).replace("\0", "").trim();
  }
}
