package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/**
 * A fragment of a DIMSE data set, in order, as emitted by {@link PDataAssembler}: a retained
 * slice of the received P-DATA-TF, not a copy.
 *
 * <p>Ownership: whoever receives this message owns it and must release it (or pass
 * {@link #content()} on to someone who will).
 */
public final class DataFragment extends DefaultByteBufHolder {
  private final int contextId;
  private final boolean last;

  /** Takes ownership of {@code data}. */
  public DataFragment(int contextId, ByteBuf data, boolean last) {
    super(data);
    this.contextId = contextId;
    this.last = last;
  }

  public int contextId() {
    return contextId;
  }

  /** True for the last fragment of the data set (PS3.8 E.2 bit 1). */
  public boolean last() {
    return last;
  }

  @Override
  public String toString() {
    return "DataFragment[pc=" + contextId + ", " + content().readableBytes() + "B" + (last ? ", last]" : "]");
  }
}
