package org.huizhen.storage.index;

import java.time.Instant;

import org.huizhen.storage.BlobId;

/**
 * One version of an instance, current or superseded (see {@link MetadataIndex#versionsOf}).
 *
 * @param sopInstanceUid    SOP Instance UID
 * @param version           version number, from 1
 * @param blobId            blob with this version's bytes
 * @param sizeBytes         size in bytes
 * @param sha256            SHA-256, 64 lowercase hex
 * @param transferSyntaxUid transfer syntax of this version's bytes
 * @param origin            where this version came from, and when
 * @param supersededAt      when a newer version replaced it; null for the current version
 */
public record InstanceVersion(String sopInstanceUid, int version, BlobId blobId, long sizeBytes, String sha256,
                              String transferSyntaxUid, Origin origin, Instant supersededAt) {

    public boolean current() {
        return supersededAt == null;
    }
}
