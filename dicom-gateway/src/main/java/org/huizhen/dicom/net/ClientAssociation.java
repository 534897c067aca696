package org.huizhen.dicom.net;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.Identifiers;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.huizhen.dicom.net.assoc.Association;
import org.huizhen.dicom.net.assoc.NegotiatedContext;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseDispatcher;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.dicom.net.service.EchoService;

/**
 * An established association on the SCU side: C-ECHO, C-STORE, C-FIND, C-MOVE and C-GET requests
 * (PS3.7 9.1), C-CANCEL, release and abort. Identifiers are encoded and decoded in the accepted
 * presentation context's transfer syntax; the C-STOREs of a C-GET arrive at the services given
 * to {@link DicomClient#connect(ClientConfig, java.util.List, java.util.List,
 * org.huizhen.dicom.net.service.DicomServices)}.
 * Requests are queued and run one after another (asynchronous operations window 1, the default
 * of PS3.7 D.3.3.3); a release waits for the queue to drain.
 *
 * <p>Threading: every method may be called from any thread; the work runs on the association's
 * event loop and futures complete there.
 */
public final class ClientAssociation {
  private final Association association;
  private final DimseDispatcher dispatcher;
  private final ArrayDeque<Runnable> queue = new ArrayDeque<>(); // event loop only
  private boolean busy; // event loop only

  ClientAssociation(Association association, DimseDispatcher dispatcher) {
    this.association = association;
    this.dispatcher = dispatcher;
  }

  public Association association() {
    return association;
  }

  /**
   * The transfer syntax accepted for {@code abstractSyntax}: with no {@code preferred} argument
   * the one of the first accepted context, otherwise the first of {@code preferred} that some
   * accepted context has.
   */
  public Optional<String> acceptedTransferSyntax(String abstractSyntax, String... preferred) {
    var accepted = association.presentationContexts().values().stream()
        .filter(c -> c.abstractSyntax().equals(abstractSyntax))
        .sorted(Comparator.comparingInt(NegotiatedContext::id))
        .map(NegotiatedContext::transferSyntax).toList();
    if (preferred.length == 0) {
      return accepted.stream().findFirst();
    }
    return Arrays.stream(preferred).filter(accepted::contains).findFirst();
  }

