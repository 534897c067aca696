package org.huizhen.storage.index;

import java.util.List;

import org.huizhen.storage.BlobId;

/**
 * Result of {@link MetadataIndex#verifyBlobs}.
 *
 * @param checked  instance rows checked (current versions)
 * @param missing  rows whose blob is absent; they are now marked unavailable and not served
 * @param restored rows that were unavailable and whose blob is present again; served again
 */
public record IntegrityReport(long checked, List<MissingBlob> missing, List<String> restored) {

    public IntegrityReport {
        missing = List.copyOf(missing);
        restored = List.copyOf(restored);
    }

    /** An instance whose blob is gone. */
    public record MissingBlob(String sopInstanceUid, BlobId blobId) {
    }

    public boolean clean() {
        return missing.isEmpty();
    }
}
