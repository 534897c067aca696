package org.huizhen.dicom.net.pdu;

import java.util.Arrays;

/**
 * SOP Class Extended Negotiation sub-item (PS3.7 D.3.3.5, item type 0x56): service-class
 * specific bytes that this layer passes through to the application unchanged.
 */
public record ExtendedNegotiation(String sopClassUid, byte[] info) {
  public ExtendedNegotiation {
    info = info.clone();
  }

  @Override
  public byte[] info() {
    return info.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExtendedNegotiation e && e.sopClassUid.equals(sopClassUid)
        && Arrays.equals(e.info, info);
  }

  @Override
  public int hashCode() {
    return sopClassUid.hashCode() * 31 + Arrays.hashCode(info);
  }

  @Override
  public String toString() {
    return "ExtendedNegotiation[" + sopClassUid + ", " + info.length + " bytes]";
  }
}
