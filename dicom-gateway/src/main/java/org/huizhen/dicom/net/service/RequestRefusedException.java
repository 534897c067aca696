package org.huizhen.dicom.net.service;

import org.huizhen.dicom.net.dimse.Status;

/**
 * Thrown by a {@link FindHandler}, {@link MoveHandler} or {@link GetHandler} (or a
 * {@link FindSession}) to end the request with a specific failure status and Error Comment, e.g.
 * {@link Status#MOVE_DESTINATION_UNKNOWN} (0xA801) for a C-MOVE to an AE the application does not
 * know (PS3.4 C.4.2.1.4), or {@link Status#NOT_AUTHORIZED}.
 */
public final class RequestRefusedException extends Exception {
  private final Status status;

  public RequestRefusedException(Status status, String comment) {
    super(comment);
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
