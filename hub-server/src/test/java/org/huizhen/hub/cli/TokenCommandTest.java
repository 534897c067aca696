package org.huizhen.hub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.hub.security.SecretHash;
import org.huizhen.hub.testing.CliRun;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code huizhen token} through {@link Main#run}: the printed token is checked with the JDK's
 * own {@link Signature} against the public key in the data directory's key file (parsed here,
 * not by the hub's code), and its claims are read back.
 */
class TokenCommandTest {
    @TempDir
    Path dir;
    Path config;
    Path data;

    @BeforeEach
    void consortium() throws Exception {
        data = Files.createDirectories(dir.resolve("data"));
        config = dir.resolve("huizhen.yaml");
        Files.writeString(config, """
                institutions:
                  - id: lead
                    name: 县人民医院
                    role: lead-hospital
                  - id: th-01
                    name: 城关镇卫生院
                    role: clinic
                """);
    }

    private CliRun token(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "token";
        args[1] = "--config=" + config;
        args[2] = "--data=" + data;
        args[3] = "--subject=nurse.zhao";
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.run(args);
    }

    @Test
    void issuesTokenThatTheJdkVerifiesWithTheDataDirectorysPublicKey() throws Exception {
        CliRun r = token("--institution", "th-01", "--role", "clinic", "--scope", "user/*.read", "--scope", "dicomweb.write", "--ttl", "2h");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(0);
        String token = r.out().trim();
        assertThat(token.lines()).hasSize(1);
        Path keyFile = data.resolve("keys").resolve("hub-signing-es256.pem");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        // RFC 7515 5.2: the signature covers the ASCII of header.payload; ES256 is R||S (RFC 7518 3.4).
        Signature jdk = Signature.getInstance("SHA256withECDSAinP1363Format");
        jdk.initVerify(publicKeyOf(keyFile));
        jdk.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(jdk.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        JsonObject header = json(parts[0]);
        JsonObject claims = json(parts[1]);
        assertThat(header.getString("alg")).isEqualTo("ES256");
        assertThat(claims.getString("iss")).isEqualTo("urn:huizhen:hub");
        assertThat(claims.getString("aud")).isEqualTo("huizhen-hub");
        assertThat(claims.getString("sub")).isEqualTo("nurse.zhao");
        assertThat(claims.getString("institution")).isEqualTo("th-01");
        assertThat(claims.getString("role")).isEqualTo("clinic");
        assertThat(claims.getString("scope")).isEqualTo("user/*.read dicomweb.write");
        assertThat(claims.getString("jti")).isNotBlank();
        // --ttl 2h: two hours between issue and expiry.
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(7200);
        assertThat(r.err()).contains("th-01").contains("clinic");
    }

    @Test
    void signsEveryRunWithTheSameKeptKey() throws Exception {
        String first = token("--institution", "lead", "--role", "reader").out().trim();
        byte[] keyFile = Files.readAllBytes(data.resolve("keys").resolve("hub-signing-es256.pem"));

        String second = token("--institution", "lead", "--role", "reader").out().trim();

        assertThat(Files.readAllBytes(data.resolve("keys").resolve("hub-signing-es256.pem"))).isEqualTo(keyFile);
        assertThat(json(second.split("\\.")[0]).getString("kid")).isEqualTo(json(first.split("\\.")[0]).getString("kid"));
        assertThat(json(first.split("\\.")[1]).getString("jti")).isNotEqualTo(json(second.split("\\.")[1]).getString("jti"));
        // Without --scope a reader gets the reader's usual read scopes.
        assertThat(json(second.split("\\.")[1]).getString("scope")).isEqualTo("user/*.read dicomweb.read");
    }

    @Test
    void refusesUnknownInstitutionWithExit2AndNoToken() {
        CliRun r = token("--institution", "th-99", "--role", "clinic");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("HZ-6302 unknown institution 'th-99'").contains("[lead, th-01]");
        // Nothing was signed, so no key had to be made.
        assertThat(data.resolve("keys")).doesNotExist();
    }

    @ParameterizedTest(name = "demo mode {0}: exit {1}")
    @CsvSource({"false, 2", "true, 0"})
    void acceptsDemoInstitutionOnlyInDemoMode(boolean demo, int exit) {
        CliRun r = demo ? token("--institution", "demo", "--role", "reader", "--accept-any-ae")
                : token("--institution", "demo", "--role", "reader");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(exit);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--role, doctor, HZ-6301", "--ttl, 0s, HZ-6303", "--ttl, 31d, HZ-6303", "--ttl, soon, HZ-6303", "--scope, a\"b, HZ-6304"})
    void refusesBadOptionWithExit2(String option, String value, String code) {
        CliRun r = option.equals("--role") ? token("--institution", "lead", option, value)
                : token("--institution", "lead", "--role", "reader", option, value);

        assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains(code);
    }

    @Test
    void refusesMissingDataDirectory() {
        CliRun r = CliRun.run("token", "--config=" + config, "--data=" + dir.resolve("typo"), "--institution", "lead", "--role", "reader");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("HZ-6305");
        assertThat(dir.resolve("typo")).doesNotExist();
    }

    @Test
    void hashesGivenSecretForTheConfig() {
        CliRun r = CliRun.run("token", "--hash-secret", "--secret", "his-lead-2026");

        assertThat(r.exitCode()).as(r.output()).isEqualTo(0);
        Matcher m = Pattern.compile("secret-hash: \"(.+)\"").matcher(r.out());
        assertThat(m.find()).as(r.out()).isTrue();
        assertThat(SecretHash.matches("his-lead-2026", m.group(1))).isTrue();
        assertThat(SecretHash.matches("his-lead-2025", m.group(1))).isFalse();
        assertThat(r.out()).doesNotContain("secret: ");
    }

    @Test
    void generatesSecretAndPrintsItWithItsHash() {
        CliRun r = CliRun.run("token", "--hash-secret");

        Matcher secret = Pattern.compile("(?m)^secret: (\\S+)$").matcher(r.out());
        Matcher hash = Pattern.compile("secret-hash: \"(.+)\"").matcher(r.out());
        assertThat(secret.find() && hash.find()).as(r.out()).isTrue();
        assertThat(SecretHash.matches(secret.group(1), hash.group(1))).isTrue();
    }

    private static JsonObject json(String b64url) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(b64url), StandardCharsets.UTF_8));
    }

    private static PublicKey publicKeyOf(Path pemFile) throws Exception {
        Matcher m = Pattern.compile("-----BEGIN PUBLIC KEY-----([^-]+)-----END PUBLIC KEY-----").matcher(Files.readString(pemFile));
        assertThat(m.find()).isTrue();
        return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1))));
    }
}
