package org.huizhen.dicom.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseDispatcher;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.dicom.net.service.StoreHandler;
import org.huizhen.dicom.net.service.StoreRequest;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.net.service.StoreSink;
import org.junit.jupiter.api.Test;

/**
 * Our client against our server: C-STORE status and Error Comment for handler failures, SOP class
 * checks, statuses from the sink, flow control, unsupported commands, and a close that lets the
 * operation in flight finish.
 */
class DicomServerBehaviourTest {
  static {
    NetTestSupport.init();
  }

  private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
  private static final String MR = "1.2.840.10008.5.1.4.1.1.4";
  private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

  /** A sink that releases what it gets and ends with {@code result}. */
  static StoreSink sink(AtomicLong bytes, Function<StoreRequest, CompletionStage<StoreResult>> result,
      StoreRequest request) {
    return new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        bytes.addAndGet(data.readableBytes());
        data.release();
      }

      @Override
      public CompletionStage<StoreResult> end() {
        return result.apply(request);
      }

      @Override
      public void abort(Throwable cause) {
      }
    };
  }

  private record Running(DicomServer server, ClientAssociation association) {}

  private static Running connect(StoreHandler handler) throws Exception {
    DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .abstractSyntaxes(uid -> !uid.equals("1.2.840.10008.5.1.4.1.1.77.1.6")).build(),
        DicomServices.builder().store(handler).build());
    ClientAssociation a = DicomClient.connect(ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
        .maxPduLength(4096).build(),
        List.of(PresentationContextProposal.of(CT, EXPLICIT_LE), PresentationContextProposal.of(MR, EXPLICIT_LE),
            PresentationContextProposal.of("1.2.840.10008.5.1.4.1.1.77.1.6", EXPLICIT_LE)))
        .get(10, TimeUnit.SECONDS);
    return new Running(server, a);
  }

  private static DimseResponse store(ClientAssociation a, String sopClass, int size) throws Exception {
    return a.store(sopClass, "1.2.3." + size, EXPLICIT_LE, DataSetSource.of(new byte[size])).get(20, TimeUnit.SECONDS);
  }

  @Test
  void handlerExceptionsBecomeFailureStatusWithComment() throws Exception {
    AtomicLong bytes = new AtomicLong();
    Running r = connect(request -> switch (request.sopInstanceUid()) {
      case "1.2.3.10" -> throw new IOException("spool disk full");
      case "1.2.3.12" -> throw new IllegalArgumentException("no institution for this AE");
      default -> sink(bytes, q -> CompletableFuture.completedFuture(StoreResult.success()), request);
    });
    try (DicomServer server = r.server()) {
      DimseResponse full = store(r.association(), CT, 10);
      assertThat(full.status()).isEqualTo(Status.REFUSED_OUT_OF_RESOURCES);
      assertThat(full.errorComment()).contains("spool disk full");
      DimseResponse bad = store(r.association(), CT, 12);
      assertThat(bad.status()).isEqualTo(Status.CANNOT_UNDERSTAND);
      assertThat(bad.errorComment()).contains("no institution for this AE");
      // the association is still usable after refused instances
      assertThat(store(r.association(), CT, 14).status()).isEqualTo(Status.SUCCESS);
      assertThat(bytes.get()).isEqualTo(14);
      r.association().release().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sinkStatusIsAnsweredEvenWhenCompletedOnAnotherThread() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    AtomicLong bytes = new AtomicLong();
    Running r = connect(request -> sink(bytes, q -> {
      CompletableFuture<StoreResult> f = new CompletableFuture<>();
      later.schedule(() -> f.complete(new StoreResult(Status.WARNING_COERCION_OF_DATA_ELEMENTS.code(),
          Optional.of("patient ID coerced"), List.of(0x00100020))), 20, TimeUnit.MILLISECONDS);
      return f;
    }, request));
    try (DicomServer server = r.server()) {
      DimseResponse rsp = store(r.association(), MR, 100_000);
      assertThat(rsp.status()).isEqualTo(Status.WARNING_COERCION_OF_DATA_ELEMENTS);
      assertThat(rsp.errorComment()).contains("patient ID coerced");
      assertThat(rsp.command().getTags(CommandSet.OFFENDING_ELEMENT)).hasValueSatisfying(
          t -> assertThat(t).containsExactly(0x00100020));
      assertThat(rsp.command().getString(CommandSet.AFFECTED_SOP_CLASS_UID)).contains(MR);
      r.association().release().get(10, TimeUnit.SECONDS);
    } finally {
      later.shutdownNow();
    }
  }

  @Test
  void passesPriorityAndMoveOriginatorToTheHandler() throws Exception {
    AtomicReference<StoreRequest> seen = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    Running r = connect(request -> {
      seen.set(request);
      return sink(bytes, q -> CompletableFuture.completedFuture(StoreResult.success()), request);
    });
    try (DicomServer server = r.server()) {
      DimseResponse rsp = r.association().store(CT, "1.2.3.77", EXPLICIT_LE, DataSetSource.of(new byte[6]),
          new StoreOptions(CommandSet.PRIORITY_HIGH, Optional.of("PACS"), java.util.OptionalInt.of(41)))
          .get(10, TimeUnit.SECONDS);
      assertThat(rsp.status()).isEqualTo(Status.SUCCESS);
      assertThat(seen.get().priority()).isEqualTo(CommandSet.PRIORITY_HIGH);
      assertThat(seen.get().moveOriginatorAe()).contains("PACS");
      assertThat(seen.get().moveOriginatorMessageId()).hasValue(41);
      assertThat(seen.get().sopInstanceUid()).isEqualTo("1.2.3.77");
      assertThat(seen.get().transferSyntaxUid()).isEqualTo(EXPLICIT_LE);
      assertThat(seen.get().messageId()).isEqualTo(rsp.command().getInt(CommandSet.MESSAGE_ID_BEING_RESPONDED_TO).getAsInt());
      r.association().release().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void responseTimeoutFailsTheRequestAndAbortsTheAssociation() throws Exception {
    java.util.concurrent.atomic.AtomicInteger aborted = new java.util.concurrent.atomic.AtomicInteger();
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .build(), DicomServices.builder().store(request -> new StoreSink() {
          @Override
          public void data(ByteBuf data) {
            data.release();
          }

          @Override
          public CompletionStage<StoreResult> end() {
            return new CompletableFuture<>(); // never answers
          }

          @Override
          public void abort(Throwable cause) {
            aborted.incrementAndGet();
          }
        }).build())) {
      ClientAssociation a = DicomClient.connect(ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
          .responseTimeout(java.time.Duration.ofMillis(300)).build(),
          List.of(PresentationContextProposal.of(CT, EXPLICIT_LE))).get(10, TimeUnit.SECONDS);
      CompletableFuture<DimseResponse> rsp = a.store(CT, "1.2.3.8", EXPLICIT_LE, DataSetSource.of(new byte[100]));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> rsp.get(10, TimeUnit.SECONDS))
          .cause().isInstanceOf(java.util.concurrent.TimeoutException.class);
      a.association().closeFuture().get(10, TimeUnit.SECONDS);
      // the complete instance was received, then the association ended before the sink answered
      NetTestSupport.await(() -> aborted.get() == 0 && server.openConnections() == 0, 10_000, "the server side to close");
    }
  }

  @Test
  void rejectsAssociationsBeyondTheLimitAsTransient() throws Exception {
    try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
        .maxAssociations(1).build(), DicomServices.builder().build())) {
      ClientConfig config = ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port()).build();
      List<PresentationContextProposal> echo = List.of(PresentationContextProposal.of("1.2.840.10008.1.1",
          "1.2.840.10008.1.2"));
      ClientAssociation first = DicomClient.connect(config, echo).get(10, TimeUnit.SECONDS);
      // PS3.8 Table 9-21: rejected-transient (2), service-provider presentation (3), local limit exceeded (2)
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> DicomClient.connect(config, echo).get(10, TimeUnit.SECONDS))
          .cause().isInstanceOfSatisfying(org.huizhen.dicom.net.assoc.AssociateRejectedException.class,
              e -> assertThat(List.of(e.result(), e.source(), e.reason())).containsExactly(2, 3, 2));
      first.release().get(10, TimeUnit.SECONDS);
      NetTestSupport.await(() -> server.openConnections() == 0, 10_000, "both connections to close");
      ClientAssociation again = DicomClient.connect(config, echo).get(10, TimeUnit.SECONDS);
      assertThat(again.echo().get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
      again.release().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void sopClassThatDiffersFromContextIsRefused() throws Exception {
    AtomicLong bytes = new AtomicLong();
    Running r = connect(request -> sink(bytes, q -> CompletableFuture.completedFuture(StoreResult.success()), request));
    try (DicomServer server = r.server()) {
      // send an MR instance on the CT context through the dispatcher directly
      var a = r.association().association();
      int ctContext = a.presentationContexts().values().stream().filter(c -> c.abstractSyntax().equals(CT))
          .findFirst().orElseThrow().id();
      DimseResponse rsp = a.channel().pipeline().get(DimseDispatcher.class).invoke(ctContext,
          CommandSet.builder().setString(CommandSet.AFFECTED_SOP_CLASS_UID, MR)
              .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ)
              .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, "1.2.3").build(),
          DataSetSource.of(new byte[8])).get(10, TimeUnit.SECONDS);
      assertThat(rsp.status()).isEqualTo(Status.SOP_CLASS_NOT_SUPPORTED);
      assertThat(bytes.get()).isZero();
      // a command field no service is registered for (C-FIND here): 0x0211 after its data set
      DimseResponse find = a.channel().pipeline().get(DimseDispatcher.class).invoke(ctContext,
          CommandSet.builder().setString(CommandSet.AFFECTED_SOP_CLASS_UID, CT)
              .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_FIND_RQ).build(),
          DataSetSource.of(new byte[0])).get(10, TimeUnit.SECONDS);
      assertThat(find.status()).isEqualTo(Status.UNRECOGNIZED_OPERATION);
      // an abstract syntax outside the configured predicate was not accepted
      assertThat(r.association().acceptedTransferSyntax("1.2.840.10008.5.1.4.1.1.77.1.6")).isEmpty();
      assertThat(r.association().acceptedTransferSyntax(CT, "1.2.840.10008.1.2", EXPLICIT_LE)).contains(EXPLICIT_LE);
      r.association().release().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void flowControlPausesAndResumesReading() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    AtomicLong bytes = new AtomicLong();
    AtomicLong pauses = new AtomicLong();
    Running r = connect(request -> new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        bytes.addAndGet(data.readableBytes());
        data.release();
        // a slow sink: stop reading, resume from another thread a little later
        request.flow().pause();
        pauses.incrementAndGet();
        later.schedule(request.flow()::resume, 1, TimeUnit.MILLISECONDS);
      }

      @Override
      public CompletionStage<StoreResult> end() {
        return CompletableFuture.completedFuture(StoreResult.success());
      }

      @Override
      public void abort(Throwable cause) {
      }
    });
    try (DicomServer server = r.server()) {
      assertThat(store(r.association(), CT, 300_000).status()).isEqualTo(Status.SUCCESS);
      assertThat(bytes.get()).isEqualTo(300_000);
      // one pause per fragment: the server's 64 KiB PDUs carry 65530 data bytes each
      int fragmentData = org.huizhen.dicom.net.pdu.PduLimits.DEFAULT_MAX_PDU_LENGTH - 6;
      assertThat(pauses.get()).isEqualTo((300_000 + fragmentData - 1) / fragmentData);
      r.association().release().get(10, TimeUnit.SECONDS);
    } finally {
      later.shutdownNow();
    }
  }

  @Test
  void fragmentsToThePeersMaximumAndRunsOnAnExternalEventLoopGroup() throws Exception {
    io.netty.channel.EventLoopGroup shared = new io.netty.channel.nio.NioEventLoopGroup(2);
    List<Integer> fragmentSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    try {
      try (DicomServer server = DicomServer.start(DicomServerConfig.builder("HUB").bindHost("127.0.0.1").port(0)
          .maxPduLength(16_384).eventLoopGroup(shared).build(),
          DicomServices.builder().store(request -> new StoreSink() {
            @Override
            public void data(ByteBuf data) {
              fragmentSizes.add(data.readableBytes());
              data.release();
            }

            @Override
            public CompletionStage<StoreResult> end() {
              return CompletableFuture.completedFuture(StoreResult.success());
            }

            @Override
            public void abort(Throwable cause) {
            }
          }).build())) {
        ClientAssociation a = DicomClient.connect(ClientConfig.builder("CLINIC", "HUB", "127.0.0.1", server.port())
            .eventLoopGroup(shared).build(), List.of(PresentationContextProposal.of(CT, EXPLICIT_LE)))
            .get(10, TimeUnit.SECONDS);
        assertThat(a.association().peerMaxPduLength()).isEqualTo(16_384);
        assertThat(store(a, CT, 100_000).status()).isEqualTo(Status.SUCCESS);
        a.release().get(10, TimeUnit.SECONDS);
      }
      // PS3.8 D.1: each P-DATA-TF within the receiver's 16384 bytes, i.e. 16378 data bytes per PDV
      assertThat(fragmentSizes).allMatch(n -> n <= 16_378);
      assertThat(fragmentSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(100_000);
      assertThat(fragmentSizes).hasSize((100_000 + 16_377) / 16_378);
      // the server did not shut down a group it does not own
      assertThat(shared.isShuttingDown()).isFalse();
    } finally {
      shared.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void clientAbortMidInstanceAbortsTheSink() throws Exception {
    java.util.concurrent.atomic.AtomicInteger aborted = new java.util.concurrent.atomic.AtomicInteger();
    AtomicLong bytes = new AtomicLong();
    CompletableFuture<org.huizhen.dicom.net.service.FlowControl> firstFragment = new CompletableFuture<>();
    Running r = connect(request -> new StoreSink() {
      @Override
      public void data(ByteBuf data) {
        bytes.addAndGet(data.readableBytes());
        data.release();
        if (!firstFragment.isDone()) {
          request.flow().pause(); // a slow sink holds the instance open while the client aborts
          firstFragment.complete(request.flow());
        }
      }

      @Override
      public CompletionStage<StoreResult> end() {
        return CompletableFuture.completedFuture(StoreResult.success());
      }

      @Override
      public void abort(Throwable cause) {
        aborted.incrementAndGet();
      }
    });
    // far more than the socket buffers of both ends hold, so the instance is cut short
    long size = 256L * 1024 * 1024;
    java.nio.file.Path file = java.nio.file.Files.createTempFile("abort", ".bin");
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(size);
    }
    try (DicomServer server = r.server()) {
      CompletableFuture<DimseResponse> rsp = r.association().store(CT, "1.2.3.5", EXPLICIT_LE,
          DataSetSource.of(file, 0, size));
      var flow = firstFragment.get(10, TimeUnit.SECONDS);
      r.association().abort();
      assertThat(rsp).failsWithin(10, TimeUnit.SECONDS);
      flow.resume(); // the sink catches up and reads on: the A-ABORT, or the closed connection

      NetTestSupport.await(() -> aborted.get() == 1, 10_000, "the sink to be aborted");
      assertThat(bytes.get()).isLessThan(size);
    } finally {
      java.nio.file.Files.delete(file);
    }
  }

  @Test
  void closeLetsTheOperationInFlightFinishThenReleases() throws Exception {
    CompletableFuture<StoreResult> pending = new CompletableFuture<>();
    AtomicReference<StoreRequest> seen = new AtomicReference<>();
    AtomicLong bytes = new AtomicLong();
    Running r = connect(request -> {
      seen.set(request);
      return sink(bytes, q -> pending, request);
    });
    CompletableFuture<DimseResponse> rsp = r.association().store(CT, "1.2.3.4", EXPLICIT_LE,
        DataSetSource.of(new byte[5000]));
    NetTestSupport.await(() -> bytes.get() == 5000, 10_000, "the data set to arrive");
    CompletableFuture<Void> closed = CompletableFuture.runAsync(r.server()::close);
    // the server waits for the pending store before it releases the association
    assertThat(rsp).isNotDone();
    pending.complete(StoreResult.success());
    assertThat(rsp.get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.SUCCESS);
    closed.get(20, TimeUnit.SECONDS);
    r.association().association().closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(seen.get().association().callingAe()).isEqualTo("CLINIC");
  }
}
