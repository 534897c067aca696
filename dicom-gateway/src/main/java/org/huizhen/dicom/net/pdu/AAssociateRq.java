package org.huizhen.dicom.net.pdu;

import java.util.List;

/**
 * A-ASSOCIATE-RQ PDU (PS3.8 9.3.2).
 *
 * @param protocolVersion bit field; bit 0 set = version 1, the only one defined
 * @param calledAe 1..16 characters, trimmed
 * @param callingAe 1..16 characters, trimmed
 */
public record AAssociateRq(int protocolVersion, String calledAe, String callingAe,
    String applicationContext, List<PresentationContextRq> presentationContexts,
    UserInformation userInformation) implements Pdu {

  /** DICOM Application Context Name (PS3.7 A.2.1). */
  public static final String DICOM_APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";

  public AAssociateRq {
    presentationContexts = List.copyOf(presentationContexts);
  }
}
