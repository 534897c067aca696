-- V2: what C-FIND and QIDO-RS queries need (JdbcMetadataIndex.query).
--
-- patient_name_key: Patient's Name is matched case-insensitively on the whole name and on each
-- PN component group (alphabetic "Wang^XiaoDong", ideographic "王^小东", phonetic), and Chinese
-- names also without the '^' separator ("王小东"). One row per (patient, kind of key) puts all
-- of them in ONE indexed column, so an exact or prefix query ("王*", "WANG*") is one index range
-- scan on both engines; OR-ing five patient columns would be a full scan on H2. The keys are
-- computed in Java (PatientNameKeys) at ingest; V3 fills them for patients stored before V2.
--
-- ${collate_c} is COLLATE "C" on PostgreSQL and empty on H2 (a Flyway placeholder set by
-- JdbcMetadataIndex): PostgreSQL can serve LIKE 'prefix%' from a B-tree only when the column's
-- collation is C (or with text_pattern_ops); H2 compares strings by code point anyway and does
-- not accept a collation here.
CREATE TABLE patient_name_key (
    patient_pk  BIGINT NOT NULL REFERENCES patient (id),
    -- T whole name, A alphabetic, B alphabetic without '^', I ideographic, C ideographic without '^', P phonetic
    kind        CHAR(1) NOT NULL,
    name_key    VARCHAR(400) ${collate_c} NOT NULL,
    CONSTRAINT pk_patient_name_key PRIMARY KEY (patient_pk, kind)
);
CREATE INDEX ix_patient_name_key ON patient_name_key (name_key);

-- Queries are scoped to the calling institution. The institution of a study's patient record,
-- copied onto the study (a study never moves to another patient record, so the copy never goes
-- stale), lets one index serve "this institution's studies, newest first" and "this
-- institution's studies in a date range" without visiting other institutions' studies: a
-- clinic with 1 % of the hub's studies would otherwise read through everyone's.
ALTER TABLE study ADD COLUMN institution_id BIGINT REFERENCES institution (id);
UPDATE study SET institution_id = (SELECT p.institution_id FROM patient p WHERE p.id = study.patient_pk);
ALTER TABLE study ALTER COLUMN institution_id SET NOT NULL;

-- Study-level results are ordered by Study Date, Study Time (newest first, undated last), then
-- key; indexes in exactly that order let a paged query ("the 100 newest studies", QIDO-RS
-- without filters) read the first rows of the index instead of sorting every study.
CREATE INDEX ix_study_order ON study (study_date DESC NULLS LAST, study_time DESC NULLS LAST, id DESC);
CREATE INDEX ix_study_institution_order ON study (institution_id, study_date DESC NULLS LAST,
    study_time DESC NULLS LAST, id DESC);

-- Study ID and Referring Physician's Name are less common keys; Patient ID, Accession Number,
-- Study Date, the UIDs and the parent keys are already indexed by V1.
CREATE INDEX ix_study_study_id ON study (study_id);
