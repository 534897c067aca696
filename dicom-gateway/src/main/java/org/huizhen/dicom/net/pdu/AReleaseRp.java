package org.huizhen.dicom.net.pdu;

/** A-RELEASE-RP PDU (PS3.8 9.3.7): confirms an orderly release. */
public record AReleaseRp() implements Pdu {
  public static final AReleaseRp INSTANCE = new AReleaseRp();
}
