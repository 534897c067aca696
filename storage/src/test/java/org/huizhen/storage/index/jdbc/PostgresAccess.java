package org.huizhen.storage.index.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The real PostgreSQL the build machines run (127.0.0.1:5432, user {@code postgres}, trust
 * auth, database {@code test}; another URL via {@code -Dhz.test.pg.url=...}). Unreachable: the
 * test fails when {@code CI=true}, is skipped with a message otherwise.
 */
final class PostgresAccess {

    static final String URL = System.getProperty("hz.test.pg.url", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String USER = "postgres";

    private PostgresAccess() {
    }

    static void requireReachable() {
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("connectTimeout", "3");
        try (Connection c = DriverManager.getConnection(URL, props)) {
            c.isValid(3);
        } catch (SQLException e) {
            String message = "PostgreSQL at " + URL + " is not reachable (" + e.getMessage() + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message + "; CI=true requires it");
            }
            Assumptions.abort(message + "; skipping the PostgreSQL variant (set CI=true to make this fail)");
        }
    }

    /** A fresh schema name for one test class. */
    static String freshSchema() {
        return "hz_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    static void dropSchema(String schema) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL, USER, "");
             Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
