package org.huizhen.dicom.net.service;

import org.huizhen.dicom.net.dimse.Status;

/** Thrown by a {@link StoreHandler} to refuse an instance with a specific C-STORE status. */
public final class StoreRefusedException extends Exception {
  private final Status status;

  public StoreRefusedException(Status status, String comment) {
    super(comment);
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
