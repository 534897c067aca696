package org.huizhen.dicom.net.dimse;

/**
 * A DIMSE service provider (SCP), registered in the {@link DimseDispatcher} by the command
 * field(s) of the requests it serves (e.g. C-STORE-RQ 0x0001, C-ECHO-RQ 0x0030; C-FIND,
 * C-MOVE, C-GET plug in the same way).
 *
 * <p>Threading: called on the association's event loop; must not block. Send the response
 * with {@link DimseExchange#respond}, from any thread.
 */
@FunctionalInterface
public interface DimseService {

  /**
   * A request command arrived. Returns the operation that receives its data set (if
   * {@code exchange.command().hasDataSet()}), or {@link DimseOperation#NONE}.
   */
  DimseOperation begin(DimseExchange exchange);
}
