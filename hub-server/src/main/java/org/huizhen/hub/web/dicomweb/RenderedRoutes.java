package org.huizhen.hub.web.dicomweb;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.huizhen.dicom.image.FrameRenderer;
import org.huizhen.dicom.image.ImageEncoder;
import org.huizhen.dicom.image.ImageException;
import org.huizhen.dicom.image.RenderOptions;
import org.huizhen.dicom.image.Viewport;
import org.huizhen.dicom.image.Window;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.web.ContentNegotiation;
import org.huizhen.dicom.web.MediaType;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.storage.index.StoredInstance;

/**
 * Rendered images over HTTP: the WADO-RS rendered resources and thumbnails (PS3.18 10.4.1.1.3,
 * 8.3.5, 8.7.4) and WADO-URI with an image {@code contentType} (PS3.18 9.1), drawn by
 * {@link FrameRenderer} and encoded as JPEG (default) or PNG.
 *
 * <pre>
 * GET {base}/studies/{s}/series/{se}/instances/{i}/rendered            frame 1
 * GET {base}/studies/{s}/series/{se}/instances/{i}/frames/{n}/rendered frame n
 * GET {base}/studies/{s}/series/{se}/instances/{i}/thumbnail           middle frame, viewport 128,128 unless given
 * GET {base}/studies/{s}/series/{se}/instances/{i}/frames/{n}/thumbnail
 * GET {base}/studies/{s}/series/{se}/thumbnail                         middle instance of the series
 * GET {base}/studies/{s}/thumbnail                                     middle instance of the study
 * GET {base}/wado?requestType=WADO&amp;studyUID&amp;seriesUID&amp;objectUID&amp;contentType=image/jpeg|image/png
 *     [&amp;frameNumber][&amp;windowCenter&amp;windowWidth][&amp;rows][&amp;columns][&amp;imageQuality]
 * </pre>
 *
 * <p>Query parameters of the WADO-RS routes (PS3.18 8.3.5.1): {@code window=center,width[,linear|
 * linear-exact|sigmoid]}, {@code viewport=vw,vh} (fit, aspect kept), {@code quality=1..100},
 * {@code accept=} (overrides the Accept header, 8.3.3.1). Media types: {@code image/jpeg} when
 * Accept allows it or is absent, {@code image/png}; anything else is 406.
 *
 * <p>{@code /wado} is shared with the WADO-URI handler for {@code application/dicom}: this
 * handler serves only requests whose (first) {@code contentType} is an {@code image/...} type
 * and passes every other request on with {@link RoutingContext#next()}.
 *
 * <p>Scope {@code dicomweb.read}; institution scoping as in C-FIND/C-MOVE
 * ({@code QueryRetrieveService}): a principal of a lead hospital (or of {@code demo}) sees every
 * institution's instances, any other only its own; anything out of scope is 404, as if absent.
 *
 * <p>Errors are {@code application/problem+json} with an HZ-55xx code: 400 for bad parameters
 * (HZ-5510..5512, HZ-5521..5523), 404 for an unknown or hidden instance (HZ-5530) or frame
 * (HZ-5504), 406 (HZ-5520), 422 for instances that cannot be rendered (HZ-5501 unsupported
 * transfer syntax, HZ-5502 unsupported pixel format, HZ-5503 malformed, HZ-5505 not an image,
 * HZ-5506 too large), 500 when the blob cannot be read (HZ-5531).
 *
 * <p>Handlers run on the event loop; the index lookup, file reading, decoding and encoding run
 * in {@code executeBlocking} (worker pool, unordered). Only one frame is decoded per request.
 */
public final class RenderedRoutes {

    /** Scope the routes require. */
    public static final String SCOPE = "dicomweb.read";
    /** Institution id that sees everything (demo mode), besides configured lead hospitals. */
    public static final String DEMO_INSTITUTION = org.huizhen.hub.security.AeRegistry.DEMO_INSTITUTION;

    private static final List<MediaType> OFFERS = List.of(MediaType.parse("image/jpeg"), MediaType.parse("image/png"));
    private static final Viewport THUMBNAIL = new Viewport(128, 128);

    private final DicomWebContext ctx;
    private final Set<String> leadHospitals;

    private RenderedRoutes(DicomWebContext ctx, Set<String> leadHospitals) {
        this.ctx = ctx;
        this.leadHospitals = Set.copyOf(leadHospitals);
    }

