package org.huizhen.dicom.net.service;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.huizhen.dicom.net.assoc.Association;
import org.huizhen.dicom.net.assoc.NegotiatedContext;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DataSetSource;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.DimseService;
import org.huizhen.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-GET SCP (PS3.4 C.4.3, PS3.7 9.1.3): decodes the identifier, lets the {@link GetHandler}
 * resolve it, and C-STOREs each instance back over the same association, reporting progress as
 * described in {@link SubOperations}. A sub-operation needs an accepted presentation context for
 * the instance's SOP class with exactly its transfer syntax, and the requestor must have been
 * granted the SCP role for that SOP class (SCP/SCU Role Selection, PS3.7 D.3.3.4, see
 * {@code Negotiator}); otherwise that sub-operation fails.
 *
 * <p>Failures: no identifier or one that cannot be decoded 0xC000; a
 * {@link RequestRefusedException} its status; any other handler exception 0xC000.
 *
 * <p>Threading: {@link #begin} on the event loop; handler and sub-operations on {@code executor}.
 */
public final class GetService implements DimseService {
  private static final Logger LOG = LoggerFactory.getLogger(GetService.class);

  private final GetHandler handler;
  private final Executor executor;

  public GetService(GetHandler handler) {
    this(handler, Identifiers.WORKERS);
  }

  public GetService(GetHandler handler, Executor executor) {
    this.handler = handler;
    this.executor = executor;
  }

  @Override
  public DimseOperation begin(DimseExchange exchange) {
    if (!exchange.command().hasDataSet()) {
      Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, "C-GET-RQ without identifier");
      return DimseOperation.NONE;
    }
    return Identifiers.collect(exchange, Identifiers.DEFAULT_MAX_IDENTIFIER_LENGTH, executor,
        bytes -> run(exchange, bytes));
  }

  private void run(DimseExchange exchange, byte[] bytes) {
    var identifier = Identifiers.decodeOrFail(exchange, bytes);
    if (identifier.isEmpty()) {
      return;
    }
    CommandSet cmd = exchange.command();
    List<RetrieveInstance> instances;
    try {
      instances = List.copyOf(handler.get(new GetRequest(exchange.association().context(),
          cmd.getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse(""),
          cmd.getInt(CommandSet.PRIORITY).orElse(CommandSet.PRIORITY_MEDIUM), identifier.get())));
    } catch (RequestRefusedException e) {
      Identifiers.fail(exchange, e.status(), e.getMessage());
      return;
    } catch (Exception e) {
      LOG.warn("{}: get handler failed", exchange.association(), e);
      Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, String.valueOf(e.getMessage()));
      return;
    }
    new SubOperations(exchange).run(instances, i -> store(exchange, i));
  }

  private static Status store(DimseExchange exchange, RetrieveInstance instance) throws Exception {
    Association a = exchange.association();
    boolean scpRole = a.acceptance().userInformation().roleSelections().stream()
        .anyMatch(r -> r.sopClassUid().equals(instance.sopClassUid()) && r.scp());
    Optional<NegotiatedContext> pc = a.presentationContexts().values().stream()
        .filter(c -> c.abstractSyntax().equals(instance.sopClassUid()))
        .filter(c -> c.transferSyntax().equals(instance.transferSyntaxUid()))
        .min(Comparator.comparingInt(NegotiatedContext::id));
    if (!scpRole || pc.isEmpty()) {
      throw new IllegalStateException("no presentation context with SCP role for " + instance.sopClassUid()
          + " in " + instance.transferSyntaxUid());
    }
    CommandSet rq = CommandSet.builder()
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ)
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, instance.sopClassUid())
        .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, instance.sopInstanceUid())
        .setInt(CommandSet.PRIORITY, CommandSet.PRIORITY_MEDIUM).build();
    DataSetSource source = instance.opener().open();
    return exchange.invoke(pc.get().id(), rq, source).get().status();
  }
}
