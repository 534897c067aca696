package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.web.ViewerRoutes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ViewerRoutes} on a real Vert.x server whose router has the hub's auth handler after the
 * viewer, as the hub wires it: the built viewer is served without a token from the classpath,
 * with the media types browsers insist on, while everything else still needs one.
 */
class ViewerRoutesTest {
    @TempDir
    Path dir;
    Vertx vertx;
    WebClient client;
    int port;

    @BeforeEach
    void start() throws Exception {
        HubConfig config = InteropHub.in(dir).config();
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        ViewerRoutes.mount(router);
        ViewerRoutes.mountEcgPage(router);
        router.route().handler(HttpAuth.create(config, HttpAuth.hubKeys(config)));
        router.route().handler(ctx -> ctx.response().end("behind auth"));
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        port = server.actualPort();
        client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private HttpResponse<Buffer> send(HttpMethod method, String uri) throws Exception {
        return client.request(method, port, "127.0.0.1", uri).send()
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = ViewerRoutes.class.getClassLoader().getResourceAsStream("viewer/" + name)) {
            assertThat(in).as("built viewer file %s on the classpath (run the viewer build)", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void servesTheBuiltPageWithoutAToken() throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, "/viewer/?study=1.2.3&wado=/dicomweb");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
        // the classpath's built page (script tags point into /viewer/assets/), not the unbuilt source
        assertThat(r.bodyAsString()).isEqualTo(resource("index.html")).contains("/viewer/assets/")
                .doesNotContain("./src/main.js");
    }

    @Test
    void servesTheScriptsAndWebAssemblyWithTheirMediaTypesAndLongCaching() throws Exception {
        String page = resource("index.html");
        Matcher script = Pattern.compile("src=\"(/viewer/assets/[^\"]+\\.js)\"").matcher(page);
        assertThat(script.find()).as(page).isTrue();

        HttpResponse<Buffer> js = send(HttpMethod.GET, script.group(1));
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.getHeader("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(js.getHeader("Cache-Control")).contains("immutable");
        assertThat(js.body().length()).isEqualTo(resource(script.group(1).substring("/viewer/".length())).getBytes(
                StandardCharsets.UTF_8).length);

        // the decoder's WebAssembly: its name is hashed by the build, so find it through the bundle
        Matcher wasm = Pattern.compile("assets/[A-Za-z0-9_.-]+\\.wasm").matcher(js.bodyAsString());
        assertThat(wasm.find()).isTrue();
        HttpResponse<Buffer> w = send(HttpMethod.GET, "/viewer/" + wasm.group());
        assertThat(w.statusCode()).isEqualTo(200);
        assertThat(w.getHeader("Content-Type")).isEqualTo("application/wasm");
        // WebAssembly binaries start with "\0asm" (WebAssembly core spec 5.5.16)
        assertThat(w.body().getBytes(0, 4)).containsExactly(0, 'a', 's', 'm');
    }

    @Test
    void answersHeadWithTheLengthAndNoBody() throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.HEAD, "/viewer/index.html");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Length")).isEqualTo(
                Integer.toString(resource("index.html").getBytes(StandardCharsets.UTF_8).length));
        assertThat(r.body()).isNull();
    }

    @Test
    void redirectsTheBarePathKeepingTheQuery() throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, "/viewer?study=1.2.3&token=abc");

        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.getHeader("Location")).isEqualTo("/viewer/?study=1.2.3&token=abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/viewer/no-such-file.js", "/viewer/assets/", "/viewer/assets/..%2f..%2fviewer%2findex.html"})
    void answersNotFoundForAnythingButABuiltFile(String uri) throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, uri);

        assertThat(r.statusCode()).as(uri).isEqualTo(404);
        assertThat(r.bodyAsString()).contains("HZ-5901");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/viewer/%2e%2e/%2e%2e/pom.xml", "/viewer/../hub-server/pom.xml", "/viewer/..%5c..%5cpom.xml"})
    void neverServesFilesOutsideTheViewer(String uri) throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, uri);

        // either normalised out of /viewer/ (then auth answers) or not a viewer file: never content
        assertThat(r.statusCode()).as(uri).isIn(401, 404);
        assertThat(r.bodyAsString()).as(uri).doesNotContain("<project");
    }

    /** The ECG reading page's three plain files (ecg-page/ on the classpath), open like the viewer. */
    @ParameterizedTest
    @CsvSource({"/ecg/, text/html", "/ecg/ecg.js, text/javascript", "/ecg/ecg.css, text/css"})
    void servesTheEcgPageWithoutAToken(String uri, String mediaType) throws Exception {
        HttpResponse<Buffer> r = send(HttpMethod.GET, uri);

        assertThat(r.statusCode()).as(uri).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).startsWith(mediaType);
        assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
        String name = uri.endsWith("/") ? "index.html" : uri.substring("/ecg/".length());
        try (InputStream in = ViewerRoutes.class.getClassLoader().getResourceAsStream("ecg-page/" + name)) {
            assertThat(r.bodyAsString()).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        // the bare path redirects keeping the query (the token and the ECG id)
        HttpResponse<Buffer> bare = send(HttpMethod.GET, "/ecg?token=t&id=1.2");
        assertThat(bare.statusCode()).isEqualTo(301);
        assertThat(bare.getHeader("Location")).isEqualTo("/ecg/?token=t&id=1.2");
        // a viewer file is not reachable through the ECG page's path, nor the other way round
        assertThat(send(HttpMethod.GET, "/ecg/index.html").statusCode()).isEqualTo(200);
        assertThat(send(HttpMethod.GET, "/viewer/ecg.js").statusCode()).isEqualTo(404);
    }

    @Test
    void leavesEverythingElseBehindAuthentication() throws Exception {
        assertThat(send(HttpMethod.GET, "/dicomweb/studies").statusCode()).isEqualTo(401);
        assertThat(send(HttpMethod.GET, "/viewerx/index.html").statusCode()).isEqualTo(401);
    }
}
