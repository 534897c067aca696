package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.huizhen.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TokenVerifier}'s cache of accepted tokens: a token seen before is not verified again,
 * but its expiry still counts, and nothing about a rejected token is kept.
 */
class TokenVerifierCacheTest {
    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-03T08:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgainButStillExpires() throws Exception {
        HubConfig config = AuthTestConfig.load(dir, "", false);
        HubKeys keys = HttpAuth.hubKeys(config);
        MovableClock clock = new MovableClock();
        String token = new TokenIssuer(config.auth(), keys, clock).issue("dr.li", "lead", Role.READER,
                List.of("dicomweb.read"), Duration.ofMinutes(10));
        TokenVerifier verifier = new TokenVerifier(config, keys, clock);

        AuthOutcome first = verifier.verify(token);
        AuthOutcome again = verifier.verify(token);

        assertThat(first).isInstanceOf(AuthOutcome.Accepted.class);
        assertThat(again).isEqualTo(first);
        assertThat(verifier.signatureChecks()).as("the second use is answered from the cache").isEqualTo(1);

        // Past exp plus the allowed clock skew, the cached token is refused like any expired one.
        clock.now = clock.now.plus(Duration.ofMinutes(10)).plusSeconds(config.auth().clockSkewSeconds() + 1);
        AuthOutcome late = verifier.verify(token);
        assertThat(late).isInstanceOf(AuthOutcome.Rejected.class);
        assertThat(late.toString()).contains("HZ-6006");
    }

    @Test
    void aRejectedTokenIsCheckedInFullEveryTime() throws Exception {
        HubConfig config = AuthTestConfig.load(dir, "", false);
        HubKeys keys = HttpAuth.hubKeys(config);
        MovableClock clock = new MovableClock();
        String token = new TokenIssuer(config.auth(), keys, clock).issue("dr.li", "lead", Role.READER,
                List.of("dicomweb.read"), Duration.ofMinutes(10));
        // The same claims with one byte of the signature changed.
        int dot = token.lastIndexOf('.');
        char c = token.charAt(dot + 5);
        String forged = token.substring(0, dot + 5) + (c == 'A' ? 'B' : 'A') + token.substring(dot + 6);
        TokenVerifier verifier = new TokenVerifier(config, keys, clock);

        assertThat(verifier.verify(forged)).isInstanceOf(AuthOutcome.Rejected.class);
        assertThat(verifier.verify(forged)).isInstanceOf(AuthOutcome.Rejected.class);
        assertThat(verifier.signatureChecks()).isEqualTo(2);
        // The genuine token is still accepted (the forged one left nothing behind).
        assertThat(verifier.verify(token)).isInstanceOf(AuthOutcome.Accepted.class);
    }
}
