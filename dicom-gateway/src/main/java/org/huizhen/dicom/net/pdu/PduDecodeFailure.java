package org.huizhen.dicom.net.pdu;

/**
 * The value {@link PduDecoder} emits instead of a {@link Pdu} when the input is not a valid
 * PDU: the association handler answers it with an A-ABORT carrying {@link #abortReason()}
 * (PS3.8 9.3.8, Table 9-26). Bad input is a value, not an exception.
 *
 * @param abortReason one of the {@code AAbort.REASON_*} constants
 * @param message what was wrong, for logs
 */
public record PduDecodeFailure(int abortReason, String message) {
}
