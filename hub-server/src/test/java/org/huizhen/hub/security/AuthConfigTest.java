package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.huizhen.hub.config.ConfigException;
import org.huizhen.hub.config.HubConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The {@code auth:} configuration section: defaults and the mistakes validation names. */
class AuthConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsNeedNoAuthSection() {
        HubConfig.Auth auth = AuthTestConfig.load(dir, "", false).auth();

        assertThat(auth.signingAlgorithm()).isEqualTo("ES256");
        assertThat(auth.trustedIssuers()).isEmpty();
        assertThat(auth.apiClients()).isEmpty();
    }

    static Stream<Arguments> mistakes() {
        String hash = "'pbkdf2-sha256$1000$AA$AA'";
        return Stream.of(
                Arguments.of("auth.signing-algorithm", "  signing-algorithm: HS256\n"),
                Arguments.of("auth.trusted-issuers[0]", "  trusted-issuers:\n    - issuer: https://sso\n"),
                Arguments.of("auth.trusted-issuers[1].issuer",
                        "  trusted-issuers:\n    - {issuer: a, jwks-file: x}\n    - {issuer: a, jwks-file: y}\n"),
                Arguments.of("auth.api-clients[0].institution",
                        "  api-clients:\n    - {client-id: his, secret-hash: " + hash + ", institution: th-99, role: his}\n"),
                Arguments.of("auth.api-clients[0].role",
                        "  api-clients:\n    - {client-id: his, secret-hash: " + hash + ", institution: lead, role: root}\n"),
                Arguments.of("auth.api-clients[0].secret-hash",
                        "  api-clients:\n    - {client-id: his, secret-hash: plain-text, institution: lead, role: his}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void namesTheKeyOfAnAuthMistake(String key, String yaml) {
        assertThatThrownBy(() -> AuthTestConfig.load(dir, yaml, false))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }
}
