package org.huizhen.dicom.net.service;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Receives the data set of one C-STORE-RQ as it arrives, e.g. to write it to a temporary file.
 *
 * <p>Threading: {@link #data} and {@link #end} are called on the event loop and must not block;
 * hand blocking work (fsync, database) to another thread and use {@link FlowControl} if it lags.
 */
public interface StoreSink {
  /** Next data-set fragment, in order, on the event loop. Takes ownership of data (sink releases it). */
  void data(ByteBuf data);

  /** After the last fragment. The C-STORE-RSP is sent when the stage completes (status + optional comment). */
  CompletionStage<StoreResult> end();

  /** The association was aborted/closed mid-instance: discard what was written. */
  void abort(Throwable cause);
}
