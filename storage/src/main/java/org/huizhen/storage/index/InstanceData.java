package org.huizhen.storage.index;

import java.util.Objects;

import org.huizhen.storage.BlobId;

/**
 * The instance itself and where its bytes are.
 *
 * @param sopInstanceUid       SOP Instance UID (0008,0018); required
 * @param sopClassUid          SOP Class UID (0008,0016); required
 * @param instanceNumber       Instance Number (0020,0013), or null
 * @param transferSyntaxUid    Transfer Syntax UID (0002,0010) of the stored bytes; required
 * @param specificCharacterSet Specific Character Set (0008,0005) as sent (e.g. {@code "ISO_IR 192"}), or null
 * @param blobId               blob holding the stored bytes; required
 * @param sizeBytes            size of the blob in bytes
 * @param sha256               SHA-256 of the stored bytes, 64 lowercase hex; required (equal to the blob id
 *                             for content-addressed stores)
 */
public record InstanceData(String sopInstanceUid, String sopClassUid, Integer instanceNumber, String transferSyntaxUid,
                           String specificCharacterSet, BlobId blobId, long sizeBytes, String sha256) {

    public InstanceData {
        Objects.requireNonNull(sopInstanceUid, "sopInstanceUid");
        Objects.requireNonNull(sopClassUid, "sopClassUid");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(blobId, "blobId");
        Objects.requireNonNull(sha256, "sha256");
    }
}
