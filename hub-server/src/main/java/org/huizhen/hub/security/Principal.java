package org.huizhen.hub.security;

import java.util.Objects;
import java.util.Set;

/**
 * Who an authenticated HTTP request comes from; {@link HttpAuth} puts it on the routing
 * context and handlers read it with {@link HttpAuth#principal}.
 *
 * <p>Immutable.
 *
 * @param subject     the {@code sub} claim, or {@code client:<client-id>} for HTTP Basic
 * @param institution a configured institution id (or {@code demo} in demo mode)
 * @param role        the caller's role
 * @param scopes      granted scopes (SMART-style such as {@code user/*.read}, or hub scopes
 *                    such as {@code dicomweb.read}); see {@link Scopes}
 * @param issuer      who vouched: a token's {@code iss}, or {@code api-client} for HTTP Basic
 */
public record Principal(String subject, String institution, Role role, Set<String> scopes, String issuer) {
    /** The issuer value of principals authenticated with HTTP Basic. */
    public static final String API_CLIENT = "api-client";

    public Principal {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(institution, "institution");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(issuer, "issuer");
        scopes = Set.copyOf(scopes);
    }

    /** True if one of the granted scopes covers {@code required} ({@link Scopes#covers}). */
    public boolean hasScope(String required) {
        return scopes.stream().anyMatch(granted -> Scopes.covers(granted, required));
    }
}
