package org.huizhen.dicom.net.pdu;

/** A-RELEASE-RQ PDU (PS3.8 9.3.6): asks the peer to release the association. */
public record AReleaseRq() implements Pdu {
  public static final AReleaseRq INSTANCE = new AReleaseRq();
}
