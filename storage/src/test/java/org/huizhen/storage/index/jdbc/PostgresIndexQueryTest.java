package org.huizhen.storage.index.jdbc;

import javax.sql.DataSource;

/** The query contract on the real PostgreSQL (see {@link PostgresAccess}), in a fresh schema dropped afterwards. */
class PostgresIndexQueryTest extends IndexQueryContract {

    private String schema;

    @Override
    DataSource newDataSource() throws Exception {
        PostgresAccess.requireReachable();
        if (schema == null) {
            schema = PostgresAccess.freshSchema();
        }
        return IndexDatabase.postgres(PostgresAccess.URL, PostgresAccess.USER, "", schema);
    }

    @Override
    void dropDatabase() throws Exception {
        if (schema != null) {
            PostgresAccess.dropSchema(schema);
        }
    }
}
