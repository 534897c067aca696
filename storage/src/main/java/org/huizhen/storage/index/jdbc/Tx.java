package org.huizhen.storage.index.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.huizhen.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small transaction helper: runs a unit of work in one JDBC transaction and retries it, a
 * bounded number of times with exponential back-off and full jitter, when the database reports
 * a conflict that a fresh attempt can resolve: serialization failure or deadlock
 * (SQLSTATE {@code 40001}, {@code 40P01}), unique-key violation ({@code 23505}: two sessions
 * inserted the same study at once; the next attempt finds the row), H2 lock timeout
 * ({@code HYT00}) and H2 concurrent update ({@code 90131}). The work must therefore be
 * repeatable: no side effects outside the connection.
 *
 * <p>A write transaction may carry an after-commit hook (the H2 index uses it to force the
 * database file to disk, see {@link IndexDatabase}); it runs on the same connection after
 * {@code commit()} and before the result is returned, so a caller that got a result knows the
 * hook succeeded.
 *
 * <p>Threading: thread-safe; each call borrows its own connection.
 */
public final class Tx {

    /** A unit of work on a connection whose auto-commit is off. */
    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException, StorageException;
    }

    /** Runs after a write transaction committed, on the same connection. */
    @FunctionalInterface
    public interface CommitHook {
        void afterCommit(Connection connection) throws SQLException;

        CommitHook NONE = c -> { };
    }

    private static final Logger LOG = LoggerFactory.getLogger(Tx.class);

    /** Default number of attempts (first try included). */
    public static final int DEFAULT_ATTEMPTS = 12;

    private final DataSource dataSource;
    private final int maxAttempts;
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final CommitHook commitHook;
    private final AtomicLong retries = new AtomicLong();

    public Tx(DataSource dataSource, int maxAttempts, Duration baseBackoff, Duration maxBackoff, CommitHook commitHook) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        this.maxAttempts = maxAttempts;
        this.baseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
        this.commitHook = Objects.requireNonNull(commitHook, "commitHook");
    }

    /** Defaults: 12 attempts, back-off from 2 ms doubling to at most 250 ms, no hook. */
    public Tx(DataSource dataSource) {
        this(dataSource, DEFAULT_ATTEMPTS, Duration.ofMillis(2), Duration.ofMillis(250), CommitHook.NONE);
    }

    /** Runs a transaction that changes data; the commit hook runs after the commit. */
    public <T> T write(Work<T> work) throws StorageException {
        return run(work, true, maxAttempts);
    }

    /** Runs a transaction that only reads; no commit hook. */
    public <T> T read(Work<T> work) throws StorageException {
        return run(work, false, maxAttempts);
    }

    /**
     * Runs a reading transaction exactly once: for work with effects outside the connection
     * (streaming rows to a consumer), which a retry would repeat.
     */
    public <T> T readOnce(Work<T> work) throws StorageException {
        return run(work, false, 1);
    }

    /** Number of retried attempts so far (a metric; tests use it to see that races happened). */
    public long retries() {
        return retries.get();
    }

    private <T> T run(Work<T> work, boolean writes, int attempts) throws StorageException {
        SQLException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                T result;
                try {
                    result = work.apply(connection);
                    connection.commit();
                } catch (SQLException | StorageException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    throw e;
                }
                if (writes) {
                    commitHook.afterCommit(connection);
                }
                return result;
            } catch (SQLException e) {
                if (!isRetryable(e) || attempts == 1) {
                    throw new StorageException("HZ-2101 index database error (SQLSTATE " + e.getSQLState() + "): "
                            + e.getMessage(), e);
                }
                last = e;
                retries.incrementAndGet();
                if (attempt < attempts) {
                    backOff(attempt);
                }
            }
        }
        throw new StorageException("HZ-2102 index transaction still conflicting after " + attempts
                + " attempts (SQLSTATE " + last.getSQLState() + "): " + last.getMessage(), last);
    }

    /** True for conflicts that a new attempt of the same work can resolve. */
    public static boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                switch (sql.getSQLState()) {
                    case "40001", "40P01", "23505", "HYT00", "90131" -> {
                        return true;
                    }
                    default -> { }
                }
            }
        }
        return false;
    }

    private void backOff(int attempt) throws StorageException {
        long capNanos = Math.min(maxBackoff.toNanos(), baseBackoff.toNanos() << Math.min(attempt - 1, 20));
        long sleepNanos = ThreadLocalRandom.current().nextLong(capNanos + 1); // full jitter
        try {
            Thread.sleep(Duration.ofNanos(sleepNanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("HZ-2101 interrupted while retrying an index transaction", e);
        }
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback after {} failed", cause.toString(), e);
            cause.addSuppressed(e);
        }
    }
}
