package org.huizhen.dicom.net.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes {@link Pdu} values as bytes (PS3.8 9.3). A {@link PDataTf} is written without copying
 * its data: each PDV becomes a small header buffer followed by the PDV's own buffer, so the
 * transport can send them with one gathering write per flush.
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Ownership: takes ownership of each written message (the superclass releases it after
 * {@link #encode}); the data buffers are retained for the outgoing list.
 *
 * <p>Threading: stateless and {@link ChannelHandler.Sharable}.
 */
@ChannelHandler.Sharable
public final class PduEncoder extends MessageToMessageEncoder<Pdu> {
  public static final PduEncoder INSTANCE = new PduEncoder();

  @Override
  protected void encode(ChannelHandlerContext ctx, Pdu pdu, List<Object> out) {
    if (pdu instanceof PDataTf p) {
      encodePData(ctx.alloc(), p, out);
    } else {
      out.add(encode(ctx.alloc(), pdu));
    }
  }

  private static void encodePData(ByteBufAllocator alloc, PDataTf p, List<Object> out) {
    ByteBuf header = alloc.ioBuffer(12);
    header.writeByte(Pdu.TYPE_P_DATA_TF).writeByte(0).writeInt((int) p.variableFieldLength());
    for (Pdv pdv : p.pdvs()) {
      if (header == null) {
        header = alloc.ioBuffer(6);
      }
      header.writeInt(pdv.data().readableBytes() + 2)
          .writeByte(pdv.contextId()).writeByte(pdv.messageControlHeader());
      out.add(header);
      header = null;
      out.add(pdv.data().retainedDuplicate());
    }
  }

  /**
   * Encodes a PDU other than P-DATA into one new buffer. Ownership: the caller owns the
   * returned buffer.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, Pdu pdu) {
    ByteBuf b = alloc.buffer(256);
    switch (pdu) {
      case AAssociateRq rq -> {
        int start = beginPdu(b, Pdu.TYPE_ASSOCIATE_RQ);
        writeAssociateHeader(b, rq.protocolVersion(), rq.calledAe(), rq.callingAe());
        writeItem(b, 0x10, rq.applicationContext());
        for (PresentationContextRq pc : rq.presentationContexts()) {
          int item = beginItem(b, 0x20);
          b.writeByte(pc.id()).writeByte(0).writeByte(0).writeByte(0);
          writeItem(b, 0x30, pc.abstractSyntax());
          for (String ts : pc.transferSyntaxes()) {
            writeItem(b, 0x40, ts);
          }
          endItem(b, item);
        }
        writeUserInformation(b, rq.userInformation());
        endPdu(b, start);
      }
      case AAssociateAc ac -> {
        int start = beginPdu(b, Pdu.TYPE_ASSOCIATE_AC);
        writeAssociateHeader(b, ac.protocolVersion(), ac.calledAe(), ac.callingAe());
        writeItem(b, 0x10, ac.applicationContext());
        for (PresentationContextAc pc : ac.presentationContexts()) {
          int item = beginItem(b, 0x21);
          b.writeByte(pc.id()).writeByte(0).writeByte(pc.result()).writeByte(0);
          // PS3.8 9.3.3.2: the transfer syntax sub-item is present; not significant unless accepted
          writeItem(b, 0x40, pc.transferSyntax());
          endItem(b, item);
        }
        writeUserInformation(b, ac.userInformation());
        endPdu(b, start);
      }
      case AAssociateRj rj -> b.writeByte(Pdu.TYPE_ASSOCIATE_RJ).writeByte(0).writeInt(4)
          .writeByte(0).writeByte(rj.result()).writeByte(rj.source()).writeByte(rj.reason());
      case AReleaseRq r -> b.writeByte(Pdu.TYPE_RELEASE_RQ).writeByte(0).writeInt(4).writeInt(0);
      case AReleaseRp r -> b.writeByte(Pdu.TYPE_RELEASE_RP).writeByte(0).writeInt(4).writeInt(0);
      case AAbort a -> b.writeByte(Pdu.TYPE_ABORT).writeByte(0).writeInt(4)
          .writeByte(0).writeByte(0).writeByte(a.source()).writeByte(a.reason());
      case PDataTf p -> {
        b.release();
        throw new IllegalArgumentException("P-DATA-TF goes through the pipeline encoder");
      }
    }
    return b;
  }

  private static void writeAssociateHeader(ByteBuf b, int version, String called, String calling) {
    b.writeShort(version).writeShort(0);
    writeAe(b, called);
    writeAe(b, calling);
    b.writeZero(32);
  }

  private static void writeAe(ByteBuf b, String ae) {
    byte[] bytes = ae.getBytes(StandardCharsets.US_ASCII);
    int n = Math.min(16, bytes.length);
    b.writeBytes(bytes, 0, n);
    for (int i = n; i < 16; i++) {
      b.writeByte(' ');
    }
  }

  private static void writeUserInformation(ByteBuf b, UserInformation ui) {
    int item = beginItem(b, 0x50);
    b.writeByte(0x51).writeByte(0).writeShort(4).writeInt((int) ui.maxPduLength());
    writeItem(b, 0x52, ui.implementationClassUid());
    if (ui.asyncOpsInvoked().isPresent()) {
      b.writeByte(0x53).writeByte(0).writeShort(4)
          .writeShort(ui.asyncOpsInvoked().getAsInt())
          .writeShort(ui.asyncOpsPerformed().orElse(1));
    }
    for (RoleSelection r : ui.roleSelections()) {
      byte[] uid = r.sopClassUid().getBytes(StandardCharsets.US_ASCII);
      b.writeByte(0x54).writeByte(0).writeShort(uid.length + 4).writeShort(uid.length)
          .writeBytes(uid).writeByte(r.scu() ? 1 : 0).writeByte(r.scp() ? 1 : 0);
    }
    ui.implementationVersionName().ifPresent(v -> writeItem(b, 0x55, v));
    for (ExtendedNegotiation e : ui.extendedNegotiations()) {
      byte[] uid = e.sopClassUid().getBytes(StandardCharsets.US_ASCII);
      byte[] info = e.info();
      b.writeByte(0x56).writeByte(0).writeShort(2 + uid.length + info.length)
          .writeShort(uid.length).writeBytes(uid).writeBytes(info);
    }
    ui.identityRq().ifPresent(id -> {
      byte[] p = id.primaryField();
      byte[] s = id.secondaryField();
      b.writeByte(0x58).writeByte(0).writeShort(6 + p.length + s.length)
          .writeByte(id.type()).writeByte(id.positiveResponseRequested() ? 1 : 0)
          .writeShort(p.length).writeBytes(p).writeShort(s.length).writeBytes(s);
    });
    ui.identityServerResponse().ifPresent(r ->
        b.writeByte(0x59).writeByte(0).writeShort(2 + r.length).writeShort(r.length).writeBytes(r));
    endItem(b, item);
  }

  private static void writeItem(ByteBuf b, int type, String value) {
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    b.writeByte(type).writeByte(0).writeShort(v.length).writeBytes(v);
  }

  private static int beginPdu(ByteBuf b, int type) {
    b.writeByte(type).writeByte(0).writeInt(0);
    return b.writerIndex();
  }

  private static void endPdu(ByteBuf b, int start) {
    b.setInt(start - 4, b.writerIndex() - start);
  }

  private static int beginItem(ByteBuf b, int type) {
    b.writeByte(type).writeByte(0).writeShort(0);
    return b.writerIndex();
  }

  private static void endItem(ByteBuf b, int start) {
    b.setShort(start - 2, b.writerIndex() - start);
  }
}
