package org.huizhen.storage.index.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.EcgIndex;
import org.huizhen.storage.index.EcgPriority;
import org.huizhen.storage.index.EcgQuery;
import org.huizhen.storage.index.EcgRecord;
import org.huizhen.storage.index.Protocol;

/**
 * {@link EcgIndex} on the metadata index's database (table {@code ecg_record}, migration V4),
 * sharing its connection pool and its {@link Tx} — so on H2 with fsync each insert is forced to
 * disk before it returns, exactly like an instance row (see {@link IndexDatabase}).
 *
 * <p>Insert is "insert if absent": a select, then an insert; two sessions inserting one id at
 * once make one hit the primary key, {@link Tx} retries it and it then finds the row.
 *
 * <p>Threading: thread-safe; each call borrows a pooled connection.
 */
public final class JdbcEcgIndex implements EcgIndex {
    private static final String COLUMNS = "id, study_uid, series_uid, institution, source_format, original_blob,"
            + " original_media_type, original_file_name, acquired_at, patient_id, patient_name, priority,"
            + " measurements, critical_flags, device, summary, created_at, origin_protocol, origin_subject,"
            + " origin_remote_host";

    private final Tx tx;

    private JdbcEcgIndex(Tx tx) {
        this.tx = tx;
    }

    /** The ECG records of {@code index}'s database (its schema already migrated by {@link JdbcMetadataIndex#open}). */
    public static JdbcEcgIndex on(JdbcMetadataIndex index) {
        return new JdbcEcgIndex(Objects.requireNonNull(index, "index").tx());
    }

    @Override
    public boolean insert(EcgRecord r) throws StorageException {
        Objects.requireNonNull(r, "record");
        return tx.write(c -> {
            if (exists(c, r.id())) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ecg_record (" + COLUMNS + ")"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                int i = 0;
                ps.setString(++i, r.id());
                ps.setString(++i, r.studyInstanceUid());
                ps.setString(++i, r.seriesInstanceUid());
                ps.setString(++i, r.institutionId());
                ps.setString(++i, r.sourceFormat());
                ps.setString(++i, r.originalBlob().map(BlobId::hex).orElse(null));
                ps.setString(++i, r.originalMediaType().orElse(null));
                ps.setString(++i, r.originalFileName().map(JdbcEcgIndex::fileName).orElse(null));
                if (r.acquiredAt().isPresent()) {
                    ps.setObject(++i, r.acquiredAt().get());
                } else {
                    ps.setNull(++i, Types.TIMESTAMP);
                }
                ps.setString(++i, r.patientId().map(s -> cut(s, 64)).orElse(null));
                ps.setString(++i, r.patientName().map(s -> cut(s, 400)).orElse(null));
                ps.setString(++i, r.priority().name());
                ps.setString(++i, r.measurementsJson());
                ps.setString(++i, r.criticalFlagsJson());
                ps.setString(++i, r.deviceJson());
                ps.setString(++i, r.summaryJson());
                ps.setObject(++i, r.createdAt().atOffset(ZoneOffset.UTC));
                ps.setString(++i, r.originProtocol().name());
                ps.setString(++i, r.originSubject().map(s -> cut(s, 256)).orElse(null));
                ps.setString(++i, r.originRemoteHost().map(s -> cut(s, 64)).orElse(null));
                ps.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public Optional<EcgRecord> find(String id) throws StorageException {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM ecg_record WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.<EcgRecord>empty();
                }
            }
        });
    }

    @Override
    public List<EcgRecord> list(EcgQuery q) throws StorageException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ecg_record WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        q.institutionId().ifPresent(v -> {
            sql.append(" AND institution = ?");
            params.add(v);
        });
        q.patientId().ifPresent(v -> {
            sql.append(" AND patient_id = ?");
            params.add(v);
        });
        q.priority().ifPresent(v -> {
            sql.append(" AND priority = ?");
            params.add(v.name());
        });
        q.since().ifPresent(v -> {
            sql.append(" AND created_at >= ?");
            params.add(v.atOffset(ZoneOffset.UTC));
        });
        // newest first; the id breaks ties so that equal timestamps keep one order
        sql.append(" ORDER BY created_at DESC, id DESC FETCH FIRST ").append(q.limit()).append(" ROWS ONLY");
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < params.size(); i++) {
                    ps.setObject(i + 1, params.get(i));
                }
                List<EcgRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    private static boolean exists(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM ecg_record WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static EcgRecord map(ResultSet rs) throws SQLException {
        int i = 0;
        return new EcgRecord(rs.getString(++i), rs.getString(++i), rs.getString(++i), rs.getString(++i),
                rs.getString(++i), Optional.ofNullable(rs.getString(++i)).map(BlobId::parse),
                Optional.ofNullable(rs.getString(++i)), Optional.ofNullable(rs.getString(++i)),
                Optional.ofNullable(rs.getObject(++i, LocalDateTime.class)), Optional.ofNullable(rs.getString(++i)),
                Optional.ofNullable(rs.getString(++i)), EcgPriority.valueOf(rs.getString(++i)), rs.getString(++i),
                rs.getString(++i), rs.getString(++i), rs.getString(++i),
                rs.getObject(++i, OffsetDateTime.class).toInstant(), Protocol.valueOf(rs.getString(++i)),
                Optional.ofNullable(rs.getString(++i)), Optional.ofNullable(rs.getString(++i)));
    }

    /** File names are the sender's: keep at most 255 characters, without path separators. */
    private static String fileName(String name) {
        String base = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        return cut(base, 255);
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
