package org.huizhen.hub.query;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.huizhen.storage.index.Match;
import org.huizhen.storage.index.Query;
import org.huizhen.storage.index.QueryKey;
import org.huizhen.storage.index.QueryResult;

/**
 * The mapping between DICOM attributes and the index's query API that C-FIND
 * ({@link QueryRetrieveService}) and QIDO-RS (PS3.18 10.6) share: which attribute is a matching
 * key, how a value becomes a matcher (PS3.4 C.2.2.2), and which values a result can return.
 *
 * <p>Stateless; thread-safe.
 */
public final class QueryKeys {
    private QueryKeys() {
    }

    /** The index key for an attribute tag, if the index can match on it. */
    public static Optional<QueryKey> byTag(int tag) {
        return Arrays.stream(QueryKey.values()).filter(k -> k.tag() == tag).findFirst();
    }

    /**
     * {@code query} with {@code key} matched as {@code value} says (single value, wildcard, range,
     * UID list with '\', PS3.4 C.2.2.2); an absent or empty value is universal matching and
     * leaves the query as it is.
     *
     * @throws IllegalArgumentException (HZ-2110) when the value's matching type is not allowed
     *                                  for the key or the value is malformed
     */
    public static Query match(Query query, QueryKey key, Optional<String> value) {
        if (value.isEmpty() || value.get().isEmpty()) {
            return query; // absent or universal matching
        }
        return query.with(key, Match.parse(key, value.get()));
    }

    /**
     * The attribute values the index holds for a result, by tag, in DICOM string form (DA
     * {@code YYYYMMDD}, TM {@code HHMMSS.FFFFFF}, multiple values joined with '\'); attributes
     * without a value are absent.
     */
    public static Map<Integer, String> values(QueryResult result) {
        return QueryAttributes.of(result);
    }
}
