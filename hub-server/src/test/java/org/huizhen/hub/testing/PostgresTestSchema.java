package org.huizhen.hub.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fresh schema on the machine's PostgreSQL (127.0.0.1:5432, user {@code postgres}, trust auth,
 * database {@code test}) for one hub test: lower-case and random, so runs on one database never
 * see each other's rows; {@link #close()} drops it. When PostgreSQL is unreachable,
 * {@link #create} fails under {@code CI=true} and skips the test otherwise
 * ({@link DcmtkTools#unavailable}).
 */
public final class PostgresTestSchema implements AutoCloseable {
    public static final String URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";
    private final String name;

    private PostgresTestSchema(String name) {
        this.name = name;
    }

    /** A new schema name {@code prefix + random hex} (the hub's Flyway creates the schema itself). */
    public static PostgresTestSchema create(String prefix) {
        try (Connection c = connect()) {
            if (!c.isValid(5)) {
                DcmtkTools.unavailable("PostgreSQL at " + URL + " does not answer");
            }
        } catch (SQLException e) {
            DcmtkTools.unavailable("PostgreSQL is not reachable at " + URL + " as " + USER + ": " + e.getMessage());
        }
        return new PostgresTestSchema(prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
    }

    public String name() {
        return name;
    }

    /** The hub settings that put its index in this schema. */
    public Map<String, String> hubSettings() {
        return Map.of("storage.index.kind", "postgres", "storage.index.url", URL, "storage.index.user", USER,
                "storage.index.password", "", "storage.index.schema", name);
    }

    /** A new connection to the test database (not bound to the schema: qualify table names). */
    public static Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(URL, p);
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
        }
    }
}