  /** C-ECHO (PS3.7 9.1.5). Completes with the response; fails if no context for Verification. */
  public CompletableFuture<DimseResponse> echo() {
    Optional<NegotiatedContext> pc = context(EchoService.VERIFICATION_SOP_CLASS, null);
    if (pc.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "no accepted presentation context for Verification " + EchoService.VERIFICATION_SOP_CLASS));
    }
    CommandSet cmd = CommandSet.builder()
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, EchoService.VERIFICATION_SOP_CLASS)
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_ECHO_RQ).build();
    return enqueue(() -> dispatcher.invoke(pc.get().id(), cmd, null));
  }

  /**
   * C-STORE (PS3.7 9.1.1) of a data set already encoded in {@code transferSyntaxUid}, streamed from
   * {@code source} (which this call closes). Completes with the C-STORE-RSP (check its status);
   * fails if no accepted context matches, or the association ends first.
   */
  public CompletableFuture<DimseResponse> store(String sopClassUid, String sopInstanceUid,
      String transferSyntaxUid, DataSetSource source) {
    return store(sopClassUid, sopInstanceUid, transferSyntaxUid, source, StoreOptions.DEFAULT);
  }

  /** As {@link #store(String, String, String, DataSetSource)}, with priority and move originator. */
  public CompletableFuture<DimseResponse> store(String sopClassUid, String sopInstanceUid,
      String transferSyntaxUid, DataSetSource source, StoreOptions options) {
    Optional<NegotiatedContext> pc = context(sopClassUid, transferSyntaxUid);
    if (pc.isEmpty()) {
      try {
        source.close();
      } catch (java.io.IOException e) {
        // nothing was read; the failure below is the one that matters
      }
      return CompletableFuture.failedFuture(new IllegalStateException(
          "no accepted presentation context for " + sopClassUid + " with " + transferSyntaxUid));
    }
    DataSetSource dataSet = DEFLATED.equals(transferSyntaxUid) && (source.length() & 1) == 1
        ? padToEven(source) : source;
    CommandSet.Builder cmdBuilder = CommandSet.builder()
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClassUid)
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ)
        .setInt(CommandSet.PRIORITY, options.priority())
        .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, sopInstanceUid);
    options.moveOriginatorAe().ifPresent(ae -> cmdBuilder.setString(CommandSet.MOVE_ORIGINATOR_AE_TITLE, ae));
    options.moveOriginatorMessageId().ifPresent(id -> cmdBuilder.setInt(CommandSet.MOVE_ORIGINATOR_MESSAGE_ID, id));
    CommandSet cmd = cmdBuilder.build();
    return enqueue(() -> dispatcher.invoke(pc.get().id(), cmd, dataSet));
  }

  /** Deflated Explicit VR Little Endian (PS3.5 A.5). */
  private static final String DEFLATED = "1.2.840.10008.1.2.1.99";

  /**
   * A deflated data set of odd length (seen in real files) gets one trailing zero byte: PDV
   * fragments and data sets have even length (PS3.5 7.1, A.5), and peers such as DCMTK abort on
   * an odd fragment. The inflater ignores bytes after the end of the deflate stream.
   */
  private static DataSetSource padToEven(DataSetSource source) {
    return new DataSetSource() {
      private long position;

      @Override
      public long length() {
        return source.length() + 1;
      }

      @Override
      public void read(io.netty.buffer.ByteBuf dst, int n) throws java.io.IOException {
        int fromSource = (int) Math.min(n, source.length() - position);
        if (fromSource > 0) {
          source.read(dst, fromSource);
        }
        if (fromSource < n) {
          dst.writeByte(0);
        }
        position += n;
      }

      @Override
      public void close() throws java.io.IOException {
        source.close();
      }
    };
  }

  /**
   * C-FIND (PS3.7 9.1.2) on the first accepted context for {@code sopClassUid} (e.g. Study Root
   * FIND): sends {@code identifier} and collects the matches. Completes with the final response
   * and the matches; fails if no context was accepted, a match cannot be decoded, or the
   * association ends first.
   */
  public CompletableFuture<FindResult> find(String sopClassUid, DataSet identifier) {
    List<DataSet> matches = new ArrayList<>();
    return find(sopClassUid, identifier, m -> matches.add(m) || true)
        .thenApply(rsp -> new FindResult(rsp, matches));
  }

  /**
   * C-FIND that hands each match to {@code onMatch} as it arrives (on the event loop: must not
   * block); when {@code onMatch} returns false a C-CANCEL-RQ is sent (PS3.7 9.3.2.3) and the
   * final response will normally be Cancel (0xFE00). Completes with the final response.
   */
  public CompletableFuture<DimseResponse> find(String sopClassUid, DataSet identifier,
      Predicate<DataSet> onMatch) {
    return query(sopClassUid, CommandSet.builder().setInt(CommandSet.COMMAND_FIELD, CommandSet.C_FIND_RQ),
        identifier, (pc, cancel) -> (rsp, data) -> {
          if (rsp.status().category() != Status.Category.PENDING || data == null) {
            return;
          }
          DataSet match;
          try {
            match = Identifiers.decode(data, pc.transferSyntax());
          } catch (IOException e) {
            throw new java.io.UncheckedIOException("C-FIND response identifier cannot be decoded", e);
          }
          if (!onMatch.test(match)) {
            cancel.run();
          }
        });
  }

  /**
   * C-MOVE (PS3.7 9.1.4) of what {@code identifier} names to the AE {@code destinationAe}, on the
   * first accepted context for {@code sopClassUid} (e.g. Study Root MOVE). Completes with the
   * final response and its counts.
   */
  public CompletableFuture<RetrieveResult> move(String sopClassUid, DataSet identifier, String destinationAe) {
    return retrieve(sopClassUid, CommandSet.builder().setInt(CommandSet.COMMAND_FIELD, CommandSet.C_MOVE_RQ)
        .setString(CommandSet.MOVE_DESTINATION, destinationAe), identifier);
  }

  /**
   * C-GET (PS3.7 9.1.3): the peer C-STOREs the instances back over this association, to the
   * store service this association was connected with; propose the storage SOP classes with
   * the SCP role ({@link org.huizhen.dicom.net.pdu.RoleSelection}) to receive them. Completes
   * with the final response and its counts.
   */
  public CompletableFuture<RetrieveResult> get(String sopClassUid, DataSet identifier) {
    return retrieve(sopClassUid, CommandSet.builder().setInt(CommandSet.COMMAND_FIELD, CommandSet.C_GET_RQ),
        identifier);
  }

  /**
   * Whether the peer granted us the SCP role for {@code sopClassUid} (PS3.7 D.3.3.4), which we
   * need to receive the C-STOREs of a C-GET.
   */
  public boolean acceptedScpRole(String sopClassUid) {
    return association.acceptance().userInformation().roleSelections().stream()
        .anyMatch(r -> r.sopClassUid().equals(sopClassUid) && r.scp());
  }

  private CompletableFuture<RetrieveResult> retrieve(String sopClassUid, CommandSet.Builder command,
      DataSet identifier) {
    List<String> failedUids = new ArrayList<>();
    return query(sopClassUid, command, identifier, (pc, cancel) -> (rsp, data) -> {
      if (rsp.status().category() == Status.Category.PENDING || data == null) {
        return;
      }
      try {
        Identifiers.decode(data, pc.transferSyntax()).getStrings(Tag.FailedSOPInstanceUIDList)
            .ifPresent(failedUids::addAll);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("C-MOVE/C-GET response identifier cannot be decoded", e);
      }
    }).thenApply(rsp -> new RetrieveResult(rsp,
        rsp.command().getInt(CommandSet.NUMBER_OF_COMPLETED_SUBOPERATIONS).orElse(0),
        rsp.command().getInt(CommandSet.NUMBER_OF_FAILED_SUBOPERATIONS).orElse(0),
        rsp.command().getInt(CommandSet.NUMBER_OF_WARNING_SUBOPERATIONS).orElse(0), failedUids));
  }

  /**
   * Sends {@code command} (without message id) with {@code dataSet} bytes as they are, on the first
   * accepted context for {@code sopClassUid}: lets tests send malformed identifiers.
   */
  CompletableFuture<DimseResponse> invokeRaw(String sopClassUid, CommandSet command, byte[] dataSet) {
    Optional<NegotiatedContext> pc = context(sopClassUid, null);
    if (pc.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException("no context for " + sopClassUid));
    }
    return enqueue(() -> dispatcher.invoke(pc.get().id(), command, DataSetSource.of(dataSet)));
  }

  /** Builds the response listener of a request once its context and cancel action are known. */
  @FunctionalInterface
  private interface ListenerFactory {
    BiConsumer<DimseResponse, byte[]> create(NegotiatedContext pc, Runnable cancel);
  }

  private CompletableFuture<DimseResponse> query(String sopClassUid, CommandSet.Builder command,
      DataSet identifier, ListenerFactory listenerFactory) {
    Optional<NegotiatedContext> found = context(sopClassUid, null);
    if (found.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalStateException(
          "no accepted presentation context for " + sopClassUid));
    }
    NegotiatedContext pc = found.get();
    byte[] encoded;
    try {
      encoded = Identifiers.encode(identifier, pc.transferSyntax());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    CommandSet cmd = command.setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClassUid)
        .setInt(CommandSet.PRIORITY, CommandSet.PRIORITY_MEDIUM).build();
    int[] messageId = {-1};
    boolean[] cancelSent = {false};
    Runnable cancel = () -> {
      if (!cancelSent[0] && messageId[0] > 0) {
        cancelSent[0] = true;
        dispatcher.cancel(pc.id(), messageId[0]);
      }
    };
    BiConsumer<DimseResponse, byte[]> onResponse = listenerFactory.create(pc, cancel);
    CompletableFuture<DimseResponse> failure = new CompletableFuture<>();
    DimseDispatcher.ResponseListener listener = new DimseDispatcher.ResponseListener() {
      @Override
      public void sent(int id) {
        messageId[0] = id;
      }

      @Override
      public void response(DimseResponse response, byte[] dataSet) {
        try {
          onResponse.accept(response, dataSet);
        } catch (RuntimeException e) {
          failure.completeExceptionally(e);
          cancel.run();
        }
      }
    };
    return enqueue(() -> dispatcher.invoke(pc.id(), cmd, DataSetSource.of(encoded), listener)
        .thenCompose(rsp -> failure.isCompletedExceptionally() ? failure : CompletableFuture.completedFuture(rsp)));
  }

  /** Releases after the queued operations (PS3.8 7.2). Completes when the connection is closed. */
  public CompletableFuture<Void> release() {
    return enqueue(association::release);
  }

  /** A-ABORT now; queued and running operations fail. */
  public void abort() {
    association.abort();
  }

  private Optional<NegotiatedContext> context(String abstractSyntax, String ts) {
    return association.presentationContexts().values().stream()
        .filter(c -> c.abstractSyntax().equals(abstractSyntax))
        .filter(c -> ts == null || c.transferSyntax().equals(ts))
        .min(Comparator.comparingInt(NegotiatedContext::id));
  }

  private <T> CompletableFuture<T> enqueue(Supplier<CompletableFuture<T>> op) {
    CompletableFuture<T> result = new CompletableFuture<>();
    association.eventLoop().execute(() -> {
      queue.add(() -> op.get().whenComplete((v, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(v);
        }
        association.eventLoop().execute(this::next);
      }));
      if (!busy) {
        next();
      }
    });
    return result;
  }

  private void next() {
    Runnable r = queue.poll();
    busy = r != null;
    if (r != null) {
      r.run();
    }
  }
}
