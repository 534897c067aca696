package org.huizhen.dicom.net;

import java.util.List;
import org.huizhen.dicom.net.dimse.DimseResponse;

/**
 * The outcome of a C-MOVE or C-GET as the SCU sees it: the final response and what it says
 * about the sub-operations (PS3.7 9.3.3.2, 9.3.4.2).
 *
 * @param completed (0000,1021); 0 when absent
 * @param failed (0000,1022); 0 when absent
 * @param warning (0000,1023); 0 when absent
 * @param failedSopInstanceUids Failed SOP Instance UID List (0008,0058) of the final response's
 *     identifier, if it had one
 */
public record RetrieveResult(DimseResponse response, int completed, int failed, int warning,
    List<String> failedSopInstanceUids) {
  public RetrieveResult {
    failedSopInstanceUids = List.copyOf(failedSopInstanceUids);
  }
}
