package org.huizhen.hub.ingest;

import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.net.StoreResult;

/**
 * The C-STORE statuses ingest answers with (PS3.4 Table B.2-1; PS3.7 Annex C).
 * Stateless.
 */
final class IngestStatus {
    /** Success. */
    static final int SUCCESS = 0x0000;
    /** Refused: out of resources (PS3.4 B.2.3, A7xx). */
    static final int OUT_OF_RESOURCES = 0xA700;
    /** Error: data set does not match SOP class (A9xx). */
    static final int DATA_SET_DOES_NOT_MATCH = 0xA900;
    /** Error: cannot understand (Cxxx). */
    static final int CANNOT_UNDERSTAND = 0xC000;
    /** Warning: data set does not match SOP class (B007) — stored anyway. */
    static final int WARNING_DOES_NOT_MATCH = 0xB007;

    private IngestStatus() {
    }

    static StoreResult success() {
        return new StoreResult(SUCCESS, Optional.empty(), List.of());
    }

    static StoreResult outOfResources(String comment) {
        return new StoreResult(OUT_OF_RESOURCES, Optional.of(truncate(comment)), List.of());
    }

    /** Error Comment (0000,0902) is LO: at most 64 characters (PS3.7 E.1). */
    static String truncate(String comment) {
        return comment.length() <= 64 ? comment : comment.substring(0, 64);
    }
}
