package org.huizhen.dicom.net.service;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.DimseService;
import org.huizhen.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-FIND SCP (PS3.4 C.4.1, PS3.7 9.1.2): decodes the identifier in the presentation
 * context's transfer syntax, asks the {@link FindHandler} for a {@link FindSession} and sends
 * each match as a C-FIND-RSP with status Pending (0xFF00, or 0xFF01 when the session says optional
 * keys were not supported), then Success (0x0000).
 *
 * <p>A C-CANCEL-RQ with the request's Message ID (PS3.7 9.3.2.3) closes the session and ends
 * the search with Cancel (0xFE00). Failures answer with an Error Comment: an identifier that
 * cannot be decoded or lacks Query/Retrieve Level (0008,0052) 0xC000 / 0xA900; an identifier
 * longer than {@code maxIdentifierLength} bytes 0xA700; a {@link RequestRefusedException} its
 * status; an {@link IOException} from the handler 0xA700; any other exception 0xC000.
 *
 * <p>Bounded memory: the next match is asked for only when the previous response has been
 * written to the socket, so a slow requester slows the search (channel writability).
 *
 * <p>Threading: {@link #begin} on the event loop; decoding, the handler and the session on
 * {@code executor} (a virtual thread per request by default), never on the event loop.
 */
public final class FindService implements DimseService {
  private static final Logger LOG = LoggerFactory.getLogger(FindService.class);

  /** The Query/Retrieve information models (PS3.4 C.6), which require (0008,0052) (PS3.4 C.4.1.1.3.1). */
  static final String QUERY_RETRIEVE_MODELS = "1.2.840.10008.5.1.4.1.2.";
  static final int QUERY_RETRIEVE_LEVEL = 0x00080052;

  private final FindHandler handler;
  private final Executor executor;
  private final int maxIdentifierLength;

  public FindService(FindHandler handler) {
    this(handler, Identifiers.WORKERS, Identifiers.DEFAULT_MAX_IDENTIFIER_LENGTH);
  }

  /**
   * @param executor runs the handler and the session; must not be an event loop
   * @param maxIdentifierLength largest request identifier accepted (bytes)
   */
  public FindService(FindHandler handler, Executor executor, int maxIdentifierLength) {
    this.handler = handler;
    this.executor = executor;
    this.maxIdentifierLength = maxIdentifierLength;
  }

  @Override
  public DimseOperation begin(DimseExchange exchange) {
    CommandSet cmd = exchange.command();
    if (!cmd.hasDataSet()) {
      Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, "C-FIND-RQ without identifier");
      return DimseOperation.NONE;
    }
    Search search = new Search(exchange);
    exchange.onCancel(search::cancelled);
    return Identifiers.collect(exchange, maxIdentifierLength, executor, search::run);
  }

  /** One search: the worker loop and the close-once of its session. */
  private final class Search {
    private final DimseExchange exchange;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile FindSession session;

    Search(DimseExchange exchange) {
      this.exchange = exchange;
    }

    /** Event loop: C-CANCEL-RQ or association end; unblock a session waiting in next(). */
    void cancelled() {
      if (session != null) {
        executor.execute(this::close);
      }
    }

    private void close() {
      FindSession s = session;
      if (s != null && closed.compareAndSet(false, true)) {
        try {
          s.close();
        } catch (RuntimeException e) {
          LOG.warn("{}: closing the find session failed", exchange.association(), e);
        }
      }
    }

    /** Worker thread. */
    void run(byte[] identifierBytes) {
      String sopClass = exchange.command().getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse("");
      String ts = exchange.presentationContext().transferSyntax();
      DataSet identifier;
      try {
        identifier = Identifiers.decode(identifierBytes, ts);
      } catch (IOException | RuntimeException e) {
        LOG.info("{}: C-FIND identifier cannot be decoded: {}", exchange.association(), e.toString());
        Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, "identifier cannot be decoded: " + e.getMessage());
        return;
      }
      if (!sopClass.equals(exchange.presentationContext().abstractSyntax())) {
        Identifiers.fail(exchange, Status.SOP_CLASS_NOT_SUPPORTED, "SOP class " + sopClass
            + " on a context for " + exchange.presentationContext().abstractSyntax());
        return;
      }
      if (sopClass.startsWith(QUERY_RETRIEVE_MODELS) && identifier.getString(QUERY_RETRIEVE_LEVEL).isEmpty()) {
        Identifiers.fail(exchange, Status.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
            "identifier has no Query/Retrieve Level (0008,0052)");
        return;
      }
      CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);
      try {
        session = handler.find(new FindRequest(exchange.association().context(), sopClass,
            exchange.command().getInt(CommandSet.PRIORITY).orElse(CommandSet.PRIORITY_MEDIUM), identifier));
        while (!exchange.cancelled()) {
          Optional<DataSet> match;
          try {
            match = session.next();
          } catch (Exception e) {
            if (exchange.cancelled()) {
              break; // a session closed under a blocked next() may throw
            }
            throw e;
          }
          if (match.isEmpty() || exchange.cancelled()) {
            break;
          }
          byte[] encoded = Identifiers.encode(match.get(), ts);
          previous.get(); // backpressure: the previous response is on the wire
          Status pending = session.optionalKeysUnsupported() ? Status.PENDING_WITH_WARNINGS : Status.PENDING;
          previous = exchange.respondPending(exchange.response(pending)
              .setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClass).build(), encoded);
        }
        previous.get();
        Status end = exchange.cancelled() ? Status.CANCEL : Status.SUCCESS;
        exchange.respond(exchange.response(end).setString(CommandSet.AFFECTED_SOP_CLASS_UID, sopClass).build());
      } catch (ExecutionException e) {
        // a response could not be written: the association is gone, nobody to answer
        LOG.debug("{}: C-FIND ended, connection lost: {}", exchange.association(), e.getCause().toString());
      } catch (RequestRefusedException e) {
        Identifiers.fail(exchange, e.status(), e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, "interrupted");
      } catch (IOException e) {
        LOG.warn("{}: C-FIND failed", exchange.association(), e);
        Identifiers.fail(exchange, Status.REFUSED_OUT_OF_RESOURCES, e.getMessage());
      } catch (Exception e) {
        LOG.warn("{}: C-FIND failed", exchange.association(), e);
        Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, String.valueOf(e.getMessage()));
      } finally {
        close();
      }
    }
  }
}
