package org.huizhen.dicom.net.service;

import java.util.Optional;
import java.util.OptionalInt;
import org.huizhen.dicom.net.assoc.AssociationContext;

/**
 * A received C-STORE-RQ (PS3.7 9.1.1.1, 9.3.1.1) as the {@link StoreHandler} sees it, before any
 * data-set byte.
 *
 * @param transferSyntaxUid the transfer syntax of the presentation context: how the data set
 *     bytes that follow are encoded
 * @param priority (0000,0700): 0 medium, 1 high, 2 low
 * @param flow to pause and resume reading while the sink catches up
 */
public record StoreRequest(AssociationContext association, int messageId, String sopClassUid,
    String sopInstanceUid, String transferSyntaxUid, int priority,
    Optional<String> moveOriginatorAe, OptionalInt moveOriginatorMessageId, FlowControl flow) {
}
