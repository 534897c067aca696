package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.testing.LogCapture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HttpAuth} on a real Vert.x server (loopback, port 0) called with Vert.x's
 * {@link WebClient}: the 401/403 answers, the principal handed to the route, HTTP Basic for
 * API clients, and tokens of an external OAuth2 server whose keys are configured as a JWKS file
 * (RSA) or a PEM public key (EC). External tokens are signed here with the JDK directly, not
 * with the hub's own signing code, so the two sides are independent.
 */
class AuthHttpTest {
    private static final String EXTERNAL_RSA = "https://sso.example-yilianti.cn/realms/hub";
    private static final String EXTERNAL_EC = "https://lab-centre.example.cn/oauth";
    private static final String HIS_SECRET = "s3cret-his-lead";

    @TempDir
    static Path dir;
    static Vertx vertx;
    static HttpServer server;
    static WebClient client;
    static HubConfig config;
    static HubKeys keys;
    static KeyPair externalRsa;
    static KeyPair externalEc;

    @BeforeAll
    static void startServer() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        externalRsa = rsa.generateKeyPair();
        KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(new ECGenParameterSpec("secp256r1"));
        externalEc = ec.generateKeyPair();
        RSAPublicKey pub = (RSAPublicKey) externalRsa.getPublic();
        // RFC 7518 6.3.1: n and e as unsigned big-endian base64url.
        JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", "sso-1").put("use", "sig").put("alg", "RS256")
                .put("n", b64(unsigned(pub.getModulus()))).put("e", b64(unsigned(pub.getPublicExponent())));
        Path jwks = dir.resolve("sso-jwks.json");
        Files.writeString(jwks, new JsonObject().put("keys", List.of(new JsonObject().put("kty", "oct").put("k", "AAAA"), jwk)).encode());
        Path pem = dir.resolve("lab.pem");
        Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(externalEc.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        String hisHash = SecretHash.hash(HIS_SECRET, 10_000);
        config = AuthTestConfig.load(dir, """
                  trusted-issuers:
                    - issuer: %s
                      jwks-file: "%s"
                    - issuer: %s
                      public-key-pem: "%s"
                      audience: lab-results
                  api-clients:
                    - client-id: his-lead
                      secret-hash: "%s"
                      institution: lead
                      role: his
                      scopes: [system/ImagingStudy.read, dicomweb.read]
                """.formatted(EXTERNAL_RSA, jwks, EXTERNAL_EC, pem, hisHash), false);
        keys = HttpAuth.hubKeys(config);

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(HttpAuth.create(config, keys));
        router.get("/whoami").handler(AuthHttpTest::whoami);
        router.get("/studies").handler(HttpAuth.requireScope("user/ImagingStudy.read", "system/ImagingStudy.read"))
                .handler(AuthHttpTest::whoami);
        router.post("/stow").handler(HttpAuth.requireScope("dicomweb.write")).handler(AuthHttpTest::whoami);
        router.get("/admin").handler(HttpAuth.requireRole(Role.ADMIN)).handler(AuthHttpTest::whoami);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static void whoami(io.vertx.ext.web.RoutingContext ctx) {
        Principal p = HttpAuth.principal(ctx).orElseThrow();
        ctx.json(new JsonObject().put("subject", p.subject()).put("institution", p.institution())
                .put("role", p.role().claim()).put("scopes", List.copyOf(p.scopes())).put("issuer", p.issuer()));
    }

    private static HttpResponse<Buffer> call(String method, String path, String authorization) throws Exception {
        HttpRequest<Buffer> rq = client.request(io.vertx.core.http.HttpMethod.valueOf(method), server.actualPort(), "127.0.0.1", path);
        if (authorization != null) {
            rq.putHeader("Authorization", authorization);
        }
        return rq.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static HttpResponse<Buffer> get(String path, String authorization) throws Exception {
        return call("GET", path, authorization);
    }

    private static TokenIssuer hubIssuer(Clock clock) {
        return new TokenIssuer(config.auth(), keys, clock);
    }

    private static String hubToken(String institution, Role role, List<String> scopes) {
        return hubIssuer(Clock.systemUTC()).issue("dr.wang", institution, role, scopes, Duration.ofHours(1));
    }

    @Test
    void answersRequestWithoutCredentialsWith401BearerChallengeAndProblemBody() throws Exception {
        try (LogCapture audit = LogCapture.of(HttpAuth.AUDIT_LOGGER)) {
            HttpResponse<Buffer> r = get("/whoami", null);

            assertThat(r.statusCode()).isEqualTo(401);
            // RFC 6750 3: a request without credentials gets the challenge without an error code.
            assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"huizhen\"");
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.fieldNames()).containsExactlyInAnyOrder("type", "title", "status", "detail");
            assertThat(body.getInteger("status")).isEqualTo(401);
            assertThat(body.getString("title")).isEqualTo("Unauthorized");
            assertThat(body.getString("detail")).startsWith("HZ-6001 ");
            assertThat(audit.await(m -> m.contains("authn deny") && m.contains("HZ-6001"), Duration.ofSeconds(5)))
                    .hasValueSatisfying(line -> assertThat(line).startsWith("INFO ").contains("who=anonymous")
                            .contains("what=GET /whoami").contains("from=127.0.0.1:"));
        }
    }

