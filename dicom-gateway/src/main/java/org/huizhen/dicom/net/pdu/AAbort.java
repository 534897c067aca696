package org.huizhen.dicom.net.pdu;

/**
 * A-ABORT PDU (PS3.8 9.3.8, Table 9-26).
 *
 * @param source 0 = service-user, 2 = service-provider
 * @param reason with source 2: one of the {@code REASON_*} constants; 0 otherwise
 */
public record AAbort(int source, int reason) implements Pdu {
  public static final int SOURCE_SERVICE_USER = 0;
  public static final int SOURCE_SERVICE_PROVIDER = 2;

  public static final int REASON_NOT_SPECIFIED = 0;
  public static final int REASON_UNRECOGNIZED_PDU = 1;
  public static final int REASON_UNEXPECTED_PDU = 2;
  public static final int REASON_UNRECOGNIZED_PDU_PARAMETER = 4;
  public static final int REASON_UNEXPECTED_PDU_PARAMETER = 5;
  public static final int REASON_INVALID_PDU_PARAMETER_VALUE = 6;

  /** An abort issued by the service-provider (us, on a protocol error) with a PS3.8 reason. */
  public static AAbort provider(int reason) {
    return new AAbort(SOURCE_SERVICE_PROVIDER, reason);
  }

  /** An abort issued by the application (service-user); the reason is always 0. */
  public static AAbort user() {
    return new AAbort(SOURCE_SERVICE_USER, 0);
  }
}