    /**
     * Mounts the routes with no lead hospital known: only {@code demo} principals see every
     * institution. Wire {@link #mount(Router, DicomWebContext, Set)} with
     * {@link #leadHospitals(HubConfig)} to give lead hospitals their consortium-wide view.
     */
    public static void mount(Router router, DicomWebContext ctx) {
        mount(router, ctx, Set.of());
    }

    /** Mounts the routes; principals of {@code leadHospitals} (institution ids) see every institution. */
    public static void mount(Router router, DicomWebContext ctx, Set<String> leadHospitals) {
        RenderedRoutes r = new RenderedRoutes(ctx, leadHospitals);
        String instance = ctx.basePath() + "/studies/:study/series/:series/instances/:instance";
        router.get(instance + "/rendered").handler(HttpAuth.requireScope(SCOPE)).handler(c -> r.instance(c, false, false));
        router.get(instance + "/frames/:frames/rendered").handler(HttpAuth.requireScope(SCOPE))
                .handler(c -> r.instance(c, true, false));
        router.get(instance + "/thumbnail").handler(HttpAuth.requireScope(SCOPE)).handler(c -> r.instance(c, false, true));
        router.get(instance + "/frames/:frames/thumbnail").handler(HttpAuth.requireScope(SCOPE))
                .handler(c -> r.instance(c, true, true));
        router.get(ctx.basePath() + "/studies/:study/series/:series/thumbnail").handler(HttpAuth.requireScope(SCOPE))
                .handler(r::groupThumbnail);
        router.get(ctx.basePath() + "/studies/:study/thumbnail").handler(HttpAuth.requireScope(SCOPE))
                .handler(r::groupThumbnail);
        router.get(ctx.basePath() + "/wado").handler(r::wadoUri);
    }

    /** The ids of the institutions configured as {@code lead-hospital}. */
    public static Set<String> leadHospitals(HubConfig config) {
        return DicomWebResponses.leadHospitals(config);
    }

    /** What one request asks for, once its parameters are parsed. */
    private record Request(String study, Optional<String> series, Optional<String> instance, Optional<Integer> frame,
                           boolean middleFrame, RenderOptions options, ImageEncoder.Format format, int quality) {
    }

    /** A refusal with its HTTP status and HZ code. */
    private static final class Refusal extends RuntimeException {
        final int status;
        final String code;

        Refusal(int status, String code, String detail) {
            super(detail, null, false, false);
            this.status = status;
            this.code = code;
        }
    }

    // ------------------------------------------------------------------ WADO-RS

    private void instance(RoutingContext rc, boolean framePath, boolean thumbnail) {
        Request rq;
        try {
            Optional<Integer> frame = framePath ? Optional.of(frameNumber(rc.pathParam("frames"))) : Optional.empty();
            RenderOptions options = options(rc.queryParams().get("window"), rc.queryParams().get("viewport"));
            if (thumbnail && options.viewport().isEmpty()) {
                options = options.withViewport(THUMBNAIL);
            }
            rq = new Request(rc.pathParam("study"), Optional.of(rc.pathParam("series")),
                    Optional.of(rc.pathParam("instance")), frame, thumbnail && frame.isEmpty(), options,
                    format(rc), quality(rc.queryParams().get("quality")));
        } catch (Refusal e) {
            problem(rc, e);
            return;
        }
        respond(rc, rq);
    }

    private void groupThumbnail(RoutingContext rc) {
        Request rq;
        try {
            rq = new Request(rc.pathParam("study"), Optional.ofNullable(rc.pathParam("series")), Optional.empty(),
                    Optional.empty(), true, thumbnailOptions(rc.queryParams().get("viewport")),
                    format(rc), quality(rc.queryParams().get("quality")));
        } catch (Refusal e) {
            problem(rc, e);
            return;
        }
        respond(rc, rq);
    }

    /** A thumbnail fits the request's viewport, else 128 x 128 (PS3.18 8.3.5.1.3). */
    private static RenderOptions thumbnailOptions(String viewport) {
        RenderOptions o = options(null, viewport);
        return o.viewport().isPresent() ? o : o.withViewport(THUMBNAIL);
    }

    private static int frameNumber(String text) {
        if (text.contains(",")) {
            throw new Refusal(400, "HZ-5521", "a rendered frame request names one frame, not a list: " + text);
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refusal(400, "HZ-5521", "frame number must be a positive integer: " + text);
        }
    }

