package org.huizhen.dicom.net.service;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.net.assoc.AssociationContext;

/**
 * A received C-FIND-RQ (PS3.7 9.1.2.1) as the {@link FindHandler} sees it.
 *
 * @param sopClassUid the query information model, e.g. Study Root FIND 1.2.840.10008.5.1.4.1.2.2.1
 * @param priority (0000,0700): 0 medium, 1 high, 2 low
 * @param identifier the query keys (PS3.4 C.4.1.1.3.1) decoded in the presentation context's
 *     transfer syntax, with the Specific Character Set (0008,0005) the requester put in it
 */
public record FindRequest(AssociationContext association, String sopClassUid, int priority,
    DataSet identifier) {
}
