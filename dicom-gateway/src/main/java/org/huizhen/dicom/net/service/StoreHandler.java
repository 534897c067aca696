package org.huizhen.dicom.net.service;

/**
 * The application's C-STORE SCP port (PS3.4 Annex B): asked for a {@link StoreSink} for each
 * incoming instance; the data set is streamed into it and never has to be in the heap.
 *
 * <p>Threading: called on the event loop; must not block.
 */
@FunctionalInterface
public interface StoreHandler {
  /**
   * Called on the event loop when a C-STORE-RQ command arrives, before any data set bytes.
   * An exception means failure: {@link StoreRefusedException} gives the status; an
   * {@link java.io.IOException} gives 0xA700 (refused, out of resources), anything else 0xC000
   * (cannot understand), with the exception message as Error Comment.
   */
  StoreSink begin(StoreRequest request) throws Exception;
}
