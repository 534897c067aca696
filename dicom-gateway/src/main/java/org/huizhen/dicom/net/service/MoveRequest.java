package org.huizhen.dicom.net.service;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.net.assoc.AssociationContext;

/**
 * A received C-MOVE-RQ (PS3.7 9.1.4.1) as the {@link MoveHandler} sees it.
 *
 * @param moveDestination (0000,0600) the AE title the instances go to
 * @param identifier the keys naming what to move (PS3.4 C.4.2.1.4), decoded
 */
public record MoveRequest(AssociationContext association, String sopClassUid, int priority,
    DataSet identifier, String moveDestination) {
}
