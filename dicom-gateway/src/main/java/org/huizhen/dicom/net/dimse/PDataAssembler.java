package org.huizhen.dicom.net.dimse;

import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.huizhen.dicom.net.pdu.AAbort;
import org.huizhen.dicom.net.pdu.PDataTf;
import org.huizhen.dicom.net.pdu.Pdv;

/**
 * Turns the PDVs of received P-DATA-TF PDUs into DIMSE messages (PS3.8 Annex E, PS3.7 6.3):
 * command fragments are gathered (without copying, in a composite buffer) and decoded into a
 * {@link DimseCommand}; data-set fragments are passed on one by one as {@link DataFragment}s, so a
 * data set is streamed and never held whole. Other messages pass through unchanged.
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Limits: {@code maxCommandSetLength} (bytes of one command set). A violation (too long,
 * undecodable, data without a preceding command, a command while a data set is open, a
 * fragment on another presentation context) becomes one {@link DimseProtocolError} value;
 * afterwards all P-DATA is dropped.
 *
 * <p>Ownership: releases each received {@link PDataTf}; emitted fragments are retained slices
 * owned by the next handler.
 *
 * <p>Threading: one instance per channel, event loop only.
 */
public final class PDataAssembler extends ChannelInboundHandlerAdapter {
  /** Default largest command set: far above any real one (a few hundred bytes). */
  public static final int DEFAULT_MAX_COMMAND_SET_LENGTH = 16_384;

  private final int maxCommandSetLength;
  private CompositeByteBuf command;
  private int commandContextId;
  private int dataContextId = -1;
  private boolean failed;
  private boolean enabled;

  public PDataAssembler(int maxCommandSetLength) {
    this.maxCommandSetLength = maxCommandSetLength;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof PDataTf pdata) || !enabled) {
      // before the association is established a P-DATA-TF is an unexpected PDU: the
      // association handler sees it as such and aborts with reason 2 (PS3.8 9.2 AA-1/AA-8)
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      for (Pdv pdv : pdata.pdvs()) {
        if (failed) {
          return;
        }
        if (pdv.command()) {
          onCommandFragment(ctx, pdv);
        } else {
          onDataFragment(ctx, pdv);
        }
      }
    } finally {
      pdata.release();
    }
  }

  /** Starts assembling: called by the association handler on entering STA6. Event loop only. */
  public void enable() {
    enabled = true;
  }

  private void onCommandFragment(ChannelHandlerContext ctx, Pdv pdv) {
    if (dataContextId >= 0) {
      fail(ctx, "command fragment while the data set on context " + dataContextId + " is incomplete");
      return;
    }
    if (command == null) {
      command = ctx.alloc().compositeBuffer(64);
      commandContextId = pdv.contextId();
    } else if (commandContextId != pdv.contextId()) {
      fail(ctx, "command fragments on contexts " + commandContextId + " and " + pdv.contextId());
      return;
    }
    if (command.readableBytes() + pdv.data().readableBytes() > maxCommandSetLength) {
      fail(ctx, "command set longer than " + maxCommandSetLength + " bytes");
      return;
    }
    command.addComponent(true, pdv.data().retainedSlice());
    if (!pdv.last()) {
      return;
    }
    CommandSet decoded;
    try {
      decoded = CommandSetCodec.decode(command);
    } catch (CommandSetFormatException | IndexOutOfBoundsException e) {
      fail(ctx, "undecodable command set: " + e.getMessage());
      return;
    } finally {
      if (command != null) {
        command.release();
        command = null;
      }
    }
    if (decoded.hasDataSet()) {
      dataContextId = commandContextId;
    }
    ctx.fireChannelRead(new DimseCommand(commandContextId, decoded));
  }

  private void onDataFragment(ChannelHandlerContext ctx, Pdv pdv) {
    if (dataContextId != pdv.contextId()) {
      fail(ctx, dataContextId < 0 ? "data set fragment without a command announcing one"
          : "data fragment on context " + pdv.contextId() + ", expected " + dataContextId);
      return;
    }
    if (pdv.last()) {
      dataContextId = -1;
    }
    ctx.fireChannelRead(new DataFragment(pdv.contextId(), pdv.data().retainedSlice(), pdv.last()));
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    failed = true;
    if (command != null) {
      command.release();
      command = null;
    }
    ctx.fireChannelRead(new DimseProtocolError(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, message));
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (command != null) {
      command.release();
      command = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }
}
