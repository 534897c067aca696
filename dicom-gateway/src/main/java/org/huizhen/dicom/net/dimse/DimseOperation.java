package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;

/**
 * One DIMSE request being served: receives the request's data-set fragments, if any, and is
 * told if the association ends before it answered.
 *
 * <p>Threading: all calls on the association's event loop.
 */
public interface DimseOperation {

  /**
   * The next data-set fragment. Ownership: takes ownership of {@code fragment}.
   *
   * @param last true for the final fragment
   */
  void data(ByteBuf fragment, boolean last);

  /** The association ended (abort or lost connection) before the response was sent. */
  void abort(Throwable cause);

  /** For requests without a data set: no data expected, nothing to abort. */
  DimseOperation NONE = new DimseOperation() {
    @Override
    public void data(ByteBuf fragment, boolean last) {
      fragment.release();
    }

    @Override
    public void abort(Throwable cause) {
    }
  };
}
