package org.huizhen.dicom.net.assoc;

import java.util.List;
import java.util.function.Predicate;

/**
 * What the acceptor side of {@link AssociationHandler} needs to answer an A-ASSOCIATE-RQ.
 *
 * @param aeTitle our AE title
 * @param strictCalledAe reject (reason 7) a Called AE Title that differs from {@code aeTitle}
 * @param abstractSyntaxes abstract syntaxes (SOP classes) we accept
 * @param transferSyntaxes transfer syntax UIDs we accept; see {@link Negotiator}
 * @param maxPduLengthReceived the Maximum Length we announce (PS3.8 D.1)
 */
public record AcceptorSettings(String aeTitle, boolean strictCalledAe,
    Predicate<String> abstractSyntaxes, List<String> transferSyntaxes, AssociationPolicy policy,
    ExtendedNegotiationPolicy extendedNegotiation, int maxPduLengthReceived) {

  public AcceptorSettings {
    transferSyntaxes = List.copyOf(transferSyntaxes);
  }
}
