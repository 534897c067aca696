package org.huizhen.storage.index.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.flywaydb.core.api.migration.Context;

/**
 * Migration V5, H2 only: identity columns hand out {@link #CACHE} values per allocation instead of
 * H2's 32. H2 persists an identity's next value ({@code org.h2.schema.Sequence.flush}) in a commit
 * of its own each time the cached values run out, and with {@code WRITE_DELAY=0} each such commit
 * writes a chunk: with 32, about one extra chunk per dozen instances stored, measured (perf over a
 * timed STOW-RS of 4,000 CT instances) at 2 % of the machine's CPU. After a crash up to
 * {@link #CACHE} ids of a table are skipped; ids are surrogate keys, so gaps mean nothing.
 *
 * <p>Nothing on PostgreSQL: there a sequence cache is per session, so ids would no longer follow
 * insertion order across connections, and PostgreSQL does not write a page per sequence step.
 * Registered explicitly with Flyway by {@link JdbcMetadataIndex}.
 */
final class V5IdentityCache extends FixedJavaMigration {

    /** Identity values allocated at once. */
    static final int CACHE = 1024;

    V5IdentityCache() {
        super(5, "H2 identity columns cache " + CACHE + " values");
    }

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        if (!c.getMetaData().getDatabaseProductName().toUpperCase(Locale.ROOT).contains("H2")) {
            return;
        }
        List<String[]> columns = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT TABLE_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS"
                     + " WHERE TABLE_SCHEMA = CURRENT_SCHEMA AND IS_IDENTITY = 'YES' ORDER BY TABLE_NAME")) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement s = c.createStatement()) {
            for (String[] col : columns) {
                s.execute("ALTER TABLE " + quote(col[0]) + " ALTER COLUMN " + quote(col[1]) + " SET CACHE " + CACHE);
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
