package org.huizhen.storage.index;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Which ECG records to list, newest stored first ({@link EcgIndex#list}).
 *
 * <p>Immutable.
 *
 * @param institutionId only this institution's records; empty for every institution (lead hospital)
 * @param patientId     only this Patient ID
 * @param since         only records stored at or after this instant
 * @param priority      only this priority (the reading room asks for STAT)
 * @param limit         at most this many, 1..{@link #MAX_LIMIT}
 */
public record EcgQuery(Optional<String> institutionId, Optional<String> patientId, Optional<Instant> since,
                       Optional<EcgPriority> priority, int limit) {
    /** Most records one list returns. */
    public static final int MAX_LIMIT = 1000;

    public EcgQuery {
        Objects.requireNonNull(institutionId, "institutionId");
        Objects.requireNonNull(patientId, "patientId");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(priority, "priority");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("HZ-2121 limit must be 1.." + MAX_LIMIT + ", got " + limit);
        }
    }
}
