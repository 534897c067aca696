package org.huizhen.dicom.net.service;

/**
 * Lets a {@link StoreSink} slow the sender down: {@link #pause()} stops reading from the
 * connection (TCP backpressure reaches the peer), {@link #resume()} starts again.
 *
 * <p>Thread-safe; both calls toggle the channel's auto-read flag.
 */
public interface FlowControl {
  void pause();

  void resume();
}
