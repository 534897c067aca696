package org.huizhen.dicom.net.pdu;

/** SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4, item type 0x54). */
public record RoleSelection(String sopClassUid, boolean scu, boolean scp) {
}
