package org.huizhen.storage.index.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.huizhen.storage.StorageException;

/**
 * Builds the pooled {@link javax.sql.DataSource} the index runs on: an embedded H2 file database
 * under the hub's data directory (the zero-set-up default) or PostgreSQL (production, shared by
 * several hub nodes). The returned pool belongs to whoever opens the index on it:
 * {@link JdbcMetadataIndex#close()} closes it.
 *
 * <h2>H2 durability (H2 2.3.232, MVStore)</h2>
 * What H2 does on COMMIT, read from the 2.3.232 classes ({@code org.h2.mvstore.tx.TransactionStore
 * .endTransaction}, {@code org.h2.engine.Database.setWriteDelay/sync},
 * {@code org.h2.mvstore.FileStore.setAutoCommitDelay/storeIt/submitOrRun},
 * {@code org.h2.command.dml.TransactionCommand}, {@code org.h2.mvstore.SingleFileStore.sync}) and
 * the H2 documentation (advanced.html "Durability Problems"; commands.html "SET WRITE_DELAY"):
 * <ul>
 *   <li>A commit only marks the transaction committed in memory. {@code endTransaction} writes
 *       the store synchronously ({@code MVStore.commit()}) only when the auto-commit delay is 0;
 *       otherwise the background writer thread saves changes later, and even then chunk
 *       serialization and the file write are handed to the "H2-serialization"/"H2-save"
 *       executors. The delay is the database setting {@code WRITE_DELAY} (default
 *       {@code Constants.DEFAULT_WRITE_DELAY} = 500 ms; the plain MVStore default
 *       {@code autoCommitDelay} is 1000 ms), which {@code Database.setWriteDelay} passes to
 *       {@code MVStore.setAutoCommitDelay}. So by default a commit that returned can be lost by
 *       a SIGKILL within about half a second.</li>
 *   <li>{@code WRITE_DELAY=0} stops the background thread and its executors, so the commit's
 *       chunk is written by the committing thread with {@code FileChannel.write} before commit
 *       returns: it is in the OS page cache and survives a killed process, not a power cut.</li>
 *   <li>H2 calls {@code FileChannel.force} only from {@code MVStore.sync()}, reached from
 *       {@code CHECKPOINT SYNC} and when the database closes; no commit path forces the file.
 *       {@code CHECKPOINT SYNC} also compacts (measured here: ~17 ms per store on a small index
 *       versus ~1 ms for a plain fsync).</li>
 * </ul>
 * Hence: the H2 URL sets {@code WRITE_DELAY=0} (a returned commit is in the file) and, with
 * {@link org.huizhen.storage.Durability#FSYNC}, {@link JdbcMetadataIndex} forces the database
 * file ({@code fsync} of its inode through its own descriptor) after every write transaction,
 * before {@code store} returns, so a returned commit is on stable storage. The crash test in this
 * module kills a writer JVM with SIGKILL and checks every acknowledged row.
 *
 * <p>PostgreSQL is durable on commit with its defaults ({@code fsync=on},
 * {@code synchronous_commit=on}); the server's configuration is the operator's.
 *
 * <p>Threading: static factory methods; the pools are thread-safe.
 */
public final class IndexDatabase {

    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Default pool size: the index's transactions are short; more connections only add contention. */
    public static final int DEFAULT_POOL_SIZE = 16;

    private IndexDatabase() {
    }

    /** The H2 JDBC URL for an index kept in {@code dir} (file {@code dir/index.mv.db}). */
    public static String h2Url(Path dir) {
        // WRITE_DELAY=0: commits are written to the file before they return (see class comment).
        // LOCK_TIMEOUT: stores into one study queue on its row lock; wait instead of failing.
        // QUERY_CACHE_SIZE: parsed statements kept per session (H2's default is 8); storing one
        // instance prepares about a dozen distinct statements, so with 8 each was parsed again
        // every time (measured: about 14 % less CPU to seed 10,000 studies with 64).
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("index") + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000;QUERY_CACHE_SIZE=64";
    }

    /** Embedded H2 file database under {@code dir} (created if missing). */
    public static HikariDataSource h2(Path dir) throws StorageException {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new StorageException("HZ-2105 cannot create index directory " + dir, e);
        }
        HikariConfig config = baseConfig("hz-index-h2");
        config.setDriverClassName("org.h2.Driver");
        config.setJdbcUrl(h2Url(dir));
        config.setUsername("sa");
        config.setPassword("");
        return open(config);
    }

    /**
     * PostgreSQL: a pool whose connections use {@code schema} (created if missing), so several
     * hubs or test runs can share one database.
     *
     * @param schema lower-case SQL identifier ({@code [a-z_][a-z0-9_]*})
     */
    public static HikariDataSource postgres(String jdbcUrl, String user, String password, String schema)
            throws StorageException {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new StorageException("HZ-2105 schema name must match " + SCHEMA_NAME + ": '" + schema + "'");
        }
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, props); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        } catch (SQLException e) {
            throw new StorageException("HZ-2105 cannot connect to " + jdbcUrl + ": " + e.getMessage(), e);
        }
        HikariConfig config = baseConfig("hz-index-pg");
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.addDataSourceProperty("currentSchema", schema);
        return open(config);
    }

    private static HikariConfig baseConfig(String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setMaximumPoolSize(DEFAULT_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setAutoCommit(false);
        return config;
    }

    private static HikariDataSource open(HikariConfig config) throws StorageException {
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageException("HZ-2105 cannot open index database " + config.getJdbcUrl() + ": "
                    + e.getMessage(), e);
        }
    }
}
