package org.huizhen.hub.viewer;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.web.ViewerRoutes;
import org.huizhen.hub.web.dicomweb.DicomWebContext;

/**
 * The hub's HTTP front as the browser and DICOMweb peers meet it: a real {@link Hub} (its
 * configuration, keys and {@link DicomWebContext}), and a Vert.x server on a free loopback port
 * whose router has, in this order, {@link ViewerRoutes} (open), the hub's {@code HttpAuth}
 * (bearer JWT), then a DICOMweb mount under {@code /dicomweb}.
 *
 * <p>The DICOMweb mount is a parameter: the hub's own QIDO/WADO/STOW routes once they are
 * merged, and until then {@link #proxyTo}, which forwards authenticated requests to another
 * DICOMweb server (Orthanc). Whatever reaches the mount has passed authentication; the proxy
 * records who called what ({@link #forwarded}).
 *
 * <p>Blocking start and close; {@link #forwarded} is thread-safe.
 */
final class HubFront implements AutoCloseable {
    /** Mounts DICOMweb routes under {@code ctx.basePath()}: the shape of the hub's route classes. */
    @FunctionalInterface
    interface DicomWebMount {
        void mount(Router router, DicomWebContext ctx);
    }

    /** One request that passed authentication and reached the DICOMweb mount. */
    record Forwarded(String subject, String method, String uri) {
    }

    private final Hub hub;
    private final Vertx vertx;
    private final HttpServer server;
    private final List<Forwarded> forwarded;

    private HubFront(Hub hub, Vertx vertx, HttpServer server, List<Forwarded> forwarded) {
        this.hub = hub;
        this.vertx = vertx;
        this.server = server;
        this.forwarded = forwarded;
    }

    /** Starts a hub with its data in {@code dir} and the front with {@code dicomweb} mounted. */
    static HubFront start(Path dir, DicomWebMount dicomweb) throws Exception {
        Hub hub = InteropHub.in(dir).start();
        Vertx vertx = Vertx.vertx();
        List<Forwarded> forwarded = Collections.synchronizedList(new ArrayList<>());
        Router router = Router.router(vertx);
        ViewerRoutes.mount(router);
        router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        router.route(hub.dicomWebContext().basePath() + "/*").handler(ctx -> {
            forwarded.add(new Forwarded(HttpAuth.principal(ctx).map(Principal::subject).orElse("?"),
                    ctx.request().method().name(), ctx.request().uri()));
            ctx.next();
        });
        dicomweb.mount(router, hub.dicomWebContext());
        HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        return new HubFront(hub, vertx, server, forwarded);
    }

    /**
     * A stand-in DICOMweb mount that forwards every request under {@code basePath} to the
     * DICOMweb root {@code targetRoot} (e.g. Orthanc's {@code http://127.0.0.1:8042/dicom-web}),
     * streaming both bodies and keeping the headers DICOMweb depends on.
     */
    static DicomWebMount proxyTo(String targetRoot) {
        URI target = URI.create(targetRoot);
        return (router, ctx) -> {
            HttpClient client = ctx.vertx().createHttpClient(new HttpClientOptions()
                    .setDefaultHost(target.getHost()).setDefaultPort(target.getPort()));
            router.route(ctx.basePath() + "/*").handler(rc -> {
                HttpServerRequest in = rc.request();
                in.pause();
                RequestOptions o = new RequestOptions().setMethod(in.method())
                        .setURI(target.getPath() + in.uri().substring(ctx.basePath().length()));
                for (String h : List.of("Accept", "Content-Type", "Content-Length")) {
                    if (in.getHeader(h) != null) {
                        o.putHeader(h, in.getHeader(h));
                    }
                }
                client.request(o).compose(out -> out.send(in)).onComplete(ar -> {
                    if (ar.failed()) {
                        rc.fail(502, ar.cause());
                        return;
                    }
                    HttpServerResponse r = rc.response().setStatusCode(ar.result().statusCode());
                    for (String h : List.of("Content-Type", "Content-Length")) {
                        if (ar.result().getHeader(h) != null) {
                            r.putHeader(h, ar.result().getHeader(h));
                        }
                    }
                    r.setChunked(ar.result().getHeader("Content-Length") == null);
                    ar.result().pipeTo(r);
                });
            });
        };
    }

    /** The hub's own DICOMweb routes, mounted as the hub mounts them (STOW-RS, QIDO-RS, rendering, WADO). */
    static DicomWebMount hubDicomWeb() {
        return (router, ctx) -> {
            org.huizhen.hub.web.dicomweb.StowRoutes.mount(router, ctx);
            org.huizhen.hub.web.dicomweb.QidoRoutes.mount(router, ctx);
            org.huizhen.hub.web.dicomweb.RenderedRoutes.mount(router, ctx);
            org.huizhen.hub.web.dicomweb.WadoRoutes.mount(router, ctx);
        };
    }

    Hub hub() {
        return hub;
    }

    /** {@code http://127.0.0.1:port}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    /** The hub's DICOMweb root, {@code http://127.0.0.1:port/dicomweb}. */
    String dicomWebRoot() {
        return baseUrl() + hub.dicomWebContext().basePath();
    }

    /** A token of the hub's own issuer for institution {@code demo} (which sees everything). */
    String token(String subject, Role role, String... scopes) {
        try {
            return new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC())
                    .issue(subject, "demo", role, List.of(scopes), Duration.ofMinutes(30));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The requests that reached the DICOMweb mount, in arrival order. */
    List<Forwarded> forwarded() {
        synchronized (forwarded) {
            return List.copyOf(forwarded);
        }
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        hub.close();
    }
}
