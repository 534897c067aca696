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
 * @param requestorScpRole SOP classes for which we accept the requestor's proposal to act as SCP
 *     (SCP/SCU Role Selection, PS3.7 D.3.3.4), i.e. we may send it C-STORE-RQs, as C-GET needs
 */
public record AcceptorSettings(String aeTitle, boolean strictCalledAe,
    Predicate<String> abstractSyntaxes, List<String> transferSyntaxes, AssociationPolicy policy,
    ExtendedNegotiationPolicy extendedNegotiation, int maxPduLengthReceived,
    Predicate<String> requestorScpRole) {

  public AcceptorSettings {
    transferSyntaxes = List.copyOf(transferSyntaxes);
  }

  /** Settings that accept the requestor's SCP role for storage SOP classes ({@link Negotiator#STORAGE_SOP_CLASS}). */
  public AcceptorSettings(String aeTitle, boolean strictCalledAe,
      Predicate<String> abstractSyntaxes, List<String> transferSyntaxes, AssociationPolicy policy,
      ExtendedNegotiationPolicy extendedNegotiation, int maxPduLengthReceived) {
    this(aeTitle, strictCalledAe, abstractSyntaxes, transferSyntaxes, policy, extendedNegotiation,
        maxPduLengthReceived, Negotiator.STORAGE_SOP_CLASS);
  }
}
