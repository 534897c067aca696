package org.huizhen.dicom.net.assoc;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.net.dimse.DataFragment;
import org.huizhen.dicom.net.dimse.DimseCommand;
import org.huizhen.dicom.net.dimse.DimseProtocolError;
import org.huizhen.dicom.net.pdu.AAbort;
import org.huizhen.dicom.net.pdu.AAssociateAc;
import org.huizhen.dicom.net.pdu.AAssociateRj;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.AReleaseRp;
import org.huizhen.dicom.net.pdu.AReleaseRq;
import org.huizhen.dicom.net.pdu.PDataTf;
import org.huizhen.dicom.net.pdu.Pdu;
import org.huizhen.dicom.net.pdu.PduDecodeFailure;
import org.huizhen.dicom.net.pdu.PresentationContextAc;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DICOM upper-layer protocol machine for one connection (PS3.8 9.2): association
 * establishment, release (including release collisions, PS3.8 9.2.3), abort, and the ARTIM timer
 * (PS3.8 9.1.5). One class serves both roles: as acceptor it answers an A-ASSOCIATE-RQ through a
 * {@link Negotiator}; as requestor it sends the A-ASSOCIATE-RQ it was given when the connection
 * opens. DIMSE traffic ({@link DimseCommand}, {@link DataFragment}) passes through to the next
 * handler only in the states that allow P-DATA.
 *
 * <pre>
 * [SslHandler] -> PduDecoder -> PduEncoder -> PDataAssembler -> AssociationHandler -> DimseDispatcher
 * </pre>
 *
 * <p>Bad input ({@link PduDecodeFailure}, {@link DimseProtocolError}, a PDU not allowed in the
 * current state) is answered with an A-ABORT (source 2 and the PS3.8 Table 9-26 reason), then
 * the machine waits in STA13 for the peer to close, at most the ARTIM timeout.
 *
 * <p>Limits: {@code artimTimeout} (waiting for the A-ASSOCIATE-RQ after connect, for the close
 * after a reject/release/abort, and for the A-RELEASE-RP after a local release request).
 *
 * <p>Threading: every state change happens on the channel's event loop; calls from other threads
 * ({@link #requestRelease()}, {@link #requestAbort()}) hop onto it. No locks.
 */
public final class AssociationHandler extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(AssociationHandler.class);

  private final Negotiator negotiator; // acceptor only
  private final AAssociateRq request; // requestor only
  private final long artimMillis;
  private final CompletableFuture<Association> established = new CompletableFuture<>();
  private final CompletableFuture<Void> released = new CompletableFuture<>();

  private ChannelHandlerContext ctx;
  private State state = State.STA1;
  private Association association;
  private ScheduledFuture<?> artim;
  private boolean releaseWhenIdle;
  private boolean releaseResponseWhenIdle;
  private boolean ended;
  private Throwable endCause;

  private AssociationHandler(Negotiator negotiator, AAssociateRq request, Duration artimTimeout) {
    this.negotiator = negotiator;
    this.request = request;
    this.artimMillis = artimTimeout.toMillis();
  }

  /** The acceptor (SCP) side. */
  public static AssociationHandler acceptor(AcceptorSettings settings, Duration artimTimeout) {
    return new AssociationHandler(new Negotiator(settings), null, artimTimeout);
  }

  /** The requestor (SCU) side: sends {@code rq} once the connection is open. */
  public static AssociationHandler requestor(AAssociateRq rq, Duration artimTimeout) {
    return new AssociationHandler(null, rq, artimTimeout);
  }

  /**
   * Completes with the association when STA6 is reached; fails with
   * {@link AssociateRejectedException} on an A-ASSOCIATE-RJ, or with
   * {@link AssociationAbortedException} if the connection ends first.
   */
  public CompletableFuture<Association> established() {
    return established;
  }

  public State state() {
    return state;
  }

  private void moveTo(State to) {
    assert ctx == null || ctx.executor().inEventLoop();
    assert state.canMoveTo(to) : "illegal transition " + state + " -> " + to;
    LOG.trace("{} {} -> {}", ctx == null ? "" : ctx.channel(), state, to);
    state = to;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (request == null) {
      moveTo(State.STA2); // AE-5: connection accepted, start ARTIM
      startArtim();
    } else {
      moveTo(State.STA4);
      moveTo(State.STA5); // AE-2: send A-ASSOCIATE-RQ
      ctx.writeAndFlush(request).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
      startArtim();
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (msg) {
      case DimseCommand c -> onDimse(msg);
      case DataFragment f -> onDimse(msg);
      case PDataTf p -> onDimse(msg); // only if no assembler is installed
      case DimseProtocolError e -> {
        LOG.debug("{}: DIMSE protocol error: {}", ctx.channel(), e.message());
        abortWithReason(e.abortReason(), e.message());
      }
      case PduDecodeFailure f -> {
        LOG.debug("{}: bad PDU: {}", ctx.channel(), f.message());
        abortWithReason(f.abortReason(), f.message());
      }
      case AAbort a -> onAbortReceived(a);
      case AAssociateRq rq -> onAssociateRq(rq);
      case AAssociateAc ac -> onAssociateAc(ac);
      case AAssociateRj rj -> onAssociateRj(rj);
      case AReleaseRq r -> onReleaseRq();
      case AReleaseRp r -> onReleaseRp();
      default -> {
        ReferenceCountUtil.release(msg);
        abortWithReason(AAbort.REASON_UNRECOGNIZED_PDU, "unexpected message " + msg.getClass());
      }
    }
  }

  private void onDimse(Object msg) {
    if (state.acceptsData()) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    if (state != State.STA13) { // AA-6 / AA-7 in STA13: ignore
      abortWithReason(AAbort.REASON_UNEXPECTED_PDU, "P-DATA in " + state);
    }
  }

  private void onAssociateRq(AAssociateRq rq) {
    if (state != State.STA2 || negotiator == null) {
      unexpected("A-ASSOCIATE-RQ");
      return;
    }
    stopArtim();
    moveTo(State.STA3); // AE-6: valid RQ, issue indication
    Negotiator.Outcome outcome;
    try {
      outcome = negotiator.negotiate(rq, remote());
    } catch (RuntimeException e) {
      LOG.warn("{}: association policy failed", ctx.channel(), e);
      outcome = new Negotiator.Rejected(new AAssociateRj(2, 1, 1));
    }
    switch (outcome) {
      case Negotiator.Accepted a -> {
        AssociationContext context = new AssociationContext(rq.callingAe(), rq.calledAe(),
            remote(), a.attachment(), isTls());
        association = new Association(ctx.channel(), this, false, rq, a.ac(), a.contexts(), context);
        moveTo(State.STA6); // AE-7: send A-ASSOCIATE-AC
        ctx.writeAndFlush(a.ac());
        LOG.debug("{}: accepted {} contexts of {}", ctx.channel(), a.contexts().size(),
            rq.presentationContexts().size());
        fireEstablished();
      }
      case Negotiator.Rejected r -> {
        moveTo(State.STA13); // AE-8: send A-ASSOCIATE-RJ, start ARTIM
        LOG.debug("{}: rejected {} -> {}: {}", ctx.channel(), rq.callingAe(), rq.calledAe(), r.rj());
        endCause = new AssociateRejectedException(r.rj().result(), r.rj().source(), r.rj().reason());
        ctx.writeAndFlush(r.rj());
        startArtim();
      }
    }
  }

  private void onAssociateAc(AAssociateAc ac) {
    if (state != State.STA5 || request == null) {
      unexpected("A-ASSOCIATE-AC");
      return;
    }
    stopArtim();
    List<NegotiatedContext> contexts = new ArrayList<>();
    for (PresentationContextAc pc : ac.presentationContexts()) {
      if (!pc.accepted()) {
        continue;
      }
      request.presentationContexts().stream().filter(p -> p.id() == pc.id()).findFirst()
          .map(PresentationContextRq::abstractSyntax)
          .ifPresent(as -> contexts.add(new NegotiatedContext(pc.id(), as, pc.transferSyntax())));
    }
    AssociationContext context = new AssociationContext(request.callingAe(), request.calledAe(),
        remote(), null, isTls());
    association = new Association(ctx.channel(), this, true, request, ac, contexts, context);
    moveTo(State.STA6); // AE-3
    fireEstablished();
  }

  private void onAssociateRj(AAssociateRj rj) {
    if (state != State.STA5) {
      unexpected("A-ASSOCIATE-RJ");
      return;
    }
    stopArtim();
    moveTo(State.STA1); // AE-4: close transport
    endCause = new AssociateRejectedException(rj.result(), rj.source(), rj.reason());
    ctx.close();
  }

  private void onReleaseRq() {
    switch (state) {
      case STA6 -> {
        moveTo(State.STA8); // AR-2: release indication; respond when our operations are done
        if (association.operationsInFlight() == 0) {
          sendReleaseRp();
        } else {
          releaseResponseWhenIdle = true;
        }
      }
      case STA7 -> { // AR-8: release collision
        if (association.isRequestor()) {
          moveTo(State.STA9);
          moveTo(State.STA11); // AR-9: send A-RELEASE-RP
          ctx.writeAndFlush(AReleaseRp.INSTANCE);
        } else {
          moveTo(State.STA10); // wait for the requestor's A-RELEASE-RP
        }
      }
      case STA13 -> { }
      default -> unexpected("A-RELEASE-RQ");
    }
  }

  private void onReleaseRp() {
    switch (state) {
      case STA7, STA11 -> { // AR-3: close transport
        stopArtim();
        moveTo(State.STA1);
        ctx.close();
      }
      case STA10 -> { // AR-10, then AR-4: send A-RELEASE-RP and wait for close
        moveTo(State.STA12);
        moveTo(State.STA13);
        ctx.writeAndFlush(AReleaseRp.INSTANCE);
        startArtim();
      }
      case STA13 -> { }
      default -> unexpected("A-RELEASE-RP");
    }
  }

  private void sendReleaseRp() {
    releaseResponseWhenIdle = false;
    moveTo(State.STA13); // AR-4: send A-RELEASE-RP, start ARTIM
    ctx.writeAndFlush(AReleaseRp.INSTANCE);
    startArtim();
  }

  private void onAbortReceived(AAbort a) {
    stopArtim();
    if (state != State.STA13 && endCause == null) {
      endCause = new AssociationAbortedException("A-ABORT received", a.source(), a.reason());
    }
    if (state != State.STA1) {
      moveTo(State.STA1); // AA-3 / AA-2: close transport
    }
    ctx.close();
  }

  private void unexpected(String what) {
    if (state == State.STA13) {
      return; // AA-7: ignore
    }
    abortWithReason(AAbort.REASON_UNEXPECTED_PDU, what + " in " + state);
  }

  /** AA-1 / AA-8: send A-ABORT (service-provider, reason), go to STA13 and start ARTIM. */
  private void abortWithReason(int reason, String message) {
    if (state == State.STA13 || state == State.STA1) {
      return;
    }
    if (endCause == null) {
      endCause = new AssociationAbortedException("protocol error: " + message,
          AAbort.SOURCE_SERVICE_PROVIDER, reason);
    }
    moveTo(State.STA13);
    ctx.writeAndFlush(AAbort.provider(reason));
    fireEnded(); // the DIMSE layer stops now, before the transport closes
    startArtim();
  }

  /** Called by {@link Association} when its last in-flight operation finished. Event loop. */
  void onIdle() {
    if (releaseResponseWhenIdle && state == State.STA8) {
      sendReleaseRp();
    } else if (releaseWhenIdle && state == State.STA6) {
      sendReleaseRq();
    }
  }

  CompletableFuture<Void> requestRelease() {
    ctx.executor().execute(() -> {
      if (state == State.STA6) {
        if (association.operationsInFlight() == 0) {
          sendReleaseRq();
        } else {
          releaseWhenIdle = true;
        }
      } else if (state == State.STA1) {
        released.complete(null);
      } else if (!ctx.channel().isActive()) {
        released.complete(null);
      }
    });
    return released;
  }

  private void sendReleaseRq() {
    releaseWhenIdle = false;
    moveTo(State.STA7); // AR-1: send A-RELEASE-RQ
    ctx.writeAndFlush(AReleaseRq.INSTANCE);
    startArtim(); // not in PS3.8, but a peer that never answers must not hold us forever
  }

  void requestProviderAbort(int reason, String message) {
    ctx.executor().execute(() -> abortWithReason(reason, message));
  }

  void requestAbort() {
    ctx.executor().execute(() -> {
      if (state == State.STA1 || state == State.STA13) {
        ctx.close();
        return;
      }
      if (endCause == null) {
        endCause = new AssociationAbortedException("aborted locally", AAbort.SOURCE_SERVICE_USER, 0);
      }
      moveTo(State.STA13); // AA-1 (user-initiated A-ABORT request)
      fireEnded();
      ctx.writeAndFlush(AAbort.user()).addListener(ChannelFutureListener.CLOSE);
    });
  }

  /** The peer's address; null on transports without one (e.g. an embedded test channel). */
  private InetSocketAddress remote() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
  }

  private boolean isTls() {
    return ctx.pipeline().get(SslHandler.class) != null;
  }

  private void startArtim() {
    stopArtim();
    artim = ctx.executor().schedule(() -> {
      artim = null;
      LOG.debug("{}: ARTIM expired in {}", ctx.channel(), state);
      if (endCause == null) {
        endCause = new AssociationAbortedException("ARTIM timer expired in " + state, -1, 0);
      }
      if (state == State.STA5 || state == State.STA7) {
        // the peer did not answer our A-ASSOCIATE-RQ / A-RELEASE-RQ in time: abort, then close
        ctx.writeAndFlush(AAbort.user());
        moveTo(State.STA13);
        fireEnded();
      }
      // STA2 (no A-ASSOCIATE-RQ after connect) and STA13: AA-2, just close (PS3.8 9.1.5)
      if (state != State.STA1) {
        moveTo(State.STA1); // AA-2: close transport
      }
      ctx.close();
    }, artimMillis, TimeUnit.MILLISECONDS);
  }

  private void stopArtim() {
    if (artim != null) {
      artim.cancel(false);
      artim = null;
    }
  }

  private void fireEstablished() {
    org.huizhen.dicom.net.dimse.PDataAssembler assembler =
        ctx.pipeline().get(org.huizhen.dicom.net.dimse.PDataAssembler.class);
    if (assembler != null) {
      assembler.enable();
    }
    ctx.fireUserEventTriggered(new AssociationEvent.Established(association));
    established.complete(association);
  }

  private void fireEnded() {
    if (!ended && association != null) {
      ended = true;
      ctx.fireUserEventTriggered(new AssociationEvent.Ended(endCause == null, Optional.ofNullable(endCause)));
    }
  }

  /**
   * A reader-idle event (from an {@code IdleStateHandler} before the decoder): an established
   * association that receives nothing while no operation is in flight is aborted. With an
   * operation in flight the silence may be our own flow control (auto-read off), so it is kept.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
      if (state == State.STA6 && association.operationsInFlight() == 0) {
        LOG.info("{}: idle, aborting", association);
        abortWithReason(AAbort.REASON_NOT_SPECIFIED, "idle timeout");
      } else if (state == State.STA2) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopArtim();
    boolean orderly = state == State.STA1 && endCause == null
        || state == State.STA13 && endCause == null;
    if (!orderly && endCause == null) {
      endCause = new AssociationAbortedException("connection closed in " + state, -1, 0);
    }
    if (state != State.STA1) {
      moveTo(State.STA1);
    }
    fireEnded();
    Throwable cause = endCause;
    established.completeExceptionally(cause != null ? cause
        : new AssociationAbortedException("connection closed before association", -1, 0));
    if (cause == null) {
      released.complete(null);
    } else {
      released.completeExceptionally(cause);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("{}: transport error in {}: {}", ctx.channel(), state, cause.toString());
    if (endCause == null) {
      endCause = cause;
    }
    ctx.close();
  }
}
