package org.huizhen.hub.ingest;

import java.util.Objects;
import java.util.Optional;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.storage.index.InstanceRecord;

/**
 * The outcome of an {@link UploadSink}: the status a C-STORE would have answered (PS3.4 B.2.3)
 * and, when the instance was stored (success or warning), the record that was indexed.
 *
 * <p>Immutable.
 *
 * @param result the status, Error Comment, offending elements
 * @param stored the index record when stored; empty when refused
 */
public record UploadResult(StoreResult result, Optional<InstanceRecord> stored) {
    /**
     * Failure Reason 0xC122 of PS3.18 10.5.3.1 (Table 10.5.3-2): "Referenced SOP Instance is
     * not part of the Study" named by the STOW-RS target URI: the refusal when
     * {@link UploadRequest#requiredStudyInstanceUid} does not match.
     */
    public static final int WRONG_STUDY = 0xC122;

    public UploadResult {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(stored, "stored");
    }
}
