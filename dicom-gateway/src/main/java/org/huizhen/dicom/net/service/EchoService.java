package org.huizhen.dicom.net.service;

import org.huizhen.dicom.net.dimse.CommandSet;
import org.huizhen.dicom.net.dimse.DimseExchange;
import org.huizhen.dicom.net.dimse.DimseOperation;
import org.huizhen.dicom.net.dimse.DimseService;
import org.huizhen.dicom.net.dimse.Status;

/**
 * The C-ECHO SCP (PS3.7 9.1.5, PS3.4 Annex A): answers with the {@link EchoHandler}'s status.
 *
 * <p>Threading: event loop only.
 */
public final class EchoService implements DimseService {
  /** Verification SOP Class (PS3.4 A.4). */
  public static final String VERIFICATION_SOP_CLASS = "1.2.840.10008.1.1";

  private final EchoHandler handler;

  public EchoService(EchoHandler handler) {
    this.handler = handler;
  }

  @Override
  public DimseOperation begin(DimseExchange exchange) {
    Status status;
    try {
      status = handler.echo(exchange.association().context());
    } catch (RuntimeException e) {
      status = Status.PROCESSING_FAILURE;
    }
    exchange.respond(exchange.response(status)
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, VERIFICATION_SOP_CLASS).build());
    return DimseOperation.NONE;
  }
}
