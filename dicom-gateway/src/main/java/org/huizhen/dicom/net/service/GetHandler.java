package org.huizhen.dicom.net.service;

import java.util.List;

/**
 * The application's C-GET SCP port (PS3.4 C.4.3): resolves the identifier to the instances that
 * go back to the requestor over the same association.
 *
 * <p>Threading: called on a worker thread, never on an event loop; may block.
 */
@FunctionalInterface
public interface GetHandler {
  List<RetrieveInstance> get(GetRequest rq) throws Exception;
}
