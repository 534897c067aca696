package org.huizhen.dicom.net.assoc;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.CommandSetCodec;
import org.huizhen.dicom.net.dimse.DimseDispatcher;
import org.huizhen.dicom.net.dimse.PDataAssembler;
import org.huizhen.dicom.net.pdu.AAbort;
import org.huizhen.dicom.net.pdu.AAssociateAc;
import org.huizhen.dicom.net.pdu.AAssociateRj;
import org.huizhen.dicom.net.pdu.AAssociateRq;
import org.huizhen.dicom.net.pdu.AReleaseRp;
import org.huizhen.dicom.net.pdu.AReleaseRq;
import org.huizhen.dicom.net.pdu.ExtendedNegotiation;
import org.huizhen.dicom.net.pdu.PDataTf;
import org.huizhen.dicom.net.pdu.Pdu;
import org.huizhen.dicom.net.pdu.PduDecoder;
import org.huizhen.dicom.net.pdu.PduEncoder;
import org.huizhen.dicom.net.pdu.PduLimits;
import org.huizhen.dicom.net.pdu.PresentationContextAc;
import org.huizhen.dicom.net.pdu.PresentationContextRq;
import org.huizhen.dicom.net.pdu.RoleSelection;
import org.huizhen.dicom.net.pdu.SamplePdus;
import org.huizhen.dicom.net.pdu.UserIdentity;
import org.huizhen.dicom.net.pdu.UserInformation;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.net.service.StoreSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol machine of PS3.8 9.2 on an {@link EmbeddedChannel} with the whole pipeline:
 * negotiation answers, rejections (Table 9-21), release and release collisions (9.2.3), aborts
 * (Table 9-26), the ARTIM timer, and random mutations of a valid exchange.
 */
class AssociationHandlerTest {
  private static final String CT = SamplePdus.CT;
  private static final String EXPLICIT_LE = SamplePdus.EXPLICIT_LE;
  private static final String IMPLICIT_LE = SamplePdus.IMPLICIT_LE;
  private static final String JPEG2000 = "1.2.840.10008.1.2.4.91";
  private static final long ARTIM_MS = 1000;

  private static AcceptorSettings settings(AssociationPolicy policy) {
    return new AcceptorSettings("HUB", true, uid -> uid.startsWith("1.2.840.10008."),
        List.of(IMPLICIT_LE, EXPLICIT_LE), policy,
        (rq, proposed) -> proposed, // extended negotiation echoed back: passed through
        PduLimits.DEFAULT_MAX_PDU_LENGTH);
  }

