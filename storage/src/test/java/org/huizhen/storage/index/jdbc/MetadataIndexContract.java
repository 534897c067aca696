package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.huizhen.storage.index.jdbc.TestRecords.instance;
import static org.huizhen.storage.index.jdbc.TestRecords.institution;
import static org.huizhen.storage.index.jdbc.TestRecords.origin;
import static org.huizhen.storage.index.jdbc.TestRecords.patient;
import static org.huizhen.storage.index.jdbc.TestRecords.record;
import static org.huizhen.storage.index.jdbc.TestRecords.series;
import static org.huizhen.storage.index.jdbc.TestRecords.study;
import static org.huizhen.storage.index.jdbc.TestRecords.uid;

import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.huizhen.storage.Durability;
import org.huizhen.storage.blob.InMemoryBlobStore;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceFilter;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.InstanceVersion;
import org.huizhen.storage.index.IntegrityReport;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StoreOutcome;
import org.huizhen.storage.index.StoredInstance;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.StudySummary;
import org.huizhen.storage.index.VersionEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link org.huizhen.storage.index.MetadataIndex} contract, run once per database
 * ({@link H2MetadataIndexTest}, {@link PostgresMetadataIndexTest}). One index per class; every
 * test uses fresh UIDs and institution codes, so tests do not depend on each other. Every
 * record's content is written to {@link #blobs} first, as ingest does.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MetadataIndexContract {

    protected final InMemoryBlobStore blobs = new InMemoryBlobStore();
    protected JdbcMetadataIndex index;

    /** A new pool on this class's database (called again to reopen). */
    abstract DataSource newDataSource() throws Exception;

    /** Removes this class's database after the index is closed. */
    abstract void dropDatabase() throws Exception;

    @BeforeAll
    void openIndex() throws Exception {
        index = JdbcMetadataIndex.open(newDataSource(), Durability.FSYNC);
    }

    @AfterAll
    void closeIndex() throws Exception {
        if (index != null) {
            index.close();
        }
        dropDatabase();
    }

    @Test
    void storesNewInstanceWithItsHierarchyAndOrigin() throws Exception {
        String inst = institution();
        String studyUid = uid();
        String seriesUid = uid();
        String sopUid = uid();
        InstanceRecord r = record(blobs, inst, "P-001", studyUid, seriesUid, "CT", sopUid, "ct slice " + sopUid);

        StoreOutcome outcome = index.store(r);

        assertThat(outcome).isEqualTo(new StoreOutcome(StoreOutcome.Kind.STORED, 1));
        StoredInstance s = index.findInstance(sopUid).orElseThrow();
        assertThat(s.institutionId()).isEqualTo(inst);
        assertThat(s.patientId()).isEqualTo("P-001");
        assertThat(s.issuer()).isEqualTo(r.patient().issuer());
        assertThat(s.studyInstanceUid()).isEqualTo(studyUid);
        assertThat(s.seriesInstanceUid()).isEqualTo(seriesUid);
        assertThat(s.sopInstanceUid()).isEqualTo(sopUid);
        assertThat(s.sopClassUid()).isEqualTo(r.instance().sopClassUid());
        assertThat(s.instanceNumber()).isEqualTo(r.instance().instanceNumber());
        assertThat(s.transferSyntaxUid()).isEqualTo(r.instance().transferSyntaxUid());
        assertThat(s.specificCharacterSet()).isEqualTo(r.instance().specificCharacterSet());
        assertThat(s.blobId()).isEqualTo(r.instance().blobId());
        assertThat(s.sizeBytes()).isEqualTo(r.instance().sizeBytes());
        assertThat(s.sha256()).isEqualTo(r.instance().sha256());
        assertThat(s.version()).isEqualTo(1);
        assertThat(s.origin()).isEqualTo(r.origin());
        assertThat(index.instancesOfStudy(studyUid)).containsExactly(s);

        org.huizhen.storage.index.PatientRecord patient = index.findPatient(inst, "P-001", r.patient().issuer())
                .orElseThrow();
        assertThat(patient.patientKey()).isEqualTo(s.patientKey());
        assertThat(patient.patient()).isEqualTo(r.patient()); // name groups, birth date, sex round-trip
        assertThat(index.findPatient(inst, "P-001", null)).isEmpty(); // another issuer, another patient

        StudySummary study = index.findStudy(studyUid).orElseThrow();
        assertThat(study.studyKey()).isEqualTo(s.studyKey());
        assertThat(study.patientKey()).isEqualTo(s.patientKey());
        assertThat(study.institutionId()).isEqualTo(inst);
        assertThat(study.study()).isEqualTo(r.study()); // all attributes, Chinese description included
        assertThat(study.lastReceivedAt()).isEqualTo(r.origin().receivedAt());
        assertThat(study.modalities()).containsExactly("CT");
        assertThat(study.seriesCount()).isEqualTo(1);
        assertThat(study.instanceCount()).isEqualTo(1);
    }

    @Test
    void unknownUidsAreAbsent() throws Exception {
        String unknown = uid();
        assertThat(index.findInstance(unknown)).isEmpty();
        assertThat(index.versionsOf(unknown)).isEmpty();
        assertThat(index.versionEventsOf(unknown)).isEmpty();
        assertThat(index.instancesOfStudy(unknown)).isEmpty();
        assertThat(index.findStudy(unknown)).isEmpty();
    }

    @Test
    void resendingIdenticalBytesIsDuplicateAndAddsNoRow() throws Exception {
        String inst = institution();
        String sopUid = uid();
        InstanceRecord first = record(blobs, inst, "P-002", uid(), uid(), "CT", sopUid, "same bytes " + sopUid);
        index.store(first);
        long countAfterFirst = index.instanceCount();

        // Same SOP Instance UID and same bytes, later and from another AE.
        InstanceRecord again = new InstanceRecord(
                new Origin(inst, Protocol.STOW_RS, null, null, "10.9.9.9", Instant.now().truncatedTo(ChronoUnit.MICROS)),
                first.patient(), first.study(), first.series(),
                instance(blobs, sopUid, 1, "same bytes " + sopUid));
        StoreOutcome outcome = index.store(again);

        assertThat(outcome).isEqualTo(new StoreOutcome(StoreOutcome.Kind.DUPLICATE, 1));
        assertThat(index.instanceCount()).isEqualTo(countAfterFirst);
        assertThat(index.versionsOf(sopUid)).hasSize(1);
        assertThat(index.findInstance(sopUid).orElseThrow().origin()).isEqualTo(first.origin());
    }

    @Test
    void differentContentUnderSameSopUidBecomesNewVersionAndKeepsHistory() throws Exception {
        String inst = institution();
        String studyUid = uid();
        String seriesUid = uid();
        String sopUid = uid();
        Instant t1 = Instant.parse("2026-11-01T08:00:00.123456Z");
        Instant t2 = Instant.parse("2026-11-01T09:30:00.654321Z");
        InstanceRecord v1 = new InstanceRecord(origin(inst, t1), patient("P-003"), study(studyUid),
                series(seriesUid, "CT", 1), instance(blobs, sopUid, 7, "original pixels " + sopUid));
        Origin resend = new Origin(inst, Protocol.UPLOAD, null, null, "192.168.7.7", t2);
        InstanceRecord v2 = new InstanceRecord(resend, patient("P-003"), study(studyUid),
                series(seriesUid, "CT", 1), instance(blobs, sopUid, 7, "corrected pixels " + sopUid));

        assertThat(index.store(v1).kind()).isEqualTo(StoreOutcome.Kind.STORED);
        long count = index.instanceCount();
        StoreOutcome outcome = index.store(v2);

        assertThat(outcome).isEqualTo(new StoreOutcome(StoreOutcome.Kind.NEW_VERSION, 2));
        assertThat(index.instanceCount()).isEqualTo(count); // still one current row
        StoredInstance current = index.findInstance(sopUid).orElseThrow();
        assertThat(current.sha256()).isEqualTo(v2.instance().sha256());
        assertThat(current.version()).isEqualTo(2);
        assertThat(current.origin()).isEqualTo(resend);

        List<InstanceVersion> versions = index.versionsOf(sopUid);
        assertThat(versions).extracting(InstanceVersion::version).containsExactly(1, 2);
        InstanceVersion old = versions.get(0);
        assertThat(old.sha256()).isEqualTo(v1.instance().sha256());
        assertThat(old.blobId()).isEqualTo(v1.instance().blobId());
        assertThat(old.origin()).isEqualTo(v1.origin());
        assertThat(old.supersededAt()).isEqualTo(t2); // replaced when v2 arrived
        assertThat(old.current()).isFalse();
        assertThat(versions.get(1).current()).isTrue();
        assertThat(versions.get(1).sha256()).isEqualTo(v2.instance().sha256());

        List<VersionEvent> events = index.versionEventsOf(sopUid);
        assertThat(events).containsExactly(new VersionEvent(sopUid, t2, 1, 2, v1.instance().sha256(),
                v2.instance().sha256(), resend));

        // Sending the first content again is a change relative to the current version: version 3.
        InstanceRecord v3 = new InstanceRecord(origin(inst, t2.plusSeconds(60)), patient("P-003"), study(studyUid),
                series(seriesUid, "CT", 1), instance(blobs, sopUid, 7, "original pixels " + sopUid));
        assertThat(index.store(v3)).isEqualTo(new StoreOutcome(StoreOutcome.Kind.NEW_VERSION, 3));
        assertThat(index.versionsOf(sopUid)).extracting(InstanceVersion::version).containsExactly(1, 2, 3);
    }

    @Test
    void laterInstancesUpdateStudyWithoutErasingKnownValues() throws Exception {
        String inst = institution();
        String studyUid = uid();
        Instant now = Instant.now();
        // First instance: no accession number, no referring physician, patient without birth date.
        StudyData sparse = new StudyData(studyUid, LocalDate.of(2026, 10, 30), null, null, "S9", "胸部CT", null);
        PatientData anonymousBirth = new PatientData("P-004", null, PatientName.of("Zhang^San"), null, "F");
        index.store(new InstanceRecord(origin(inst, now), anonymousBirth, sparse,
                new SeriesData(uid(), "CT", 2, null, null), instance(blobs, uid(), 1, "a " + studyUid)));
        // Second instance: accession known now, description missing, a structured report series.
        StudyData richer = new StudyData(studyUid, null, null, "ACC-77", null, null, "Li^Ming");
        PatientData withBirth = new PatientData("P-004", null, null, LocalDate.of(1980, 1, 2), null);
        index.store(new InstanceRecord(origin(inst, now.plusSeconds(1)), withBirth, richer,
                new SeriesData(uid(), "SR", 3, null, null), instance(blobs, uid(), 1, "b " + studyUid)));

        StudySummary study = index.findStudy(studyUid).orElseThrow();
        // date, study ID and description kept from the first; accession and physician filled by the second
        assertThat(study.study()).isEqualTo(new StudyData(studyUid, LocalDate.of(2026, 10, 30), null, "ACC-77",
                "S9", "胸部CT", "Li^Ming"));
        assertThat(study.lastReceivedAt()).isEqualTo(now.plusSeconds(1).truncatedTo(ChronoUnit.MICROS));
        assertThat(study.modalities()).containsExactly("CT", "SR");            // union, sorted
        assertThat(study.seriesCount()).isEqualTo(2);
        assertThat(study.instanceCount()).isEqualTo(2);
        List<StoredInstance> instances = index.instancesOfStudy(studyUid);
        assertThat(instances).extracting(StoredInstance::patientKey).containsOnly(instances.get(0).patientKey());
        assertThat(instances).extracting(StoredInstance::issuer).containsOnly((String) null);
        // The patient was completed the same way: name and sex from the first, birth date from the second.
        PatientData patient = index.findPatient(inst, "P-004", null).orElseThrow().patient();
        assertThat(patient).isEqualTo(new PatientData("P-004", null, PatientName.of("Zhang^San"),
                LocalDate.of(1980, 1, 2), "F"));
    }

    @Test
    void patientIdsAreNeverMergedAcrossInstitutions() throws Exception {
        String clinicA = institution();
        String clinicB = institution();
        String samePatientId = "330102196103140011";
        String sopA = uid();
        String sopB = uid();
        index.store(record(blobs, clinicA, samePatientId, uid(), uid(), "DX", sopA, "a " + sopA));
        index.store(record(blobs, clinicB, samePatientId, uid(), uid(), "DX", sopB, "b " + sopB));

        StoredInstance a = index.findInstance(sopA).orElseThrow();
        StoredInstance b = index.findInstance(sopB).orElseThrow();
        assertThat(a.patientId()).isEqualTo(b.patientId());
        assertThat(a.patientKey()).isNotEqualTo(b.patientKey());
        assertThat(a.institutionId()).isEqualTo(clinicA);
        assertThat(b.institutionId()).isEqualTo(clinicB);
    }

    @Test
    void eightThreadsStoringIntoOneStudyAllSucceed() throws Exception {
        String inst = institution();
        String studyUid = uid();
        List<String> seriesUids = List.of(uid(), uid(), uid());
        int threads = 8;
        int perThread = 12;
        // Prepare every record first (blob writes included) so the threads race on the index only.
        List<List<InstanceRecord>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<InstanceRecord> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                String sop = uid();
                String modality = List.of("CT", "PR", "SR").get((t + i) % 3);
                mine.add(new InstanceRecord(origin(inst, Instant.now()), patient("P-RACE"), study(studyUid),
                        series(seriesUids.get((t + i) % 3), modality, (t + i) % 3),
                        instance(blobs, sop, i, "race " + sop)));
            }
            work.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<StoreOutcome>>> futures = new ArrayList<>();
        for (List<InstanceRecord> mine : work) {
            futures.add(pool.submit(() -> {
                start.await();
                List<StoreOutcome> outcomes = new ArrayList<>();
                for (InstanceRecord r : mine) {
                    outcomes.add(index.store(r));
                }
                return outcomes;
            }));
        }
        start.countDown(); // all threads insert the same new patient, study and series at once
        for (Future<List<StoreOutcome>> f : futures) {
            assertThat(f.get()).containsOnly(new StoreOutcome(StoreOutcome.Kind.STORED, 1));
        }
        pool.shutdown();

        List<StoredInstance> stored = index.instancesOfStudy(studyUid);
        assertThat(stored).hasSize(threads * perThread);
        assertThat(stored).extracting(StoredInstance::studyKey).containsOnly(stored.get(0).studyKey());
        assertThat(stored).extracting(StoredInstance::patientKey).containsOnly(stored.get(0).patientKey());
        StudySummary summary = index.findStudy(studyUid).orElseThrow();
        assertThat(summary.seriesCount()).isEqualTo(3);
        assertThat(summary.instanceCount()).isEqualTo(threads * perThread);
        assertThat(summary.modalities()).containsExactly("CT", "PR", "SR");
        List<org.huizhen.storage.index.SeriesSummary> series = index.seriesOfStudy(studyUid);
        assertThat(series).extracting(org.huizhen.storage.index.SeriesSummary::seriesInstanceUid)
                .containsExactlyInAnyOrderElementsOf(seriesUids);
        // (t + i) % 3 spreads 8 x 12 instances as evenly as possible: 32 per series
        assertThat(series).extracting(org.huizhen.storage.index.SeriesSummary::instanceCount)
                .containsOnly(threads * perThread / 3);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "identical content: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
    void concurrentStoresOfOneSopInstanceUidAreSerialised(boolean identicalContent) throws Exception {
        // A sender retrying in parallel (identical bytes) or several corrected copies racing.
        String inst = institution();
        String studyUid = uid();
        String seriesUid = uid();
        String sop = uid();
        int threads = 8;
        List<InstanceRecord> records = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String content = identicalContent ? "retry " + sop : "copy " + t + " of " + sop;
            records.add(new InstanceRecord(origin(inst, Instant.now()), patient("P-SAME"), study(studyUid),
                    series(seriesUid, "CT", 1), instance(blobs, sop, 1, content)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<StoreOutcome>> futures = new ArrayList<>();
        for (InstanceRecord r : records) {
            futures.add(pool.submit(() -> {
                start.await();
                return index.store(r);
            }));
        }
        start.countDown();
        List<StoreOutcome> outcomes = new ArrayList<>();
        for (Future<StoreOutcome> f : futures) {
            outcomes.add(f.get());
        }
        pool.shutdown();

        assertThat(outcomes).filteredOn(o -> o.kind() == StoreOutcome.Kind.STORED).hasSize(1);
        if (identicalContent) {
            assertThat(outcomes).filteredOn(o -> o.kind() == StoreOutcome.Kind.DUPLICATE).hasSize(threads - 1);
            assertThat(index.versionsOf(sop)).hasSize(1);
        } else {
            // Every store saw the previous one: versions 1..8, each handed out once.
            assertThat(outcomes).extracting(StoreOutcome::version)
                    .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(index.versionsOf(sop)).extracting(InstanceVersion::version)
                    .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(index.versionEventsOf(sop)).hasSize(threads - 1);
        }
        assertThat(index.instancesOfStudy(studyUid)).hasSize(1);
    }

    @Test
    void forEachInstanceStreamsOnlyMatchingInstances() throws Exception {
        String inst = institution();
        String other = institution();
        String bigStudy = uid();
        String smallStudy = uid();
        // More rows than one fetch (500), so a PostgreSQL cursor has to fetch more than once.
        int big = 620;
        Set<String> expectedBig = new HashSet<>();
        String seriesUid = uid();
        for (int i = 0; i < big; i++) {
            String sop = uid();
            expectedBig.add(sop);
            index.store(new InstanceRecord(origin(inst, Instant.now()), patient("P-EXP"), study(bigStudy),
                    series(seriesUid, "CT", 1), instance(blobs, sop, i, "export " + sop)));
        }
        String smallSop = uid();
        index.store(record(blobs, inst, "P-EXP", smallStudy, uid(), "MR", smallSop, "small " + smallSop));
        String otherSop = uid();
        index.store(record(blobs, other, "P-EXP", uid(), uid(), "MR", otherSop, "other " + otherSop));

        List<StoredInstance> seen = new ArrayList<>();
        index.forEachInstance(InstanceFilter.institution(inst), seen::add);
        Set<String> expectedInstitution = new HashSet<>(expectedBig);
        expectedInstitution.add(smallSop);
        assertThat(seen).extracting(StoredInstance::sopInstanceUid)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expectedInstitution);
        assertThat(seen).extracting(StoredInstance::instanceKey).isSorted(); // in insertion (key) order

        List<String> ofStudy = new ArrayList<>();
        index.forEachInstance(InstanceFilter.study(bigStudy), s -> ofStudy.add(s.sopInstanceUid()));
        assertThat(ofStudy).containsExactlyInAnyOrderElementsOf(expectedBig);

        List<String> both = new ArrayList<>();
        index.forEachInstance(new InstanceFilter(other, bigStudy), s -> both.add(s.sopInstanceUid()));
        assertThat(both).isEmpty();

        List<String> all = new ArrayList<>();
        index.forEachInstance(InstanceFilter.all(), s -> all.add(s.sopInstanceUid()));
        assertThat(all).contains(smallSop, otherSop).hasSize((int) index.instanceCount());
    }

    @Test
    void verifyBlobsReportsMissingBlobAndStopsServingIt() throws Exception {
        String inst = institution();
        String studyUid = uid();
        String seriesUid = uid();
        String keptSop = uid();
        String lostSop = uid();
        InstanceRecord kept = record(blobs, inst, "P-005", studyUid, seriesUid, "CT", keptSop, "kept " + keptSop);
        InstanceRecord lost = record(blobs, inst, "P-005", studyUid, seriesUid, "CT", lostSop, "lost " + lostSop);
        index.store(kept);
        index.store(lost);
        blobs.remove(lost.instance().blobId()); // e.g. a disk fault or an operator's mistake

        // Small pages, so the check has to walk several of them.
        IntegrityReport report = index.verifyBlobs(blobs, 7);

        assertThat(report.missing()).containsExactly(
                new IntegrityReport.MissingBlob(lostSop, lost.instance().blobId()));
        assertThat(report.checked()).isEqualTo(index.instanceCount());
        assertThat(index.findInstance(lostSop)).isEmpty();
        assertThat(index.findInstance(keptSop)).isPresent();
        assertThat(index.instancesOfStudy(studyUid)).extracting(StoredInstance::sopInstanceUid)
                .containsExactly(keptSop);
        assertThat(index.findStudy(studyUid).orElseThrow().instanceCount()).isEqualTo(1);

        // The sender re-sends the same bytes: the blob is written again and the row is served again.
        InstanceData again = instance(blobs, lostSop, 1, "lost " + lostSop);
        assertThat(index.store(new InstanceRecord(lost.origin(), lost.patient(), lost.study(), lost.series(), again)))
                .isEqualTo(new StoreOutcome(StoreOutcome.Kind.DUPLICATE, 1));
        assertThat(index.findInstance(lostSop)).isPresent();
        assertThat(index.verifyBlobs(blobs).clean()).isTrue();
    }

    @Test
    void verifyBlobsServesRowsAgainWhenTheirBlobIsRestored() throws Exception {
        String sop = uid();
        InstanceRecord r = record(blobs, institution(), "P-006", uid(), uid(), "US", sop, "restorable " + sop);
        index.store(r);
        blobs.remove(r.instance().blobId());
        assertThat(index.verifyBlobs(blobs).missing()).extracting(IntegrityReport.MissingBlob::sopInstanceUid)
                .contains(sop);
        instance(blobs, sop, 1, "restorable " + sop); // restored from backup

        IntegrityReport report = index.verifyBlobs(blobs);

        assertThat(report.restored()).contains(sop);
        assertThat(index.findInstance(sop)).isPresent();
    }

    @Test
    void invalidRecordIsRejectedAndStoresNothing() throws Exception {
        long before = index.instanceCount();
        String sop = uid();
        InstanceRecord good = record(blobs, institution(), "P-007", uid(), uid(), "CT", sop, "x " + sop);
        InstanceData badSha = new InstanceData(sop, good.instance().sopClassUid(), 1,
                good.instance().transferSyntaxUid(), null, good.instance().blobId(), 1, "NOT-A-SHA");
        InstanceData longUid = new InstanceData("1." + "2".repeat(70), good.instance().sopClassUid(), 1,
                good.instance().transferSyntaxUid(), null, good.instance().blobId(), 1, good.instance().sha256());

        for (InstanceData bad : List.of(badSha, longUid)) {
            assertThatThrownBy(() -> index.store(new InstanceRecord(good.origin(), good.patient(), good.study(),
                    good.series(), bad))).hasMessageStartingWith("HZ-2103");
        }
        assertThat(index.instanceCount()).isEqualTo(before);
        assertThat(index.findInstance(sop)).isEmpty();
    }

    @Test
    void storeAllStoresEveryRecordInListOrderAsStoreWould() throws Exception {
        String inst = institution();
        String studyA = uid();
        String studyB = uid();
        String seriesA = uid();
        String sop1 = uid();
        String sop2 = uid();
        String sop3 = uid();
        Instant t = Instant.parse("2026-11-03T10:00:00Z");
        InstanceRecord a1 = new InstanceRecord(origin(inst, t), patient("P-010"), study(studyA),
                series(seriesA, "CT", 1), instance(blobs, sop1, 1, "a1 " + sop1));
        InstanceRecord a2 = new InstanceRecord(origin(inst, t.plusSeconds(1)), patient("P-010"), study(studyA),
                series(seriesA, "CT", 1), instance(blobs, sop2, 2, "a2 " + sop2));
        // sop1 again with other content later in the same list: the second sees the first's row.
        InstanceRecord a1v2 = new InstanceRecord(origin(inst, t.plusSeconds(2)), patient("P-010"), study(studyA),
                series(seriesA, "CT", 1), instance(blobs, sop1, 1, "a1 corrected " + sop1));
        InstanceRecord b1 = record(blobs, inst, "P-011", studyB, uid(), "MR", sop3, "b1 " + sop3);
        InstanceRecord b1Again = new InstanceRecord(origin(inst, t.plusSeconds(3)), b1.patient(), b1.study(),
                b1.series(), b1.instance());
        long before = index.instanceCount();

        List<StoreOutcome> outcomes = index.storeAll(List.of(a1, a2, a1v2, b1, b1Again));

        // Outcomes in list order: two new rows, a new version of the first, a new row, a duplicate.
        assertThat(outcomes).containsExactly(new StoreOutcome(StoreOutcome.Kind.STORED, 1),
                new StoreOutcome(StoreOutcome.Kind.STORED, 1), new StoreOutcome(StoreOutcome.Kind.NEW_VERSION, 2),
                new StoreOutcome(StoreOutcome.Kind.STORED, 1), new StoreOutcome(StoreOutcome.Kind.DUPLICATE, 1));
        assertThat(index.instanceCount()).isEqualTo(before + 3);
        assertThat(index.findInstance(sop1).orElseThrow().sha256()).isEqualTo(a1v2.instance().sha256());
        assertThat(index.versionsOf(sop1)).extracting(InstanceVersion::sha256)
                .containsExactly(a1.instance().sha256(), a1v2.instance().sha256());
        assertThat(index.instancesOfStudy(studyA)).extracting(StoredInstance::sopInstanceUid)
                .containsExactlyInAnyOrder(sop1, sop2);
        assertThat(index.findStudy(studyA).orElseThrow().lastReceivedAt()).isEqualTo(t.plusSeconds(2));
        assertThat(index.findStudy(studyB).orElseThrow().modalities()).containsExactly("MR");
        assertThat(index.storeAll(List.of())).isEmpty();
    }

    @Test
    void storeAllReusesRowKeysOnlyForIdenticalDataAndAppliesEveryChangeInTheList() throws Exception {
        // Within one list the index reuses a study/series row key when the data are identical;
        // a later record with changed study data or another series must still be written.
        String inst = institution();
        String studyUid = uid();
        String ct = uid();
        String mr = uid();
        Instant t = Instant.parse("2026-11-04T08:00:00Z");
        StudyData first = study(studyUid);
        StudyData described = new StudyData(first.studyInstanceUid(), first.studyDate(), first.studyTime(),
                first.accessionNumber(), first.studyId(), "CT CHEST + MR", first.referringPhysician());
        String s1 = uid();
        String s2 = uid();
        String s3 = uid();
        String s4 = uid();
        List<InstanceRecord> list = List.of(
                new InstanceRecord(origin(inst, t), patient("P-020"), first, series(ct, "CT", 1),
                        instance(blobs, s1, 1, "k1 " + s1)),
                new InstanceRecord(origin(inst, t.plusSeconds(5)), patient("P-020"), first, series(ct, "CT", 1),
                        instance(blobs, s2, 2, "k2 " + s2)),
                new InstanceRecord(origin(inst, t.plusSeconds(1)), patient("P-020"), first, series(mr, "MR", 2),
                        instance(blobs, s3, 1, "k3 " + s3)),
                new InstanceRecord(origin(inst, t.plusSeconds(2)), patient("P-020"), described, series(mr, "MR", 2),
                        instance(blobs, s4, 2, "k4 " + s4)));

        index.storeAll(list);

        var summary = index.findStudy(studyUid).orElseThrow();
        assertThat(summary.study().description()).isEqualTo("CT CHEST + MR");
        assertThat(summary.modalities()).containsExactlyInAnyOrder("CT", "MR");
        assertThat(summary.seriesCount()).isEqualTo(2);
        assertThat(summary.instanceCount()).isEqualTo(4);
        // the latest receive time of the list, though it came second
        assertThat(summary.lastReceivedAt()).isEqualTo(t.plusSeconds(5));
        assertThat(index.instancesOfStudy(studyUid)).extracting(StoredInstance::sopInstanceUid)
                .containsExactlyInAnyOrder(s1, s2, s3, s4);
    }

    @Test
    void storeAllWithAnInvalidRecordStoresNoneOfTheList() throws Exception {
        long before = index.instanceCount();
        String inst = institution();
        String good = uid();
        InstanceRecord ok = record(blobs, inst, "P-012", uid(), uid(), "CT", good, "ok " + good);
        InstanceRecord badSha = new InstanceRecord(ok.origin(), ok.patient(), ok.study(), ok.series(),
                new InstanceData(uid(), TestRecords.CT_IMAGE, 1, ok.instance().transferSyntaxUid(), null, ok.instance().blobId(), 1,
                        "NOT-A-SHA"));

        assertThatThrownBy(() -> index.storeAll(List.of(ok, badSha))).hasMessageStartingWith("HZ-2103");

        assertThat(index.findInstance(good)).isEmpty();
        assertThat(index.instanceCount()).isEqualTo(before);
    }

    @Test
    void storeAllIsOneTransactionThatRollsBackWhenALaterRecordFailsInTheDatabase() throws Exception {
        long before = index.instanceCount();
        String inst = institution();
        String first = uid();
        String second = uid();
        InstanceRecord r1 = record(blobs, inst, "P-013", uid(), uid(), "CT", first, "r1 " + first);
        InstanceRecord r2 = record(blobs, inst, "P-013", uid(), uid(), "CT", second, "r2 " + second);
        // Passes the record checks but not the schema: Modality is VARCHAR(16) (CS is at most 16
        // characters, PS3.5 Table 6.2-1), so the third record fails inside the transaction, after
        // the first two were written in it.
        InstanceRecord tooLong = record(blobs, inst, "P-013", uid(), uid(), "M".repeat(17), uid(), "r3");

        assertThatThrownBy(() -> index.storeAll(List.of(r1, r2, tooLong))).hasMessageStartingWith("HZ-2101");

        assertThat(index.findInstance(first)).isEmpty();
        assertThat(index.findInstance(second)).isEmpty();
        assertThat(index.findPatient(inst, "P-013", r1.patient().issuer())).isEmpty();
        assertThat(index.instanceCount()).isEqualTo(before);
    }

    /**
     * Lookups must stay fast at 100,000+ studies: every column the hub looks up by leads some
     * index. Checked through JDBC metadata, so the same test holds on both databases.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "study, study_uid", "study, accession_number", "study, study_date", "study, patient_pk",
            "study, last_received_at", "series, series_uid", "series, study_pk", "instance, sop_uid",
            "instance, series_pk", "instance, blob_id", "patient, patient_id", "patient, name_search",
            "patient, name_ideographic", "patient, birth_date", "patient, institution_id",
            "instance_history, sop_uid", "instance_version_event, sop_uid",
            "patient_name_key, name_key", "study, study_id"
    })
    void lookupColumnsAreIndexed(String table, String column) throws Exception {
        assertThat(index.leadingIndexColumns(table)).contains(column);
    }

    @Test
    void reopeningKeepsDataAndSchema() throws Exception {
        String sop = uid();
        index.store(record(blobs, institution(), "P-008", uid(), uid(), "CT", sop, "persist " + sop));
        long count = index.instanceCount();
        index.close();
        assertThatThrownBy(() -> index.instanceCount()).hasMessageStartingWith("HZ-2107");

        index = JdbcMetadataIndex.open(newDataSource(), Durability.FSYNC); // migrations already applied: no-op

        assertThat(index.instanceCount()).isEqualTo(count);
        assertThat(index.findInstance(sop)).isPresent();
    }
}
