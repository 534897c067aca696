package org.huizhen.dicom.net.dimse;

/**
 * Emitted by {@link PDataAssembler} instead of a message when the P-DATA stream breaks
 * PS3.8 Annex E / PS3.7 6.3 (e.g. a command set too large or undecodable, data without a
 * command). The association handler answers it with an A-ABORT carrying {@code abortReason}.
 */
public record DimseProtocolError(int abortReason, String message) {
}
