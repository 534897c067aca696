package org.huizhen.dicom.net.pdu;

/**
 * A-ASSOCIATE-RJ PDU (PS3.8 9.3.4, Table 9-21).
 *
 * @param result 1 = rejected-permanent, 2 = rejected-transient
 * @param source 1 = service-user, 2 = service-provider (ACSE), 3 = service-provider (presentation)
 * @param reason meaning depends on the source, see the {@code REASON_*} constants
 */
public record AAssociateRj(int result, int source, int reason) implements Pdu {
}
