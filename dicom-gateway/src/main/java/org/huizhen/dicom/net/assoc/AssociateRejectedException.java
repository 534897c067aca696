package org.huizhen.dicom.net.assoc;

/**
 * The peer answered our A-ASSOCIATE-RQ with an A-ASSOCIATE-RJ (PS3.8 9.3.4, Table 9-21).
 * The values are those of {@link AssociationDecision.Reject}.
 */
public final class AssociateRejectedException extends Exception {
  private final int result;
  private final int source;
  private final int reason;

  public AssociateRejectedException(int result, int source, int reason) {
    super("association rejected: result " + result + ", source " + source + ", reason " + reason);
    this.result = result;
    this.source = source;
    this.reason = reason;
  }

  public int result() {
    return result;
  }

  public int source() {
    return source;
  }

  public int reason() {
    return reason;
  }
}