    static Stream<Arguments> rejectedTokens() {
        Instant longAgo = Instant.now().minus(Duration.ofDays(2));
        return Stream.of(
                Arguments.of("expired a day ago", (Supplier<String>) () -> hubIssuer(Clock.fixed(longAgo, ZoneOffset.UTC))
                        .issue("dr.wang", "lead", Role.READER, List.of("user/*.read"), Duration.ofDays(1)), "HZ-6006"),
                Arguments.of("issued in the future", (Supplier<String>) () -> hubIssuer(Clock.fixed(Instant.now().plus(Duration.ofHours(1)), ZoneOffset.UTC))
                        .issue("dr.wang", "lead", Role.READER, List.of("user/*.read"), Duration.ofHours(2)), "HZ-6007"),
                Arguments.of("signed by another key", (Supplier<String>) AuthHttpTest::tokenOfForeignKey, "HZ-6005"),
                Arguments.of("claims altered after signing", (Supplier<String>) AuthHttpTest::tamperedToken, "HZ-6005"),
                Arguments.of("another audience", (Supplier<String>) () -> new TokenIssuer(withAudience("pacs-elsewhere"), keys, Clock.systemUTC())
                        .issue("dr.wang", "lead", Role.READER, List.of("user/*.read"), Duration.ofHours(1)), "HZ-6008"),
                Arguments.of("unknown institution", (Supplier<String>) () -> hubToken("th-99", Role.CLINIC, List.of("user/*.read")), "HZ-6009"),
                Arguments.of("demo institution outside demo mode", (Supplier<String>) () -> hubToken("demo", Role.READER, List.of("user/*.read")), "HZ-6009"),
                Arguments.of("unsigned (alg none)", (Supplier<String>) AuthHttpTest::unsignedToken, "HZ-6003"),
                Arguments.of("not a JWT", (Supplier<String>) () -> "not-a-token", "HZ-6002"),
                Arguments.of("untrusted issuer", (Supplier<String>) () -> new TokenIssuer(withIssuer("https://evil.example"), keys, Clock.systemUTC())
                        .issue("dr.wang", "lead", Role.READER, List.of("user/*.read"), Duration.ofHours(1)), "HZ-6004"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectedTokens")
    void rejectsBadBearerTokenWith401(String why, Supplier<String> token, String code) throws Exception {
        HttpResponse<Buffer> r = get("/whoami", "Bearer " + token.get());

        assertThat(r.statusCode()).as(why).isEqualTo(401);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer ").contains("error=\"invalid_token\"");
        assertThat(r.bodyAsJsonObject().getString("detail")).as(why).startsWith(code + " ");
    }

    @Test
    void passesGoodTokenWithItsPrincipalToTheRoute() throws Exception {
        try (LogCapture audit = LogCapture.of(HttpAuth.AUDIT_LOGGER)) {
            String token = hubToken("th-01", Role.CLINIC, List.of("user/*.read", "dicomweb.write"));

            HttpResponse<Buffer> r = get("/whoami", "Bearer " + token);

            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject p = r.bodyAsJsonObject();
            assertThat(p.getString("subject")).isEqualTo("dr.wang");
            assertThat(p.getString("institution")).isEqualTo("th-01");
            assertThat(p.getString("role")).isEqualTo("clinic");
            assertThat(p.getJsonArray("scopes").getList()).containsExactlyInAnyOrder("user/*.read", "dicomweb.write");
            assertThat(p.getString("issuer")).isEqualTo(config.auth().issuer());
            assertThat(audit.await(m -> m.contains("authn allow who=dr.wang@th-01"), Duration.ofSeconds(5))).isPresent();
        }
    }

    @Test
    void acceptsAuthorizationSchemeInAnyCase() throws Exception {
        // RFC 9110 11.1: the auth-scheme is case-insensitive.
        assertThat(get("/whoami", "bEaReR " + hubToken("lead", Role.READER, List.of())).statusCode()).isEqualTo(200);
    }

    @Test
    void smartWildcardScopeCoversAConcreteResourceType() throws Exception {
        // user/*.read grants user/ImagingStudy.read (SMART v1 scope syntax).
        HttpResponse<Buffer> r = get("/studies", "Bearer " + hubToken("lead", Role.READER, List.of("user/*.read")));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void answersInsufficientScopeWith403() throws Exception {
        try (LogCapture audit = LogCapture.of(HttpAuth.AUDIT_LOGGER)) {
            // A reader may read but not store (no dicomweb.write).
            HttpResponse<Buffer> r = call("POST", "/stow", "Bearer " + hubToken("lead", Role.READER, List.of("user/*.read", "dicomweb.read")));

            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.getHeader("WWW-Authenticate")).contains("error=\"insufficient_scope\"").contains("scope=\"dicomweb.write\"");
            assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.getInteger("status")).isEqualTo(403);
            assertThat(body.getString("detail")).startsWith("HZ-6101 ");
            assertThat(audit.await(m -> m.contains("authz deny who=dr.wang@lead") && m.contains("what=POST /stow"), Duration.ofSeconds(5)))
                    .isPresent();
        }
    }

    @Test
    void systemScopeDoesNotCoverUserScope() throws Exception {
        // /studies asks user/ or system/ ImagingStudy.read; system/Patient.read is neither.
        HttpResponse<Buffer> r = get("/studies", "Bearer " + hubToken("lead", Role.HIS, List.of("system/Patient.read")));

        assertThat(r.statusCode()).isEqualTo(403);
    }

    @Test
    void answersMissingRoleWith403() throws Exception {
        HttpResponse<Buffer> r = get("/admin", "Bearer " + hubToken("lead", Role.READER, List.of("user/*.*")));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-6102 ");
    }

    @Test
    void acceptsApiClientWithRightSecretOverBasic() throws Exception {
        HttpResponse<Buffer> r = get("/studies", basic("his-lead", HIS_SECRET));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject p = r.bodyAsJsonObject();
        assertThat(p.getString("subject")).isEqualTo("client:his-lead");
        assertThat(p.getString("institution")).isEqualTo("lead");
        assertThat(p.getString("role")).isEqualTo("his");
        assertThat(p.getString("issuer")).isEqualTo(Principal.API_CLIENT);
    }

    @ParameterizedTest(name = "{0}:{1}")
    @MethodSource("wrongBasic")
    void rejectsWrongBasicCredentialsAlike(String id, String secret) throws Exception {
        HttpResponse<Buffer> r = get("/whoami", basic(id, secret));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.getHeader("WWW-Authenticate")).startsWith("Bearer ");
        // Unknown id and wrong secret give the same answer: client ids cannot be probed.
        assertThat(r.bodyAsJsonObject().getString("detail")).isEqualTo("HZ-6011 unknown API client or wrong secret");
    }

