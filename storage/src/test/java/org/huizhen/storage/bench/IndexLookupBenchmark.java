package org.huizhen.storage.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

import com.zaxxer.hikari.HikariDataSource;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.Durability;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Match;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryLevel;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;

/**
 * Benchmark program (not a test): fills an index with N studies (default 100,000; one series and
 * two instances each) by JDBC batches, then prints lookup latencies (p50/p99) of the index API,
 * of study-level C-FIND / QIDO-RS queries ({@code q ...} lines: by patient name prefix in Latin
 * and Chinese, 7-day date range, accession, patient ID, no key; first page of 100; and the newest
 * 100 of a second institution that holds 1 % of the studies) and the
 * throughput of {@code store} at that size. Run on demand, e.g.
 * <pre>
 * ./mvnw -q -pl storage test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp storage/target/test-classes:storage/target/classes:$(cat storage/target/cp.txt) \
 *      org.huizhen.storage.bench.IndexLookupBenchmark h2 /tmp/hz-bench 100000
 * java ... IndexLookupBenchmark postgres hz_bench 100000     # 127.0.0.1:5432/test, schema hz_bench
 * </pre>
 * Single-threaded; the database may be reused between runs only if it is empty.
 */
public final class IndexLookupBenchmark {

    private static final String ROOT = "1.2.826.0.1.3680043.10.999.";
    private static final int LOOKUPS = 2000;
    private static final int STORES = 1000;

    private static final java.time.format.DateTimeFormatter DA = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;

    private IndexLookupBenchmark() {
    }

    private static void expectOne(int results) {
        if (results != 1) {
            throw new IllegalStateException("expected 1 result, got " + results);
        }
    }

