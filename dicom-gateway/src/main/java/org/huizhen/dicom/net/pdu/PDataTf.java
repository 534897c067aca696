package org.huizhen.dicom.net.pdu;

import io.netty.buffer.ByteBuf;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.ReferenceCounted;
import java.util.List;

/**
 * P-DATA-TF PDU (PS3.8 9.3.5): one or more PDV items.
 *
 * <p>Ownership: this object owns the buffers of its PDVs and releases them all when its own
 * reference count reaches zero. Whoever receives a {@code PDataTf} from the pipeline owns one
 * reference and must release it (Netty's usual rule for messages).
 */
public final class PDataTf extends AbstractReferenceCounted implements Pdu {
  private final List<Pdv> pdvs;

  /** Takes ownership of every PDV's buffer. */
  public PDataTf(List<Pdv> pdvs) {
    this.pdvs = List.copyOf(pdvs);
  }

  /** A P-DATA-TF with a single PDV; takes ownership of {@code data}. */
  public static PDataTf of(int contextId, boolean command, boolean last, ByteBuf data) {
    return new PDataTf(List.of(new Pdv(contextId, command, last, data)));
  }

  /** The PDVs; their buffers stay owned by this PDU. */
  public List<Pdv> pdvs() {
    return pdvs;
  }

  /** Length of the PDU's variable field (the value of the PDU length field). */
  public long variableFieldLength() {
    long n = 0;
    for (Pdv p : pdvs) {
      n += p.encodedLength();
    }
    return n;
  }

  @Override
  protected void deallocate() {
    for (Pdv p : pdvs) {
      p.data().release();
    }
  }

  @Override
  public ReferenceCounted touch(Object hint) {
    for (Pdv p : pdvs) {
      p.data().touch(hint);
    }
    return this;
  }

  @Override
  public String toString() {
    return "PDataTf" + pdvs.stream().map(p -> "[pc=" + p.contextId() + (p.command() ? " cmd" : " data")
        + (p.last() ? " last" : "") + " " + p.data().readableBytes() + "B]").toList();
  }
}
