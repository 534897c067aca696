package org.huizhen.dicom.net;

import java.util.ArrayDeque;
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
 * An established association on the SCU side: C-ECHO and C-STORE requests, release and abort.
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
    Optional<NegotiatedContext> pc = find(EchoService.VERIFICATION_SOP_CLASS, null);
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
    Optional<NegotiatedContext> pc = find(sopClassUid, transferSyntaxUid);
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

  /** Releases after the queued operations (PS3.8 7.2). Completes when the connection is closed. */
  public CompletableFuture<Void> release() {
    return enqueue(association::release);
  }

  /** A-ABORT now; queued and running operations fail. */
  public void abort() {
    association.abort();
  }

  private Optional<NegotiatedContext> find(String abstractSyntax, String ts) {
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
