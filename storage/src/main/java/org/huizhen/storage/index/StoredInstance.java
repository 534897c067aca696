package org.huizhen.storage.index;

import org.huizhen.storage.BlobId;

/**
 * The current version of a stored instance as the index knows it, with its place in the
 * hierarchy (database keys and UIDs) and its origin (of this version).
 *
 * @param instanceKey          database key of the instance row
 * @param seriesKey            database key of its series
 * @param studyKey             database key of its study
 * @param patientKey           database key of its patient
 * @param institutionId        institution code of the patient record this instance belongs to
 * @param patientId            Patient ID
 * @param issuer               Issuer of Patient ID, or null
 * @param studyInstanceUid     Study Instance UID
 * @param seriesInstanceUid    Series Instance UID
 * @param sopInstanceUid       SOP Instance UID
 * @param sopClassUid          SOP Class UID
 * @param instanceNumber       Instance Number, or null
 * @param transferSyntaxUid    Transfer Syntax UID of the stored bytes
 * @param specificCharacterSet Specific Character Set, or null
 * @param blobId               blob with the bytes
 * @param sizeBytes            size in bytes
 * @param sha256               SHA-256, 64 lowercase hex
 * @param version              1 for the first version, incremented by each NEW_VERSION
 * @param origin               where this version came from, and when
 */
public record StoredInstance(long instanceKey, long seriesKey, long studyKey, long patientKey, String institutionId,
                             String patientId, String issuer, String studyInstanceUid, String seriesInstanceUid,
                             String sopInstanceUid, String sopClassUid, Integer instanceNumber,
                             String transferSyntaxUid, String specificCharacterSet, BlobId blobId, long sizeBytes,
                             String sha256, int version, Origin origin) {
}
