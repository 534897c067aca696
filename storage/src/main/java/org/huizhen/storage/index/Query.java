package org.huizhen.storage.index;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One C-FIND / QIDO-RS query for {@link MetadataIndex#query}: the level of the entities to
 * return, how each key is matched (keys left out are universal), the institution whose data
 * the caller may see, and a page.
 *
 * <p>The constructor checks what the standard forbids or the index cannot parse (a wildcard on
 * a UID, a range on a text key, a malformed date) and throws {@link IllegalArgumentException}
 * with an {@code HZ-2110} message.
 *
 * @param level         Query/Retrieve Level of the returned entities
 * @param keys          matching keys; keys of any level are allowed (see {@link QueryKey})
 * @param institutionId when present, only data of this institution's patient records
 * @param offset        number of leading results to skip, {@code >= 0}
 * @param limit         maximum number of results, {@code 0} for no limit
 */
public record Query(QueryLevel level, Map<QueryKey, Match> keys, Optional<String> institutionId, int offset,
                    int limit) {

    public Query {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(institutionId, "institutionId");
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("HZ-2110 offset and limit must be >= 0: " + offset + ", " + limit);
        }
        EnumMap<QueryKey, Match> copy = new EnumMap<>(QueryKey.class);
        for (Map.Entry<QueryKey, Match> e : keys.entrySet()) {
            QueryKey key = Objects.requireNonNull(e.getKey(), "key");
            Match match = Objects.requireNonNull(e.getValue(), "match of " + key);
            check(key, match);
            copy.put(key, match);
        }
        keys = Collections.unmodifiableMap(copy);
    }

    /** Everything at {@code level}, unscoped, unpaged; refine with the {@code with...} methods. */
    public static Query of(QueryLevel level) {
        return new Query(level, Map.of(), Optional.empty(), 0, 0);
    }

    /** This query with {@code key} matched by {@code match} (replacing an earlier matcher). */
    public Query with(QueryKey key, Match match) {
        EnumMap<QueryKey, Match> copy = new EnumMap<>(QueryKey.class);
        copy.putAll(keys);
        copy.put(key, match);
        return new Query(level, copy, institutionId, offset, limit);
    }

    /** This query with {@code key} matched as {@link Match#parse} reads {@code value}. */
    public Query with(QueryKey key, String value) {
        return with(key, Match.parse(key, value));
    }

    /** This query restricted to one institution's data. */
    public Query scopedTo(String institution) {
        return new Query(level, keys, Optional.of(institution), offset, limit);
    }

    /** This query with a page. */
    public Query page(int newOffset, int newLimit) {
        return new Query(level, keys, institutionId, newOffset, newLimit);
    }

    /** The matcher of {@code key}; universal when the query does not constrain it. */
    public Match match(QueryKey key) {
        return keys.getOrDefault(key, Match.universal());
    }

    private static void check(QueryKey key, Match match) {
        if (!key.accepts(match)) {
            throw new IllegalArgumentException("HZ-2110 " + match.getClass().getSimpleName()
                    + " matching is not allowed for " + key + " (" + key.kind() + ", PS3.4 C.2.2.2)");
        }
        switch (match) {
            case Match.Exact e when !e.value().isEmpty() -> checkValue(key, e.value());
            case Match.Range r -> {
                r.from().ifPresent(v -> checkValue(key, v));
                r.to().ifPresent(v -> checkValue(key, v));
            }
            default -> { }
        }
    }

    private static void checkValue(QueryKey key, String value) {
        switch (key.kind()) {
            case DATE -> QueryValues.date(value);
            case TIME -> QueryValues.timeFrom(value);
            case INTEGER -> QueryValues.integer(value);
            default -> { }
        }
    }
}
