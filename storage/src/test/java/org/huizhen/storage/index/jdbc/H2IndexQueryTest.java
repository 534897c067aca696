package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.flywaydb.core.Flyway;
import org.huizhen.storage.Durability;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;
import org.huizhen.storage.index.QueryResult.PatientResult;
import org.huizhen.storage.index.QueryResult.StudyResult;
import org.junit.jupiter.api.Test;

/**
 * The query contract on embedded H2 in a temp directory, plus the upgrade of a database created
 * before the name keys existed (migration V3 fills them).
 */
class H2IndexQueryTest extends IndexQueryContract {

    private Path dir;

    @Override
    DataSource newDataSource() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("hz-query-h2");
        }
        return IndexDatabase.h2(dir);
    }

    @Override
    void dropDatabase() throws Exception {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void patientsStoredBeforeTheNameKeysExistedAreFoundByNameAfterUpgrade() throws Exception {
        Path old = Files.createTempDirectory("hz-query-h2-v1");
        try {
            // A database at schema version 1, with a patient stored by the ingest of that time.
            try (HikariDataSource ds = IndexDatabase.h2(old)) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration")
                        .placeholders(Map.of("collate_c", "")).target("1").load().migrate();
                try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
                    s.execute("INSERT INTO institution (id, code, created_at) VALUES (7, 'old', CURRENT_TIMESTAMP)");
                    s.execute("INSERT INTO patient (id, institution_id, patient_id, issuer, name_text, name_alphabetic,"
                            + " name_ideographic, name_search, created_at, updated_at) VALUES (70, 7, 'OLD-1', '',"
                            + " 'Wang^XiaoDong=王^小东=', 'Wang^XiaoDong', '王^小东', 'WANG^XIAODONG=王^小东=',"
                            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                    s.execute("INSERT INTO patient (id, institution_id, patient_id, issuer, name_text, name_search,"
                            + " created_at, updated_at) VALUES (71, 7, 'OLD-2', '', 'Li^Na=李^娜', 'LI^NA=李^娜',"
                            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                    for (int p = 70; p <= 71; p++) {
                        s.execute("INSERT INTO study (id, study_uid, patient_pk, created_at, updated_at, last_received_at)"
                                + " VALUES (" + p + ", '1.2.3." + p + "', " + p + ", CURRENT_TIMESTAMP,"
                                + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                        s.execute("INSERT INTO series (id, series_uid, study_pk, created_at, updated_at)"
                                + " VALUES (" + p + ", '1.2.4." + p + "', " + p + ", CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
                        s.execute("INSERT INTO instance (sop_uid, series_pk, sop_class_uid, transfer_syntax_uid, blob_id,"
                                + " size_bytes, sha256, version, available, origin_institution_pk, protocol, received_at)"
                                + " VALUES ('1.2.5." + p + "', " + p + ", '1.2.840.10008.5.1.4.1.1.2',"
                                + " '1.2.840.10008.1.2.1', '" + "a".repeat(64) + "', 1, '" + "a".repeat(64) + "', 1, TRUE,"
                                + " 7, 'DIMSE', CURRENT_TIMESTAMP)");
                    }
                    c.commit();
                }
            }

            try (JdbcMetadataIndex upgraded = JdbcMetadataIndex.open(IndexDatabase.h2(old), Durability.NONE)) {
                Query studies = Query.of(QueryLevel.STUDY).scopedTo("old");
                assertThat(upgraded.query(studies.with(QueryKey.PatientName, "王*")))
                        .extracting(r -> ((StudyResult) r).studyInstanceUid()).containsExactly("1.2.3.70");
                assertThat(upgraded.query(studies.with(QueryKey.PatientName, "wangxiaodong")))
                        .extracting(r -> ((StudyResult) r).studyInstanceUid()).containsExactly("1.2.3.70");
                // No separate groups stored: read from the text.
                assertThat(upgraded.query(studies.with(QueryKey.PatientName, "李娜")))
                        .extracting(r -> ((StudyResult) r).studyInstanceUid()).containsExactly("1.2.3.71");
                assertThat(upgraded.query(Query.of(QueryLevel.PATIENT).with(QueryKey.PatientName, "LI^NA")))
                        .extracting(r -> ((PatientResult) r).patient().patientId()).containsExactly("OLD-2");
            }
        } finally {
            try (Stream<Path> walk = Files.walk(old)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
