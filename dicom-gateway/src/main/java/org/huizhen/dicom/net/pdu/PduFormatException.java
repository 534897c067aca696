package org.huizhen.dicom.net.pdu;

/**
 * Thrown inside the PDU parser to unwind to {@link PduDecoder}, which turns it into a
 * {@link PduDecodeFailure}. Never leaves the decoder.
 */
final class PduFormatException extends Exception {
  final int abortReason;

  PduFormatException(int abortReason, String message) {
    super(message, null, false, false);
    this.abortReason = abortReason;
  }
}
