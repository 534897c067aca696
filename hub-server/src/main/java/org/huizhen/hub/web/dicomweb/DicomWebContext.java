package org.huizhen.hub.web.dicomweb;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.huizhen.hub.ingest.IngestService;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.index.MetadataIndex;

/**
 * What the DICOMweb handlers (PS3.18) need from the hub node: the index as readers see it
 * (acknowledged instances included), the blob store, the ingest service (STOW-RS stores through
 * the same path as C-STORE), Vert.x for blocking work off the event loop, and the data
 * directory for caches. Every route mounted with it sits behind the hub's HTTP authentication;
 * handlers read the caller from {@code HttpAuth.principal(ctx)}.
 *
 * <p>Immutable; its parts are thread-safe.
 *
 * @param basePath URL prefix of the DICOMweb service, {@code /dicomweb}
 */
public record DicomWebContext(Vertx vertx, MetadataIndex index, BlobStore blobs, IngestService ingest, Path dataDir,
                              String basePath) {
}
