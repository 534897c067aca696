package org.huizhen.storage.index;

import java.time.Instant;
import java.util.List;

/**
 * A study as the index holds it, with derived values: Modalities in Study and the numbers of
 * series and instances (available instances only).
 *
 * @param studyKey       database key
 * @param patientKey     database key of its patient
 * @param institutionId  institution of the patient record
 * @param patientId      Patient ID
 * @param study          the study attributes as accumulated from its instances
 * @param modalities     Modalities in Study, sorted, distinct
 * @param seriesCount    number of series with at least one available instance
 * @param instanceCount  number of available instances
 * @param lastReceivedAt receive time of the newest instance ("study stable" detection)
 */
public record StudySummary(long studyKey, long patientKey, String institutionId, String patientId, StudyData study,
                           List<String> modalities, int seriesCount, int instanceCount, Instant lastReceivedAt) {

    public StudySummary {
        modalities = List.copyOf(modalities);
    }

    public String studyInstanceUid() {
        return study.studyInstanceUid();
    }
}
