package org.huizhen.storage.index.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import org.flywaydb.core.api.migration.Context;
import org.huizhen.storage.index.PatientName;

/**
 * Migration V3: fills {@code patient_name_key} (created by V2) for the patients stored before it
 * existed. In Java, not SQL, so that the keys are exactly those {@link PatientNameKeys} computes at
 * ingest (splitting groups out of the text, Unicode upper-casing, dropping separators), which
 * portable SQL cannot express. Registered explicitly with Flyway by {@link JdbcMetadataIndex}.
 *
 * <p>Runs once, inside Flyway's migration transaction; reads patients by key in pages.
 */
final class V3PatientNameKeys extends FixedJavaMigration {

    private static final int PAGE = 1000;

    V3PatientNameKeys() {
        super(3, "patient name keys of existing patients");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        long after = Long.MIN_VALUE;
        while (true) {
            int rows = 0;
            try (PreparedStatement select = c.prepareStatement("SELECT id, name_text, name_alphabetic,"
                    + " name_ideographic, name_phonetic FROM patient WHERE id > ? AND name_text IS NOT NULL"
                    + " ORDER BY id FETCH FIRST " + PAGE + " ROWS ONLY");
                 PreparedStatement insert = c.prepareStatement(
                         "INSERT INTO patient_name_key (patient_pk, kind, name_key) VALUES (?, ?, ?)")) {
                select.setLong(1, after);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getLong(1);
                        PatientName name = new PatientName(rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5));
                        for (Map.Entry<String, String> key : PatientNameKeys.of(name).entrySet()) {
                            insert.setLong(1, after);
                            insert.setString(2, key.getKey());
                            insert.setString(3, key.getValue());
                            insert.addBatch();
                        }
                    }
                }
                insert.executeBatch();
            }
            if (rows < PAGE) {
                return;
            }
        }
    }
}
