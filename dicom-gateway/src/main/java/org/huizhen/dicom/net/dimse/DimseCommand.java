package org.huizhen.dicom.net.dimse;

/**
 * A whole DIMSE command received on a presentation context, as emitted by
 * {@link PDataAssembler}. If {@code command.hasDataSet()}, {@link DataFragment}s follow.
 */
public record DimseCommand(int contextId, CommandSet command) {
}
