package org.huizhen.dicom.net.service;

import java.io.IOException;
import org.huizhen.dicom.net.dimse.DataSetSource;

/**
 * Opens the stored data set of one instance (the bytes after the Part 10 meta information, in
 * the instance's transfer syntax) for a C-STORE sub-operation. Called on a worker thread, once
 * per sub-operation; the caller closes the source.
 */
@FunctionalInterface
public interface DataSetOpener {
  DataSetSource open() throws IOException;
}
