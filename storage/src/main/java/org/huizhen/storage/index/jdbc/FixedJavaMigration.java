package org.huizhen.storage.index.jdbc;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * What the index's Java migrations have in common: a version and description given by the
 * subclass, a checksum fixed to the version (a released migration's logic never changes, so
 * Flyway's validation has nothing to compare), and a run inside Flyway's migration transaction.
 * The classes are registered explicitly with Flyway by {@link JdbcMetadataIndex}, so their names
 * need not follow Flyway's {@code V<n>__} convention.
 */
abstract class FixedJavaMigration implements JavaMigration {
    private final int version;
    private final String description;

    FixedJavaMigration(int version, String description) {
        this.version = version;
        this.description = description;
    }

    @Override
    public final MigrationVersion getVersion() {
        return MigrationVersion.fromVersion(Integer.toString(version));
    }

    @Override
    public final String getDescription() {
        return description;
    }

    @Override
    public final Integer getChecksum() {
        return version;
    }

    @Override
    public final boolean canExecuteInTransaction() {
        return true;
    }
}