    private static RenderOptions options(String window, String viewport) {
        RenderOptions o = RenderOptions.DEFAULT;
        try {
            if (window != null) {
                o = o.withWindow(Window.parse(window));
            }
            if (viewport != null) {
                o = o.withViewport(Viewport.parse(viewport));
            }
        } catch (IllegalArgumentException e) {
            throw badParameter(e);
        }
        return o;
    }

    private static int quality(String q) {
        if (q == null) {
            return ImageEncoder.DEFAULT_QUALITY;
        }
        try {
            int v = Integer.parseInt(q.strip());
            if (v >= 1 && v <= 100) {
                return v;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new Refusal(400, "HZ-5512", "quality must be a whole number 1..100, got \"" + q + "\"");
    }

    /** Accept negotiation: the {@code accept} query parameter, else the header, else JPEG. */
    private static ImageEncoder.Format format(RoutingContext rc) {
        String accept = Optional.ofNullable(rc.queryParams().get("accept")).orElse(rc.request().getHeader(HttpHeaders.ACCEPT));
        if (accept == null || accept.isBlank()) {
            return ImageEncoder.Format.JPEG;
        }
        MediaType chosen;
        try {
            chosen = ContentNegotiation.choose(accept, OFFERS).orElseThrow(() -> new Refusal(406, "HZ-5520",
                    "rendered images are image/jpeg or image/png; not acceptable: " + accept));
        } catch (IllegalArgumentException e) {
            throw new Refusal(400, "HZ-5520", "cannot parse Accept: " + accept);
        }
        return ImageEncoder.Format.ofMediaType(chosen.essence()).orElseThrow();
    }

    private static Refusal badParameter(IllegalArgumentException e) {
        String msg = String.valueOf(e.getMessage());
        String code = msg.startsWith("HZ-") ? msg.substring(0, 7) : "HZ-5523";
        return new Refusal(400, code, msg.startsWith("HZ-") ? msg.substring(8) : msg);
    }

    // ------------------------------------------------------------------ WADO-URI

    private void wadoUri(RoutingContext rc) {
        String contentType = rc.queryParams().get("contentType");
        String first = contentType == null ? "" : contentType.split(",", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!first.startsWith("image/")) {
            rc.next(); // application/dicom and the rest belong to the other WADO-URI handler
            return;
        }
        Optional<Principal> p = HttpAuth.principal(rc);
        if (p.isEmpty() || !p.get().hasScope(SCOPE)) {
            problem(rc, new Refusal(p.isEmpty() ? 401 : 403, p.isEmpty() ? "HZ-6001" : "HZ-6101", "requires scope " + SCOPE));
            return;
        }
        Request rq;
        try {
            var q = rc.queryParams();
            if (!"WADO".equals(q.get("requestType"))) {
                throw new Refusal(400, "HZ-5522", "requestType must be WADO (PS3.18 9.1.2.1.1)");
            }
            String study = require(q.get("studyUID"), "studyUID");
            String series = require(q.get("seriesUID"), "seriesUID");
            String object = require(q.get("objectUID"), "objectUID");
            for (String unsupported : List.of("region", "presentationUID", "presentationSeriesUID")) {
                if (q.get(unsupported) != null) {
                    throw new Refusal(400, "HZ-5522", "WADO-URI parameter " + unsupported + " is not supported");
                }
            }
            ImageEncoder.Format format = ImageEncoder.Format.ofMediaType(first).orElseThrow(() -> new Refusal(406,
                    "HZ-5520", "rendered images are image/jpeg or image/png; not available: " + first));
            Optional<Integer> frame = Optional.ofNullable(q.get("frameNumber")).map(RenderedRoutes::frameNumber);
            String wc = q.get("windowCenter");
            String ww = q.get("windowWidth");
            if ((wc == null) != (ww == null)) {
                throw new Refusal(400, "HZ-5510", "windowCenter and windowWidth go together (PS3.18 9.1.2.1.12)");
            }
            RenderOptions options = options(wc == null ? null : wc + "," + ww, null);
            String rows = q.get("rows");
            String columns = q.get("columns");
            if (rows != null || columns != null) {
                options = options(wc == null ? null : wc + "," + ww,
                        (columns == null ? Viewport.MAX : columns) + "," + (rows == null ? Viewport.MAX : rows));
            }
            rq = new Request(study, Optional.of(series), Optional.of(object), frame, false, options, format,
                    quality(q.get("imageQuality")));
        } catch (Refusal e) {
            problem(rc, e);
            return;
        }
        respond(rc, rq);
    }

    private static String require(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new Refusal(400, "HZ-5522", "WADO-URI parameter " + name + " is required");
        }
        return value.strip();
    }

    // ------------------------------------------------------------------ rendering

    private void respond(RoutingContext rc, Request rq) {
        Principal p = HttpAuth.principal(rc).orElse(null);
        if (p == null) {
            problem(rc, new Refusal(401, "HZ-6001", "not authenticated"));
            return;
        }
        ctx.vertx().<byte[]>executeBlocking(() -> render(p, rq), false).onComplete(ar -> {
            if (ar.succeeded()) {
                rc.response().setStatusCode(200)
                        .putHeader(HttpHeaders.CONTENT_TYPE, rq.format().mediaType())
                        .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT)
                        .end(Buffer.buffer(ar.result()));
            } else if (ar.cause() instanceof Refusal r) {
                problem(rc, r);
            } else {
                problem(rc, new Refusal(500, "HZ-5531", "rendering failed: " + ar.cause().getMessage()));
            }
        });
    }

