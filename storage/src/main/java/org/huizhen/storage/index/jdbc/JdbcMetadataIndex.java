package org.huizhen.storage.index.jdbc;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.Durability;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceFilter;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.InstanceVersion;
import org.huizhen.storage.index.IntegrityReport;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.PatientRecord;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryResult;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.SeriesSummary;
import org.huizhen.storage.index.StoreOutcome;
import org.huizhen.storage.index.StoredInstance;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.StudySummary;
import org.huizhen.storage.index.VersionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataIndex} on JDBC, one SQL dialect for H2 2.x and PostgreSQL (schema in
 * {@code db/migration}, applied by Flyway on {@link #open}).
 *
 * <p>{@link #store} runs in one transaction through {@link Tx}. It takes row locks top-down
 * (patient, study {@code FOR UPDATE}, series {@code FOR UPDATE}, instance {@code FOR UPDATE}) so
 * concurrent stores into one study queue up instead of deadlocking; two sessions inserting the
 * same new patient/study/series at once make one of them hit the unique key, and {@link Tx}
 * retries it, when it finds the row. Attribute updates only ever replace a value with a non-null
 * one: a later instance that lacks an attribute never erases it.
 *
 * <p>Durability: on H2 with {@link Durability#FSYNC} every write transaction is followed by an
 * fsync of the database file (see {@link IndexDatabase} for why); PostgreSQL is durable on commit.
 *
 * <p>Threading: thread-safe; each call borrows a pooled connection.
 */
public final class JdbcMetadataIndex implements MetadataIndex {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataIndex.class);
    private static final int MAX_UID = 64;
    private static final int FETCH_SIZE = 500;
    private static final int VERIFY_PAGE = 1000;
    /** fsyncs of H2 database files by all indexes in this JVM (a metric; tests check the durable path is taken). */
    private static final java.util.concurrent.atomic.AtomicLong FSYNCS = new java.util.concurrent.atomic.AtomicLong();

    private final DataSource dataSource;
    private final Tx tx;
    private final boolean h2;
    /** H2 with FSYNC: a descriptor of the database file, forced after each write transaction; else null. */
    private final FileChannel h2Channel;
    private volatile boolean closed;

    private JdbcMetadataIndex(DataSource dataSource, Tx tx, boolean h2, FileChannel h2Channel) {
        this.dataSource = dataSource;
        this.tx = tx;
        this.h2 = h2;
        this.h2Channel = h2Channel;
    }

    /**
     * Opens the index with {@link Durability#FSYNC}: migrates the schema, then serves. The data
     * source belongs to the index from this call on: {@link #close()} closes it, and so does a
     * failed open.
     */
    public static JdbcMetadataIndex open(DataSource dataSource) throws StorageException {
        return open(dataSource, Durability.FSYNC);
    }

    /**
     * Opens the index; {@link Durability#NONE} only for tests and benchmarks that say so (on H2 a
     * returned commit then survives a killed process but not a power cut).
     */
    public static JdbcMetadataIndex open(DataSource dataSource, Durability durability) throws StorageException {
        Objects.requireNonNull(dataSource, "dataSource");
        try {
            return openOwned(dataSource, durability);
        } catch (StorageException | RuntimeException e) {
            closeDataSource(dataSource);
            throw e;
        }
    }

    private static JdbcMetadataIndex openOwned(DataSource dataSource, Durability durability) throws StorageException {
        boolean h2;
        boolean h2Remote = false;
        String h2File = null;
        try (Connection c = dataSource.getConnection()) {
            h2 = c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT).contains("H2");
            if (h2) {
                String url = c.getMetaData().getURL();
                h2Remote = url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:");
                try (Statement s = c.createStatement()) {
                    // Persistent database setting; also fixes databases opened with a URL that lacks it.
                    s.execute("SET WRITE_DELAY 0");
                    try (ResultSet rs = s.executeQuery("SELECT DATABASE_PATH()")) {
                        if (rs.next() && rs.getString(1) != null) {
                            h2File = rs.getString(1) + ".mv.db"; // null for an in-memory database
                        }
                    }
                }
                if (!c.getAutoCommit()) {
                    c.commit();
                }
            }
        } catch (SQLException e) {
            throw new StorageException("HZ-2105 cannot open index database: " + e.getMessage(), e);
        }
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    // V2: PostgreSQL needs the C collation for prefix LIKE on an index; H2 has no such clause.
                    .placeholders(java.util.Map.of("collate_c", h2 ? "" : "COLLATE \"C\""))
                    .javaMigrations(new V3PatientNameKeys(), new V5IdentityCache())
                    .load()
                    .migrate();
        } catch (FlywayException e) {
            throw new StorageException("HZ-2104 index schema migration failed: " + e.getMessage(), e);
        }
        FileChannel h2Channel = null;
        Tx.CommitHook hook = Tx.CommitHook.NONE;
        if (h2Remote && durability == Durability.FSYNC) {
            // The file is on the server's machine: ask the server to force it (slower: it also compacts).
            hook = c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("CHECKPOINT SYNC");
                }
            };
        } else if (h2File != null && durability == Durability.FSYNC) {
            // See IndexDatabase: with WRITE_DELAY=0 the commit has written its chunk to the file
            // (page cache) before returning; fsync of the file's inode through our own descriptor
            // puts it on stable storage. Cheaper than CHECKPOINT SYNC, which also compacts.
            try {
                h2Channel = FileChannel.open(Path.of(h2File), StandardOpenOption.READ);
            } catch (IOException e) {
                throw new StorageException("HZ-2105 cannot open H2 file " + h2File + " for fsync", e);
            }
            GroupSync group = new GroupSync(h2Channel);
            String file = h2File;
            hook = c -> {
                try {
                    // fdatasync of the appended chunks and the file size, shared by the commits
                    // of concurrent associations (group commit).
                    group.sync();
                    FSYNCS.incrementAndGet();
                } catch (IOException e) {
                    throw new SQLException("HZ-2101 fsync of " + file + " failed: " + e.getMessage(), "58030", e);
                }
            };
        }
        Tx tx = new Tx(dataSource, Tx.DEFAULT_ATTEMPTS, java.time.Duration.ofMillis(2),
                java.time.Duration.ofMillis(250), hook);
        return new JdbcMetadataIndex(dataSource, tx, h2, h2Channel);
    }

    /** The transaction helper (exposes its retry count as a metric). */
    public Tx tx() {
        return tx;
    }

    /** Number of fsyncs of H2 database files made by the indexes of this JVM after their commits. */
    public static long h2FsyncCount() {
        return FSYNCS.get();
    }

    /** True if the database is H2. */
    public boolean isH2() {
        return h2;
    }

    // ---------------------------------------------------------------- store

    @Override
    public StoreOutcome store(InstanceRecord record) throws StorageException {
        checkOpen();
        validate(record);
        return tx.write(c -> storeAllIn(c, List.of(record)).get(0));
    }

    @Override
    public List<StoreOutcome> storeAll(List<InstanceRecord> records) throws StorageException {
        checkOpen();
        for (InstanceRecord r : records) {
            validate(r); // before the transaction: an invalid record stores nothing of the list
        }
        if (records.isEmpty()) {
            return List.of();
        }
        return tx.write(c -> storeAllIn(c, records));
    }

    /**
     * Stores {@code records} in one transaction. Each SQL text is prepared once
     * ({@link StatementCache}), and a record whose institution, patient, study or series data
     * equal those of an earlier record of the same transaction reuses that row's key without
     * reading (and locking) it again: the row is already locked by this transaction and was
     * written with exactly these values. Only the study's receive times move on; they are set
     * once at the end to the latest time of the batch.
     */
    private List<StoreOutcome> storeAllIn(Connection connection, List<InstanceRecord> records) throws SQLException {
        try (StatementCache statements = new StatementCache(connection)) {
            Connection c = statements.connection();
            BatchKeys keys = new BatchKeys();
            List<StoreOutcome> out = new ArrayList<>(records.size());
            for (InstanceRecord r : records) {
                out.add(storeIn(c, r, keys));
            }
            keys.touchStudies(c);
            return out;
        }
    }

    /** Row keys already written in this transaction, by the exact data they were written with. */
    private static final class BatchKeys {
        final Map<String, Long> institutions = new HashMap<>();
        final Map<List<Object>, Long> patients = new HashMap<>();
        final Map<List<Object>, Long> studies = new HashMap<>();
        final Map<List<Object>, Long> series = new HashMap<>();
        /** Study key → latest receive time of a later record that reused it. */
        final Map<Long, OffsetDateTime> studyTimes = new LinkedHashMap<>();

        void touchStudies(Connection c) throws SQLException {
            for (var e : studyTimes.entrySet()) {
                try (PreparedStatement up = c.prepareStatement("UPDATE study SET updated_at = ?,"
                        + " last_received_at = CASE WHEN last_received_at < ? THEN ? ELSE last_received_at END"
                        + " WHERE id = ?")) {
                    up.setObject(1, e.getValue());
                    up.setObject(2, e.getValue());
                    up.setObject(3, e.getValue());
                    up.setLong(4, e.getKey());
                    up.executeUpdate();
                }
            }
        }
    }

    private StoreOutcome storeIn(Connection c, InstanceRecord record, BatchKeys keys) throws SQLException {
        Origin origin = record.origin();
        OffsetDateTime at = utc(origin.receivedAt());
        Long institutionPk = keys.institutions.get(origin.institutionId());
        if (institutionPk == null) {
            institutionPk = institution(c, origin.institutionId(), at);
            keys.institutions.put(origin.institutionId(), institutionPk);
        }
        List<Object> patientKey = List.of(institutionPk, record.patient());
        Long patientPk = keys.patients.get(patientKey);
        if (patientPk == null) {
            patientPk = patient(c, institutionPk, record.patient(), at);
            keys.patients.put(patientKey, patientPk);
        }
        List<Object> studyKey = List.of(institutionPk, patientPk, record.study());
        Long studyPk = keys.studies.get(studyKey);
        if (studyPk == null) {
            studyPk = study(c, institutionPk, patientPk, record.study(), at);
            keys.studies.put(studyKey, studyPk);
        } else {
            keys.studyTimes.merge(studyPk, at, (a, b) -> a.isAfter(b) ? a : b);
        }
        List<Object> seriesKey = List.of(studyPk, record.series());
        Long seriesPk = keys.series.get(seriesKey);
        if (seriesPk == null) {
            seriesPk = series(c, studyPk, record.series(), at);
            keys.series.put(seriesKey, seriesPk);
        }
        return instance(c, seriesPk, institutionPk, record, at);
    }

    private static long institution(Connection c, String code, OffsetDateTime at) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM institution WHERE code = ?")) {
            ps.setString(1, code);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return rs.getLong(1);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO institution (code, created_at) VALUES (?, ?)",
                new String[] {"id"})) {
            ps.setString(1, code);
            ps.setObject(2, at);
            ps.executeUpdate();
            return generatedKey(ps);
        }
    }

    private static long patient(Connection c, long institutionPk, PatientData p, OffsetDateTime at)
            throws SQLException {
        String issuer = p.issuer() == null ? "" : p.issuer();
        String nameText = p.name() == null ? null : p.name().text();
        String alphabetic = p.name() == null ? null : p.name().alphabetic();
        String ideographic = p.name() == null ? null : p.name().ideographic();
        String phonetic = p.name() == null ? null : p.name().phonetic();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name_text, name_alphabetic, name_ideographic,"
                + " name_phonetic, birth_date, sex FROM patient WHERE institution_id = ? AND patient_id = ?"
                + " AND issuer = ?")) {
            ps.setLong(1, institutionPk);
            ps.setString(2, p.patientId());
            ps.setString(3, issuer);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    boolean changed = differs(nameText, rs.getString(2)) || differs(alphabetic, rs.getString(3))
                            || differs(ideographic, rs.getString(4)) || differs(phonetic, rs.getString(5))
                            || differs(p.birthDate(), rs.getObject(6, LocalDate.class))
                            || differs(p.sex(), rs.getString(7));
                    if (changed) {
                        try (PreparedStatement up = c.prepareStatement("UPDATE patient SET"
                                + " name_text = COALESCE(?, name_text), name_alphabetic = COALESCE(?, name_alphabetic),"
                                + " name_ideographic = COALESCE(?, name_ideographic),"
                                + " name_phonetic = COALESCE(?, name_phonetic), name_search = COALESCE(?, name_search),"
                                + " birth_date = COALESCE(?, birth_date), sex = COALESCE(?, sex), updated_at = ?"
                                + " WHERE id = ?")) {
                            up.setString(1, nameText);
                            up.setString(2, alphabetic);
                            up.setString(3, ideographic);
                            up.setString(4, phonetic);
                            up.setString(5, searchKey(nameText));
                            setDate(up, 6, p.birthDate());
                            up.setString(7, p.sex());
                            up.setObject(8, at);
                            up.setLong(9, id);
                            up.executeUpdate();
                        }
                        boolean nameChanged = differs(nameText, rs.getString(2)) || differs(alphabetic, rs.getString(3))
                                || differs(ideographic, rs.getString(4)) || differs(phonetic, rs.getString(5));
                        if (nameChanged) {
                            // The keys follow the row as updated (COALESCE keeps known groups).
                            PatientName merged = new PatientName(nameText != null ? nameText : rs.getString(2),
                                    alphabetic != null ? alphabetic : rs.getString(3),
                                    ideographic != null ? ideographic : rs.getString(4),
                                    phonetic != null ? phonetic : rs.getString(5));
                            writeNameKeys(c, id, merged, true);
                        }
                    }
                    return id;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO patient (institution_id, patient_id, issuer,"
                + " name_text, name_alphabetic, name_ideographic, name_phonetic, name_search, birth_date, sex,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new String[] {"id"})) {
            ps.setLong(1, institutionPk);
            ps.setString(2, p.patientId());
            ps.setString(3, issuer);
            ps.setString(4, nameText);
            ps.setString(5, alphabetic);
            ps.setString(6, ideographic);
            ps.setString(7, phonetic);
            ps.setString(8, searchKey(nameText));
            setDate(ps, 9, p.birthDate());
            ps.setString(10, p.sex());
            ps.setObject(11, at);
            ps.setObject(12, at);
            ps.executeUpdate();
            long id = generatedKey(ps);
            writeNameKeys(c, id, p.name(), false);
            return id;
        }
    }

    /** (Re)writes the {@code patient_name_key} rows of a patient (see {@link PatientNameKeys}). */
    private static void writeNameKeys(Connection c, long patientPk, PatientName name, boolean replace)
            throws SQLException {
        if (name == null || name.text() == null) {
            return;
        }
        if (replace) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM patient_name_key WHERE patient_pk = ?")) {
                del.setLong(1, patientPk);
                del.executeUpdate();
            }
        }
        Map<String, String> keys = PatientNameKeys.of(name);
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ins = c.prepareStatement(
                "INSERT INTO patient_name_key (patient_pk, kind, name_key) VALUES (?, ?, ?)")) {
            for (java.util.Map.Entry<String, String> key : keys.entrySet()) {
                ins.setLong(1, patientPk);
                ins.setString(2, key.getKey());
                ins.setString(3, key.getValue());
                ins.addBatch();
            }
            ins.executeBatch();
        }
    }

    /** The study row; {@code institutionPk} is its patient's institution (kept on the study for scoped queries). */
    private static long study(Connection c, long institutionPk, long patientPk, StudyData s, OffsetDateTime at)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, patient_pk FROM study WHERE study_uid = ?"
                + " FOR UPDATE")) {
            ps.setString(1, s.studyInstanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    if (rs.getLong(2) != patientPk) {
                        // UIDs are global; the first patient record keeps the study (no silent re-linking).
                        LOG.warn("HZ-2103 study {} arrived for another patient record (key {} vs {}); kept with the first",
                                s.studyInstanceUid(), rs.getLong(2), patientPk);
                    }
                    try (PreparedStatement up = c.prepareStatement("UPDATE study SET"
                            + " study_date = COALESCE(?, study_date), study_time = COALESCE(?, study_time),"
                            + " accession_number = COALESCE(?, accession_number), study_id = COALESCE(?, study_id),"
                            + " description = COALESCE(?, description),"
                            + " referring_physician = COALESCE(?, referring_physician), updated_at = ?,"
                            + " last_received_at = CASE WHEN last_received_at < ? THEN ? ELSE last_received_at END"
                            + " WHERE id = ?")) {
                        setDate(up, 1, s.studyDate());
                        setTime(up, 2, s.studyTime());
                        up.setString(3, s.accessionNumber());
                        up.setString(4, s.studyId());
                        up.setString(5, s.description());
                        up.setString(6, s.referringPhysician());
                        up.setObject(7, at);
                        up.setObject(8, at);
                        up.setObject(9, at);
                        up.setLong(10, id);
                        up.executeUpdate();
                    }
                    return id;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO study (study_uid, patient_pk, study_date,"
                + " study_time, accession_number, study_id, description, referring_physician, modalities,"
                + " created_at, updated_at, last_received_at, institution_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setString(1, s.studyInstanceUid());
            ps.setLong(2, patientPk);
            setDate(ps, 3, s.studyDate());
            setTime(ps, 4, s.studyTime());
            ps.setString(5, s.accessionNumber());
            ps.setString(6, s.studyId());
            ps.setString(7, s.description());
            ps.setString(8, s.referringPhysician());
            ps.setObject(9, at);
            ps.setObject(10, at);
            ps.setObject(11, at);
            ps.setLong(12, institutionPk);
            ps.executeUpdate();
            return generatedKey(ps);
        }
    }

    private static long series(Connection c, long studyPk, SeriesData s, OffsetDateTime at) throws SQLException {
        long id = -1;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, study_pk, modality, series_number, body_part,"
                + " description FROM series WHERE series_uid = ? FOR UPDATE")) {
            ps.setString(1, s.seriesInstanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    id = rs.getLong(1);
                    if (rs.getLong(2) != studyPk) {
                        LOG.warn("HZ-2103 series {} arrived under another study (key {} vs {}); kept with the first",
                                s.seriesInstanceUid(), rs.getLong(2), studyPk);
                    }
                    Integer number = rs.getObject(4, Integer.class);
                    boolean changed = differs(s.modality(), rs.getString(3)) || differs(s.seriesNumber(), number)
                            || differs(s.bodyPartExamined(), rs.getString(5))
                            || differs(s.description(), rs.getString(6));
                    if (changed) {
                        try (PreparedStatement up = c.prepareStatement("UPDATE series SET"
                                + " modality = COALESCE(?, modality), series_number = COALESCE(?, series_number),"
                                + " body_part = COALESCE(?, body_part), description = COALESCE(?, description),"
                                + " updated_at = ? WHERE id = ?")) {
                            up.setString(1, s.modality());
                            setInteger(up, 2, s.seriesNumber());
                            up.setString(3, s.bodyPartExamined());
                            up.setString(4, s.description());
                            up.setObject(5, at);
                            up.setLong(6, id);
                            up.executeUpdate();
                        }
                    }
                }
            }
        }
        if (id < 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO series (series_uid, study_pk, modality,"
                    + " series_number, body_part, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"})) {
                ps.setString(1, s.seriesInstanceUid());
                ps.setLong(2, studyPk);
                ps.setString(3, s.modality());
                setInteger(ps, 4, s.seriesNumber());
                ps.setString(5, s.bodyPartExamined());
                ps.setString(6, s.description());
                ps.setObject(7, at);
                ps.setObject(8, at);
                ps.executeUpdate();
                id = generatedKey(ps);
            }
        }
        if (s.modality() != null && !s.modality().isBlank()) {
            addModality(c, studyPk, s.modality().trim());
        }
        return id;
    }

    /** Adds a modality to Modalities in Study; the study row is already locked by this transaction. */
    private static void addModality(Connection c, long studyPk, String modality) throws SQLException {
        String current;
        try (PreparedStatement ps = c.prepareStatement("SELECT modalities FROM study WHERE id = ?")) {
            ps.setLong(1, studyPk);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                current = rs.getString(1);
            }
        }
        TreeSet<String> set = new TreeSet<>(splitModalities(current));
        if (set.add(modality)) {
            try (PreparedStatement up = c.prepareStatement("UPDATE study SET modalities = ? WHERE id = ?")) {
                up.setString(1, String.join("\\", set));
                up.setLong(2, studyPk);
                up.executeUpdate();
            }
        }
    }

    private StoreOutcome instance(Connection c, long seriesPk, long originInstitutionPk, InstanceRecord record,
                                  OffsetDateTime at) throws SQLException {
        InstanceData d = record.instance();
        Origin o = record.origin();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, sha256, version, available FROM instance"
                + " WHERE sop_uid = ? FOR UPDATE")) {
            ps.setString(1, d.sopInstanceUid());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long id = rs.getLong(1);
                    String oldSha = rs.getString(2);
                    int version = rs.getInt(3);
                    boolean available = rs.getBoolean(4);
                    if (oldSha.equals(d.sha256())) {
                        if (!available) {
                            // The same bytes came again, so the blob is back: serve the row again.
                            try (PreparedStatement up = c.prepareStatement(
                                    "UPDATE instance SET available = TRUE WHERE id = ?")) {
                                up.setLong(1, id);
                                up.executeUpdate();
                            }
                        }
                        return new StoreOutcome(StoreOutcome.Kind.DUPLICATE, version);
                    }
                    return replace(c, id, version, oldSha, seriesPk, originInstitutionPk, record, at);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instance (sop_uid, series_pk, sop_class_uid,"
                + " instance_number, transfer_syntax_uid, specific_character_set, blob_id, size_bytes, sha256,"
                + " version, available, origin_institution_pk, protocol, calling_ae, called_ae, remote_host,"
                + " received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, TRUE, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, d.sopInstanceUid());
            ps.setLong(2, seriesPk);
            ps.setString(3, d.sopClassUid());
            setInteger(ps, 4, d.instanceNumber());
            ps.setString(5, d.transferSyntaxUid());
            ps.setString(6, d.specificCharacterSet());
            ps.setString(7, d.blobId().hex());
            ps.setLong(8, d.sizeBytes());
            ps.setString(9, d.sha256());
            ps.setLong(10, originInstitutionPk);
            ps.setString(11, o.protocol().name());
            ps.setString(12, o.callingAe());
            ps.setString(13, o.calledAe());
            ps.setString(14, o.remoteHost());
            ps.setObject(15, at);
            ps.executeUpdate();
        }
        return new StoreOutcome(StoreOutcome.Kind.STORED, 1);
    }

    /** NEW_VERSION: copy the current row to the history, record the event, overwrite the current row. */
    private static StoreOutcome replace(Connection c, long instancePk, int oldVersion, String oldSha, long seriesPk,
                                        long originInstitutionPk, InstanceRecord record, OffsetDateTime at)
            throws SQLException {
        InstanceData d = record.instance();
        Origin o = record.origin();
        int newVersion = oldVersion + 1;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instance_history (instance_pk, sop_uid, version,"
                + " series_pk, sop_class_uid, transfer_syntax_uid, specific_character_set, blob_id, size_bytes, sha256,"
                + " origin_institution_pk, protocol, calling_ae, called_ae, remote_host, received_at, superseded_at)"
                + " SELECT id, sop_uid, version, series_pk, sop_class_uid, transfer_syntax_uid, specific_character_set,"
                + " blob_id, size_bytes, sha256, origin_institution_pk, protocol, calling_ae, called_ae, remote_host,"
                + " received_at, ? FROM instance WHERE id = ?")) {
            ps.setObject(1, at);
            ps.setLong(2, instancePk);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO instance_version_event (sop_uid, occurred_at,"
                + " old_version, new_version, old_sha256, new_sha256, origin_institution_pk, protocol, calling_ae,"
                + " called_ae, remote_host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, d.sopInstanceUid());
            ps.setObject(2, at);
            ps.setInt(3, oldVersion);
            ps.setInt(4, newVersion);
            ps.setString(5, oldSha);
            ps.setString(6, d.sha256());
            ps.setLong(7, originInstitutionPk);
            ps.setString(8, o.protocol().name());
            ps.setString(9, o.callingAe());
            ps.setString(10, o.calledAe());
            ps.setString(11, o.remoteHost());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE instance SET series_pk = ?, sop_class_uid = ?,"
                + " instance_number = ?, transfer_syntax_uid = ?, specific_character_set = ?, blob_id = ?,"
                + " size_bytes = ?, sha256 = ?, version = ?, available = TRUE, origin_institution_pk = ?, protocol = ?,"
                + " calling_ae = ?, called_ae = ?, remote_host = ?, received_at = ? WHERE id = ?")) {
            ps.setLong(1, seriesPk);
            ps.setString(2, d.sopClassUid());
            setInteger(ps, 3, d.instanceNumber());
            ps.setString(4, d.transferSyntaxUid());
            ps.setString(5, d.specificCharacterSet());
            ps.setString(6, d.blobId().hex());
            ps.setLong(7, d.sizeBytes());
            ps.setString(8, d.sha256());
            ps.setInt(9, newVersion);
            ps.setLong(10, originInstitutionPk);
            ps.setString(11, o.protocol().name());
            ps.setString(12, o.callingAe());
            ps.setString(13, o.calledAe());
            ps.setString(14, o.remoteHost());
            ps.setObject(15, at);
            ps.setLong(16, instancePk);
            ps.executeUpdate();
        }
        LOG.info("Instance {} replaced: version {} ({}) -> {} ({}) from {} {}", d.sopInstanceUid(), oldVersion,
                oldSha, newVersion, d.sha256(), o.protocol(), o.institutionId());
        return new StoreOutcome(StoreOutcome.Kind.NEW_VERSION, newVersion);
    }

    // ---------------------------------------------------------------- reads

    /** Columns read by {@link #storedInstance}, in its order. */
    private static final String INSTANCE_COLUMNS = "SELECT i.id, se.id, st.id, p.id, pi.code, p.patient_id, p.issuer,"
            + " st.study_uid, se.series_uid, i.sop_uid, i.sop_class_uid, i.instance_number, i.transfer_syntax_uid,"
            + " i.specific_character_set, i.blob_id, i.size_bytes, i.sha256, i.version, oi.code, i.protocol,"
            + " i.calling_ae, i.called_ae, i.remote_host, i.received_at";

    /** Instance with its series, study, patient (pi: the patient's institution) and origin institution (oi). */
    private static final String INSTANCE_FROM = " FROM instance i"
            + " JOIN series se ON se.id = i.series_pk"
            + " JOIN study st ON st.id = se.study_pk"
            + " JOIN patient p ON p.id = st.patient_pk"
            + " JOIN institution pi ON pi.id = p.institution_id"
            + " JOIN institution oi ON oi.id = i.origin_institution_pk";

    private static final String INSTANCE_SELECT = INSTANCE_COLUMNS + INSTANCE_FROM;

    @Override
    public Optional<StoredInstance> findInstance(String sopInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return firstRow(c, INSTANCE_SELECT + " WHERE i.sop_uid = ? AND i.available",
                    JdbcMetadataIndex::storedInstance, sopInstanceUid);
        });
    }

    @Override
    public List<StoredInstance> instancesOfStudy(String studyInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return rows(c, INSTANCE_SELECT + " WHERE st.study_uid = ? AND i.available"
                    + " ORDER BY se.series_number, se.series_uid, i.instance_number, i.sop_uid",
                    JdbcMetadataIndex::storedInstance, studyInstanceUid);
        });
    }

    @Override
    public List<InstanceVersion> versionsOf(String sopInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            List<InstanceVersion> result = new ArrayList<>(rows(c, "SELECT h.version, h.blob_id, h.size_bytes, h.sha256,"
                    + " h.transfer_syntax_uid, oi.code, h.protocol, h.calling_ae, h.called_ae, h.remote_host,"
                    + " h.received_at, h.superseded_at FROM instance_history h"
                    + " JOIN institution oi ON oi.id = h.origin_institution_pk"
                    + " WHERE h.sop_uid = ? ORDER BY h.version",
                    rs -> version(sopInstanceUid, rs, rs.getObject(12, OffsetDateTime.class).toInstant()), sopInstanceUid));
            firstRow(c, "SELECT i.version, i.blob_id, i.size_bytes, i.sha256,"
                    + " i.transfer_syntax_uid, oi.code, i.protocol, i.calling_ae, i.called_ae, i.remote_host,"
                    + " i.received_at FROM instance i JOIN institution oi ON oi.id = i.origin_institution_pk"
                    + " WHERE i.sop_uid = ?", rs -> version(sopInstanceUid, rs, null), sopInstanceUid).ifPresent(result::add);
            return result;
        });
    }

    @Override
    public List<VersionEvent> versionEventsOf(String sopInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return rows(c, "SELECT e.occurred_at, e.old_version, e.new_version,"
                    + " e.old_sha256, e.new_sha256, oi.code, e.protocol, e.calling_ae, e.called_ae, e.remote_host"
                    + " FROM instance_version_event e JOIN institution oi ON oi.id = e.origin_institution_pk"
                    + " WHERE e.sop_uid = ? ORDER BY e.new_version", rs -> {
                        Instant at = rs.getObject(1, OffsetDateTime.class).toInstant();
                        Origin origin = new Origin(rs.getString(6), Protocol.valueOf(rs.getString(7)),
                                rs.getString(8), rs.getString(9), rs.getString(10), at);
                        return new VersionEvent(sopInstanceUid, at, rs.getInt(2), rs.getInt(3), rs.getString(4),
                                rs.getString(5), origin);
                    }, sopInstanceUid);
        });
    }

    /** Maps one result row; may throw what JDBC throws. */
    @FunctionalInterface
    private interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} with string parameters (in order) and maps every row. */
    private static <T> List<T> rows(Connection c, String sql, RowMapper<T> mapper, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<T> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(mapper.map(rs));
                }
            }
            return result;
        }
    }

    /** Like {@link #rows}, for a query that names at most one row. */
    private static <T> Optional<T> firstRow(Connection c, String sql, RowMapper<T> mapper, String... params)
            throws SQLException {
        List<T> all = rows(c, sql, mapper, params);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
    }

    private static InstanceVersion version(String sopUid, ResultSet rs, Instant supersededAt) throws SQLException {
        Origin origin = new Origin(rs.getString(6), Protocol.valueOf(rs.getString(7)), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getObject(11, OffsetDateTime.class).toInstant());
        return new InstanceVersion(sopUid, rs.getInt(1), BlobId.parse(rs.getString(2)), rs.getLong(3),
                rs.getString(4), rs.getString(5), origin, supersededAt);
    }

    @Override
    public void forEachInstance(InstanceFilter filter, Consumer<StoredInstance> action) throws StorageException {
        checkOpen();
        Objects.requireNonNull(action, "action");
        StringBuilder sql = new StringBuilder(INSTANCE_SELECT).append(" WHERE i.available");
        List<String> params = new ArrayList<>();
        filter.institution().ifPresent(code -> {
            sql.append(" AND pi.code = ?");
            params.add(code);
        });
        filter.study().ifPresent(uid -> {
            sql.append(" AND st.study_uid = ?");
            params.add(uid);
        });
        sql.append(" ORDER BY i.id");
        tx.readOnce(c -> { // once: a retry would hand rows to the action twice
            // Auto-commit off + fetch size: PostgreSQL streams through a cursor instead of
            // materialising the result; H2 spills large results to disk itself.
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                ps.setFetchSize(FETCH_SIZE);
                for (int i = 0; i < params.size(); i++) {
                    ps.setString(i + 1, params.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        action.accept(storedInstance(rs));
                    }
                }
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- queries (C-FIND, QIDO-RS)

    @Override
    public List<QueryResult> query(Query query) throws StorageException {
        checkOpen();
        QuerySql.Select select = QuerySql.select(query);
        return tx.read(c -> {
            List<QueryResult> result = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(select.sql())) {
                select.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        result.add(QuerySql.read(query.level(), rs));
                    }
                }
            }
            return result;
        });
    }

    @Override
    public long forEachResult(Query query, Predicate<? super QueryResult> action) throws StorageException {
        checkOpen();
        Objects.requireNonNull(action, "action");
        QuerySql.Select select = QuerySql.select(query);
        return tx.readOnce(c -> { // once: a retry would hand results to the action twice
            long delivered = 0;
            // Auto-commit off + fetch size: PostgreSQL reads through a cursor; H2 spills large results itself.
            try (PreparedStatement ps = c.prepareStatement(select.sql())) {
                ps.setFetchSize(FETCH_SIZE);
                select.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        delivered++;
                        if (!action.test(QuerySql.read(query.level(), rs))) {
                            break;
                        }
                    }
                }
            }
            return delivered;
        });
    }

    @Override
    public long count(Query query) throws StorageException {
        checkOpen();
        QuerySql.Select select = QuerySql.count(query);
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(select.sql())) {
                select.bind(ps);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    @Override
    public long instanceCount() throws StorageException {
        checkOpen();
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM instance");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @Override
    public Optional<StudySummary> findStudy(String studyInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return firstRow(c, "SELECT st.id, st.patient_pk, pi.code, p.patient_id,"
                    + " st.study_date, st.study_time, st.accession_number, st.study_id, st.description,"
                    + " st.referring_physician, st.modalities, st.last_received_at,"
                    + " (SELECT COUNT(DISTINCT i.series_pk) FROM instance i JOIN series se ON se.id = i.series_pk"
                    + "   WHERE se.study_pk = st.id AND i.available),"
                    + " (SELECT COUNT(*) FROM instance i JOIN series se ON se.id = i.series_pk"
                    + "   WHERE se.study_pk = st.id AND i.available)"
                    + " FROM study st JOIN patient p ON p.id = st.patient_pk"
                    + " JOIN institution pi ON pi.id = p.institution_id WHERE st.study_uid = ?", rs -> {
                        StudyData study = new StudyData(studyInstanceUid, rs.getObject(5, LocalDate.class),
                                rs.getObject(6, LocalTime.class), rs.getString(7), rs.getString(8), rs.getString(9),
                                rs.getString(10));
                        return new StudySummary(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), study,
                                splitModalities(rs.getString(11)), rs.getInt(13), rs.getInt(14),
                                rs.getObject(12, OffsetDateTime.class).toInstant());
                    }, studyInstanceUid);
        });
    }

    @Override
    public List<SeriesSummary> seriesOfStudy(String studyInstanceUid) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return rows(c, "SELECT se.id, se.study_pk, se.series_uid, se.modality,"
                    + " se.series_number, se.body_part, se.description, COUNT(i.id)"
                    + " FROM series se JOIN study st ON st.id = se.study_pk"
                    + " JOIN instance i ON i.series_pk = se.id AND i.available"
                    + " WHERE st.study_uid = ?"
                    + " GROUP BY se.id, se.study_pk, se.series_uid, se.modality, se.series_number, se.body_part,"
                    + " se.description ORDER BY se.series_number, se.series_uid", rs -> {
                        SeriesData series = new SeriesData(rs.getString(3), rs.getString(4),
                                rs.getObject(5, Integer.class), rs.getString(6), rs.getString(7));
                        return new SeriesSummary(rs.getLong(1), rs.getLong(2), series, rs.getInt(8));
                    }, studyInstanceUid);
        });
    }

    @Override
    public Optional<PatientRecord> findPatient(String institutionId, String patientId, String issuer)
            throws StorageException {
        checkOpen();
        return tx.read(c -> {
            return firstRow(c, "SELECT p.id, p.name_text, p.name_alphabetic,"
                    + " p.name_ideographic, p.name_phonetic, p.birth_date, p.sex FROM patient p"
                    + " JOIN institution pi ON pi.id = p.institution_id"
                    + " WHERE pi.code = ? AND p.patient_id = ? AND p.issuer = ?", rs -> {
                        String text = rs.getString(2);
                        PatientName name = text == null ? null
                                : new PatientName(text, rs.getString(3), rs.getString(4), rs.getString(5));
                        PatientData data = new PatientData(patientId, issuer == null || issuer.isEmpty() ? null : issuer,
                                name, rs.getObject(6, LocalDate.class), rs.getString(7));
                        return new PatientRecord(rs.getLong(1), institutionId, data);
                    }, institutionId, patientId, issuer == null ? "" : issuer);
        });
    }

    // ---------------------------------------------------------------- integrity

    @Override
    public IntegrityReport verifyBlobs(BlobStore blobs) throws StorageException {
        return verifyBlobs(blobs, VERIFY_PAGE);
    }

    /** {@link #verifyBlobs(BlobStore)} reading {@code pageSize} rows per transaction. */
    public IntegrityReport verifyBlobs(BlobStore blobs, int pageSize) throws StorageException {
        checkOpen();
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1");
        }
        long checked = 0;
        long after = Long.MIN_VALUE;
        List<IntegrityReport.MissingBlob> missing = new ArrayList<>();
        List<String> restored = new ArrayList<>();
        while (true) {
            // Keyset pages of current instances: memory stays bounded at any index size, and no
            // transaction stays open while the (possibly slow) blob store is asked.
            long from = after;
            List<Row> page = tx.read(c -> {
                List<Row> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT id, sop_uid, blob_id, available FROM instance"
                        + " WHERE id > ? ORDER BY id FETCH FIRST " + pageSize + " ROWS ONLY")) {
                    ps.setLong(1, from);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(new Row(rs.getLong(1), rs.getString(2), BlobId.parse(rs.getString(3)),
                                    rs.getBoolean(4)));
                        }
                    }
                }
                return rows;
            });
            if (page.isEmpty()) {
                break;
            }
            List<Row> toDisable = new ArrayList<>();
            List<Row> toEnable = new ArrayList<>();
            for (Row row : page) {
                boolean present;
                try {
                    present = blobs.exists(row.blobId());
                } catch (StorageException e) {
                    throw new StorageException("HZ-2106 blob verification failed at " + row.sopUid() + ": "
                            + e.getMessage(), e);
                }
                if (!present) {
                    missing.add(new IntegrityReport.MissingBlob(row.sopUid(), row.blobId()));
                    if (row.available()) {
                        toDisable.add(row);
                    }
                } else if (!row.available()) {
                    toEnable.add(row);
                    restored.add(row.sopUid());
                }
            }
            // Guarded by blob_id, so a NEW_VERSION stored meanwhile is not touched.
            setAvailability(toDisable, false);
            setAvailability(toEnable, true);
            checked += page.size();
            after = page.get(page.size() - 1).id();
        }
        if (!missing.isEmpty()) {
            LOG.warn("HZ-2106 {} instance(s) have no blob and are not served: first {}", missing.size(),
                    missing.get(0));
        }
        return new IntegrityReport(checked, missing, restored);
    }

    /** One instance row as {@link #verifyBlobs} sees it. */
    private record Row(long id, String sopUid, BlobId blobId, boolean available) {
    }

    private void setAvailability(List<Row> rows, boolean available) throws StorageException {
        if (rows.isEmpty()) {
            return;
        }
        tx.write(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE instance SET available = ? WHERE id = ? AND blob_id = ?")) {
                for (Row r : rows) {
                    ps.setBoolean(1, available);
                    ps.setLong(2, r.id());
                    ps.setString(3, r.blobId().hex());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * Diagnostics: the first column (lower case) of every index on {@code table} in the index's
     * schema, read from JDBC metadata; used to check that lookups are backed by indexes.
     */
    public java.util.Set<String> leadingIndexColumns(String table) throws StorageException {
        checkOpen();
        return tx.read(c -> {
            java.util.Set<String> columns = new java.util.TreeSet<>();
            java.sql.DatabaseMetaData meta = c.getMetaData();
            // H2 folds unquoted names to upper case, PostgreSQL to lower case.
            for (String name : List.of(table.toLowerCase(Locale.ROOT), table.toUpperCase(Locale.ROOT))) {
                try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), c.getSchema(), name, false, true)) {
                    while (rs.next()) {
                        if (rs.getShort("ORDINAL_POSITION") == 1 && rs.getString("COLUMN_NAME") != null) {
                            columns.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
            return columns;
        });
    }

    // ---------------------------------------------------------------- lifecycle and helpers

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (h2Channel != null) {
            try {
                h2Channel.close();
            } catch (IOException e) {
                LOG.warn("closing the H2 file descriptor failed", e);
            }
        }
        closeDataSource(dataSource);
    }

    private static void closeDataSource(DataSource dataSource) {
        if (dataSource instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing the index data source failed", e);
            }
        }
    }

    private void checkOpen() throws StorageException {
        if (closed) {
            throw new StorageException("HZ-2107 metadata index closed");
        }
    }

    private static void validate(InstanceRecord r) throws StorageException {
        checkUid("Study Instance UID", r.study().studyInstanceUid());
        checkUid("Series Instance UID", r.series().seriesInstanceUid());
        checkUid("SOP Instance UID", r.instance().sopInstanceUid());
        checkUid("SOP Class UID", r.instance().sopClassUid());
        checkUid("Transfer Syntax UID", r.instance().transferSyntaxUid());
        String sha = r.instance().sha256();
        try {
            BlobId.parse(sha);
        } catch (IllegalArgumentException e) {
            throw new StorageException("HZ-2103 sha256 must be 64 lowercase hex characters: '" + sha + "'");
        }
        if (r.instance().sizeBytes() < 0) {
            throw new StorageException("HZ-2103 negative size " + r.instance().sizeBytes());
        }
        if (r.patient().patientId().length() > 64) {
            throw new StorageException("HZ-2103 Patient ID longer than 64 characters");
        }
    }

    private static void checkUid(String what, String uid) throws StorageException {
        // PS3.5 9.1: a UID is at most 64 characters of digits and dots.
        if (uid.isEmpty() || uid.length() > MAX_UID) {
            throw new StorageException("HZ-2103 " + what + " must be 1.." + MAX_UID + " characters: '" + uid + "'");
        }
    }

    static StoredInstance storedInstance(ResultSet rs) throws SQLException {
        Origin origin = new Origin(rs.getString(19), Protocol.valueOf(rs.getString(20)), rs.getString(21),
                rs.getString(22), rs.getString(23), rs.getObject(24, OffsetDateTime.class).toInstant());
        String issuer = rs.getString(7);
        return new StoredInstance(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                rs.getString(6), issuer == null || issuer.isEmpty() ? null : issuer, rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11), rs.getObject(12, Integer.class),
                rs.getString(13), rs.getString(14), BlobId.parse(rs.getString(15)), rs.getLong(16),
                rs.getString(17), rs.getInt(18), origin);
    }

    static List<String> splitModalities(String value) {
        if (value == null || value.isEmpty()) {
            return List.of();
        }
        return Arrays.asList(value.split("\\\\"));
    }

    private static long generatedKey(PreparedStatement ps) throws SQLException {
        try (ResultSet keys = ps.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("HZ-2101 no generated key returned");
            }
            return keys.getLong(1);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static String searchKey(String name) {
        return name == null ? null : name.toUpperCase(Locale.ROOT);
    }

    private static boolean differs(Object incoming, Object stored) {
        return incoming != null && !incoming.equals(stored);
    }

    private static void setDate(PreparedStatement ps, int index, LocalDate date) throws SQLException {
        if (date == null) {
            ps.setNull(index, Types.DATE);
        } else {
            ps.setObject(index, date);
        }
    }

    private static void setTime(PreparedStatement ps, int index, LocalTime time) throws SQLException {
        if (time == null) {
            ps.setNull(index, Types.TIME);
        } else {
            ps.setObject(index, time);
        }
    }

    private static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }
}
