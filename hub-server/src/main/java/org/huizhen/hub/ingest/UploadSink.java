package org.huizhen.hub.ingest;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletionStage;

/**
 * Receives the data set of one {@link UploadRequest} as it arrives; the same sink as a C-STORE
 * gets ({@link IngestService}), with a richer result.
 *
 * <p>Threading: call {@link #data}, {@link #end} and {@link #abort} from one thread at a time
 * (e.g. the HTTP request's event loop); they never block.
 */
public interface UploadSink {
    /** The next data-set bytes (after the File Meta Information), in order. Takes ownership of {@code data}. */
    void data(ByteBuf data);

    /**
     * Every byte has been given, but {@link #end} comes later (a STOW-RS request ends its parts
     * only once its whole body has arrived): the blob's data is forced to disk now, while the
     * rest of the request is still arriving, so that {@code end} has only the rename, the journal
     * and the index left to do. Never blocks; optional.
     */
    default void dataComplete() {
    }

    /**
     * After the last bytes. Completes once the instance is durable (blob and journal) or refused;
     * never completes exceptionally.
     */
    CompletionStage<UploadResult> end();

    /** The upload failed mid-transfer: discard what was written; nothing is stored. */
    void abort(Throwable cause);
}
