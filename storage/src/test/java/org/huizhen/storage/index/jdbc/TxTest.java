package org.huizhen.storage.index.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.jdbcx.JdbcDataSource;
import org.huizhen.storage.StorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Tx} against a real (in-memory H2) database: real constraint violations, real rollbacks. */
class TxTest {

    private JdbcDataSource dataSource;
    private Connection keepAlive; // an in-memory H2 database lives while a connection is open

    @BeforeEach
    void createTable() throws SQLException {
        dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:tx-" + UUID.randomUUID());
        keepAlive = dataSource.getConnection();
        try (Statement s = keepAlive.createStatement()) {
            s.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)");
            s.execute("INSERT INTO t (k) VALUES (1)");
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        keepAlive.close();
    }

    private static void insert(Connection c, int k) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
            ps.setInt(1, k);
            ps.executeUpdate();
        }
    }

    private List<Integer> keys() throws SQLException {
        List<Integer> keys = new ArrayList<>();
        try (Statement s = keepAlive.createStatement(); ResultSet rs = s.executeQuery("SELECT k FROM t ORDER BY k")) {
            while (rs.next()) {
                keys.add(rs.getInt(1));
            }
        }
        return keys;
    }

    private Tx tx(int attempts, Tx.CommitHook hook) {
        return new Tx(dataSource, attempts, Duration.ofMillis(1), Duration.ofMillis(5), hook);
    }

    @Test
    void retriesAfterAUniqueViolationAndCommitsTheNextAttempt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Tx tx = tx(5, Tx.CommitHook.NONE);

        int result = tx.write(c -> {
            int attempt = attempts.incrementAndGet();
            insert(c, 10 + attempt); // the first attempt's insert must be rolled back
            insert(c, attempt == 1 ? 1 : 3); // key 1 exists: a real 23505 on the first attempt
            return attempt;
        });

        assertThat(result).isEqualTo(2);
        assertThat(tx.retries()).isEqualTo(1);
        assertThat(keys()).containsExactly(1, 3, 12);
    }

    @Test
    void givesUpWithHz2102AfterTheLastAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        Tx tx = tx(4, Tx.CommitHook.NONE);

        assertThatThrownBy(() -> tx.write(c -> {
            attempts.incrementAndGet();
            insert(c, 1);
            return null;
        })).isInstanceOf(StorageException.class).hasMessageStartingWith("HZ-2102");
        assertThat(attempts).hasValue(4);
    }

    @Test
    void readOnceNeverRepeatsTheWork() {
        AtomicInteger attempts = new AtomicInteger();
        Tx tx = tx(4, Tx.CommitHook.NONE);

        // Even a retryable conflict is not retried: the work may have handed rows out already.
        assertThatThrownBy(() -> tx.readOnce(c -> {
            attempts.incrementAndGet();
            insert(c, 1);
            return null;
        })).hasMessageStartingWith("HZ-2101");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void nonRetryableErrorFailsAtOnceWithHz2101() {
        AtomicInteger attempts = new AtomicInteger();
        Tx tx = tx(4, Tx.CommitHook.NONE);

        assertThatThrownBy(() -> tx.write(c -> {
            attempts.incrementAndGet();
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO no_such_table VALUES (1)");
            }
            return null;
        })).hasMessageStartingWith("HZ-2101");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void failingWorkIsRolledBackAndItsExceptionPassedOn() throws Exception {
        Tx tx = tx(4, Tx.CommitHook.NONE);
        StorageException failure = new StorageException("HZ-2103 rejected by the work");

        assertThatThrownBy(() -> tx.write(c -> {
            insert(c, 5);
            throw failure;
        })).isSameAs(failure);
        assertThat(keys()).containsExactly(1);
    }

    @Test
    void commitHookRunsAfterWritesOnly() throws Exception {
        AtomicInteger hooks = new AtomicInteger();
        Tx tx = tx(4, c -> hooks.incrementAndGet());

        tx.write(c -> {
            insert(c, 7);
            return null;
        });
        tx.read(c -> null);

        assertThat(hooks).hasValue(1);
        assertThat(keys()).containsExactly(1, 7);
    }

    @ParameterizedTest
    @CsvSource({
            "40001, true",  // serialization failure (PostgreSQL), deadlock (H2)
            "40P01, true",  // deadlock detected (PostgreSQL)
            "23505, true",  // unique violation: a concurrent insert of the same key
            "HYT00, true",  // lock timeout (H2)
            "90131, true",  // concurrent update (H2)
            "23503, false", // foreign key violation: a bug, retrying cannot help
            "42P01, false"  // undefined table
    })
    void classifiesSqlStates(String sqlState, boolean retryable) {
        assertThat(Tx.isRetryable(new SQLException("x", sqlState))).isEqualTo(retryable);
        // A wrapped conflict counts as well (drivers and pools wrap causes).
        SQLException wrapper = new SQLException("wrapper", "XX000", new SQLException("cause", sqlState));
        assertThat(Tx.isRetryable(wrapper)).isEqualTo(retryable);
    }
}
