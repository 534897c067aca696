package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.huizhen.dicom.net.assoc.Association;
import org.huizhen.dicom.net.assoc.NegotiatedContext;

/**
 * One received DIMSE request and the means to answer it (PS3.7 9.3, 9.1.1 message ids).
 *
 * <p>Long-running operations (C-FIND, C-MOVE, C-GET) send any number of pending responses
 * ({@link #respondPending}) before the final one, learn of a C-CANCEL-RQ or the end of the
 * association through {@link #onCancel}, and may issue requests of their own on the same
 * association ({@link #invoke}, the C-STORE sub-operations of C-GET, PS3.4 C.4.3.3).
 *
 * <p>Threading: {@link #respond} may be called from any thread, once; {@link #respondPending}
 * from any thread before it. Writes happen on the event loop.
 */
public final class DimseExchange {
  private final Association association;
  private final NegotiatedContext context;
  private final CommandSet command;
  private final DimseDispatcher dispatcher;
  private final AtomicBoolean responded = new AtomicBoolean();
  private volatile boolean cancelled;
  private Runnable cancelListener; // event loop only

  DimseExchange(Association association, NegotiatedContext context, CommandSet command,
      DimseDispatcher dispatcher) {
    this.association = association;
    this.context = context;
    this.command = command;
    this.dispatcher = dispatcher;
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
    respond(response, null);
  }

  /**
   * Sends the final response, with a data set when {@code dataSet} is not null (e.g. the
   * Failed SOP Instance UID List of a C-MOVE, PS3.4 C.4.2.1.4), already encoded in the
   * presentation context's transfer syntax, and ends the operation. Any thread, once.
   */
  public void respond(CommandSet response, byte[] dataSet) {
    if (!responded.compareAndSet(false, true)) {
      throw new IllegalStateException("already responded to message " + messageId());
    }
    onEventLoop(() -> {
      write(response, dataSet, null);
      dispatcher.finished(this);
      association.operationFinished();
    });
  }

  /**
   * Sends a pending (or other intermediate) response, with a data set when {@code dataSet} is not
   * null (e.g. a C-FIND match), already encoded in the context's transfer syntax. Any thread,
   * before {@link #respond}. Completes when the bytes are written to the socket (normally) or
   * cannot be (exceptionally): callers wait on it before producing the next one, so no more than
   * one response sits in memory beyond the socket buffer.
   */
  public CompletableFuture<Void> respondPending(CommandSet response, byte[] dataSet) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    if (responded.get()) {
      written.completeExceptionally(new IllegalStateException("already responded to message " + messageId()));
      return written;
    }
    onEventLoop(() -> write(response, dataSet, written));
    return written;
  }

  public boolean responded() {
    return responded.get();
  }

  /**
   * Runs {@code listener} on the event loop when a C-CANCEL-RQ for this message arrives
   * (PS3.7 9.3.2.3) or the association ends before the final response; at once if that already
   * happened. Event loop only (call it from {@link DimseService#begin}).
   */
  public void onCancel(Runnable listener) {
    assert association.eventLoop().inEventLoop();
    if (cancelled) {
      listener.run();
    } else {
      cancelListener = listener;
    }
  }

  /** True once a C-CANCEL-RQ for this message arrived or the association ended. Any thread. */
  public boolean cancelled() {
    return cancelled;
  }

  /** Called by the dispatcher on the event loop. */
  void cancel() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    Runnable l = cancelListener;
    cancelListener = null;
    if (l != null) {
      l.run();
    }
  }

  /**
   * Sends a request of our own on this association while this operation runs, e.g. the C-STORE
   * sub-operations of a C-GET that go back to the requestor (PS3.4 C.4.3.3); see
   * {@link DimseDispatcher#invoke}. Any thread.
   */
  public CompletableFuture<DimseResponse> invoke(int contextId, CommandSet request, DataSetSource dataSet) {
    return dispatcher.invoke(contextId, request, dataSet);
  }

  private void onEventLoop(Runnable r) {
    if (association.eventLoop().inEventLoop()) {
      r.run();
    } else {
      association.eventLoop().execute(r);
    }
  }

  private void write(CommandSet response, byte[] dataSet, CompletableFuture<Void> written) {
    boolean open = association.channel().isActive() && association.state().acceptsData()
        || association.state() == org.huizhen.dicom.net.assoc.State.STA8;
    if (!open) {
      if (written != null) {
        written.completeExceptionally(new java.nio.channels.ClosedChannelException());
      }
      return;
    }
    CommandSet cmd = dataSet == null ? response : response.toBuilder()
        .setInt(CommandSet.COMMAND_DATA_SET_TYPE, CommandSet.DATA_SET_PRESENT).build();
    var last = association.writePdvs(context.id(), true, true,
        CommandSetCodec.encode(association.channel().alloc(), cmd));
    if (dataSet != null) {
      ByteBuf data = association.channel().alloc().ioBuffer(dataSet.length);
      data.writeBytes(dataSet);
      last = association.writePdvs(context.id(), false, true, data);
    }
    last.addListener(f -> {
      if (written == null) {
        if (!f.isSuccess()) {
          association.channel().pipeline().fireExceptionCaught(f.cause());
        }
      } else if (f.isSuccess()) {
        written.complete(null);
      } else {
        written.completeExceptionally(f.cause());
      }
    });
    association.channel().flush();
  }
}
