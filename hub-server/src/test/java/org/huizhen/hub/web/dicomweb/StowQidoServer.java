package org.huizhen.hub.web.dicomweb;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.InteropHub;

/**
 * The test set-up of the STOW-RS and QIDO-RS tests: a real {@link Hub} (a consortium of one
 * lead hospital and two clinics), and a Vert.x HTTP server on a free loopback port whose router
 * is what the hub will mount — CORS, the hub's {@link HttpAuth}, {@link StowRoutes},
 * {@link QidoRoutes} — plus a second STOW-RS mount under {@value #LIMITED} with a body limit of
 * {@value #LIMITED_MAX_BODY} bytes; a {@link WebClient} and tokens minted by the hub's own issuer.
 *
 * <p>Not thread-safe; one per test class.
 */
final class StowQidoServer implements AutoCloseable {
    static final String LEAD = "lead";
    static final String CLINIC_A = "clinic-a";
    static final String CLINIC_B = "clinic-b";
    /** Calling AE title of the lead hospital (for C-STORE). */
    static final String LEAD_AE = "LEAD_PACS";
    static final String LIMITED = "/limited";
    static final long LIMITED_MAX_BODY = 50_000;

    final InteropHub interop;
    final Hub hub;
    final Vertx vertx;
    final HttpServer server;
    final WebClient client;
    private final TokenIssuer issuer;

    StowQidoServer(Path dir) throws Exception {
        interop = InteropHub.in(dir).institutions("""
                  - id: lead
                    name: Lead Hospital
                    role: lead-hospital
                    aes:
                      - ae-title: LEAD_PACS
                  - id: clinic-a
                    name: Clinic A
                    role: clinic
                    aes:
                      - ae-title: CLINIC_A
                  - id: clinic-b
                    name: Clinic B
                    role: clinic
                    aes:
                      - ae-title: CLINIC_B
                """);
        hub = interop.start();
        DicomWebContext ctx = hub.dicomWebContext();
        vertx = ctx.vertx();
        Router router = Router.router(vertx);
        DicomWebCors.mount(router, ctx.basePath());
        router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        StowRoutes.mount(router, ctx);
        QidoRoutes.mount(router, ctx, DicomWebResponses.leadHospitals(hub.config()));
        DicomWebContext limited = new DicomWebContext(ctx.vertx(), ctx.index(), ctx.blobs(), ctx.ingest(), ctx.dataDir(), LIMITED);
        StowRoutes.mount(router, limited, LIMITED_MAX_BODY);
        server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
        issuer = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC());
    }

    int port() {
        return server.actualPort();
    }

    /** A bearer token of {@code institution} with {@code scopes}. */
    String token(String institution, String... scopes) {
        return issuer.issue("test-" + institution, institution, institution.equals(LEAD) ? Role.READER : Role.CLINIC,
                List.of(scopes), Duration.ofHours(1));
    }

    /** A reader and writer of {@code institution}. */
    String writer(String institution) {
        return token(institution, "dicomweb.read", "dicomweb.write");
    }

    /** STOW-RS of {@code files} as one multipart body, each part application/dicom. */
    HttpResponse<Buffer> stow(String token, String path, List<Path> files) {
        return post(token, path, "multipart/related; type=\"application/dicom\"; boundary=" + BOUNDARY, multipart(files));
    }

    HttpResponse<Buffer> post(String token, String path, String contentType, Buffer body) {
        var rq = client.post(path).putHeader("Content-Type", contentType);
        if (token != null) {
            rq.bearerTokenAuthentication(token);
        }
        return await(rq.sendBuffer(body));
    }

    HttpResponse<Buffer> get(String token, String uri) {
        var rq = client.get(uri);
        if (token != null) {
            rq.bearerTokenAuthentication(token);
        }
        return await(rq.send());
    }

    static final String BOUNDARY = "huizhen-stow-test-boundary";

    /** A multipart/related body (RFC 2046 5.1.1) with one application/dicom part per file. */
    static Buffer multipart(List<Path> files) {
        Buffer b = Buffer.buffer();
        for (Path f : files) {
            try {
                b.appendString("\r\n--" + BOUNDARY + "\r\nContent-Type: application/dicom\r\n\r\n").appendBytes(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return b.appendString("\r\n--" + BOUNDARY + "--\r\n");
    }

    /** The JSON array of a 200 QIDO-RS answer, or an empty one for 204. */
    static JsonArray array(HttpResponse<Buffer> rsp) {
        return rsp.statusCode() == 204 ? new JsonArray() : rsp.bodyAsJsonArray();
    }

    /** The first value of attribute {@code tag} (8 hex digits) of a DICOM JSON object, as text. */
    static String value(JsonObject dataset, String tag) {
        JsonObject a = dataset.getJsonObject(tag);
        if (a == null || a.getJsonArray("Value") == null || a.getJsonArray("Value").isEmpty()) {
            return null;
        }
        return String.valueOf(a.getJsonArray("Value").getValue(0));
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        await(server.close());
        hub.close();
    }
}
