package org.huizhen.dicom.net.dimse;

import io.netty.channel.ChannelFutureListener;
import java.util.concurrent.atomic.AtomicBoolean;
import org.huizhen.dicom.net.assoc.Association;
import org.huizhen.dicom.net.assoc.NegotiatedContext;

/**
 * One received DIMSE request and the means to answer it (PS3.7 9.3, 9.1.1 message ids).
 *
 * <p>Threading: {@link #respond} may be called from any thread, once; the write happens on the
 * event loop.
 */
public final class DimseExchange {
  private final Association association;
  private final NegotiatedContext context;
  private final CommandSet command;
  private final AtomicBoolean responded = new AtomicBoolean();

  DimseExchange(Association association, NegotiatedContext context, CommandSet command) {
    this.association = association;
    this.context = context;
    this.command = command;
  }

  public Association association() {
    return association;
  }

  public NegotiatedContext presentationContext() {
    return context;
  }

  public CommandSet command() {
    return command;
  }

  /** (0000,0110) Message ID of the request. */
  public int messageId() {
    return command.getInt(CommandSet.MESSAGE_ID).orElse(0);
  }

  /**
   * A response command with the fields every response carries: command field (request | 0x8000),
   * Message ID Being Responded To, "no data set", and the status.
   */
  public CommandSet.Builder response(Status status) {
    return CommandSet.builder()
        .setInt(CommandSet.COMMAND_FIELD, command.commandField() | 0x8000)
        .setInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, messageId())
        .setInt(CommandSet.COMMAND_DATA_SET_TYPE, CommandSet.NO_DATA_SET)
        .setInt(CommandSet.STATUS, status.code());
  }

  /** Sends the final response (without data set) and ends the operation. Any thread, once. */
  public void respond(CommandSet response) {
    if (!responded.compareAndSet(false, true)) {
      throw new IllegalStateException("already responded to message " + messageId());
    }
    if (association.eventLoop().inEventLoop()) {
      write(response);
    } else {
      association.eventLoop().execute(() -> write(response));
    }
  }

  public boolean responded() {
    return responded.get();
  }

  private void write(CommandSet response) {
    if (association.channel().isActive() && association.state().acceptsData()
        || association.state() == org.huizhen.dicom.net.assoc.State.STA8) {
      association.writePdvs(context.id(), true, true,
          CommandSetCodec.encode(association.channel().alloc(), response))
          .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      association.channel().flush();
    }
    association.operationFinished();
  }
}
