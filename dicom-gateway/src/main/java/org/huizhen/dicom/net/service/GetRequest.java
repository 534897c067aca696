package org.huizhen.dicom.net.service;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.net.assoc.AssociationContext;

/** A received C-GET-RQ (PS3.7 9.1.3.1) as the {@link GetHandler} sees it; identifier decoded. */
public record GetRequest(AssociationContext association, String sopClassUid, int priority,
    DataSet identifier) {
}
