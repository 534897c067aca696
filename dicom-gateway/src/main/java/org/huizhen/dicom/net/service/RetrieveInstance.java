package org.huizhen.dicom.net.service;

/**
 * One instance a C-MOVE or C-GET resolved to: what the C-STORE sub-operation sends
 * (PS3.4 C.4.2.2, C.4.3.2).
 *
 * @param transferSyntaxUid the transfer syntax the stored bytes are in; the sub-operation needs an
 *     accepted presentation context with exactly this one (no transcoding)
 */
public record RetrieveInstance(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
    DataSetOpener opener) {
}