    /** On a worker: finds the instance within scope, renders the frame, encodes it. */
    private byte[] render(Principal p, Request rq) throws Exception {
        StoredInstance si = rq.instance().isPresent() ? instance(p, rq) : middleInstance(p, rq);
        Path file = ctx.blobs().localPath(si.blobId()).orElseThrow(() -> new Refusal(500, "HZ-5531",
                "the blob of instance " + si.sopInstanceUid() + " has no local file"));
        try {
            Part10File f = FrameRenderer.open(file);
            int frame = rq.frame().orElse(rq.middleFrame() ? (FrameRenderer.numberOfFrames(f.dataSet()) + 1) / 2 : 1);
            BufferedImage img = FrameRenderer.render(f, frame, rq.options());
            return ImageEncoder.encode(img, rq.format(), rq.quality());
        } catch (ImageException e) {
            int status = e.kind() == ImageException.Kind.NO_SUCH_FRAME ? 404 : 422;
            throw new Refusal(status, e.code(), e.getMessage().substring(e.code().length() + 1));
        } catch (IOException e) {
            throw new Refusal(500, "HZ-5531", "cannot read instance " + si.sopInstanceUid() + ": " + e.getMessage());
        }
    }

    private StoredInstance instance(Principal p, Request rq) throws Exception {
        String uid = rq.instance().orElseThrow();
        return ctx.index().findInstance(uid)
                .filter(si -> si.studyInstanceUid().equals(rq.study()))
                .filter(si -> rq.series().map(s -> s.equals(si.seriesInstanceUid())).orElse(true))
                .filter(si -> visible(p, si))
                .orElseThrow(() -> notFound("instance " + uid + " in study " + rq.study()));
    }

    /** The middle instance (in the index's series/instance number order) of a study or series in scope. */
    private StoredInstance middleInstance(Principal p, Request rq) throws Exception {
        List<StoredInstance> all = ctx.index().instancesOfStudy(rq.study()).stream()
                .filter(si -> rq.series().map(s -> s.equals(si.seriesInstanceUid())).orElse(true))
                .filter(si -> visible(p, si)).toList();
        if (all.isEmpty()) {
            throw notFound(rq.series().map(s -> "series " + s + " in ").orElse("") + "study " + rq.study());
        }
        return all.get((all.size() - 1) / 2);
    }

    private boolean visible(Principal p, StoredInstance si) {
        return DEMO_INSTITUTION.equals(p.institution()) || leadHospitals.contains(p.institution())
                || p.institution().equals(si.institutionId());
    }

    private static Refusal notFound(String what) {
        return new Refusal(404, "HZ-5530", "no " + what + " (or not visible to the caller)");
    }

    private static void problem(RoutingContext rc, Refusal r) {
        if (rc.response().ended()) {
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", "urn:huizhen:problem:" + r.code)
                .put("title", title(r.status))
                .put("status", r.status)
                .put("detail", r.code + " " + r.getMessage());
        rc.response().setStatusCode(r.status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(body.encode());
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 406 -> "Not Acceptable";
            case 422 -> "Unprocessable Content";
            default -> "Internal Server Error";
        };
    }
}
