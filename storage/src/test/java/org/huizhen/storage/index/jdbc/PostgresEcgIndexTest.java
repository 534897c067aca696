package org.huizhen.storage.index.jdbc;

import javax.sql.DataSource;

/**
 * The ECG record contract on the real PostgreSQL ({@link PostgresAccess}: fails under
 * {@code CI=true} when it is missing), in a fresh schema migrated V1..V4 and dropped after.
 */
class PostgresEcgIndexTest extends EcgIndexContract {
    private String schema;

    @Override
    DataSource newDataSource() throws Exception {
        PostgresAccess.requireReachable();
        schema = PostgresAccess.freshSchema();
        return IndexDatabase.postgres(PostgresAccess.URL, PostgresAccess.USER, "", schema);
    }

    @Override
    void dropDatabase() throws Exception {
        if (schema != null) {
            PostgresAccess.dropSchema(schema);
        }
    }
}
