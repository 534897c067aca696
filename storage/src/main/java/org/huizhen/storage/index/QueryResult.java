package org.huizhen.storage.index;

/**
 * One entity found by {@link MetadataIndex#query}, typed by the query level: what C-FIND and
 * QIDO-RS return at that level, counts included (PS3.4 C.6.1.1 / C.6.2.1 "Number of ... Related
 * ..." keys, which count available instances only).
 */
public sealed interface QueryResult
        permits QueryResult.PatientResult, QueryResult.StudyResult, QueryResult.SeriesResult,
        QueryResult.InstanceResult {

    /** Institution code of the patient record the entity belongs to. */
    String institutionId();

    /**
     * A patient record.
     *
     * @param patientKey    database key
     * @param institutionId institution code of the record
     * @param patient       the patient attributes (issuer null when none was given)
     * @param studyCount    Number of Patient Related Studies (0020,1200)
     * @param seriesCount   Number of Patient Related Series (0020,1202)
     * @param instanceCount Number of Patient Related Instances (0020,1204)
     */
    record PatientResult(long patientKey, String institutionId, PatientData patient, int studyCount,
                         int seriesCount, int instanceCount) implements QueryResult {
    }

    /**
     * A study with its patient. {@code study.seriesCount()} and {@code study.instanceCount()} are
     * Number of Study Related Series (0020,1206) and Instances (0020,1208).
     */
    record StudyResult(StudySummary study, PatientData patient) implements QueryResult {
        @Override
        public String institutionId() {
            return study.institutionId();
        }

        public String studyInstanceUid() {
            return study.studyInstanceUid();
        }
    }

    /**
     * A series with the keys of the levels above it (Study Root and Patient Root identifiers).
     * {@code series.instanceCount()} is Number of Series Related Instances (0020,1209).
     *
     * @param series           the series
     * @param studyInstanceUid Study Instance UID of its study
     * @param institutionId    institution code of the patient record
     * @param patientId        Patient ID
     * @param issuer           Issuer of Patient ID, or null
     */
    record SeriesResult(SeriesSummary series, String studyInstanceUid, String institutionId, String patientId,
                        String issuer) implements QueryResult {
        public String seriesInstanceUid() {
            return series.seriesInstanceUid();
        }
    }

    /** The current, available version of an instance, with its series, study and patient keys. */
    record InstanceResult(StoredInstance instance) implements QueryResult {
        @Override
        public String institutionId() {
            return instance.institutionId();
        }

        public String sopInstanceUid() {
            return instance.sopInstanceUid();
        }

        public String seriesInstanceUid() {
            return instance.seriesInstanceUid();
        }

        public String studyInstanceUid() {
            return instance.studyInstanceUid();
        }
    }
}