    public static void main(String[] args) throws Exception {
        String kind = args.length > 0 ? args[0] : "h2";
        int studies = args.length > 2 ? Integer.parseInt(args[2]) : 100_000;
        HikariDataSource ds = kind.equals("postgres")
                ? IndexDatabase.postgres("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "",
                        args.length > 1 ? args[1] : "hz_bench")
                : IndexDatabase.h2(Path.of(args.length > 1 ? args[1] : "bench-work/index"));
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(ds, Durability.FSYNC)) {
            long t0 = System.nanoTime();
            fill(ds, studies);
            System.out.printf(Locale.ROOT, "%s: filled %,d studies / %,d instances in %.1f s%n", kind, studies,
                    2L * studies, (System.nanoTime() - t0) / 1e9);
            Random random = new Random(42);
            measure("findInstance", () -> index.findInstance(ROOT + "3." + random.nextInt(2 * studies)).orElseThrow());
            measure("findStudy", () -> index.findStudy(ROOT + "1." + random.nextInt(studies)).orElseThrow());
            measure("instancesOfStudy", () -> {
                if (index.instancesOfStudy(ROOT + "1." + random.nextInt(studies)).size() != 2) {
                    throw new IllegalStateException("expected 2 instances");
                }
            });
            measure("findPatient", () -> index.findPatient("bench", "PID" + random.nextInt(studies / 2), null)
                    .orElseThrow());
            // C-FIND / QIDO-RS study-level queries as a clinic's viewer sends them: scoped to the
            // institution, first page of 100 results.
            Query studyQuery = Query.of(QueryLevel.STUDY).scopedTo("bench").page(0, 100);
            int patients = Math.max(1, studies / 2);
            measure("q name prefix", () -> index.query(studyQuery.with(QueryKey.PatientName,
                    new Match.Wildcard("name^" + random.nextInt(patients) + "*"))));
            measure("q 汉字 prefix", () -> index.query(studyQuery.with(QueryKey.PatientName,
                    new Match.Wildcard("姓^" + random.nextInt(patients) + "*"))));
            measure("q date range 7d", () -> {
                LocalDate from = LocalDate.of(2020, 1, 1).plusDays(random.nextInt(2000));
                index.query(studyQuery.with(QueryKey.StudyDate, Match.Range.between(DA.format(from),
                        DA.format(from.plusDays(6)))));
            });
            measure("q accession", () -> expectOne(index.query(studyQuery.with(QueryKey.AccessionNumber,
                    new Match.Exact("ACC" + random.nextInt(studies)))).size()));
            measure("q patient ID", () -> {
                if (index.query(studyQuery.with(QueryKey.PatientID, new Match.Exact("PID" + random.nextInt(patients))))
                        .size() != 2) {
                    throw new IllegalStateException("expected 2 studies");
                }
            });
            measure("q all, newest 100", () -> index.query(studyQuery));
            // A clinic with 1 % of the hub's studies lists its newest: must not read the others'.
            measure("q small clinic 100", () -> {
                if (index.query(Query.of(QueryLevel.STUDY).scopedTo("small").page(0, 100)).size()
                        != Math.min(100, Math.max(1, studies / 100))) {
                    throw new IllegalStateException("expected the small clinic's studies");
                }
            });
            measure("q series of study", () -> expectOne(index.query(Query.of(QueryLevel.SERIES).scopedTo("bench")
                    .with(QueryKey.StudyInstanceUID, new Match.Exact(ROOT + "1." + random.nextInt(studies))))
                    .size()));
            long s0 = System.nanoTime();
            for (int i = 0; i < STORES; i++) {
                index.store(record(studies, i));
            }
            double seconds = (System.nanoTime() - s0) / 1e9;
            System.out.printf(Locale.ROOT, "%-18s %,d stores (FSYNC, one thread): %.0f instances/s%n", "store",
                    STORES, STORES / seconds);
        }
    }

    private interface Op {
        void run() throws StorageException;
    }

    private static void measure(String name, Op op) throws StorageException {
        for (int i = 0; i < 200; i++) {
            op.run(); // warm-up
        }
        long[] nanos = new long[LOOKUPS];
        for (int i = 0; i < LOOKUPS; i++) {
            long t = System.nanoTime();
            op.run();
            nanos[i] = System.nanoTime() - t;
        }
        Arrays.sort(nanos);
        System.out.printf(Locale.ROOT, "%-18s p50 %6.0f µs   p99 %6.0f µs%n", name, nanos[LOOKUPS / 2] / 1e3,
                nanos[LOOKUPS * 99 / 100] / 1e3);
    }

    private static InstanceRecord record(int base, int i) {
        String n = Integer.toString(base + i);
        BlobId blob = BlobId.parse(String.format(Locale.ROOT, "%064x", base + i));
        return new InstanceRecord(new Origin("bench", Protocol.CLI, null, null, null, Instant.now()),
                new PatientData("PID-NEW" + i, null, PatientName.of("NEW^" + i), null, "O"),
                new StudyData(ROOT + "1." + n, LocalDate.of(2026, 1, 1), null, "ACC" + n, null, null, null),
                new SeriesData(ROOT + "2." + n, "CT", 1, null, null),
                new InstanceData(ROOT + "3.x" + n, "1.2.840.10008.5.1.4.1.1.2", 1, "1.2.840.10008.1.2.1", null, blob,
                        1, blob.hex()));
    }

    /**
     * A second institution, "small", with {@code count} studies of its own (one patient, series
     * and instance each) among the hub's, dated across the same years.
     */
    private static void fillSmallClinic(Connection c, int count) throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long inst;
        try (Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO institution (code, created_at) VALUES ('small', CURRENT_TIMESTAMP)");
            try (var rs = s.executeQuery("SELECT id FROM institution WHERE code = 'small'")) {
                rs.next();
                inst = rs.getLong(1);
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO patient (id, institution_id, patient_id, issuer,"
                + " created_at, updated_at) VALUES (?, ?, ?, '', ?, ?)");
             PreparedStatement st = c.prepareStatement("INSERT INTO study (id, study_uid, patient_pk, study_date,"
                     + " created_at, updated_at, last_received_at, institution_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement se = c.prepareStatement("INSERT INTO series (id, series_uid, study_pk, modality,"
                     + " created_at, updated_at) VALUES (?, ?, ?, 'DX', ?, ?)");
             PreparedStatement in = c.prepareStatement("INSERT INTO instance (sop_uid, series_pk, sop_class_uid,"
                     + " transfer_syntax_uid, blob_id, size_bytes, sha256, version, available,"
                     + " origin_institution_pk, protocol, received_at) VALUES (?, ?, '1.2.840.10008.5.1.4.1.1.1',"
                     + " '1.2.840.10008.1.2.1', ?, 1000, ?, 1, TRUE, ?, 'CLI', ?)")) {
            for (int k = 0; k < count; k++) {
                long id = 50_000_000L + k;
                p.setLong(1, id);
                p.setLong(2, inst);
                p.setString(3, "SMALL" + k);
                p.setObject(4, now);
                p.setObject(5, now);
                p.executeUpdate();
                st.setLong(1, id);
                st.setString(2, ROOT + "9." + k);
                st.setLong(3, id);
                st.setObject(4, LocalDate.of(2020, 1, 1).plusDays(k * 2000L / count));
                st.setObject(5, now);
                st.setObject(6, now);
                st.setObject(7, now);
                st.setLong(8, inst);
                st.executeUpdate();
                se.setLong(1, id);
                se.setString(2, ROOT + "8." + k);
                se.setLong(3, id);
                se.setObject(4, now);
                se.setObject(5, now);
                se.executeUpdate();
                String blob = String.format(Locale.ROOT, "%064x", 1L << 40 | k);
                in.setString(1, ROOT + "7." + k);
                in.setLong(2, id);
                in.setString(3, blob);
                in.setString(4, blob);
                in.setLong(5, inst);
                in.setObject(6, now);
                in.executeUpdate();
            }
        }
        c.commit();
    }

    /** Bulk rows straight into the tables (the schema is the index's own), in batches of 1,000. */
    private static void fill(HikariDataSource ds, int studies) throws Exception {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            long inst;
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO institution (code, created_at) VALUES ('bench', CURRENT_TIMESTAMP)");
                try (var rs = s.executeQuery("SELECT id FROM institution WHERE code = 'bench'")) {
                    rs.next();
                    inst = rs.getLong(1);
                }
            }
            int patients = Math.max(1, studies / 2);
            // Names with an alphabetic and an ideographic group, and the five search keys
            // (T, A, B, I, C) that ingest would write for them (see PatientNameKeys).
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO patient (id, institution_id, patient_id,"
                    + " issuer, name_text, name_alphabetic, name_ideographic, name_search, birth_date, sex,"
                    + " created_at, updated_at) VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, 'F', ?, ?)");
                 PreparedStatement keys = c.prepareStatement(
                         "INSERT INTO patient_name_key (patient_pk, kind, name_key) VALUES (?, ?, ?)")) {
                for (int p = 0; p < patients; p++) {
                    ps.setLong(1, 1_000_000L + p);
                    ps.setLong(2, inst);
                    ps.setString(3, "PID" + p);
                    ps.setString(4, "Name^" + p + "=姓^" + p + "=");
                    ps.setString(5, "Name^" + p);
                    ps.setString(6, "姓^" + p);
                    ps.setString(7, "NAME^" + p + "=姓^" + p + "=");
                    ps.setObject(8, LocalDate.of(1950 + p % 60, 1 + p % 12, 1 + p % 28));
                    ps.setObject(9, now);
                    ps.setObject(10, now);
                    ps.addBatch();
                    String[][] nameKeys = {{"T", "NAME^" + p + "=姓^" + p}, {"A", "NAME^" + p}, {"B", "NAME" + p},
                        {"I", "姓^" + p}, {"C", "姓" + p}};
                    for (String[] k : nameKeys) {
                        keys.setLong(1, 1_000_000L + p);
                        keys.setString(2, k[0]);
                        keys.setString(3, k[1]);
                        keys.addBatch();
                    }
                    if (p % 1000 == 999) {
                        ps.executeBatch();
                        keys.executeBatch();
                        c.commit();
                    }
                }
                ps.executeBatch();
                keys.executeBatch();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO study (id, study_uid, patient_pk, study_date,"
                    + " accession_number, modalities, created_at, updated_at, last_received_at, institution_id)"
                    + " VALUES (?, ?, ?, ?, ?, 'CT', ?, ?, ?, ?)");
                 PreparedStatement se = c.prepareStatement("INSERT INTO series (id, series_uid, study_pk, modality,"
                         + " series_number, created_at, updated_at) VALUES (?, ?, ?, 'CT', 1, ?, ?)");
                 PreparedStatement in = c.prepareStatement("INSERT INTO instance (sop_uid, series_pk, sop_class_uid,"
                         + " instance_number, transfer_syntax_uid, blob_id, size_bytes, sha256, version, available,"
                         + " origin_institution_pk, protocol, received_at)"
                         + " VALUES (?, ?, '1.2.840.10008.5.1.4.1.1.2', ?, '1.2.840.10008.1.2.1', ?, 1000, ?, 1, TRUE,"
                         + " ?, 'CLI', ?)")) {
                for (int s = 0; s < studies; s++) {
                    st.setLong(1, 1_000_000L + s);
                    st.setString(2, ROOT + "1." + s);
                    st.setLong(3, 1_000_000L + s / 2);
                    st.setObject(4, LocalDate.of(2020, 1, 1).plusDays(s % 2000));
                    st.setString(5, "ACC" + s);
                    st.setObject(6, now);
                    st.setObject(7, now);
                    st.setObject(8, now);
                    st.setLong(9, inst);
                    st.addBatch();
                    se.setLong(1, 1_000_000L + s);
                    se.setString(2, ROOT + "2." + s);
                    se.setLong(3, 1_000_000L + s);
                    se.setObject(4, now);
                    se.setObject(5, now);
                    se.addBatch();
                    for (int k = 0; k < 2; k++) {
                        String blob = String.format(Locale.ROOT, "%064x", 2L * s + k);
                        in.setString(1, ROOT + "3." + (2 * s + k));
                        in.setLong(2, 1_000_000L + s);
                        in.setInt(3, k + 1);
                        in.setString(4, blob);
                        in.setString(5, blob);
                        in.setLong(6, inst);
                        in.setObject(7, now);
                        in.addBatch();
                    }
                    if (s % 1000 == 999) {
                        st.executeBatch();
                        se.executeBatch();
                        in.executeBatch();
                        c.commit();
                    }
                }
                st.executeBatch();
                se.executeBatch();
                in.executeBatch();
            }
            c.commit();
            fillSmallClinic(c, Math.max(1, studies / 100));
            if (c.getMetaData().getDatabaseProductName().contains("PostgreSQL")) {
                try (Statement s = c.createStatement()) {
                    s.execute("ANALYZE"); // fresh statistics, as autovacuum would provide in production
                }
                c.commit();
            }
        }
    }
}
