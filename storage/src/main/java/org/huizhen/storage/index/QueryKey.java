package org.huizhen.storage.index;

/**
 * The matching keys the index can answer, named by their DICOM keywords (PS3.6) so that a
 * dictionary keyword maps to a key with {@link #valueOf}, each with its tag, the level it belongs
 * to and the kind of value it holds (which decides the legal {@link Match} types, PS3.4 C.2.2.2).
 *
 * <p>A key of a level above the query level constrains the entities above the returned ones
 * (Study Root: a SERIES query with a StudyInstanceUID); a key of a level below it keeps the
 * entities that have at least one matching entity below (a STUDY query by Modality).
 *
 * <p>Constant names are the DICOM keywords, not Java's upper case, so that they read as in the
 * standard and {@code valueOf(keyword)} works.
 */
public enum QueryKey {
    /** (0010,0020) LO Patient ID. */
    PatientID(0x00100020, QueryLevel.PATIENT, ValueKind.TEXT),
    /** (0010,0021) LO Issuer of Patient ID. */
    IssuerOfPatientID(0x00100021, QueryLevel.PATIENT, ValueKind.TEXT),
    /** (0010,0010) PN Patient's Name; matched case-insensitively on the whole name and each component group. */
    PatientName(0x00100010, QueryLevel.PATIENT, ValueKind.PERSON_NAME),
    /** (0010,0030) DA Patient's Birth Date. */
    PatientBirthDate(0x00100030, QueryLevel.PATIENT, ValueKind.DATE),
    /** (0010,0040) CS Patient's Sex. */
    PatientSex(0x00100040, QueryLevel.PATIENT, ValueKind.TEXT),
    /** (0020,000D) UI Study Instance UID. */
    StudyInstanceUID(0x0020000D, QueryLevel.STUDY, ValueKind.UID),
    /** (0008,0020) DA Study Date. */
    StudyDate(0x00080020, QueryLevel.STUDY, ValueKind.DATE),
    /** (0008,0030) TM Study Time. */
    StudyTime(0x00080030, QueryLevel.STUDY, ValueKind.TIME),
    /** (0008,0050) SH Accession Number. */
    AccessionNumber(0x00080050, QueryLevel.STUDY, ValueKind.TEXT),
    /** (0020,0010) SH Study ID. */
    StudyID(0x00200010, QueryLevel.STUDY, ValueKind.TEXT),
    /** (0008,1030) LO Study Description. */
    StudyDescription(0x00081030, QueryLevel.STUDY, ValueKind.TEXT),
    /** (0008,0090) PN Referring Physician's Name; case-insensitive like Patient's Name. */
    ReferringPhysicianName(0x00080090, QueryLevel.STUDY, ValueKind.PERSON_NAME),
    /**
     * (0008,0061) CS Modalities in Study: matches a study with a series of the given modality; an
     * {@link Match.Exact} value may list several, separated by {@code \} (any of them matches).
     */
    ModalitiesInStudy(0x00080061, QueryLevel.STUDY, ValueKind.TEXT),
    /** (0020,000E) UI Series Instance UID. */
    SeriesInstanceUID(0x0020000E, QueryLevel.SERIES, ValueKind.UID),
    /** (0008,0060) CS Modality. */
    Modality(0x00080060, QueryLevel.SERIES, ValueKind.TEXT),
    /** (0020,0011) IS Series Number. */
    SeriesNumber(0x00200011, QueryLevel.SERIES, ValueKind.INTEGER),
    /** (0018,0015) CS Body Part Examined. */
    BodyPartExamined(0x00180015, QueryLevel.SERIES, ValueKind.TEXT),
    /** (0008,103E) LO Series Description. */
    SeriesDescription(0x0008103E, QueryLevel.SERIES, ValueKind.TEXT),
    /** (0008,0018) UI SOP Instance UID. */
    SOPInstanceUID(0x00080018, QueryLevel.INSTANCE, ValueKind.UID),
    /** (0008,0016) UI SOP Class UID. */
    SOPClassUID(0x00080016, QueryLevel.INSTANCE, ValueKind.UID),
    /** (0020,0013) IS Instance Number. */
    InstanceNumber(0x00200013, QueryLevel.INSTANCE, ValueKind.INTEGER);

    /** What a key's values are; decides which matchers apply (PS3.4 C.2.2.2). */
    public enum ValueKind {
        /** Strings (LO, SH, CS): single value and wildcard matching, case-sensitive. */
        TEXT,
        /** PN: single value and wildcard matching, case-insensitive, per component group. */
        PERSON_NAME,
        /** UI: single value and list of UIDs; no wildcards (PS3.4 C.2.2.2.4). */
        UID,
        /** DA: single value and range. */
        DATE,
        /** TM: single value and range. */
        TIME,
        /** IS: single value only. */
        INTEGER
    }

    private final int tag;
    private final QueryLevel level;
    private final ValueKind kind;

    QueryKey(int tag, QueryLevel level, ValueKind kind) {
        this.tag = tag;
        this.level = level;
        this.kind = kind;
    }

    /** The attribute's tag, group in the upper 16 bits. */
    public int tag() {
        return tag;
    }

    /** The level the attribute belongs to. */
    public QueryLevel level() {
        return level;
    }

    public ValueKind kind() {
        return kind;
    }

    /** True if {@code match} is a legal matcher for this key (Universal always is). */
    public boolean accepts(Match match) {
        return switch (match) {
            case Match.Universal u -> true;
            case Match.Exact e -> true;
            case Match.Wildcard w -> kind == ValueKind.TEXT || kind == ValueKind.PERSON_NAME;
            case Match.Range r -> kind == ValueKind.DATE || kind == ValueKind.TIME;
            case Match.UidList l -> kind == ValueKind.UID;
        };
    }
}
