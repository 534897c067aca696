package org.huizhen.dicom.net.assoc;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.huizhen.dicom.net.pdu.UserIdentity;

/** What an {@link AssociationPolicy} sees of an A-ASSOCIATE-RQ. */
public record AssociationRequestInfo(String callingAe, String calledAe, InetSocketAddress remote,
    Optional<UserIdentity> identity) {
}
