package org.huizhen.hub.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the built browser viewer (the {@code viewer/} folder of the repository, built by Vite
 * into the classpath folder {@code viewer/}) under {@code /viewer/}. The page itself holds no
 * patient data, so these static files are served without a token; the page sends the bearer
 * token it is given ({@code ?token=} or sessionStorage) with every DICOMweb request, and those
 * stay behind {@code HttpAuth}. {@link #mount} must therefore run before the router's
 * {@code HttpAuth} handler, like {@code GET /health}.
 *
 * <p>The ECG reading page ({@code ecg-page/} on the classpath, plain files with no build step) is
 * served the same way under {@code /ecg/} by {@link #mountEcgPage}: same rules, same reasons.
 *
 * <p>Why not Vert.x {@code StaticHandler}: its file resolver looks in the working directory
 * before the classpath, and {@code ./huizhen serve} runs from the repository root, where
 * {@code viewer/} is the viewer's unbuilt source. Reading only from the classpath serves the
 * built files wherever the hub is started.
 *
 * <p>Responses: the file with its media type ({@code application/wasm} matters: browsers compile
 * WebAssembly while streaming only with it); hashed files under {@code assets/} are cacheable
 * forever, the rest must be revalidated; a {@code Referrer-Policy: no-referrer} so a token in the
 * page's address never leaves in a Referer header. 404 for anything else under {@code /viewer/},
 * including paths with {@code ..} segments.
 *
 * <p>Threading: classpath reads run on a worker thread ({@code executeBlocking}), never on the
 * event loop; read files are kept in a concurrent map (the built viewer is a few MB).
 */
public final class ViewerRoutes {
    /** Where the URL path starts. */
    public static final String PATH = "/viewer";
    /** The classpath folder with the built viewer. */
    static final String RESOURCE_ROOT = "viewer/";
    /** Where the ECG reading page's URL path starts. */
    public static final String ECG_PATH = "/ecg";
    /** The classpath folder with the ECG reading page. */
    static final String ECG_RESOURCE_ROOT = "ecg-page/";

    private static final Map<String, String> MEDIA_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    /** Keyed by classpath resource name (folder + relative path). */
    private static final Map<String, Optional<Buffer>> CACHE = new ConcurrentHashMap<>();

    private ViewerRoutes() {
    }

    /**
     * Adds {@code GET|HEAD /viewer} (redirect to {@code /viewer/}, query kept) and
     * {@code GET|HEAD /viewer/*} to {@code router}. Call before the authentication handler.
     */
    public static void mount(Router router) {
        mount(router, PATH, RESOURCE_ROOT);
    }

    /**
     * Adds {@code GET|HEAD /ecg} (redirect to {@code /ecg/}, query kept) and {@code GET|HEAD /ecg/*}
     * (the ECG reading page) to {@code router}. Call before the authentication handler.
     */
    public static void mountEcgPage(Router router) {
        mount(router, ECG_PATH, ECG_RESOURCE_ROOT);
    }

    private static void mount(Router router, String path, String resourceRoot) {
        router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            if (!ctx.request().path().equals(path)) {
                ctx.next(); // Vert.x matches "/viewer/" here too
                return;
            }
            String query = ctx.request().query();
            ctx.response().setStatusCode(301)
                    .putHeader(HttpHeaders.LOCATION, path + "/" + (query == null ? "" : "?" + query))
                    .end();
        });
        router.route(path + "/*").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> serve(ctx, path, resourceRoot));
    }

    private static void serve(RoutingContext ctx, String path, String resourceRoot) {
        String rel = ctx.normalizedPath().substring(path.length() + 1);
        if (rel.isEmpty() || rel.endsWith("/")) {
            rel = rel + "index.html";
        }
        if (!safe(rel)) {
            notFound(ctx);
            return;
        }
        String file = rel;
        ctx.vertx().<Optional<Buffer>>executeBlocking(() -> CACHE.computeIfAbsent(resourceRoot + file, ViewerRoutes::load), false)
                .onComplete(ar -> {
                    if (ar.failed()) {
                        ctx.fail(500, ar.cause());
                    } else if (ar.result().isEmpty()) {
                        notFound(ctx);
                    } else {
                        send(ctx, file, ar.result().get());
                    }
                });
    }

    /** A relative path of plain segments: no {@code ..}, {@code .}, empty segment or backslash. */
    static boolean safe(String rel) {
        if (rel.startsWith("/") || rel.contains("\\") || rel.indexOf('\0') >= 0) {
            return false;
        }
        for (String segment : rel.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** A classpath resource's bytes, or empty if there is none. */
    private static Optional<Buffer> load(String resource) {
        ClassLoader loader = ViewerRoutes.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The media type for a file name, by its extension ({@code application/octet-stream} if unknown). */
    static String mediaType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return MEDIA_TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static void send(RoutingContext ctx, String rel, Buffer body) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, mediaType(rel))
                .putHeader(HttpHeaders.CACHE_CONTROL,
                        rel.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        if (ctx.request().method() == HttpMethod.HEAD) {
            ctx.response().putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
        } else {
            ctx.response().end(body);
        }
    }

    private static void notFound(RoutingContext ctx) {
        ctx.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end("{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,"
                        + "\"detail\":\"HZ-5901 no such file in the viewer or the ECG page\"}");
    }
}
