package org.huizhen.storage.index;

/**
 * A patient row: one institution's record of a person (never merged across institutions).
 *
 * @param patientKey    database key
 * @param institutionId institution code
 * @param patient       the attributes as last updated (issuer null when none was given)
 */
public record PatientRecord(long patientKey, String institutionId, PatientData patient) {
}
