package org.huizhen.dicom.net;

import java.util.List;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.net.dimse.DimseResponse;

/**
 * The outcome of a C-FIND as the SCU sees it: the final response (Success, Cancel or a
 * failure) and the identifiers of the pending responses before it, in order (PS3.7 9.3.2.2).
 */
public record FindResult(DimseResponse response, List<DataSet> matches) {
  public FindResult {
    matches = List.copyOf(matches);
  }
}
