package org.huizhen.dicom.net.service;

/**
 * The application's C-MOVE SCP port (PS3.4 C.4.2): resolves the identifier to instances and the
 * Move Destination AE title to an address. An unknown destination is
 * {@code throw new RequestRefusedException(Status.MOVE_DESTINATION_UNKNOWN, ...)} (0xA801).
 *
 * <p>Threading: called on a worker thread, never on an event loop; may block.
 */
@FunctionalInterface
public interface MoveHandler {
  MoveSession move(MoveRequest rq) throws Exception;
}
