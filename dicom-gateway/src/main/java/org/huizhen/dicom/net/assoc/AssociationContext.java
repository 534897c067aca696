package org.huizhen.dicom.net.assoc;

import java.net.InetSocketAddress;

/**
 * What a DIMSE service handler knows about the association a request arrived on.
 *
 * @param attachment the object of {@link AssociationDecision.Accept} (null if none)
 * @param tls whether the association runs over TLS (PS3.15 B.1)
 */
public record AssociationContext(String callingAe, String calledAe, InetSocketAddress remote,
    Object attachment, boolean tls) {
}
