/**
 * JDBC implementation of the metadata index in one SQL dialect for H2 2.x and PostgreSQL, with Flyway
 * migrations ({@code db/migration}), pooled data sources ({@link org.huizhen.storage.index.jdbc.IndexDatabase})
 * and a small transaction helper with bounded retry and jitter ({@link org.huizhen.storage.index.jdbc.Tx}).
 */
package org.huizhen.storage.index.jdbc;
