package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SecretHash}: PBKDF2 hashes of API client secrets. */
class AuthSecretHashTest {

    @Test
    void matchesOnlyTheHashedSecret() {
        String hash = SecretHash.hash("his-secret-1", 2000);

        assertThat(SecretHash.wellFormed(hash)).isTrue();
        assertThat(SecretHash.matches("his-secret-1", hash)).isTrue();
        assertThat(SecretHash.matches("his-secret-2", hash)).isFalse();
        assertThat(SecretHash.matches("", hash)).isFalse();
    }

    @Test
    void saltsEveryHash() {
        // Same secret, different salt: equal hashes would reveal equal secrets.
        assertThat(SecretHash.hash("same", 2000)).isNotEqualTo(SecretHash.hash("same", 2000));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "pbkdf2-sha256$x$AAAA$AAAA", "pbkdf2-sha256$2000$AAAA$AAAA", "md5$2000$AAAA$AAAA"})
    void treatsMalformedHashAsNoMatch(String encoded) {
        assertThat(SecretHash.matches("plain", encoded)).isFalse();
    }
}
