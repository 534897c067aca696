package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.huizhen.hub.config.HubConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link HubKeys}: the signing key on disk (mode 600, reused across restarts) and its public JWK. */
class JwtKeysTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void createsKeyFileReadableOnlyByOwnerAndReusesItAfterRestart(JwsAlgorithm alg) throws IOException {
        HubConfig config = AuthTestConfig.load(dir, "  signing-algorithm: " + alg.name() + "\n", false);
        HubKeys first = HttpAuth.hubKeys(config);
        byte[] onDisk = Files.readAllBytes(first.file());

        // A "restart": the same data directory read again.
        HubKeys second = HttpAuth.hubKeys(config);

        assertThat(first.file()).isEqualTo(dir.resolve("data").resolve("keys").resolve("hub-signing-" + alg.name().toLowerCase() + ".pem"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first.file().getParent()))).isEqualTo("rwx------");
        assertThat(Files.readAllBytes(second.file())).isEqualTo(onDisk);
        assertThat(second.publicKey().getEncoded()).isEqualTo(first.publicKey().getEncoded());
        assertThat(second.keyId()).isEqualTo(first.keyId());
        assertThat(second.algorithm()).isEqualTo(alg);
        // Only the key file itself is left in keys/ (no temp files).
        try (var files = Files.list(first.file().getParent())) {
            assertThat(files.toList()).containsExactly(first.file());
        }
        // A token signed before the restart verifies with the key loaded after it.
        String token = new TokenIssuer(config.auth(), first, Clock.systemUTC())
                .issue("dr.li", "lead", Role.READER, List.of("user/*.read"), Duration.ofMinutes(5));
        assertThat(new TokenVerifier(config, second, Clock.systemUTC()).verify(token)).isInstanceOf(AuthOutcome.Accepted.class);
    }

    @Test
    void setsLoosenedPermissionsBackTo600() throws IOException {
        HubConfig config = AuthTestConfig.load(dir, "", false);
        Path file = HttpAuth.hubKeys(config).file();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        HttpAuth.hubKeys(config);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void refusesCorruptKeyFileInsteadOfReplacingIt() throws IOException {
        HubConfig config = AuthTestConfig.load(dir, "", false);
        Path file = HttpAuth.hubKeys(config).file();
        Files.writeString(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> HttpAuth.hubKeys(config)).isInstanceOf(IOException.class).hasMessageStartingWith("HZ-6201");
        // Replacing it would silently invalidate every token in circulation.
        assertThat(Files.readString(file)).contains("AAAA");
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void publishedJwkVerifiesTheHubsTokens(JwsAlgorithm alg) throws IOException {
        HubConfig config = AuthTestConfig.load(dir, "  signing-algorithm: " + alg.name() + "\n", false);
        HubKeys keys = HttpAuth.hubKeys(config);
        String token = new TokenIssuer(config.auth(), keys, Clock.systemUTC())
                .issue("dr.li", "lead", Role.READER, List.of(), Duration.ofMinutes(5));

        Optional<VerificationKey> fromJwk = VerificationKey.fromJwk(keys.publicJwk());

        assertThat(fromJwk).isPresent();
        assertThat(fromJwk.get().algorithm()).isEqualTo(alg);
        assertThat(fromJwk.get().key().getEncoded()).isEqualTo(keys.publicKey().getEncoded());
        assertThat(Jwt.verify(Jwt.parse(token), fromJwk.get().key(), alg)).isTrue();
    }
}
