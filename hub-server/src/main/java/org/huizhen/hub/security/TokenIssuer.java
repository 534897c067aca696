package org.huizhen.hub.security;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.UUID;
import org.huizhen.hub.config.HubConfig;

/**
 * Signs the hub's own access tokens (serve's demo token, {@code huizhen token}) with the key
 * from {@link HubKeys}: a JWT (RFC 7519) with header {@code alg}, {@code typ=JWT}, {@code kid}
 * and claims {@code iss} ({@code auth.issuer}), {@code sub}, {@code aud}
 * ({@code auth.audience}), {@code iat}, {@code exp}, {@code jti} (random UUID),
 * {@code institution}, {@code role} and {@code scope} (space-separated, RFC 8693 4.2).
 *
 * <p>Does not check that the institution exists: callers do, with
 * {@link TokenVerifier#knownInstitutions}. Immutable; thread-safe.
 */
public final class TokenIssuer {
    private final HubConfig.Auth auth;
    private final HubKeys keys;
    private final Clock clock;

    public TokenIssuer(HubConfig.Auth auth, HubKeys keys, Clock clock) {
        this.auth = auth;
        this.keys = keys;
        this.clock = clock;
    }

    /**
     * Issues a token valid from now for {@code ttl}.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive or a scope is malformed
     */
    public String issue(String subject, String institution, Role role, Collection<String> scopes, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive");
        }
        scopes.forEach(Scopes::check);
        long now = clock.instant().getEpochSecond();
        JsonObject header = new JsonObject().put("alg", keys.algorithm().name()).put("typ", "JWT").put("kid", keys.keyId());
        JsonObject claims = new JsonObject()
                .put("iss", auth.issuer())
                .put("sub", subject)
                .put("aud", auth.audience())
                .put("iat", now)
                .put("exp", now + ttl.toSeconds())
                .put("jti", UUID.randomUUID().toString())
                .put("institution", institution)
                .put("role", role.claim())
                .put("scope", String.join(" ", scopes));
        return Jwt.sign(header, claims, keys.privateKey(), keys.algorithm());
    }
}