  private static EmbeddedChannel acceptor(AssociationPolicy policy) {
    DicomServices services = DicomServices.builder().store(r -> new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        data.release();
      }

      @Override
      public CompletableFuture<StoreResult> end() {
        return CompletableFuture.completedFuture(StoreResult.success());
      }

      @Override
      public void abort(Throwable cause) {
      }
    }).build();
    AssociationHandler h = AssociationHandler.acceptor(settings(policy), Duration.ofMillis(ARTIM_MS));
    EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS), PduEncoder.INSTANCE,
        new PDataAssembler(PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH), h,
        new DimseDispatcher(services.services()));
    HANDLERS.put(ch, h);
    return ch;
  }

  private static EmbeddedChannel requestor(AAssociateRq rq) {
    AssociationHandler h = AssociationHandler.requestor(rq, Duration.ofMillis(ARTIM_MS));
    EmbeddedChannel ch = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS), PduEncoder.INSTANCE,
        new PDataAssembler(PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH), h, new DimseDispatcher(Map.of()));
    HANDLERS.put(ch, h);
    return ch;
  }

  /** The handler of each test channel (the pipeline forgets it once the channel is closed). */
  private static final Map<EmbeddedChannel, AssociationHandler> HANDLERS =
      java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());

  private static AssociationHandler handler(EmbeddedChannel ch) {
    return HANDLERS.get(ch);
  }

  /** Feeds a PDU as bytes, as the peer would send it. */
  private static void send(EmbeddedChannel ch, Pdu pdu) {
    ch.writeInbound(Unpooled.wrappedBuffer(SamplePdus.encode(pdu)));
  }

  /** Decodes everything written so far; P-DATA-TFs are released and listed by class only. */
  private static List<Pdu> written(EmbeddedChannel ch) {
    EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
    for (Object o; (o = ch.readOutbound()) != null; ) {
      decoder.writeInbound(o);
    }
    List<Pdu> pdus = new ArrayList<>();
    for (Object o; (o = decoder.readInbound()) != null; ) {
      pdus.add((Pdu) o);
      ReferenceCountUtil.release(o);
    }
    decoder.finishAndReleaseAll();
    return pdus;
  }

  private static AAssociateRq rq(String calling, String called, String appContext, int version,
      List<PresentationContextRq> pcs, UserInformation ui) {
    return new AAssociateRq(version, called, calling, appContext, pcs, ui);
  }

  private static AAssociateRq simpleRq(String calling, String called) {
    return rq(calling, called, AAssociateRq.DICOM_APPLICATION_CONTEXT, 1,
        List.of(new PresentationContextRq(1, CT, List.of(EXPLICIT_LE))), UserInformation.minimal(16384, "1.2.3"));
  }

  @Test
  void negotiatesEveryUserInformationItemAndPresentationContext() {
    List<AssociationRequestInfo> seen = new ArrayList<>();
    EmbeddedChannel ch = acceptor(info -> {
      seen.add(info);
      return new AssociationDecision.Accept("clinic-1");
    });
    UserInformation ui = new UserInformation(20000, "1.2.3.4", Optional.of("PEER"), OptionalInt.of(5),
        OptionalInt.of(3), List.of(new RoleSelection(CT, true, true), new RoleSelection("1.2.99", true, false)),
        List.of(new ExtendedNegotiation(CT, new byte[] {1, 1})),
        Optional.of(UserIdentity.usernamePasscode("li", "pw", true)), Optional.empty());
    send(ch, rq("CLINIC", "HUB", AAssociateRq.DICOM_APPLICATION_CONTEXT, 1, List.of(
        new PresentationContextRq(1, CT, List.of(JPEG2000, EXPLICIT_LE, IMPLICIT_LE)),
        new PresentationContextRq(3, "1.3.6.1.4.1.9999.1", List.of(EXPLICIT_LE)),
        new PresentationContextRq(5, CT, List.of(JPEG2000))), ui));

    List<Pdu> out = written(ch);
    assertThat(out).singleElement().isInstanceOf(AAssociateAc.class);
    AAssociateAc ac = (AAssociateAc) out.get(0);
    // the first proposed transfer syntax that we support: JPEG 2000 is not in our list
    assertThat(ac.context(1)).contains(new PresentationContextAc(1, 0, EXPLICIT_LE));
    assertThat(ac.context(3).orElseThrow().result()).isEqualTo(PresentationContextAc.RESULT_ABSTRACT_SYNTAX_NOT_SUPPORTED);
    assertThat(ac.context(5).orElseThrow().result()).isEqualTo(PresentationContextAc.RESULT_TRANSFER_SYNTAXES_NOT_SUPPORTED);
    UserInformation aui = ac.userInformation();
    assertThat(aui.maxPduLength()).isEqualTo(PduLimits.DEFAULT_MAX_PDU_LENGTH);
    assertThat(aui.implementationClassUid()).isEqualTo("1.2.826.0.1.3680043.10.1515.1");
    assertThat(aui.implementationVersionName()).contains("HUIZHEN_010");
    // we perform one operation at a time whatever the requestor proposes
    assertThat(aui.asyncOpsInvoked()).hasValue(1);
    assertThat(aui.asyncOpsPerformed()).hasValue(1);
    // answered only for the accepted SOP class; CT is a storage class, so the requestor may take
    // the SCP role it asked for (C-GET sends it instances, PS3.7 D.3.3.4)
    assertThat(aui.roleSelections()).containsExactly(new RoleSelection(CT, true, true));
    assertThat(aui.extendedNegotiations()).containsExactly(new ExtendedNegotiation(CT, new byte[] {1, 1}));
    assertThat(aui.identityServerResponse()).isPresent();
    assertThat(seen).singleElement().satisfies(i -> {
      assertThat(i.callingAe()).isEqualTo("CLINIC");
      assertThat(i.identity().flatMap(UserIdentity::passcode)).contains("pw");
    });
    Association a = handler(ch).established().join();
    assertThat(a.peerMaxPduLength()).isEqualTo(20000);
    assertThat(a.maxFragmentLength()).isEqualTo(20000 - 6);
    assertThat(a.context().attachment()).isEqualTo("clinic-1");
    assertThat(handler(ch).state()).isEqualTo(State.STA6);
    ch.finishAndReleaseAll();
  }

  static Stream<Arguments> rejections() {
    AssociationPolicy callingCheck = info -> info.callingAe().equals("CLINIC")
        ? new AssociationDecision.Accept(null) : AssociationDecision.Reject.CALLING_AE_NOT_RECOGNIZED;
    return Stream.of(
        Arguments.of("unknown calling AE", callingCheck, simpleRq("STRANGER", "HUB"), new AAssociateRj(1, 1, 3)),
        Arguments.of("wrong called AE", callingCheck, simpleRq("CLINIC", "OTHER"), new AAssociateRj(1, 1, 7)),
        Arguments.of("foreign application context", callingCheck, rq("CLINIC", "HUB", "1.2.3.4", 1,
            simpleRq("CLINIC", "HUB").presentationContexts(), UserInformation.minimal(16384, "1")),
            new AAssociateRj(1, 1, 2)),
        Arguments.of("protocol version 2 only", callingCheck, rq("CLINIC", "HUB",
            AAssociateRq.DICOM_APPLICATION_CONTEXT, 2, simpleRq("CLINIC", "HUB").presentationContexts(),
            UserInformation.minimal(16384, "1")), new AAssociateRj(1, 2, 2)),
        Arguments.of("transient congestion from the policy", (AssociationPolicy) info -> new AssociationDecision.Reject(2, 3, 1),
            simpleRq("CLINIC", "HUB"), new AAssociateRj(2, 3, 1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejectsWithTable921Values(String name, AssociationPolicy policy, AAssociateRq rq, AAssociateRj expected) {
    EmbeddedChannel ch = acceptor(policy);
    send(ch, rq);
    assertThat(written(ch)).containsExactly(expected);
    assertThat(handler(ch).state()).isEqualTo(State.STA13);
    // AE-8 started ARTIM: if the requestor does not close, we do
    ch.advanceTimeBy(ARTIM_MS + 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(handler(ch).established()).isCompletedExceptionally();
  }

  @Test
  void answersReleaseRequestThenClosesOnArtim() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    send(ch, simpleRq("CLINIC", "HUB"));
    written(ch);
    send(ch, AReleaseRq.INSTANCE);
    assertThat(written(ch)).containsExactly(AReleaseRp.INSTANCE);
    assertThat(handler(ch).state()).isEqualTo(State.STA13);
    ch.advanceTimeBy(ARTIM_MS + 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isFalse();
    assertThat(handler(ch).state()).isEqualTo(State.STA1);
  }

  @Test
  void closesAfterArtimWithoutAssociateRequest() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    assertThat(handler(ch).state()).isEqualTo(State.STA2);
    ch.advanceTimeBy(ARTIM_MS - 1, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    assertThat(ch.isOpen()).isTrue();
    ch.advanceTimeBy(2, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
    // AA-2: closed without an A-ABORT
    assertThat(ch.isOpen()).isFalse();
    assertThat(written(ch)).isEmpty();
  }

  @Test
  void releaseCollisionOnRequestorSide() {
    EmbeddedChannel ch = requestor(simpleRq("HUB", "PACS"));
    assertThat(written(ch)).singleElement().isInstanceOf(AAssociateRq.class);
    send(ch, new AAssociateAc(1, "PACS", "HUB", AAssociateRq.DICOM_APPLICATION_CONTEXT,
        List.of(new PresentationContextAc(1, 0, EXPLICIT_LE)), UserInformation.minimal(16384, "9")));
    Association a = handler(ch).established().join();
    CompletableFuture<Void> released = a.release();
    ch.runPendingTasks();
    assertThat(written(ch)).containsExactly(AReleaseRq.INSTANCE);
    assertThat(handler(ch).state()).isEqualTo(State.STA7);
    send(ch, AReleaseRq.INSTANCE); // the peer released at the same time
    // PS3.8 9.2.3: the requestor answers first (STA9 -> STA11) and waits for the peer's RP
    assertThat(written(ch)).containsExactly(AReleaseRp.INSTANCE);
    assertThat(handler(ch).state()).isEqualTo(State.STA11);
    send(ch, AReleaseRp.INSTANCE);
    assertThat(ch.isOpen()).isFalse();
    assertThat(released).isCompleted().isNotCompletedExceptionally();
  }

  @Test
  void releaseCollisionOnAcceptorSide() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    send(ch, simpleRq("CLINIC", "HUB"));
    written(ch);
    Association a = handler(ch).established().join();
    a.release();
    ch.runPendingTasks();
    assertThat(written(ch)).containsExactly(AReleaseRq.INSTANCE);
    send(ch, AReleaseRq.INSTANCE);
    // acceptor side: STA10, wait for the requestor's RP before answering
    assertThat(handler(ch).state()).isEqualTo(State.STA10);
    assertThat(written(ch)).isEmpty();
    send(ch, AReleaseRp.INSTANCE);
    assertThat(written(ch)).containsExactly(AReleaseRp.INSTANCE);
    assertThat(handler(ch).state()).isEqualTo(State.STA13);
    ch.finishAndReleaseAll();
  }

  @Test
  void abortsOnUnexpectedPduWithReason2() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    send(ch, simpleRq("CLINIC", "HUB"));
    written(ch);
    send(ch, SamplePdus.associateAc());
    assertThat(written(ch)).containsExactly(AAbort.provider(AAbort.REASON_UNEXPECTED_PDU));
    assertThat(handler(ch).state()).isEqualTo(State.STA13);
    ch.finishAndReleaseAll();
  }

  @Test
  void closesOnAbortFromPeer() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    send(ch, simpleRq("CLINIC", "HUB"));
    written(ch);
    send(ch, AAbort.user());
    assertThat(ch.isOpen()).isFalse();
    assertThat(handler(ch).state()).isEqualTo(State.STA1);
  }

  @Test
  void answersEchoAndStoreOnTheRightContext() {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    send(ch, rq("CLINIC", "HUB", AAssociateRq.DICOM_APPLICATION_CONTEXT, 1, List.of(
        new PresentationContextRq(1, SamplePdus.VERIFICATION, List.of(IMPLICIT_LE)),
        new PresentationContextRq(3, CT, List.of(EXPLICIT_LE))), UserInformation.minimal(16384, "1")));
    written(ch);
    ch.writeInbound(Unpooled.wrappedBuffer(validStore()));
    EmbeddedChannel decoder = new EmbeddedChannel(new PduDecoder(PduLimits.DEFAULTS));
    for (Object o; (o = ch.readOutbound()) != null; ) {
      decoder.writeInbound(o);
    }
    PDataTf rsp = decoder.readInbound();
    CommandSet cmd;
    try {
      cmd = CommandSetCodec.decode(rsp.pdvs().get(0).data());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    assertThat(rsp.pdvs().get(0).contextId()).isEqualTo(3);
    assertThat(cmd.commandField()).isEqualTo(CommandSet.C_STORE_RSP);
    assertThat(cmd.getInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO)).hasValue(7);
    assertThat(cmd.getInt(CommandSet.STATUS)).hasValue(0);
    assertThat(cmd.getString(CommandSet.AFFECTED_SOP_INSTANCE_UID)).contains("1.2.3.4.5");
    rsp.release();
    decoder.finishAndReleaseAll();
    ch.finishAndReleaseAll();
  }

  /** A-ASSOCIATE-RQ is sent separately; this is a C-STORE-RQ on context 3 with 40 bytes of data. */
  private static byte[] validStore() {
    CommandSet cmd = CommandSet.builder().setString(CommandSet.AFFECTED_SOP_CLASS_UID, CT)
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ).setInt(CommandSet.MESSAGE_ID, 7)
        .setInt(CommandSet.PRIORITY, 0).setInt(CommandSet.COMMAND_DATA_SET_TYPE, 0)
        .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, "1.2.3.4.5").build();
    byte[] c = SamplePdus.encode(PDataTf.of(3, true, true, CommandSetCodec.encode(ByteBufAllocator.DEFAULT, cmd)));
    byte[] d1 = SamplePdus.encode(PDataTf.of(3, false, false, Unpooled.wrappedBuffer(new byte[30])));
    byte[] d2 = SamplePdus.encode(PDataTf.of(3, false, true, Unpooled.wrappedBuffer(new byte[10])));
    byte[] all = new byte[c.length + d1.length + d2.length];
    System.arraycopy(c, 0, all, 0, c.length);
    System.arraycopy(d1, 0, all, c.length, d1.length);
    System.arraycopy(d2, 0, all, c.length + d1.length, d2.length);
    return all;
  }

  /** Each malformed PDU of the codec tests, sent to a fresh acceptor: A-ABORT with its reason. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("org.huizhen.dicom.net.pdu.PduCodecTest#malformedPdus")
  void answersMalformedPduWithAbortReason(String name, byte[] bytes, int reason) {
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    ByteBuf in = Unpooled.copiedBuffer(bytes);
    ch.writeInbound(in);
    ch.checkException();
    assertThat(written(ch)).containsExactly(AAbort.provider(reason));
    assertThat(handler(ch).state()).isEqualTo(State.STA13);
    ch.finishAndReleaseAll();
    assertThat(in.refCnt()).isZero();
  }

  static Stream<Long> seeds() {
    return IntStream.range(0, 300).mapToObj(i -> 42L + i);
  }

  /**
   * Random mutations (fixed seeds) of a whole valid exchange, fed in random-sized reads: no
   * exception escapes, everything we write is a valid PDU, and every input buffer is released.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void survivesRandomMutations(long seed) {
    Random random = new Random(seed);
    byte[] rq = SamplePdus.encode(rq("CLINIC", "HUB", AAssociateRq.DICOM_APPLICATION_CONTEXT, 1,
        List.of(new PresentationContextRq(3, CT, List.of(EXPLICIT_LE))), UserInformation.minimal(16384, "1")));
    byte[] store = validStore();
    byte[] release = SamplePdus.encode(AReleaseRq.INSTANCE);
    byte[] all = new byte[rq.length + store.length + release.length];
    System.arraycopy(rq, 0, all, 0, rq.length);
    System.arraycopy(store, 0, all, rq.length, store.length);
    System.arraycopy(release, 0, all, rq.length + store.length, release.length);
    for (int i = 0; i < 1 + random.nextInt(6); i++) {
      all[random.nextInt(all.length)] = (byte) random.nextInt(256);
    }
    EmbeddedChannel ch = acceptor(AssociationPolicy.acceptAll());
    List<ByteBuf> inputs = new ArrayList<>();
    for (int off = 0; off < all.length && ch.isOpen(); ) { // an A-ABORT may close it early
      int n = Math.min(all.length - off, 1 + random.nextInt(64));
      ByteBuf in = Unpooled.copiedBuffer(all, off, n);
      inputs.add(in);
      ch.writeInbound(in);
      off += n;
    }
    ch.checkException();
    List<Pdu> out = written(ch); // decodes: a PduDecodeFailure would fail the cast
    assertThat(out).allSatisfy(p -> assertThat(p).isInstanceOfAny(AAssociateAc.class, AAssociateRj.class,
        AAbort.class, PDataTf.class, AReleaseRp.class));
    ch.finishAndReleaseAll();
    assertThat(inputs).allMatch(b -> b.refCnt() == 0);
  }
}
