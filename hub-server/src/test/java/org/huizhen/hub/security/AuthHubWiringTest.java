package org.huizhen.hub.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.hub.Hub;
import org.huizhen.hub.testing.InteropHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth handler as a started {@link Hub} wires it: {@code GET /health} stays open, every
 * other request needs credentials, and in demo mode {@link Hub#describe()} prints a working
 * reader token.
 */
class AuthHubWiringTest {
    @TempDir
    Path dir;
    Hub hub;
    Vertx vertx;
    WebClient client;

    @BeforeEach
    void start() throws Exception {
        hub = InteropHub.in(dir).start();
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hub.close();
    }

    private HttpResponse<Buffer> get(String path, String bearer) throws Exception {
        var rq = client.get(hub.httpPort(), "127.0.0.1", path);
        if (bearer != null) {
            rq.putHeader("Authorization", "Bearer " + bearer);
        }
        return rq.send().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private String demoToken() {
        Matcher m = Pattern.compile("demo token .*\\n\\s+(\\S+\\.\\S+\\.\\S+)").matcher(hub.describe());
        assertThat(m.find()).as(hub.describe()).isTrue();
        return m.group(1);
    }

    @Test
    void leavesHealthOpenAndGuardsEverythingElse() throws Exception {
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        assertThat(get("/dicomweb/studies", null).statusCode()).isEqualTo(401);
        // With the demo token the request passes authentication and reaches QIDO-RS, which answers
        // 204 No Content for a search without matches in this empty archive (PS3.18 10.6.3.2).
        assertThat(get("/dicomweb/studies", demoToken()).statusCode()).isEqualTo(204);
    }

    @Test
    void printsDemoReaderTokenValidForTwelveHours() throws Exception {
        String token = demoToken();
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
        var verifier = new TokenVerifier(InteropHub.in(dir).config(), HttpAuth.hubKeys(InteropHub.in(dir).config()), Clock.systemUTC());

        assertThat(verifier.verify(token)).isInstanceOfSatisfying(AuthOutcome.Accepted.class, a -> {
            assertThat(a.principal().institution()).isEqualTo(AeRegistry.DEMO_INSTITUTION);
            assertThat(a.principal().role()).isEqualTo(Role.READER);
            assertThat(a.principal().hasScope("user/ImagingStudy.read")).isTrue();
            assertThat(a.principal().hasScope("dicomweb.write")).isFalse();
        });
        assertThat(claims.getLong("exp") - claims.getLong("iat")).isEqualTo(12 * 3600);
    }
}
