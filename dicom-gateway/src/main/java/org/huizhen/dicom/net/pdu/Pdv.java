package org.huizhen.dicom.net.pdu;

import io.netty.buffer.ByteBuf;

/**
 * One presentation data value item of a P-DATA-TF (PS3.8 9.3.5.1, PS3.8 E.2): a fragment of a
 * DIMSE command or data set.
 *
 * <p>Ownership: {@code data} is owned by the enclosing {@link PDataTf}; releasing the PDU
 * releases it. Retain it (e.g. {@code data.retainedSlice()}) to keep it longer.
 *
 * @param contextId presentation context id (odd, 1..255)
 * @param command true = command fragment, false = data-set fragment (bit 0 of the header)
 * @param last true = last fragment of the command or data set (bit 1 of the header)
 */
public record Pdv(int contextId, boolean command, boolean last, ByteBuf data) {

  /** The message control header byte, PS3.8 E.2. */
  public int messageControlHeader() {
    return (command ? 1 : 0) | (last ? 2 : 0);
  }

  /** Bytes this item occupies inside a P-DATA-TF: 4-byte length, id, header, data. */
  public int encodedLength() {
    return 6 + data.readableBytes();
  }
}
