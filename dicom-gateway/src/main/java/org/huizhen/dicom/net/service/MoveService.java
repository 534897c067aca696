package org.huizhen.dicom.net.service;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.huizhen.dicom.net.ClientAssociation;
import org.huizhen.dicom.net.ClientConfig;
import org.huizhen.dicom.net.DicomClient;
import org.huizhen.dicom.net.PresentationContextProposal;
import org.huizhen.dicom.net.StoreOptions;
import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.DimseService;
import org.huizhen.dicom.net.dimse.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-MOVE SCP (PS3.4 C.4.2, PS3.7 9.1.4): decodes the identifier, lets the
 * {@link MoveHandler} resolve it and the Move Destination (0000,0600), opens an association to
 * the destination ({@link DicomClient}, our AE title as calling AE, one presentation context per
 * SOP class and transfer syntax of the instances, at most 128) and C-STOREs each instance with
 * Move Originator AE Title / Message ID set (PS3.7 9.1.1.1), reporting progress as described in
 * {@link SubOperations}.
 *
 * <p>Failures: no identifier or one that cannot be decoded 0xC000; a
 * {@link RequestRefusedException} its status (0xA801 for an unknown destination); a destination
 * that cannot be reached 0xA702 with every instance failed; any other handler exception 0xC000.
 *
 * <p>Threading: {@link #begin} on the event loop; handler, connection and sub-operations on
 * {@code executor}, one request at a time per association.
 */
public final class MoveService implements DimseService {
  private static final Logger LOG = LoggerFactory.getLogger(MoveService.class);
  /** PS3.8 9.3.2: at most 128 presentation contexts (odd ids 1..255). */
  private static final int MAX_CONTEXTS = 128;

  private final MoveHandler handler;
  private final Executor executor;
  private final BiFunction<String, MoveDestination, ClientConfig> clientConfig;

  public MoveService(MoveHandler handler) {
    this(handler, Identifiers.WORKERS, MoveService::defaultClientConfig);
  }

  /**
   * @param clientConfig the configuration of the association to a destination, from our AE title
   *     (the Called AE of the C-MOVE's association) and the destination
   */
  public MoveService(MoveHandler handler, Executor executor,
      BiFunction<String, MoveDestination, ClientConfig> clientConfig) {
    this.handler = handler;
    this.executor = executor;
    this.clientConfig = clientConfig;
  }

  /** Our AE title calling the destination, default timeouts, the destination's TLS if any. */
  public static ClientConfig defaultClientConfig(String ourAe, MoveDestination d) {
    ClientConfig.Builder b = ClientConfig.builder(ourAe.trim(), d.aeTitle(), d.host(), d.port());
    d.tls().ifPresent(b::tls);
    return b.build();
  }

  @Override
  public DimseOperation begin(DimseExchange exchange) {
    if (!exchange.command().hasDataSet()) {
      Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, "C-MOVE-RQ without identifier");
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
    String destinationAe = cmd.getString(CommandSet.MOVE_DESTINATION).orElse("").trim();
    MoveSession session;
    try {
      session = handler.move(new MoveRequest(exchange.association().context(),
          cmd.getString(CommandSet.AFFECTED_SOP_CLASS_UID).orElse(""),
          cmd.getInt(CommandSet.PRIORITY).orElse(CommandSet.PRIORITY_MEDIUM), identifier.get(), destinationAe));
    } catch (RequestRefusedException e) {
      Identifiers.fail(exchange, e.status(), e.getMessage());
      return;
    } catch (Exception e) {
      LOG.warn("{}: move handler failed", exchange.association(), e);
      Identifiers.fail(exchange, Status.CANNOT_UNDERSTAND, String.valueOf(e.getMessage()));
      return;
    }
    SubOperations subOps = new SubOperations(exchange);
    List<RetrieveInstance> instances = session.instances();
    if (instances.isEmpty()) {
      subOps.run(instances, i -> Status.SUCCESS);
      return;
    }
    Set<List<String>> pairs = new LinkedHashSet<>();
    instances.forEach(i -> pairs.add(List.of(i.sopClassUid(), i.transferSyntaxUid())));
    List<PresentationContextProposal> proposals = new ArrayList<>();
    pairs.stream().limit(MAX_CONTEXTS)
        .forEach(p -> proposals.add(PresentationContextProposal.of(p.get(0), p.get(1))));
    ClientConfig config = clientConfig.apply(exchange.association().context().calledAe(), session.destination());
    ClientAssociation destination;
    try {
      destination = DicomClient.connect(config, proposals)
          .get(config.connectTimeout().plus(config.artimTimeout()).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      LOG.info("{}: move destination {} unreachable: {}", exchange.association(), session.destination(),
          cause.toString());
      subOps.failAll(instances, "move destination " + destinationAe + ": " + cause.getMessage());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      subOps.failAll(instances, "interrupted");
      return;
    }
    StoreOptions options = StoreOptions.moveSubOperation(exchange.association().context().callingAe().trim(),
        exchange.messageId());
    try {
      subOps.run(instances, i -> destination.store(i.sopClassUid(), i.sopInstanceUid(), i.transferSyntaxUid(),
          i.opener().open(), options).get().status());
    } finally {
      destination.release().exceptionally(e -> null);
    }
  }

}
