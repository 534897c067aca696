package org.huizhen.dicom.net.assoc;

import java.util.List;
import org.huizhen.dicom.net.pdu.ExtendedNegotiation;

/**
 * Lets the application answer SOP Class Extended Negotiation items (PS3.7 D.3.3.5): it receives
 * the proposed items unchanged and returns the items to put in the A-ASSOCIATE-AC. Omitting an
 * item means "not supported" for that SOP class.
 *
 * <p>Threading: called on the event loop; must not block.
 */
@FunctionalInterface
public interface ExtendedNegotiationPolicy {
  List<ExtendedNegotiation> answer(AssociationRequestInfo rq, List<ExtendedNegotiation> proposed);

  /** Answers no item: every extended negotiation is declined. */
  static ExtendedNegotiationPolicy none() {
    return (rq, proposed) -> List.of();
  }
}
