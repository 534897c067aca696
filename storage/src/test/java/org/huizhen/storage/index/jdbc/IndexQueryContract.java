package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.huizhen.storage.index.jdbc.TestRecords.institution;
import static org.huizhen.storage.index.jdbc.TestRecords.origin;
import static org.huizhen.storage.index.jdbc.TestRecords.uid;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.InMemoryBlobStore;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Match;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;
import org.huizhen.storage.index.QueryResult;
import org.huizhen.storage.index.QueryResult.InstanceResult;
import org.huizhen.storage.index.QueryResult.PatientResult;
import org.huizhen.storage.index.QueryResult.SeriesResult;
import org.huizhen.storage.index.QueryResult.StudyResult;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The query contract of {@link org.huizhen.storage.index.MetadataIndex#query} (C-FIND /
 * QIDO-RS), run once per database ({@link H2IndexQueryTest}, {@link PostgresIndexQueryTest}).
 *
 * <p>A fixture of patients, studies, series and instances of institution A (and one patient of
 * institution B with the same Patient ID as one in A) is stored through the real
 * {@code store} path once per class; entities have labels ({@code S1}, {@code S1-CT},
 * {@code S1-CT-2}) and the cases name the labels they expect. Expected lists are in the order
 * the contract defines (study date newest first, undated last; then series number, instance
 * number), except at PATIENT level, whose name order depends on the database collation.
 * Tests that change data use their own institution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IndexQueryContract {

    static final String SR_CLASS = "1.2.840.10008.5.1.4.1.1.88.11"; // Basic Text SR

    protected final InMemoryBlobStore blobs = new InMemoryBlobStore();
    protected JdbcMetadataIndex index;
    /** Label to UID, and UID to label, of the fixture. */
    private final Map<String, String> uids = new HashMap<>();
    private final Map<String, String> labels = new HashMap<>();
    /** Patient key to label of the fixture's patients. */
    private final Map<Long, String> patientLabels = new HashMap<>();
    private final String instA = institution();
    private final String instB = institution();

    abstract DataSource newDataSource() throws Exception;

    abstract void dropDatabase() throws Exception;

    @BeforeAll
    void openIndexAndStoreFixture() throws Exception {
        index = JdbcMetadataIndex.open(newDataSource(), Durability.NONE);
        PatientData p1 = new PatientData("PID-1", null,
                new PatientName("Wang^XiaoDong=王^小东=", "Wang^XiaoDong", "王^小东", null), LocalDate.of(1961, 3, 14), "M");
        PatientData p2 = new PatientData("PID-2", "HOSP-A",
                new PatientName("Li^Na=李^娜=", "Li^Na", "李^娜", null), LocalDate.of(1985, 7, 1), "F");
        // Groups not given separately: the index reads them from the text.
        PatientData p3 = new PatientData("PID-3", null, PatientName.of("Zhang^San=张^三"), LocalDate.of(1990, 1, 1), "M");
        // '%' and '_' in stored values: a query must treat them literally.
        PatientData p4 = new PatientData("PID-4", null, PatientName.of("Mc_Donald%^Ann"), LocalDate.of(2001, 2, 3), "O");
        PatientData p4b = new PatientData("PID-4B", null, PatientName.of("McXDonaldY^Ann"), LocalDate.of(2002, 2, 3), "O");
        PatientData p5 = new PatientData("PID-1", null,
                new PatientName("Wang^XiaoDong=王^小东=", "Wang^XiaoDong", "王^小东", null), LocalDate.of(1961, 3, 14), "M");

        study(instA, "P1", p1, new StudyData(uidOf("S1"), LocalDate.of(2020, 1, 15), LocalTime.of(8, 30), "ACC-001", "1",
                "CT 胸部平扫", "Li^Ming=李^明"));
        series("S1", "S1-CT", "CT", 1, "CHEST", "Axial 5mm", 3, TestRecords.CT_IMAGE);
        series("S1", "S1-SR", "SR", 2, null, "Report", 1, SR_CLASS);
        study(instA, "P1", p1, new StudyData(uidOf("S2"), LocalDate.of(2020, 6, 30), LocalTime.of(14, 0), "ACC-002", "2",
                "MR Head", null));
        series("S2", "S2-MR", "MR", 1, "HEAD", "T1", 2, TestRecords.CT_IMAGE);
        study(instA, "P2", p2, new StudyData(uidOf("S3"), LocalDate.of(2021, 3, 1), LocalTime.of(9, 15), "ACC_003", "3",
                "DR 胸部正位", null));
        series("S3", "S3-DX", "DX", 1, "CHEST", "PA", 1, TestRecords.CT_IMAGE);
        study(instA, "P3", p3, new StudyData(uidOf("S4"), null, null, "ACC-004", "4", "US abdomen", null));
        series("S4", "S4-US", "US", 1, "ABDOMEN", null, 1, TestRecords.CT_IMAGE);
        study(instA, "P4", p4, new StudyData(uidOf("S5"), LocalDate.of(2019, 12, 31), LocalTime.of(23, 59, 59),
                "ACC%005", "5", null, null));
        series("S5", "S5-CT", "CT", 1, null, null, 1, TestRecords.CT_IMAGE);
        study(instA, "P4B", p4b, new StudyData(uidOf("S6"), LocalDate.of(2019, 12, 30), LocalTime.of(0, 0), "ACC-006",
                "6", null, null));
        series("S6", "S6-MR", "MR", 1, null, null, 1, TestRecords.CT_IMAGE);
        study(instB, "P5", p5, new StudyData(uidOf("S7"), LocalDate.of(2020, 1, 15), LocalTime.of(8, 30), "ACC-001",
                "1", null, null));
        series("S7", "S7-CT", "CT", 1, "CHEST", null, 1, TestRecords.CT_IMAGE);
    }

    @AfterAll
    void closeIndex() throws Exception {
        if (index != null) {
            index.close();
        }
        dropDatabase();
    }

    // ------------------------------------------------------------------ fixture building

    private record Pending(String institution, String patientLabel, PatientData patient, StudyData study) {
    }

    private Pending currentStudy;

    private String uidOf(String label) {
        return uids.computeIfAbsent(label, l -> {
            String u = TestRecords.uid();
            labels.put(u, l);
            return u;
        });
    }

    private void study(String institution, String patientLabel, PatientData patient, StudyData study) {
        currentStudy = new Pending(institution, patientLabel, patient, study);
    }

    private void series(String studyLabel, String seriesLabel, String modality, int number, String bodyPart,
                        String description, int instances, String sopClass) throws Exception {
        Pending s = currentStudy;
        assertThat(s.study().studyInstanceUid()).isEqualTo(uids.get(studyLabel));
        for (int n = 1; n <= instances; n++) {
            String label = seriesLabel + "-" + n;
            InstanceRecord r = new InstanceRecord(origin(s.institution(), Instant.now()), s.patient(), s.study(),
                    new SeriesData(uidOf(seriesLabel), modality, number, bodyPart, description),
                    instanceData(uidOf(label), n, sopClass, "fixture " + label + " " + uidOf(label)));
            index.store(r);
            long patientKey = index.findInstance(uidOf(label)).orElseThrow().patientKey();
            patientLabels.put(patientKey, s.patientLabel());
        }
    }

    private InstanceData instanceData(String sop, int number, String sopClass, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        BlobId id;
        try (BlobWriter w = blobs.create()) {
            w.write(bytes, 0, bytes.length);
            id = w.commit();
        }
        return new InstanceData(sop, sopClass, number, TestRecords.EXPLICIT_LE, "ISO_IR 192", id, bytes.length,
                id.hex());
    }

    /** The fixture label of a result. */
    private String label(QueryResult r) {
        return switch (r) {
            case PatientResult p -> patientLabels.get(p.patientKey());
            case StudyResult s -> labels.get(s.studyInstanceUid());
            case SeriesResult s -> labels.get(s.seriesInstanceUid());
            case InstanceResult i -> labels.get(i.sopInstanceUid());
        };
    }

    /** UID keys of the cases name fixture labels; replace them by the UIDs. */
    private Match resolve(QueryKey key, Match match) {
        if (key.kind() != QueryKey.ValueKind.UID) {
            return match;
        }
        return switch (match) {
            case Match.Exact e -> new Match.Exact(uids.getOrDefault(e.value(), e.value()));
            case Match.UidList l -> new Match.UidList(l.uids().stream().map(u -> uids.getOrDefault(u, u)).toList());
            default -> match;
        };
    }

    private List<String> labelsOf(List<QueryResult> results) {
        return results.stream().map(this::label).toList();
    }

    // ------------------------------------------------------------------ cases

    private static Arguments c(QueryLevel level, Map<QueryKey, Match> keys, String... expected) {
        return Arguments.of(level, keys, List.of(expected));
    }

    private static Match.Exact ex(String v) {
        return new Match.Exact(v);
    }

    private static Match.Wildcard wc(String v) {
        return new Match.Wildcard(v);
    }

    static Stream<Arguments> cases() {
        QueryLevel pat = QueryLevel.PATIENT;
        QueryLevel st = QueryLevel.STUDY;
        QueryLevel se = QueryLevel.SERIES;
        QueryLevel in = QueryLevel.INSTANCE;
        return Stream.of(
                // ---- PATIENT level (order of names depends on collation: compared in any order)
                c(pat, Map.of(), "P1", "P2", "P3", "P4", "P4B"),
                c(pat, Map.of(QueryKey.PatientID, ex("PID-1")), "P1"),
                c(pat, Map.of(QueryKey.PatientID, wc("PID-4*")), "P4", "P4B"),
                c(pat, Map.of(QueryKey.IssuerOfPatientID, ex("HOSP-A")), "P2"),
                c(pat, Map.of(QueryKey.PatientName, wc("王*")), "P1"),          // ideographic group prefix
                c(pat, Map.of(QueryKey.PatientName, wc("WANG*")), "P1"),        // alphabetic, upper case
                c(pat, Map.of(QueryKey.PatientName, wc("wang*")), "P1"),        // PN is case-insensitive
                c(pat, Map.of(QueryKey.PatientName, wc("*XiaoDong*")), "P1"),
                c(pat, Map.of(QueryKey.PatientName, ex("王小东")), "P1"),       // typed without '^'
                c(pat, Map.of(QueryKey.PatientName, ex("王^小东")), "P1"),
                c(pat, Map.of(QueryKey.PatientName, ex("wangxiaodong")), "P1"), // pinyin without '^'
                c(pat, Map.of(QueryKey.PatientName, ex("Wang^XiaoDong=王^小东")), "P1"),
                c(pat, Map.of(QueryKey.PatientName, ex("Wang^XiaoDong=李^娜")), new String[0]), // groups must agree
                c(pat, Map.of(QueryKey.PatientName, wc("李*")), "P2"),
                c(pat, Map.of(QueryKey.PatientName, ex("Li^Na")), "P2"),
                c(pat, Map.of(QueryKey.PatientName, wc("=李*")), "P2"),         // ideographic group only
                c(pat, Map.of(QueryKey.PatientName, wc("张*")), "P3"),          // groups read from the text
                c(pat, Map.of(QueryKey.PatientName, wc("Mc_Donald%*")), "P4"), // '_' and '%' literal
                c(pat, Map.of(QueryKey.PatientName, wc("Mc?Donald*")), "P4", "P4B"),
                c(pat, Map.of(QueryKey.PatientName, ex("Wang")), new String[0]), // single value: whole component
                c(pat, Map.of(QueryKey.PatientBirthDate, Match.Range.from("19850101")), "P2", "P3", "P4", "P4B"),
                c(pat, Map.of(QueryKey.PatientBirthDate, Match.Range.to("19700101")), "P1"),
                c(pat, Map.of(QueryKey.PatientBirthDate, Match.Range.between("19850701", "19900101")), "P2", "P3"),
                c(pat, Map.of(QueryKey.PatientBirthDate, ex("19610314")), "P1"),
                c(pat, Map.of(QueryKey.PatientSex, ex("F")), "P2"),
                c(pat, Map.of(QueryKey.StudyDate, Match.Range.from("20210101")), "P2"), // study key below
                c(pat, Map.of(QueryKey.Modality, ex("MR")), "P1", "P4B"),             // series key below
                // ---- STUDY level
                c(st, Map.of(), "S3", "S2", "S1", "S5", "S6", "S4"),
                c(st, Map.of(QueryKey.StudyDate, Match.Range.between("20200101", "20201231")), "S2", "S1"),
                c(st, Map.of(QueryKey.StudyDate, Match.Range.from("20210101")), "S3"),
                c(st, Map.of(QueryKey.StudyDate, Match.Range.to("20191231")), "S5", "S6"),
                c(st, Map.of(QueryKey.StudyDate, ex("20200115")), "S1"),
                c(st, Map.of(QueryKey.StudyTime, Match.Range.from("1200")), "S2", "S5"),
                c(st, Map.of(QueryKey.StudyTime, Match.Range.to("0900")), "S1", "S6"),
                c(st, Map.of(QueryKey.StudyTime, Match.Range.between("0830", "0915")), "S3", "S1"),
                c(st, Map.of(QueryKey.StudyTime, ex("0830")), "S1"),
                c(st, Map.of(QueryKey.StudyTime, ex("23")), "S5"),              // the whole hour
                c(st, Map.of(QueryKey.AccessionNumber, ex("ACC-001")), "S1"),
                c(st, Map.of(QueryKey.AccessionNumber, wc("ACC_*")), "S3"),     // '_' literal, not "any char"
                c(st, Map.of(QueryKey.AccessionNumber, wc("ACC%*")), "S5"),     // '%' literal
                c(st, Map.of(QueryKey.AccessionNumber, wc("ACC?00?")), "S3", "S2", "S1", "S5", "S6", "S4"),
                c(st, Map.of(QueryKey.StudyInstanceUID, ex("S2")), "S2"),
                c(st, Map.of(QueryKey.StudyInstanceUID, new Match.UidList(List.of("S1", "S3", "S7"))), "S3", "S1"),
                c(st, Map.of(QueryKey.StudyID, ex("4")), "S4"),
                c(st, Map.of(QueryKey.StudyDescription, wc("*胸部*")), "S3", "S1"),
                c(st, Map.of(QueryKey.StudyDescription, wc("mr*")), new String[0]), // LO is case-sensitive
                c(st, Map.of(QueryKey.ReferringPhysicianName, wc("li^m*")), "S1"),
                c(st, Map.of(QueryKey.ReferringPhysicianName, ex("李^明")), "S1"),
                c(st, Map.of(QueryKey.ModalitiesInStudy, ex("SR")), "S1"),
                c(st, Map.of(QueryKey.ModalitiesInStudy, ex("MR\\DX")), "S3", "S2", "S6"),
                c(st, Map.of(QueryKey.ModalitiesInStudy, wc("?R")), "S2", "S1", "S6"),
                c(st, Map.of(QueryKey.PatientName, wc("王*")), "S2", "S1"),
                c(st, Map.of(QueryKey.PatientID, ex("PID-1"), QueryKey.StudyDate, Match.Range.to("20200301")), "S1"),
                c(st, Map.of(QueryKey.Modality, ex("CT")), "S1", "S5"),
                c(st, Map.of(QueryKey.SOPClassUID, ex(SR_CLASS)), "S1"),
                c(st, Map.of(QueryKey.BodyPartExamined, ex("CHEST"), QueryKey.StudyDate,
                        Match.Range.from("20200201")), "S3"),
                // ---- SERIES level
                c(se, Map.of(QueryKey.StudyInstanceUID, ex("S1")), "S1-CT", "S1-SR"),
                c(se, Map.of(QueryKey.Modality, ex("MR")), "S2-MR", "S6-MR"),
                c(se, Map.of(QueryKey.Modality, wc("?R")), "S2-MR", "S1-SR", "S6-MR"),
                c(se, Map.of(QueryKey.SeriesNumber, ex("2")), "S1-SR"),
                c(se, Map.of(QueryKey.BodyPartExamined, ex("CHEST")), "S3-DX", "S1-CT"),
                c(se, Map.of(QueryKey.SeriesDescription, wc("Axial*")), "S1-CT"),
                c(se, Map.of(QueryKey.SeriesDescription, wc("axial*")), new String[0]),
                c(se, Map.of(QueryKey.SeriesInstanceUID, new Match.UidList(List.of("S4-US", "S5-CT"))), "S5-CT",
                        "S4-US"),
                c(se, Map.of(QueryKey.StudyDate, Match.Range.between("20200101", "20201231"), QueryKey.Modality,
                        ex("CT")), "S1-CT"),                                        // study and series keys mixed
                c(se, Map.of(QueryKey.PatientName, wc("*XIAODONG"), QueryKey.SeriesDescription, ex("T1")), "S2-MR"),
                c(se, Map.of(QueryKey.SOPClassUID, ex(SR_CLASS)), "S1-SR"),
                // ---- INSTANCE level
                c(in, Map.of(QueryKey.SeriesInstanceUID, ex("S1-CT")), "S1-CT-1", "S1-CT-2", "S1-CT-3"),
                c(in, Map.of(QueryKey.StudyInstanceUID, ex("S1"), QueryKey.InstanceNumber, ex("2")), "S1-CT-2"),
                c(in, Map.of(QueryKey.SOPInstanceUID, new Match.UidList(List.of("S3-DX-1", "S1-SR-1"))), "S3-DX-1",
                        "S1-SR-1"),
                c(in, Map.of(QueryKey.SOPInstanceUID, ex("S2-MR-2")), "S2-MR-2"),
                c(in, Map.of(QueryKey.SOPClassUID, ex(SR_CLASS)), "S1-SR-1"),
                c(in, Map.of(QueryKey.PatientName, wc("李*")), "S3-DX-1"),
                c(in, Map.of(QueryKey.StudyDate, ex("20200630"), QueryKey.Modality, ex("MR")), "S2-MR-1", "S2-MR-2"),
                c(in, Map.of(QueryKey.AccessionNumber, wc("ACC%*"), QueryKey.PatientName, wc("MC*")), "S5-CT-1"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("cases")
    void everyMatcherAtEveryLevelFindsExactlyTheMatchingEntities(QueryLevel level, Map<QueryKey, Match> keys,
                                                                  List<String> expected) throws Exception {
        Map<QueryKey, Match> resolved = new EnumMap<>(QueryKey.class);
        keys.forEach((k, m) -> resolved.put(k, resolve(k, m)));
        Query query = new Query(level, resolved, Optional.of(instA), 0, 0);

        List<QueryResult> results = index.query(query);

        if (level == QueryLevel.PATIENT) {
            assertThat(labelsOf(results)).containsExactlyInAnyOrderElementsOf(expected);
        } else {
            assertThat(labelsOf(results)).containsExactlyElementsOf(expected);
        }
        assertThat(results).allSatisfy(r -> assertThat(r.institutionId()).isEqualTo(instA));
        assertThat(index.count(query)).isEqualTo(expected.size());
    }

    @Test
    void resultsCarryTheAttributesAndCountsOfTheirLevel() throws Exception {
        Query scoped = Query.of(QueryLevel.PATIENT).scopedTo(instA).with(QueryKey.PatientID, "PID-1");
        PatientResult patient = (PatientResult) index.query(scoped).get(0);
        // P1 has S1 (CT x3 + SR x1) and S2 (MR x2): 2 studies, 3 series, 6 instances.
        assertThat(patient.studyCount()).isEqualTo(2);
        assertThat(patient.seriesCount()).isEqualTo(3);
        assertThat(patient.instanceCount()).isEqualTo(6);
        assertThat(patient.patient().name().ideographic()).isEqualTo("王^小东");
        assertThat(patient.patient().birthDate()).isEqualTo(LocalDate.of(1961, 3, 14));

        StudyResult study = (StudyResult) index.query(Query.of(QueryLevel.STUDY).scopedTo(instA)
                .with(QueryKey.StudyInstanceUID, uids.get("S1"))).get(0);
        assertThat(study.study()).isEqualTo(index.findStudy(uids.get("S1")).orElseThrow());
        assertThat(study.study().modalities()).containsExactly("CT", "SR");
        assertThat(study.study().seriesCount()).isEqualTo(2);
        assertThat(study.study().instanceCount()).isEqualTo(4);
        assertThat(study.study().study().referringPhysician()).isEqualTo("Li^Ming=李^明");
        assertThat(study.patient().patientId()).isEqualTo("PID-1");
        assertThat(study.patient().name().text()).isEqualTo("Wang^XiaoDong=王^小东=");

        SeriesResult series = (SeriesResult) index.query(Query.of(QueryLevel.SERIES).scopedTo(instA)
                .with(QueryKey.SeriesInstanceUID, uids.get("S1-CT"))).get(0);
        assertThat(series.series()).isEqualTo(index.seriesOfStudy(uids.get("S1")).get(0));
        assertThat(series.series().instanceCount()).isEqualTo(3);
        assertThat(series.studyInstanceUid()).isEqualTo(uids.get("S1"));
        assertThat(series.patientId()).isEqualTo("PID-1");
        assertThat(series.issuer()).isNull();

        InstanceResult instance = (InstanceResult) index.query(Query.of(QueryLevel.INSTANCE).scopedTo(instA)
                .with(QueryKey.SOPInstanceUID, uids.get("S3-DX-1"))).get(0);
        assertThat(instance.instance()).isEqualTo(index.findInstance(uids.get("S3-DX-1")).orElseThrow());
        assertThat(instance.seriesInstanceUid()).isEqualTo(uids.get("S3-DX"));
        assertThat(instance.studyInstanceUid()).isEqualTo(uids.get("S3"));
        assertThat(instance.instance().issuer()).isEqualTo("HOSP-A");
    }

    @Test
    void institutionScopeHidesOtherInstitutionsData() throws Exception {
        Query byPatientId = Query.of(QueryLevel.STUDY).with(QueryKey.PatientID, "PID-1");

        // Unscoped (an administrator): both institutions' records of Patient ID PID-1.
        assertThat(labelsOf(index.query(byPatientId))).containsExactlyInAnyOrder("S1", "S2", "S7");
        assertThat(labelsOf(index.query(byPatientId.scopedTo(instA)))).containsExactly("S2", "S1");
        assertThat(labelsOf(index.query(byPatientId.scopedTo(instB)))).containsExactly("S7");
        // A UID of the other institution is not found either.
        assertThat(index.query(Query.of(QueryLevel.INSTANCE).scopedTo(instA)
                .with(QueryKey.SOPInstanceUID, uids.get("S7-CT-1")))).isEmpty();
        assertThat(index.query(Query.of(QueryLevel.PATIENT).scopedTo("no-such-institution"))).isEmpty();
    }

    @Test
    void missingBlobsAndSupersededVersionsAreNeverReturned() throws Exception {
        String inst = institution();
        String studyUid = uid();
        String goneStudyUid = uid();
        String keptSeries = uid();
        String lostSeries = uid();
        String keep = uid();
        String lose = uid();
        String lonely = uid();
        String gone = uid();
        String replaced = uid();
        PatientData patient = TestRecords.patient("P-HIDE");
        StudyData study = TestRecords.study(studyUid);
        List<InstanceRecord> records = List.of(
                rec(inst, patient, study, keptSeries, keep, 1, "keep"),
                rec(inst, patient, study, keptSeries, lose, 2, "lose"),
                rec(inst, patient, study, keptSeries, replaced, 3, "v1"),
                rec(inst, patient, study, lostSeries, lonely, 1, "lonely"),
                rec(inst, patient, new StudyData(goneStudyUid, LocalDate.of(2026, 1, 1), null, null, null, null,
                        null), uid(), gone, 1, "gone"));
        for (InstanceRecord r : records) {
            index.store(r);
        }
        // A corrected copy of one instance: version 2 replaces version 1.
        InstanceRecord v2 = rec(inst, patient, study, keptSeries, replaced, 3, "v2");
        index.store(v2);
        for (InstanceRecord r : records) {
            String sop = r.instance().sopInstanceUid();
            if (sop.equals(lose) || sop.equals(lonely) || sop.equals(gone)) {
                blobs.remove(r.instance().blobId());
            }
        }
        assertThat(index.verifyBlobs(blobs).missing()).hasSize(3);

        Query scoped = Query.of(QueryLevel.INSTANCE).scopedTo(inst);
        List<QueryResult> instances = index.query(scoped);
        // keep and the current version of replaced; lose, lonely, gone are hidden; v1 is history.
        assertThat(instances).extracting(r -> ((InstanceResult) r).sopInstanceUid()).containsExactly(keep, replaced);
        StoredInstanceAssert.current(((InstanceResult) instances.get(1)), v2);

        List<QueryResult> series = index.query(Query.of(QueryLevel.SERIES).scopedTo(inst));
        assertThat(series).extracting(r -> ((SeriesResult) r).seriesInstanceUid()).containsExactly(keptSeries);
        assertThat(((SeriesResult) series.get(0)).series().instanceCount()).isEqualTo(2);

        List<QueryResult> studies = index.query(Query.of(QueryLevel.STUDY).scopedTo(inst));
        assertThat(studies).extracting(r -> ((StudyResult) r).studyInstanceUid()).containsExactly(studyUid);
        assertThat(((StudyResult) studies.get(0)).study().seriesCount()).isEqualTo(1);
        assertThat(((StudyResult) studies.get(0)).study().instanceCount()).isEqualTo(2);

        PatientResult p = (PatientResult) index.query(Query.of(QueryLevel.PATIENT).scopedTo(inst)).get(0);
        assertThat(p.studyCount()).isEqualTo(1);
        assertThat(p.instanceCount()).isEqualTo(2);
        // A hidden instance is not found by its UID either.
        assertThat(index.query(scoped.with(QueryKey.SOPInstanceUID, lose))).isEmpty();
    }

    /** Checks a result is the given record's version. */
    private static final class StoredInstanceAssert {
        static void current(InstanceResult r, InstanceRecord expected) {
            assertThat(r.instance().version()).isEqualTo(2);
            assertThat(r.instance().sha256()).isEqualTo(expected.instance().sha256());
        }
    }

    private InstanceRecord rec(String inst, PatientData patient, StudyData study, String seriesUid, String sop,
                               int number, String content) throws Exception {
        return new InstanceRecord(origin(inst, Instant.now()), patient, study,
                new SeriesData(seriesUid, "CT", 1, null, null),
                instanceData(sop, number, TestRecords.CT_IMAGE, content + " " + sop));
    }

    @Test
    void pagesAreStableAndFollowTheDocumentedOrder() throws Exception {
        String inst = institution();
        record Expected(String uid, LocalDate date, LocalTime time, long key) {
        }
        List<String> studyUids = new ArrayList<>();
        for (int s = 0; s < 23; s++) {
            // Many ties: 4 dates (one absent) x 3 times (one absent).
            LocalDate date = s % 4 == 3 ? null : LocalDate.of(2025, 1, 1 + s % 4);
            LocalTime time = s % 3 == 2 ? null : LocalTime.of(8 + s % 3, 0);
            String studyUid = uid();
            studyUids.add(studyUid);
            index.store(new InstanceRecord(origin(inst, Instant.now()), TestRecords.patient("P-PAGE" + s % 5),
                    new StudyData(studyUid, date, time, "A" + s, null, null, null),
                    new SeriesData(uid(), "CT", 1, null, null),
                    instanceData(uid(), 1, TestRecords.CT_IMAGE, "page " + studyUid)));
        }
        Query all = Query.of(QueryLevel.STUDY).scopedTo(inst);
        List<QueryResult> full = index.query(all);

        // The order the contract documents, computed here from the stored attributes.
        List<Expected> expected = new ArrayList<>();
        for (String u : studyUids) {
            var summary = index.findStudy(u).orElseThrow();
            expected.add(new Expected(u, summary.study().studyDate(), summary.study().studyTime(),
                    summary.studyKey()));
        }
        expected.sort(Comparator.comparing(Expected::date, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Expected::time, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Expected::key, Comparator.reverseOrder()));
        assertThat(full).extracting(r -> ((StudyResult) r).studyInstanceUid())
                .containsExactlyElementsOf(expected.stream().map(Expected::uid).toList());

        List<QueryResult> paged = new ArrayList<>();
        for (int offset = 0; offset < full.size() + 7; offset += 7) {
            List<QueryResult> page = index.query(all.page(offset, 7));
            assertThat(page.size()).isLessThanOrEqualTo(7);
            paged.addAll(page);
        }
        assertThat(paged).isEqualTo(full);
        assertThat(index.count(all.page(5, 3))).isEqualTo(23); // count ignores the page
        assertThat(index.query(all.page(23, 10))).isEmpty();
    }

    @Test
    void streamingDeliversTheSameResultsAndStopsWhenAsked() throws Exception {
        Query query = Query.of(QueryLevel.INSTANCE).scopedTo(instA);
        List<QueryResult> listed = index.query(query);
        List<QueryResult> streamed = new ArrayList<>();

        long all = index.forEachResult(query, streamed::add);

        assertThat(streamed).isEqualTo(listed);
        assertThat(all).isEqualTo(listed.size());

        List<QueryResult> firstThree = new ArrayList<>();
        long delivered = index.forEachResult(query, r -> {
            firstThree.add(r);
            return firstThree.size() < 3; // a C-CANCEL after the third pending response
        });
        assertThat(delivered).isEqualTo(3);
        assertThat(firstThree).isEqualTo(listed.subList(0, 3));
    }

    @Test
    void changedPatientNameIsFoundByItsNewNameOnly() throws Exception {
        String inst = institution();
        PatientData before = new PatientData("P-RENAME", null, PatientName.of("Old^Name"), null, null);
        PatientData after = new PatientData("P-RENAME", null,
                new PatientName("Chen^Jing=陈^静=", "Chen^Jing", "陈^静", null), null, null);
        String studyUid = uid();
        index.store(new InstanceRecord(origin(inst, Instant.now()), before, TestRecords.study(studyUid),
                new SeriesData(uid(), "CT", 1, null, null), instanceData(uid(), 1, TestRecords.CT_IMAGE, "a" + inst)));
        index.store(new InstanceRecord(origin(inst, Instant.now()), after, TestRecords.study(studyUid),
                new SeriesData(uid(), "CT", 2, null, null), instanceData(uid(), 1, TestRecords.CT_IMAGE, "b" + inst)));

        Query scoped = Query.of(QueryLevel.STUDY).scopedTo(inst);
        assertThat(index.query(scoped.with(QueryKey.PatientName, "陈*"))).hasSize(1);
        assertThat(index.query(scoped.with(QueryKey.PatientName, "chen^jing"))).hasSize(1);
        assertThat(index.query(scoped.with(QueryKey.PatientName, "old*"))).isEmpty();
    }
}
