package org.huizhen.dicom.net.assoc;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.PromiseCombiner;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.huizhen.dicom.net.pdu.AAssociateAc;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.PDataTf;

/**
 * An established association as the DIMSE layer sees it: the negotiated presentation contexts,
 * the peer's maximum PDU length, and the calls to write P-DATA, release and abort.
 *
 * <p>Threading: immutable negotiation results may be read from any thread. The write methods
 * and {@link #operationStarted()}/{@link #operationFinished()} must be called on
 * {@link #eventLoop()}; {@link #release()} and {@link #abort()} may be called from any thread.
 */
public final class Association {
  /** Upper bound for one outgoing PDU when the peer announces "unlimited" or very large (bytes). */
  public static final int MAX_OUTGOING_PDU_LENGTH = 262_144;

  private final Channel channel;
  private final AssociationHandler handler;
  private final boolean requestor;
  private final AAssociateRq rq;
  private final AAssociateAc ac;
  private final Map<Integer, NegotiatedContext> contexts;
  private final AssociationContext context;
  private int inFlight;

  Association(Channel channel, AssociationHandler handler, boolean requestor, AAssociateRq rq,
      AAssociateAc ac, List<NegotiatedContext> contexts, AssociationContext context) {
    this.channel = channel;
    this.handler = handler;
    this.requestor = requestor;
    this.rq = rq;
    this.ac = ac;
    this.contexts = contexts.stream().collect(
        java.util.stream.Collectors.toUnmodifiableMap(NegotiatedContext::id, c -> c));
    this.context = context;
  }

  public Channel channel() {
    return channel;
  }

  public EventLoop eventLoop() {
    return channel.eventLoop();
  }

  /** True if we requested the association (SCU side). */
  public boolean isRequestor() {
    return requestor;
  }

  public AAssociateRq request() {
    return rq;
  }

  public AAssociateAc acceptance() {
    return ac;
  }

  public AssociationContext context() {
    return context;
  }

  /** The accepted presentation context with this id. */
  public Optional<NegotiatedContext> presentationContext(int id) {
    return Optional.ofNullable(contexts.get(id));
  }

  /** All accepted presentation contexts, by id. */
  public Map<Integer, NegotiatedContext> presentationContexts() {
    return contexts;
  }

  /** Maximum length of a P-DATA-TF variable field the peer accepts; 0 = unlimited (PS3.8 D.1). */
  public long peerMaxPduLength() {
    return requestor ? ac.userInformation().maxPduLength() : rq.userInformation().maxPduLength();
  }

  /** Largest PDV data length we send in one PDU: the peer's limit minus the PDV item header. */
  public int maxFragmentLength() {
    long peer = peerMaxPduLength();
    long pdu = peer == 0 ? MAX_OUTGOING_PDU_LENGTH : Math.min(peer, MAX_OUTGOING_PDU_LENGTH);
    return (int) pdu - 6;
  }

  public State state() {
    return handler.state();
  }

  /**
   * Writes {@code data} as PDVs on context {@code contextId}, fragmented to the peer's maximum PDU
   * length, without flushing. Ownership: takes ownership of {@code data}. Event loop only.
   *
   * @param command true for a command, false for a data set
   * @param last whether the final fragment carries the "last" bit
   * @return completes when every fragment is written
   */
  public ChannelFuture writePdvs(int contextId, boolean command, boolean last, ByteBuf data) {
    assert eventLoop().inEventLoop();
    int max = maxFragmentLength();
    if (data.readableBytes() <= max) {
      return channel.write(PDataTf.of(contextId, command, last, data));
    }
    ChannelPromise all = channel.newPromise();
    PromiseCombiner combiner = new PromiseCombiner(eventLoop());
    try {
      while (data.readableBytes() > max) {
        combiner.add(channel.write(PDataTf.of(contextId, command, false, data.readRetainedSlice(max))));
      }
      combiner.add(channel.write(PDataTf.of(contextId, command, last, data.readRetainedSlice(data.readableBytes()))));
    } finally {
      data.release();
    }
    combiner.finish(all);
    return all;
  }

  /** Marks a DIMSE operation as in flight: a release waits until none is. Event loop only. */
  public void operationStarted() {
    assert eventLoop().inEventLoop();
    inFlight++;
  }

  /** Marks an operation as finished (its response sent or received). Event loop only. */
  public void operationFinished() {
    assert eventLoop().inEventLoop();
    if (inFlight > 0 && --inFlight == 0) {
      handler.onIdle();
    }
  }

  public int operationsInFlight() {
    return inFlight;
  }

  /**
   * Releases the association once no operation is in flight (PS3.8 7.2): A-RELEASE-RQ, then
   * waits for A-RELEASE-RP and the connection close. Completes normally when the connection is
   * closed after an orderly release, exceptionally if it was aborted instead. Any thread.
   */
  public CompletableFuture<Void> release() {
    return handler.requestRelease();
  }

  /** Sends an A-ABORT (source service-user) and closes the connection. Any thread. */
  public void abort() {
    handler.requestAbort();
  }

  /**
   * Aborts as service-provider with a PS3.8 Table 9-26 reason, for protocol errors the DIMSE
   * layer finds (e.g. a PDV on a presentation context that was not accepted). Any thread.
   */
  public void abortProtocolError(int reason, String message) {
    handler.requestProviderAbort(reason, message);
  }

  /** Completes when the connection is closed, whatever the reason. */
  public CompletableFuture<Void> closeFuture() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    channel.closeFuture().addListener(x -> f.complete(null));
    return f;
  }

  @Override
  public String toString() {
    return context.callingAe() + "->" + context.calledAe() + "@" + context.remote();
  }
}
