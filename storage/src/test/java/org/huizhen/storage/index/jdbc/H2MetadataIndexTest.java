package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

/** The index contract on embedded H2 in a temp directory, plus H2's durability settings. */
class H2MetadataIndexTest extends MetadataIndexContract {

    private Path dir;

    @Override
    DataSource newDataSource() throws Exception {
        if (dir == null) {
            dir = Files.createTempDirectory("hz-index-h2");
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
    void everyStoreForcesTheDatabaseFile() throws Exception {
        long before = JdbcMetadataIndex.h2FsyncCount();
        String sop = TestRecords.uid();
        index.store(TestRecords.record(blobs, TestRecords.institution(), "P-F", TestRecords.uid(),
                TestRecords.uid(), "CT", sop, "fsync " + sop));
        assertThat(JdbcMetadataIndex.h2FsyncCount()).isGreaterThan(before);
        // Reads do not force anything.
        long afterStore = JdbcMetadataIndex.h2FsyncCount();
        index.findInstance(sop);
        assertThat(JdbcMetadataIndex.h2FsyncCount()).isEqualTo(afterStore);
    }

    @Test
    void noneDurabilityDoesNotForce() throws Exception {
        Path other = Files.createTempDirectory("hz-index-h2-none");
        try (JdbcMetadataIndex unsynced = JdbcMetadataIndex.open(IndexDatabase.h2(other),
                org.huizhen.storage.Durability.NONE)) {
            long before = JdbcMetadataIndex.h2FsyncCount();
            String sop = TestRecords.uid();
            unsynced.store(TestRecords.record(blobs, TestRecords.institution(), "P-N", TestRecords.uid(),
                    TestRecords.uid(), "CT", sop, "nofsync " + sop));
            assertThat(unsynced.findInstance(sop)).isPresent();
            assertThat(JdbcMetadataIndex.h2FsyncCount()).isEqualTo(before);
        } finally {
            try (Stream<Path> walk = Files.walk(other)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void failedMigrationIsReportedAndReleasesThePool() throws Exception {
        Path other = Files.createTempDirectory("hz-index-h2-conflict");
        try {
            // A foreign table where the first migration creates its own: V1 cannot apply.
            try (Connection c = DriverManager.getConnection(IndexDatabase.h2Url(other), "sa", "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE TABLE institution (something_else INTEGER)");
            }
            com.zaxxer.hikari.HikariDataSource pool = IndexDatabase.h2(other);

            org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcMetadataIndex.open(pool))
                    .hasMessageStartingWith("HZ-2104");
            assertThat(pool.isClosed()).isTrue();
        } finally {
            try (Stream<Path> walk = Files.walk(other)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void commitsAreWrittenWithoutDelay() throws Exception {
        assertThat(index.isH2()).isTrue();
        // A second connection in this JVM sees the same embedded database and its settings.
        try (Connection c = DriverManager.getConnection(IndexDatabase.h2Url(dir), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(
                     "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("0");
        }
    }

    @Test
    void identityColumnsAllocateManyValuesAtOnce() throws Exception {
        // V5IdentityCache: otherwise H2 writes a chunk of its own every 32 ids of each table.
        try (Connection c = DriverManager.getConnection(IndexDatabase.h2Url(dir), "sa", "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME, IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
                     + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND IS_IDENTITY = 'YES'")) {
            java.util.Map<String, Long> caches = new java.util.TreeMap<>();
            while (rs.next()) {
                caches.put(rs.getString(1), rs.getLong(2));
            }
            assertThat(caches).containsKeys("INSTANCE", "INSTANCE_HISTORY", "SERIES", "STUDY", "PATIENT");
            assertThat(caches.values()).containsOnly((long) V5IdentityCache.CACHE);
        }
    }
}
