package org.huizhen.dicom.net.service;

import java.util.Optional;
import org.huizhen.dicom.data.DataSet;

/**
 * The matches of one C-FIND, produced one at a time so that a large result never has to be in
 * memory: {@link FindService} asks for the next match only once the previous response has been
 * written to the connection.
 *
 * <p>Threading: {@link #next()} is called on a worker thread, never on an event loop, and may
 * block (JDBC). {@link #close()} is called once when the search ends for any reason (all matches
 * sent, C-CANCEL-RQ, association lost, failure), possibly from another worker thread while
 * {@link #next()} is blocked: it should then make {@link #next()} return or throw soon.
 */
public interface FindSession extends AutoCloseable {

  /**
   * The next match: a response identifier with the requested keys (PS3.4 C.4.1.1.3.2) and the
   * Specific Character Set (0008,0005) its text is encoded in; empty when there are no more.
   * A {@link RequestRefusedException} ends the search with its status.
   */
  Optional<DataSet> next() throws Exception;

  /**
   * True if some optional keys of the query were not supported, which makes each pending status
   * 0xFF01 instead of 0xFF00 (PS3.4 C.4.1.1.4).
   */
  default boolean optionalKeysUnsupported() {
    return false;
  }

  @Override
  void close();
}
