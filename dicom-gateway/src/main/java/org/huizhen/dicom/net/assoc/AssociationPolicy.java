package org.huizhen.dicom.net.assoc;

/**
 * Access control for incoming associations: called once for each A-ASSOCIATE-RQ that passed the
 * protocol checks (PS3.8 7.1.1). The application decides by calling AE, called AE, remote address
 * and user identity, e.g. against its configured institutions.
 *
 * <p>Threading: called on the connection's event loop; must not block.
 */
@FunctionalInterface
public interface AssociationPolicy {
  AssociationDecision decide(AssociationRequestInfo rq);

  /** Accepts every association with no attachment. */
  static AssociationPolicy acceptAll() {
    return rq -> new AssociationDecision.Accept(null);
  }
}
