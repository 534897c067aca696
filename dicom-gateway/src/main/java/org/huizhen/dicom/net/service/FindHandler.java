package org.huizhen.dicom.net.service;

/**
 * The application's C-FIND SCP port (PS3.4 Annex C, Query/Retrieve FIND): turns a query into a
 * {@link FindSession} that yields the matches.
 *
 * <p>Threading: called on a worker thread, never on an event loop; may block.
 */
@FunctionalInterface
public interface FindHandler {
  /**
   * Starts a search. A {@link RequestRefusedException} answers with its status; any other
   * exception with 0xC000 (unable to process), its message as Error Comment.
   */
  FindSession find(FindRequest rq) throws Exception;
}
