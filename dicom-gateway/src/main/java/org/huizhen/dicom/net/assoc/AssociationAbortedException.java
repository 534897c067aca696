package org.huizhen.dicom.net.assoc;

/**
 * The association ended by an A-ABORT (PS3.8 7.3, 7.4) or by the loss of its connection.
 * Operations in flight fail with this exception.
 *
 * @see org.huizhen.dicom.net.pdu.AAbort for the source and reason values
 */
public final class AssociationAbortedException extends Exception {
  private final int source;
  private final int reason;

  public AssociationAbortedException(String message, int source, int reason) {
    super(message + " (source " + source + ", reason " + reason + ")");
    this.source = source;
    this.reason = reason;
  }

  /** 0 = service-user, 2 = service-provider (PS3.8 Table 9-26); -1 when the connection was lost. */
  public int source() {
    return source;
  }

  public int reason() {
    return reason;
  }
}
