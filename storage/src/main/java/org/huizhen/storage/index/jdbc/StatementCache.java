package org.huizhen.storage.index.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prepared statements kept for the length of one transaction, so that a batch of stores
 * prepares each SQL text once instead of once per instance.
 *
 * <p>Why: H2 keeps parsed commands per session (QUERY_CACHE_SIZE), but never a {@code SELECT ...
 * FOR UPDATE}, which the store path uses to lock study, series and instance rows; each one was
 * parsed and planned again for every instance (a profile of STOW-RS ingest showed H2's parser
 * and optimiser as the indexer's largest cost). PostgreSQL's driver gains too: a statement
 * prepared once is executed server-side by name after five uses.
 *
 * <p>{@link #connection()} is a view of the transaction's connection whose
 * {@code prepareStatement(String)} and {@code prepareStatement(String, String[])} hand out the
 * cached statement for the same text (its {@code close()} does nothing; parameters are cleared on
 * reuse); every other call goes straight to the connection. {@link #close()} closes the real
 * statements. Not thread-safe: one transaction, one thread.
 */
final class StatementCache implements AutoCloseable {
    private final Connection target;
    private final Connection view;
    private final Map<String, PreparedStatement> byKey = new HashMap<>();
    private final List<PreparedStatement> real = new ArrayList<>();

    StatementCache(Connection target) {
        this.target = target;
        this.view = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> onConnection(method, args));
    }

    /** The connection to run the transaction's statements through. */
    Connection connection() {
        return view;
    }

    private Object onConnection(Method method, Object[] args) throws Throwable {
        if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                && (args.length == 1 || (args.length == 2 && args[1] instanceof String[]))) {
            String[] keys = args.length == 2 ? (String[]) args[1] : null;
            String key = keys == null ? sql : sql + "\u0000" + String.join(",", keys);
            PreparedStatement cached = byKey.get(key);
            if (cached == null) {
                PreparedStatement ps = keys == null ? target.prepareStatement(sql) : target.prepareStatement(sql, keys);
                real.add(ps);
                cached = reusable(ps);
                byKey.put(key, cached);
            } else {
                cached.clearParameters();
            }
            return cached;
        }
        return invoke(target, method, args);
    }

    /** A view of {@code ps} whose close() is a no-op (the cache closes it with the transaction). */
    private static PreparedStatement reusable(PreparedStatement ps) {
        return (PreparedStatement) Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && (args == null || args.length == 0)) {
                        return null;
                    }
                    if (method.getName().equals("isClosed") && (args == null || args.length == 0)) {
                        return ps.isClosed();
                    }
                    return invoke(ps, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws SQLException {
        SQLException first = null;
        for (PreparedStatement ps : real) {
            try {
                ps.close();
            } catch (SQLException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        real.clear();
        byKey.clear();
        if (first != null) {
            throw first;
        }
    }
}
