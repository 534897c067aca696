package org.huizhen.dicom.net.service;

import org.huizhen.dicom.net.assoc.AssociationContext;
import org.huizhen.dicom.net.dimse.Status;

/**
 * The application's C-ECHO SCP port (PS3.4 Annex A, PS3.7 9.1.5): the status to answer with.
 *
 * <p>Threading: called on the event loop; must not block.
 */
@FunctionalInterface
public interface EchoHandler {
  Status echo(AssociationContext association);

  /** Always answers success (0x0000). */
  static EchoHandler success() {
    return a -> Status.SUCCESS;
  }
}
