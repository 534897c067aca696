package org.huizhen.hub.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.huizhen.hub.config.ConfigException;
import org.huizhen.hub.config.HubConfig;

/**
 * Decides whether a bearer token (RFC 6750) is one the hub accepts, in this order, each
 * failure with its own code:
 * <ol>
 * <li>{@code HZ-6002} it is a JWS compact serialisation of two JSON objects (RFC 7515 7.1);</li>
 * <li>{@code HZ-6003} {@code alg} is ES256 or RS256 and there is no {@code crit} header we
 *     would have to understand (RFC 7515 4.1.11) - {@code none} is never accepted;</li>
 * <li>{@code HZ-6004} {@code iss} is the hub itself ({@code auth.issuer}) or a configured
 *     {@code auth.trusted-issuers} entry;</li>
 * <li>{@code HZ-6005} the signature verifies with one of that issuer's keys of that
 *     algorithm (the one named by {@code kid} when the token and key both carry one);</li>
 * <li>{@code HZ-6006} {@code exp} is present and not passed, {@code HZ-6007} {@code nbf} and
 *     {@code iat} are not in the future - each allowing {@code auth.clock-skew-seconds}
 *     (RFC 7519 4.1.4/4.1.5/4.1.6);</li>
 * <li>{@code HZ-6008} {@code aud} (string or array) contains the issuer's audience;</li>
 * <li>{@code HZ-6009} {@code institution} is a configured institution ({@code demo} only in
 *     demo mode);</li>
 * <li>{@code HZ-6010} {@code sub}, {@code role} and {@code scope} (space-separated string,
 *     or an array) are well formed.</li>
 * </ol>
 * Signature before claims, so nothing an attacker wrote is trusted before it is verified.
 *
 * <p>Keys are read once, at construction. Immutable afterwards apart from a cache of accepted
 * tokens; thread-safe, and cheap enough (one ECDSA/RSA verification, or none for a token seen
 * before) to call on an event loop.
 *
 * <p>Cache: a viewer or a HIS sends the same token with every request, and verifying its ECDSA
 * signature again costs more CPU than a small QIDO-RS search. Every check above except the
 * time-based ones (HZ-6006, HZ-6007) depends only on the token's exact text and on keys and
 * configuration that never change after construction, so an accepted token's outcome is kept
 * (keyed by the whole token text, at most {@link #CACHE_MAX} tokens) and only its times are
 * checked again on each later use. Rejected tokens are never kept.
 */
public final class TokenVerifier {
    private record Issuer(String audience, List<VerificationKey> keys) {
    }

    /** Accepted tokens kept at most; beyond it the cache starts over (only valid tokens can fill it). */
    static final int CACHE_MAX = 4096;

    /** An accepted token's outcome and the times checked again on each use (seconds since the epoch). */
    private record Accepted(AuthOutcome.Accepted outcome, long exp, Optional<Long> nbf, Optional<Long> iat) {
    }

    private final Map<String, Issuer> issuers = new HashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Accepted> accepted =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong signatureChecks = new java.util.concurrent.atomic.AtomicLong();
    private final Set<String> institutions;
    private final long skewSeconds;
    private final Clock clock;

    /**
     * @param config the hub configuration ({@code auth.*} and {@code institutions})
     * @param own    the hub's own key (tokens of {@code auth.issuer})
     * @param clock  time source for expiry checks
     * @throws ConfigException if a trusted issuer's key file is missing or unusable (names the key)
     */
    public TokenVerifier(HubConfig config, HubKeys own, Clock clock) {
        HubConfig.Auth auth = config.auth();
        issuers.put(auth.issuer(), new Issuer(auth.audience(),
                List.of(new VerificationKey(Optional.of(own.keyId()), own.publicKey(), own.algorithm()))));
        for (int i = 0; i < auth.trustedIssuers().size(); i++) {
            HubConfig.TrustedIssuer t = auth.trustedIssuers().get(i);
            String audience = t.audience() == null || t.audience().isBlank() ? auth.audience() : t.audience();
            issuers.put(t.issuer(), new Issuer(audience, loadKeys(t, "auth.trusted-issuers[" + i + "]")));
        }
        this.institutions = knownInstitutions(config);
        this.skewSeconds = auth.clockSkewSeconds();
        this.clock = clock;
    }

    /** Institution ids a token or API client may name: the configured ones, plus {@code demo} in demo mode. */
    public static Set<String> knownInstitutions(HubConfig config) {
        Set<String> ids = new HashSet<>();
        config.institutions().forEach(i -> ids.add(i.id()));
        if (config.dicom().acceptAnyAe()) {
            ids.add(AeRegistry.DEMO_INSTITUTION);
        }
        return Set.copyOf(ids);
    }

