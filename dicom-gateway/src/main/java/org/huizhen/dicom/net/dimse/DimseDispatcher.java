package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.huizhen.dicom.net.assoc.Association;
import org.huizhen.dicom.net.assoc.AssociationAbortedException;
import org.huizhen.dicom.net.assoc.AssociationEvent;
import org.huizhen.dicom.net.assoc.NegotiatedContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DIMSE layer of one association (PS3.7 7-9): routes incoming request commands to the
 * {@link DimseService} registered for their command field and the data-set fragments that
 * follow to the operation that service started; matches incoming responses to the requests we
 * sent ({@link #invoke}); streams outgoing data sets with backpressure (writes while the channel
 * is writable, resumes on {@code channelWritabilityChanged}, one flush per batch).
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Operations are served one at a time per association, as the asynchronous operations
 * window 1/1 we negotiate requires (PS3.7 D.3.3.3). A C-CANCEL-RQ (PS3.7 9.3.2.3) reaches the
 * operation whose Message ID it names through {@link DimseExchange#onCancel}; the end of the
 * association cancels every operation that has not answered yet. Pending responses and the
 * data sets of responses (C-FIND matches, C-MOVE/C-GET failure lists) go to the
 * {@link ResponseListener} of the request; a response data set is held in memory up to
 * {@link #MAX_RESPONSE_DATA_SET_LENGTH} bytes, beyond that the association is aborted.
 *
 * <p>Ownership: releases every {@link DataFragment} it receives unless it hands the content to
 * an operation (which then owns it).
 *
 * <p>Threading: one instance per channel, event loop only; {@link #invoke} hops onto it.
 */
public final class DimseDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(DimseDispatcher.class);

  /** Largest data set of a response we accept (bytes): identifiers are small. */
  public static final int MAX_RESPONSE_DATA_SET_LENGTH = 16 * 1024 * 1024;

  /**
   * Receives the responses to one request we {@link #invoke}d, on the event loop: each response
   * (pending ones and the final one, which also completes the request's future afterwards) with
   * its data set bytes if it had one, in the presentation context's transfer syntax.
   */
  public interface ResponseListener {
    /** The Message ID the request was given, right before it is sent. */
    default void sent(int messageId) {
    }

    void response(DimseResponse response, byte[] dataSet);
  }

  private final Map<Integer, DimseService> services;
  private final Map<Integer, DimseExchange> active = new HashMap<>();
  private final Map<Integer, ResponseListener> listeners = new HashMap<>();
  private ResponseData responseData;
  private final Map<Integer, java.util.concurrent.ScheduledFuture<?>> timers = new HashMap<>();
  private final long responseTimeoutMillis;
  private final Map<Integer, CompletableFuture<DimseResponse>> pending = new HashMap<>();
  private Association association;
  private DimseOperation current;
  private OutboundDataSet outbound;
  private int nextMessageId = 1;
  private boolean ended;

  /** @param services by request command field; may be empty (a pure SCU) */
  public DimseDispatcher(Map<Integer, DimseService> services) {
    this(services, java.time.Duration.ZERO);
  }

  /**
   * @param services by request command field; may be empty (a pure SCU)
   * @param responseTimeout how long a request we {@link #invoke} may wait for its final response
   *     once its data set is sent; on expiry the request fails with a {@link
   *     java.util.concurrent.TimeoutException} and the association is aborted, since its message
   *     state is unknown. Zero = no limit.
   */
  public DimseDispatcher(Map<Integer, DimseService> services, java.time.Duration responseTimeout) {
    this.services = Map.copyOf(services);
    this.responseTimeoutMillis = responseTimeout.toMillis();
  }

  /**
   * (Re)starts the response timer of a request: each pending response of a C-FIND/MOVE/GET
   * restarts it, so the limit applies to the silence between responses, not to the whole search.
   */
  private void startResponseTimer(int messageId, CompletableFuture<DimseResponse> result) {
    if (responseTimeoutMillis <= 0) {
      return;
    }
    var previous = timers.remove(messageId);
    if (previous != null) {
      previous.cancel(false);
    }
    var timer = association.eventLoop().schedule(() -> {
      if (pending.remove(messageId, result)) {
        result.completeExceptionally(new java.util.concurrent.TimeoutException(
            "no response to message " + messageId + " within " + responseTimeoutMillis + " ms"));
        association.abort();
      }
    }, responseTimeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    timers.put(messageId, timer);
    result.whenComplete((r, e) -> {
      timer.cancel(false);
      timers.remove(messageId, timer);
    });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    switch (evt) {
      case AssociationEvent.Established e -> association = e.association();
      case AssociationEvent.Ended e -> onEnded(e.cause().orElseGet(
          () -> new AssociationAbortedException("association released", -1, 0)));
      default -> ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (msg) {
      case DimseCommand c -> onCommand(c);
      case DataFragment f -> onData(f);
      default -> {
        LOG.debug("{}: dropped {}", ctx.channel(), msg);
        ReferenceCountUtil.release(msg);
      }
    }
  }

  private void onCommand(DimseCommand c) {
    CommandSet cmd = c.command();
    Optional<NegotiatedContext> pc = association == null ? Optional.empty()
        : association.presentationContext(c.contextId());
    if (pc.isEmpty()) {
      LOG.info("{}: command on presentation context {} that was not accepted", association, c.contextId());
      if (association != null) {
        association.abortProtocolError(org.huizhen.dicom.net.pdu.AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
            "presentation context " + c.contextId() + " not accepted");
      }
      return;
    }
    if (!cmd.isRequest()) {
      onResponse(cmd);
      return;
    }
    responseData = null;
    if (cmd.commandField() == CommandSet.C_CANCEL_RQ) {
      // PS3.7 9.3.2.3: names the operation in Message ID Being Responded To; no response of its own
      current = null;
      DimseExchange target = active.get(cmd.getInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO).orElse(-1));
      if (target != null) {
        target.cancel();
      } else {
        LOG.debug("{}: C-CANCEL-RQ for no running operation: {}", association, cmd);
      }
      return;
    }
    DimseExchange exchange = new DimseExchange(association, pc.get(), cmd, this);
    association.operationStarted();
    active.put(exchange.messageId(), exchange);
    DimseService service = services.get(cmd.commandField());
    DimseOperation op;
    if (service == null) {
      op = respondAfterData(exchange, Status.UNRECOGNIZED_OPERATION,
          String.format("command field 0x%04X not supported", cmd.commandField()));
    } else {
      try {
        op = service.begin(exchange);
      } catch (RuntimeException e) {
        LOG.warn("{}: service for 0x{} failed", association, Integer.toHexString(cmd.commandField()), e);
        op = respondAfterData(exchange, Status.PROCESSING_FAILURE, String.valueOf(e.getMessage()));
      }
    }
    current = cmd.hasDataSet() ? op : null;
  }

  /** An operation that drops the data set and then answers with {@code status}. */
  private static DimseOperation respondAfterData(DimseExchange exchange, Status status, String comment) {
    Runnable respond = () -> exchange.respond(exchange.response(status)
        .setString(CommandSet.ERROR_COMMENT, truncate(comment)).build());
    if (!exchange.command().hasDataSet()) {
      respond.run();
      return DimseOperation.NONE;
    }
    return new DimseOperation() {
      @Override
      public void data(ByteBuf fragment, boolean last) {
        fragment.release();
        if (last) {
          respond.run();
        }
      }

      @Override
      public void abort(Throwable cause) {
      }
    };
  }

  /** LO values hold at most 64 characters (PS3.5 6.2). */
  static String truncate(String comment) {
    return comment.length() <= 64 ? comment : comment.substring(0, 64);
  }

  /** The exchange answered finally: it can no longer be cancelled. Event loop. */
  void finished(DimseExchange exchange) {
    active.remove(exchange.messageId(), exchange);
  }

  private void onData(DataFragment f) {
    if (current == null && responseData != null) {
      onResponseData(f);
      return;
    }
    DimseOperation op = current;
    if (f.last()) {
      current = null;
    }
    if (op == null) {
      f.release();
      return;
    }
    ByteBuf content = f.content();
    try {
      op.data(content, f.last());
    } catch (RuntimeException e) {
      LOG.warn("{}: operation failed on data", association, e);
      association.abort();
    }
  }

  private void onResponse(CommandSet cmd) {
    current = null;
    if (cmd.hasDataSet()) {
      responseData = new ResponseData(cmd);
      return;
    }
    deliverResponse(cmd, null);
  }

  private void onResponseData(DataFragment f) {
    ResponseData r = responseData;
    try {
      ByteBuf content = f.content();
      if (r.bytes.size() + (long) content.readableBytes() > MAX_RESPONSE_DATA_SET_LENGTH) {
        responseData = null;
        association.abortProtocolError(org.huizhen.dicom.net.pdu.AAbort.REASON_INVALID_PDU_PARAMETER_VALUE,
            "response data set longer than " + MAX_RESPONSE_DATA_SET_LENGTH + " bytes");
        return;
      }
      content.readBytes(r.bytes, content.readableBytes());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    } finally {
      f.release();
    }
    if (f.last()) {
      responseData = null;
      deliverResponse(r.command, r.bytes.toByteArray());
    }
  }

  private void deliverResponse(CommandSet cmd, byte[] dataSet) {
    int id = cmd.getInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO).orElse(-1);
    Status status = Status.of(cmd.getInt(CommandSet.STATUS).orElse(0xC000));
    ResponseListener listener = listeners.get(id);
    if (listener != null && pending.containsKey(id)) {
      try {
        listener.response(DimseResponse.of(cmd), dataSet);
      } catch (RuntimeException e) {
        LOG.warn("{}: response listener failed", association, e);
      }
    }
    if (status.category() == Status.Category.PENDING) {
      CompletableFuture<DimseResponse> waiting = pending.get(id);
      if (waiting != null && timers.containsKey(id)) {
        startResponseTimer(id, waiting);
      }
      return;
    }
    listeners.remove(id);
    CompletableFuture<DimseResponse> f = pending.remove(id);
    if (f == null) {
      LOG.info("{}: response to unknown message id {}", association, id);
      return;
    }
    association.operationFinished();
    f.complete(DimseResponse.of(cmd));
  }

  /**
   * Sends a request and streams its data set. The Message ID (0000,0110) is assigned here.
   * Completes with the final response; fails if the association ends first. Any thread.
   *
   * @param command the request without message id
   * @param dataSet the data set to send, or null; this method closes it when done
   */
  public CompletableFuture<DimseResponse> invoke(int contextId, CommandSet command, DataSetSource dataSet) {
    return invoke(contextId, command, dataSet, null);
  }

  /**
   * As {@link #invoke(int, CommandSet, DataSetSource)}, and every response (pending and final)
   * with its data set also goes to {@code listener} (may be null), on the event loop.
   */
  public CompletableFuture<DimseResponse> invoke(int contextId, CommandSet command, DataSetSource dataSet,
      ResponseListener listener) {
    CompletableFuture<DimseResponse> result = new CompletableFuture<>();
    if (association == null) {
      result.completeExceptionally(new IllegalStateException("association not established"));
      closeQuietly(dataSet);
      return result;
    }
    association.eventLoop().execute(() -> {
      if (ended || !association.state().acceptsData()) {
        closeQuietly(dataSet);
        result.completeExceptionally(new AssociationAbortedException("association not open", -1, 0));
        return;
      }
      if (outbound != null) {
        closeQuietly(dataSet);
        result.completeExceptionally(new IllegalStateException("a data set is still being sent"));
        return;
      }
      int id = nextMessageId;
      nextMessageId = nextMessageId == 0xFFFF ? 1 : nextMessageId + 1;
      CommandSet cmd = command.toBuilder().setInt(CommandSet.MESSAGE_ID, id)
          .setInt(CommandSet.COMMAND_DATA_SET_TYPE,
              dataSet == null ? CommandSet.NO_DATA_SET : CommandSet.DATA_SET_PRESENT)
          .build();
      pending.put(id, result);
      if (listener != null) {
        listeners.put(id, listener);
        listener.sent(id);
      }
      association.operationStarted();
      association.writePdvs(contextId, true, true,
          CommandSetCodec.encode(association.channel().alloc(), cmd));
      if (dataSet == null) {
        association.channel().flush();
        startResponseTimer(id, result);
      } else {
        outbound = new OutboundDataSet(contextId, dataSet, result);
        pump();
      }
    });
    return result;
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (outbound != null && ctx.channel().isWritable()) {
      pump();
    }
    ctx.fireChannelWritabilityChanged();
  }

  /** Writes data-set PDUs while the channel is writable, then flushes once. */
  private void pump() {
    OutboundDataSet o = outbound;
    var channel = association.channel();
    int max = association.maxFragmentLength();
    try {
      while (o.remaining > 0 && channel.isWritable()) {
        int n = (int) Math.min(max, o.remaining);
        ByteBuf buf = channel.alloc().ioBuffer(n);
        try {
          o.source.read(buf, n);
        } catch (IOException | RuntimeException e) {
          buf.release();
          throw e;
        }
        o.remaining -= n;
        association.writePdvs(o.contextId, false, o.remaining == 0, buf);
      }
      if (o.source.length() == 0) { // an empty data set is still one (empty) last fragment
        association.writePdvs(o.contextId, false, true, channel.alloc().ioBuffer(0));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: reading the data set failed", association, e);
      outbound = null;
      closeQuietly(o.source);
      o.result.completeExceptionally(e);
      association.abort(); // the message cannot be completed; PS3.8 offers no other way out
      return;
    }
    channel.flush();
    if (o.remaining == 0) {
      outbound = null;
      closeQuietly(o.source);
      pending.entrySet().stream().filter(e -> e.getValue() == o.result).findFirst()
          .ifPresent(e -> startResponseTimer(e.getKey(), o.result));
    }
  }

  private void onEnded(Throwable cause) {
    if (ended) {
      return;
    }
    ended = true;
    LOG.debug("{}: ended ({}), operation in flight: {}, requests pending: {}", association,
        cause.toString(), current != null, pending.size());
    if (current != null) {
      DimseOperation op = current;
      current = null;
      op.abort(cause);
    }
    if (outbound != null) {
      closeQuietly(outbound.source);
      outbound = null;
    }
    pending.values().forEach(f -> f.completeExceptionally(cause));
    pending.clear();
    listeners.clear();
    responseData = null;
    var running = java.util.List.copyOf(active.values());
    active.clear();
    running.forEach(DimseExchange::cancel);
  }

  /**
   * Sends a C-CANCEL-RQ (PS3.7 9.3.2.3, 9.3.3.3, 9.3.4.3) for our request {@code messageId} on
   * {@code contextId}; the peer then ends that operation with a Cancel (0xFE00) status. Does
   * nothing if the request has already had its final response. Any thread.
   */
  public void cancel(int contextId, int messageId) {
    if (association == null) {
      return;
    }
    association.eventLoop().execute(() -> {
      if (ended || !pending.containsKey(messageId) || !association.state().acceptsData()) {
        return;
      }
      CommandSet cmd = CommandSet.builder()
          .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_CANCEL_RQ)
          .setInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO, messageId)
          .setInt(CommandSet.COMMAND_DATA_SET_TYPE, CommandSet.NO_DATA_SET).build();
      association.writePdvs(contextId, true, true, CommandSetCodec.encode(association.channel().alloc(), cmd));
      association.channel().flush();
    });
  }

  /** A failure in a service or sink is not the peer's fault, but the message cannot go on: abort. */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.warn("{}: DIMSE layer failed, aborting", association != null ? association : ctx.channel(), cause);
    if (association != null) {
      association.abort();
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    onEnded(new AssociationAbortedException("connection closed", -1, 0));
    ctx.fireChannelInactive();
  }

  private static void closeQuietly(DataSetSource s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      LOG.debug("closing data set source", e);
    }
  }

  /** The data set of a response being received; small by nature (identifiers). */
  private static final class ResponseData {
    final CommandSet command;
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    ResponseData(CommandSet command) {
      this.command = command;
    }
  }

  private static final class OutboundDataSet {
    final int contextId;
    final DataSetSource source;
    final CompletableFuture<DimseResponse> result;
    long remaining;

    OutboundDataSet(int contextId, DataSetSource source, CompletableFuture<DimseResponse> result) {
      this.contextId = contextId;
      this.source = source;
      this.result = result;
      this.remaining = source.length();
    }
  }
}
