package org.huizhen.storage.index;

import java.util.Optional;

/**
 * Selects instances for {@link MetadataIndex#forEachInstance}; every empty criterion matches all.
 *
 * @param institutionId institution code of the patient record, or null for any
 * @param studyInstanceUid Study Instance UID, or null for any
 */
public record InstanceFilter(String institutionId, String studyInstanceUid) {

    /** Everything. */
    public static InstanceFilter all() {
        return new InstanceFilter(null, null);
    }

    public static InstanceFilter institution(String institutionId) {
        return new InstanceFilter(institutionId, null);
    }

    public static InstanceFilter study(String studyInstanceUid) {
        return new InstanceFilter(null, studyInstanceUid);
    }

    public Optional<String> institution() {
        return Optional.ofNullable(institutionId);
    }

    public Optional<String> study() {
        return Optional.ofNullable(studyInstanceUid);
    }
}
