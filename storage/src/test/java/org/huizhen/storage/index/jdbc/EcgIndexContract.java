package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.index.EcgPriority;
import org.huizhen.storage.index.EcgQuery;
import org.huizhen.storage.index.EcgRecord;
import org.huizhen.storage.index.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The {@link org.huizhen.storage.index.EcgIndex} contract (migration V4 and {@link JdbcEcgIndex}),
 * run once per database ({@link H2EcgIndexTest}, {@link PostgresEcgIndexTest}). Every test uses
 * its own institution code, so tests do not see each other's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class EcgIndexContract {
    private JdbcMetadataIndex index;
    private JdbcEcgIndex ecgs;

    abstract DataSource newDataSource() throws Exception;

    abstract void dropDatabase() throws Exception;

    @BeforeAll
    void open() throws Exception {
        index = JdbcMetadataIndex.open(newDataSource());
        ecgs = JdbcEcgIndex.on(index);
    }

    @AfterAll
    void close() throws Exception {
        if (index != null) {
            index.close();
        }
        dropDatabase();
    }

    private static String uid() {
        return "2.25." + UUID.randomUUID().toString().replace("-", "").chars().limit(30)
                .map(c -> Character.digit(c, 16) % 10 + '0').collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append);
    }

    private static EcgRecord record(String institution, String patientId, EcgPriority priority, Instant created) {
        return new EcgRecord(uid(), uid(), uid(), institution, "HL7_AECG",
                Optional.of(BlobId.parse("ab".repeat(32))), Optional.of("application/xml"), Optional.of("in/put\\ecg.xml"),
                Optional.of(LocalDateTime.of(2002, 11, 22, 9, 10, 0)), Optional.of(patientId), Optional.of("王^小东"),
                priority, "{\"heartRateBpm\":72.0}", priority == EcgPriority.STAT ? "[{\"rule\":\"pause\"}]" : "[]",
                "{\"statements\":[\"Sinus rhythm\"]}", "{\"leads\":[\"I\",\"II\"]}", created,
                Protocol.UPLOAD, Optional.of("test-subject"), Optional.of("127.0.0.1"));
    }

    @Test
    void insertedRecordReadsBackFieldForField() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        EcgRecord r = record("inst-" + uid(), "P1", EcgPriority.STAT, now);
        assertThat(ecgs.insert(r)).isTrue();

        EcgRecord back = ecgs.find(r.id()).orElseThrow();
        // the file name is kept without the sender's directories (never a path on our side)
        assertThat(back.originalFileName()).contains("ecg.xml");
        assertThat(back).usingRecursiveComparison().ignoringFields("originalFileName").isEqualTo(r);
    }

    @Test
    void secondInsertOfOneIdKeepsTheFirstRecord() throws Exception {
        EcgRecord first = record("inst-" + uid(), "P1", EcgPriority.ROUTINE, Instant.now().truncatedTo(ChronoUnit.MILLIS));
        EcgRecord again = new EcgRecord(first.id(), first.studyInstanceUid(), first.seriesInstanceUid(), first.institutionId(), "DICOM",
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                EcgPriority.STAT, "{}", "[]", "{}", "{}", Instant.now(), Protocol.DIMSE, Optional.empty(), Optional.empty());
        assertThat(ecgs.insert(first)).isTrue();
        assertThat(ecgs.insert(again)).isFalse();
        assertThat(ecgs.find(first.id()).orElseThrow().priority()).isEqualTo(EcgPriority.ROUTINE);
    }

    @Test
    void concurrentInsertsOfOneIdStoreOneRow() throws Exception {
        EcgRecord r = record("inst-" + uid(), "P1", EcgPriority.ROUTINE, Instant.now());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit((Callable<Boolean>) () -> ecgs.insert(r)));
            }
            int stored = 0;
            for (Future<Boolean> f : results) {
                stored += f.get() ? 1 : 0;
            }
            // the primary key lets exactly one through; the others retry and find it
            assertThat(stored).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void listIsScopedFilteredAndNewestFirst() throws Exception {
        String clinic = "clinic-" + uid();
        String other = "other-" + uid();
        Instant t0 = Instant.parse("2026-01-01T08:00:00Z");
        EcgRecord oldRoutine = record(clinic, "P1", EcgPriority.ROUTINE, t0);
        EcgRecord stat = record(clinic, "P1", EcgPriority.STAT, t0.plusSeconds(60));
        EcgRecord newest = record(clinic, "P2", EcgPriority.ROUTINE, t0.plusSeconds(120));
        EcgRecord otherStat = record(other, "P1", EcgPriority.STAT, t0.plusSeconds(180));
        for (EcgRecord r : List.of(oldRoutine, stat, newest, otherStat)) {
            ecgs.insert(r);
        }
        assertThat(ids(new EcgQuery(Optional.of(clinic), Optional.empty(), Optional.empty(), Optional.empty(), 10)))
                .containsExactly(newest.id(), stat.id(), oldRoutine.id());
        assertThat(ids(new EcgQuery(Optional.of(clinic), Optional.empty(), Optional.empty(), Optional.of(EcgPriority.STAT), 10)))
                .containsExactly(stat.id());
        assertThat(ids(new EcgQuery(Optional.of(clinic), Optional.of("P1"), Optional.of(t0.plusSeconds(30)), Optional.empty(), 10)))
                .containsExactly(stat.id());
        assertThat(ids(new EcgQuery(Optional.of(clinic), Optional.empty(), Optional.empty(), Optional.empty(), 2)))
                .containsExactly(newest.id(), stat.id());
        // without an institution (a lead hospital) both institutions' STAT ECGs since t0 are listed
        assertThat(ids(new EcgQuery(Optional.empty(), Optional.empty(), Optional.of(t0), Optional.of(EcgPriority.STAT), 1000)))
                .contains(otherStat.id(), stat.id()).doesNotContain(oldRoutine.id(), newest.id());
    }

    @Test
    void unknownIdIsEmpty() throws Exception {
        assertThat(ecgs.find(uid())).isEmpty();
    }

    @Test
    void recordRefusesJsonOverTheColumnSize() {
        assertThatThrownBy(() -> new EcgRecord(uid(), uid(), uid(), "i", "DICOM", Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), EcgPriority.ROUTINE,
                "x".repeat(EcgRecord.MAX_JSON_CHARS + 1), "[]", "{}", "{}", Instant.now(), Protocol.UPLOAD,
                Optional.empty(), Optional.empty())).hasMessageStartingWith("HZ-2120");
    }

    private List<String> ids(EcgQuery q) throws Exception {
        return ecgs.list(q).stream().map(EcgRecord::id).toList();
    }
}