    static Stream<Arguments> wrongBasic() {
        return Stream.of(Arguments.of("his-lead", "guess"), Arguments.of("his-lead", HIS_SECRET + " "),
                Arguments.of("his-other", HIS_SECRET));
    }

    @Test
    void keepsForgedLineBreaksOutOfTheAuditLog() throws Exception {
        try (LogCapture audit = LogCapture.of(HttpAuth.AUDIT_LOGGER)) {
            HttpResponse<Buffer> r = get("/whoami", basic("x\nAUDIT http authn allow who=admin", "y"));

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(audit.await(m -> m.contains("who=client:x?AUDIT"), Duration.ofSeconds(10)))
                    .hasValueSatisfying(line -> assertThat(line).doesNotContain("\n"));
        }
    }

    @Test
    void rejectsUnknownScheme() throws Exception {
        HttpResponse<Buffer> r = get("/whoami", "Digest username=\"x\"");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-6012 ");
    }

    @Test
    void acceptsTokenOfTrustedIssuerWithJwksRsaKey() throws Exception {
        long now = Instant.now().getEpochSecond();
        JsonObject claims = new JsonObject().put("iss", EXTERNAL_RSA).put("sub", "u-1024").put("aud", List.of("account", "huizhen-hub"))
                .put("iat", now).put("exp", now + 300).put("institution", "th-01").put("role", "clinic")
                .put("scope", "user/ImagingStudy.read dicomweb.read");
        String token = signExternally(new JsonObject().put("alg", "RS256").put("kid", "sso-1"), claims, externalRsa, "SHA256withRSA");

        HttpResponse<Buffer> r = get("/studies", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("issuer")).isEqualTo(EXTERNAL_RSA);
        assertThat(r.bodyAsJsonObject().getString("institution")).isEqualTo("th-01");
    }

