package org.huizhen.hub.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.huizhen.hub.config.HubConfig;

/**
 * Per-institution API credentials ({@code auth.api-clients}): a system such as a HIS sends
 * its client id and secret with HTTP Basic (RFC 7617) and gets the institution, role and
 * scopes configured for it. Secrets are stored only as {@link SecretHash} values.
 *
 * <p>Checking a secret costs a PBKDF2 run, so {@link #verify} blocks: call it on a worker
 * thread. A successful check is remembered for {@link #CACHE_FOR} (as a SHA-256 of the
 * secret, not the secret) so a busy client does not pay it per request. An unknown client id
 * costs the same as a wrong secret and gets the same answer, so ids cannot be probed.
 *
 * <p>Thread-safe.
 */
public final class ApiClients {
    /** How long a verified secret is accepted without re-running PBKDF2. */
    public static final Duration CACHE_FOR = Duration.ofMinutes(5);

    private record Verified(byte[] secretDigest, Instant until) {
    }

    private final Map<String, HubConfig.ApiClient> clients = new HashMap<>();
    private final Map<String, Verified> cache = new ConcurrentHashMap<>();
    private final String dummyHash;
    private final Clock clock;

    public ApiClients(List<HubConfig.ApiClient> configured, Clock clock) {
        configured.forEach(c -> clients.put(c.clientId(), c));
        this.clock = clock;
        // Same cost as a real entry, so unknown ids are not faster to reject.
        int iterations = configured.isEmpty() ? 1000
                : Math.max(1000, Math.min(10_000_000, iterationsOf(configured.get(0).secretHash())));
        this.dummyHash = SecretHash.hash(SecretHash.newSecret(), iterations);
    }

    /** True if no client is configured (then HTTP Basic is never accepted). */
    public boolean isEmpty() {
        return clients.isEmpty();
    }

    /** Checks a client id and secret. Blocking (PBKDF2); never throws for bad input. */
    public AuthOutcome verify(String clientId, String secret) {
        HubConfig.ApiClient c = clients.get(clientId);
        byte[] digest = sha256(secret);
        Instant now = clock.instant();
        Verified v = cache.get(clientId);
        boolean ok;
        if (c != null && v != null && now.isBefore(v.until()) && MessageDigest.isEqual(v.secretDigest(), digest)) {
            ok = true;
        } else {
            ok = SecretHash.matches(secret, c == null ? dummyHash : c.secretHash()) && c != null;
            if (ok) {
                cache.put(clientId, new Verified(digest, now.plus(CACHE_FOR)));
            }
        }
        if (!ok) {
            return AuthOutcome.rejected("HZ-6011", "unknown API client or wrong secret");
        }
        Role role = Role.fromClaim(c.role()).orElseThrow(() -> new IllegalStateException("role validated by HubConfig"));
        return new AuthOutcome.Accepted(new Principal("client:" + clientId, c.institution(), role,
                java.util.Set.copyOf(c.scopes()), Principal.API_CLIENT));
    }

    private static int iterationsOf(String hash) {
        try {
            return Integer.parseInt(hash.split("\\$")[1]);
        } catch (RuntimeException e) {
            return SecretHash.DEFAULT_ITERATIONS;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
