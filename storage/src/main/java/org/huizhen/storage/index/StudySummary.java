package org.huizhen.storage.index;

import java.time.LocalDate;
import java.util.List;

/**
 * A study with its derived counts (available instances only).
 *
 * @param studyKey         database key
 * @param studyInstanceUid Study Instance UID
 * @param institutionId    institution of the patient record
 * @param patientId        Patient ID
 * @param studyDate        Study Date, or null
 * @param accessionNumber  Accession Number, or null
 * @param description      Study Description, or null
 * @param modalities       Modalities in Study, sorted, distinct
 * @param seriesCount      number of series
 * @param instanceCount    number of instances
 */
public record StudySummary(long studyKey, String studyInstanceUid, String institutionId, String patientId,
                           LocalDate studyDate, String accessionNumber, String description, List<String> modalities,
                           int seriesCount, int instanceCount) {

    public StudySummary {
        modalities = List.copyOf(modalities);
    }
}
