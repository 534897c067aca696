package org.huizhen.storage.index;

import java.time.Instant;
import java.util.Objects;

/**
 * Where and when an instance came from.
 *
 * @param institutionId code of the sending institution as configured in the hub (e.g. {@code "xz-clinic-01"}); required
 * @param protocol      the ingest path; required
 * @param callingAe     calling AE title (DIMSE), or null
 * @param calledAe      called AE title (DIMSE), or null
 * @param remoteHost    peer address as text, or null
 * @param receivedAt    when the hub received it; required
 */
public record Origin(String institutionId, Protocol protocol, String callingAe, String calledAe,
                     String remoteHost, Instant receivedAt) {

    public Origin {
        Objects.requireNonNull(institutionId, "institutionId");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}