    private static List<VerificationKey> loadKeys(HubConfig.TrustedIssuer t, String key) {
        boolean jwks = t.jwksFile() != null && !t.jwksFile().isBlank();
        String source = jwks ? t.jwksFile().trim() : t.publicKeyPem().trim();
        String field = key + (jwks ? ".jwks-file" : ".public-key-pem");
        try {
            String text = !jwks && source.startsWith("-----BEGIN") ? source : Files.readString(Path.of(source), StandardCharsets.UTF_8);
            return jwks ? VerificationKey.fromJwks(text) : List.of(VerificationKey.fromPem(text));
        } catch (IOException e) {
            throw new ConfigException(field, "HZ-6203 cannot be read: " + e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(field, "HZ-6204 holds no usable public key: " + e.getMessage());
        }
    }

    /** Checks {@code token} (without the {@code Bearer } prefix). Never throws for bad input. */
    public AuthOutcome verify(String token) {
        Accepted known = accepted.get(token);
        if (known != null) {
            long now = clock.instant().getEpochSecond();
            Optional<AuthOutcome> late = timeProblem(now, known.exp(), known.nbf(), known.iat());
            if (late.isPresent()) {
                accepted.remove(token);
                return late.get();
            }
            return known.outcome();
        }
        AuthOutcome outcome = verifyFully(token);
        if (outcome instanceof AuthOutcome.Accepted a) {
            if (accepted.size() >= CACHE_MAX) {
                accepted.clear();
            }
            JsonObject c = Jwt.parse(token).claims();
            accepted.put(token, new Accepted(a, numericDate(c, "exp").orElseThrow(), numericDate(c, "nbf"),
                    numericDate(c, "iat")));
        }
        return outcome;
    }

    /** Signature verifications made so far (a metric; tests see the cache work through it). */
    long signatureChecks() {
        return signatureChecks.get();
    }

    /** HZ-6006 expired or HZ-6007 not valid yet, allowing the clock skew; empty if valid at {@code now}. */
    private Optional<AuthOutcome> timeProblem(long now, long exp, Optional<Long> nbf, Optional<Long> iat) {
        if (now > exp + skewSeconds) {
            return Optional.of(AuthOutcome.rejected("HZ-6006", "token expired"));
        }
        if (nbf.filter(t -> t > now + skewSeconds).isPresent() || iat.filter(t -> t > now + skewSeconds).isPresent()) {
            return Optional.of(AuthOutcome.rejected("HZ-6007", "token is not valid yet"));
        }
        return Optional.empty();
    }

    private AuthOutcome verifyFully(String token) {
        Jwt.Parsed p;
        try {
            p = Jwt.parse(token);
        } catch (IllegalArgumentException e) {
            return AuthOutcome.rejected("HZ-6002", "malformed token: " + e.getMessage());
        }
        Optional<JwsAlgorithm> alg = JwsAlgorithm.fromHeader(p.header().getValue("alg") instanceof String s ? s : "");
        if (alg.isEmpty()) {
            return AuthOutcome.rejected("HZ-6003", "token algorithm must be ES256 or RS256");
        }
        if (p.header().containsKey("crit")) {
            return AuthOutcome.rejected("HZ-6003", "token has critical header parameters this hub does not support");
        }
        JsonObject c = p.claims();
        Issuer issuer = c.getValue("iss") instanceof String iss ? issuers.get(iss) : null;
        if (issuer == null) {
            return AuthOutcome.rejected("HZ-6004", "token issuer is not trusted");
        }
        Optional<String> kid = p.header().getValue("kid") instanceof String k ? Optional.of(k) : Optional.empty();
        signatureChecks.incrementAndGet();
        boolean verified = issuer.keys().stream()
                .filter(k -> k.algorithm() == alg.get())
                .filter(k -> kid.isEmpty() || k.keyId().isEmpty() || k.keyId().equals(kid))
                .anyMatch(k -> Jwt.verify(p, k.key(), alg.get()));
        if (!verified) {
            return AuthOutcome.rejected("HZ-6005", "token signature is invalid");
        }
        long now = clock.instant().getEpochSecond();
        Optional<Long> exp = numericDate(c, "exp");
        if (exp.isEmpty()) {
            return AuthOutcome.rejected("HZ-6006", "token has no expiry (exp)");
        }
        Optional<AuthOutcome> late = timeProblem(now, exp.get(), numericDate(c, "nbf"), numericDate(c, "iat"));
        if (late.isPresent()) {
            return late.get();
        }
        if (!audiences(c.getValue("aud")).contains(issuer.audience())) {
            return AuthOutcome.rejected("HZ-6008", "token audience does not include this hub");
        }
        if (!(c.getValue("institution") instanceof String institution) || !institutions.contains(institution)) {
            return AuthOutcome.rejected("HZ-6009", "token institution is not a member of this consortium");
        }
        if (!(c.getValue("sub") instanceof String sub) || sub.isBlank()) {
            return AuthOutcome.rejected("HZ-6010", "token has no subject (sub)");
        }
        Optional<Role> role = c.getValue("role") instanceof String r ? Role.fromClaim(r) : Optional.empty();
        if (role.isEmpty()) {
            return AuthOutcome.rejected("HZ-6010", "token role must be reader, clinic, his or admin");
        }
        Set<String> scopes;
        try {
            scopes = scopes(c.getValue("scope"));
        } catch (IllegalArgumentException e) {
            return AuthOutcome.rejected("HZ-6010", "token scope is malformed");
        }
        return new AuthOutcome.Accepted(new Principal(sub, institution, role.get(), scopes, c.getString("iss")));
    }

    /** RFC 7519 2 NumericDate: seconds since the epoch, possibly fractional. */
    private static Optional<Long> numericDate(JsonObject c, String name) {
        return c.getValue(name) instanceof Number n ? Optional.of((long) Math.floor(n.doubleValue())) : Optional.empty();
    }

    private static List<String> audiences(Object aud) {
        if (aud instanceof String s) {
            return List.of(s);
        }
        List<String> out = new ArrayList<>();
        if (aud instanceof JsonArray a) {
            a.forEach(o -> {
                if (o instanceof String s) {
                    out.add(s);
                }
            });
        }
        return out;
    }

    private static Set<String> scopes(Object scope) {
        if (scope == null) {
            return Set.of();
        }
        if (scope instanceof String s) {
            return Scopes.parse(s);
        }
        if (scope instanceof JsonArray a) {
            Set<String> out = new LinkedHashSet<>();
            for (Object o : a) {
                out.add(Scopes.check(o instanceof String s ? s : null));
            }
            return out;
        }
        throw new IllegalArgumentException("scope is neither a string nor an array");
    }
}