    @Test
    void acceptsTokenOfTrustedIssuerWithPemEcKeyAndItsOwnAudience() throws Exception {
        long now = Instant.now().getEpochSecond();
        JsonObject claims = new JsonObject().put("iss", EXTERNAL_EC).put("sub", "lab-robot").put("aud", "lab-results")
                .put("iat", now).put("exp", now + 300).put("institution", "lead").put("role", "his")
                .put("scope", List.of("system/ImagingStudy.read"));
        String token = signExternally(new JsonObject().put("alg", "ES256"), claims, externalEc, "SHA256withECDSAinP1363Format");

        HttpResponse<Buffer> r = get("/studies", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getString("subject")).isEqualTo("lab-robot");
    }

    @Test
    void rejectsTrustedIssuerTokenSignedWithTheHubKeyAlgorithmMismatch() throws Exception {
        // The SSO issuer publishes an RSA key only: an ES256 token claiming that issuer cannot verify.
        long now = Instant.now().getEpochSecond();
        JsonObject claims = new JsonObject().put("iss", EXTERNAL_RSA).put("sub", "u-1").put("aud", "huizhen-hub")
                .put("iat", now).put("exp", now + 300).put("institution", "lead").put("role", "reader");
        String token = signExternally(new JsonObject().put("alg", "ES256"), claims, externalEc, "SHA256withECDSAinP1363Format");

        HttpResponse<Buffer> r = get("/whoami", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-6005 ");
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String signExternally(JsonObject header, JsonObject claims, KeyPair pair, String jdkAlg) {
        try {
            String input = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
            Signature s = Signature.getInstance(jdkAlg);
            s.initSign(pair.getPrivate());
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + b64(s.sign());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String tokenOfForeignKey() {
        try {
            HubKeys other = HubKeys.loadOrCreate(dir.resolve("other-keys"), JwsAlgorithm.ES256);
            return new TokenIssuer(config.auth(), other, Clock.systemUTC())
                    .issue("dr.wang", "lead", Role.READER, List.of("user/*.read"), Duration.ofHours(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String tamperedToken() {
        String[] parts = hubToken("th-01", Role.CLINIC, List.of("user/*.read")).split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.put("role", "admin");
        return parts[0] + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static String unsignedToken() {
        long now = Instant.now().getEpochSecond();
        JsonObject claims = new JsonObject().put("iss", config.auth().issuer()).put("sub", "x").put("aud", config.auth().audience())
                .put("iat", now).put("exp", now + 300).put("institution", "lead").put("role", "admin");
        return b64("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".";
    }

    private static HubConfig.Auth withAudience(String audience) {
        HubConfig.Auth a = config.auth();
        return new HubConfig.Auth(a.issuer(), audience, a.signingAlgorithm(), a.clockSkewSeconds(), a.maxTokenTtlHours(),
                a.trustedIssuers(), a.apiClients());
    }

    private static HubConfig.Auth withIssuer(String issuer) {
        HubConfig.Auth a = config.auth();
        return new HubConfig.Auth(issuer, a.audience(), a.signingAlgorithm(), a.clockSkewSeconds(), a.maxTokenTtlHours(),
                a.trustedIssuers(), a.apiClients());
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b.length > 1 && b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }
}
