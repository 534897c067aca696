package org.huizhen.hub.ecg;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.hub.web.dicomweb.DicomWebResponses;
import org.huizhen.storage.index.EcgPriority;
import org.huizhen.storage.index.EcgQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tele-ECG HTTP API, mounted behind the hub's authentication ({@link HttpAuth}), with the
 * scopes of DICOMweb: {@code dicomweb.write} to upload, {@code dicomweb.read} to read; and its
 * institution scoping: a clinic sees only its own ECGs, a lead hospital every ECG (others' ECGs are
 * answered 404, so their existence is not revealed).
 *
 * <ul>
 *   <li>{@code POST /api/ecg}: body = one ECG file (DICOM ECG, HL7 aECG, SCP-ECG, GE MUSE XML,
 *       Philips XML), as {@code application/dicom}, {@code application/xml}, {@code text/xml},
 *       {@code application/octet-stream} (or no Content-Type), or {@code multipart/form-data} with
 *       one file part (the first; others are ignored). {@code ?filename=}, a
 *       {@code Content-Disposition} filename or the form part's filename helps detection.
 *       201 + {@code Location} and the ECG's JSON once the original, its DICOM instance and its
 *       record are durable; 200 with the stored ECG when the same file was uploaded before by
 *       the same institution. Errors: 415 HZ-7013 other media type, 413 HZ-7014 over
 *       {@code ecg.max-upload-bytes}, 400 HZ-7015 form without a file, and the readers'
 *       HZ-7001..7005 (415/400/422/413) with nothing stored.</li>
 *   <li>{@code GET /api/ecg/{id}}: the ECG's JSON (id = SOP Instance UID; also a DICOM ECG that
 *       came by C-STORE/STOW-RS).</li>
 *   <li>{@code GET /api/ecg/{id}/render?format=svg|png}: the 12-lead page, {@code image/svg+xml}
 *       or {@code image/png}.</li>
 *   <li>{@code GET /api/ecg/{id}/original}: the file as received with its media type.</li>
 *   <li>{@code GET /api/ecg?patientId=&since=&priority=ROUTINE|STAT&limit=}: a JSON array, newest
 *       stored first; {@code since} is an ISO instant, date-time with offset, or a date (start of
 *       that day in the hub's time zone); {@code limit} 1..1000, default 100.</li>
 * </ul>
 * Errors are {@code application/problem+json} (RFC 9457) with the code first in {@code detail}.
 *
 * <p>Threading: handlers run on the event loop and only collect the body there; parsing,
 * measuring, rendering, JDBC and file I/O run in {@code executeBlocking} (worker pool, unordered).
 */
public final class EcgRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(EcgRoutes.class);
    /** Base path of the API. */
    public static final String BASE = "/api/ecg";
    private static final Set<String> BODY_TYPES = Set.of("application/dicom", "application/xml", "text/xml",
            "application/octet-stream");
    private static final Pattern DISPOSITION_NAME = Pattern.compile("filename\\s*=\\s*\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final int DEFAULT_LIMIT = 100;

    private EcgRoutes() {
    }

    /** Mounts the routes; bodies over {@code maxBodyBytes} get 413. */
    public static void mount(Router router, EcgService service, long maxBodyBytes) {
        router.post(BASE).handler(HttpAuth.requireScope("dicomweb.write")).handler(rc -> upload(rc, service, maxBodyBytes));
        router.get(BASE).handler(HttpAuth.requireScope("dicomweb.read")).handler(rc -> list(rc, service));
        router.get(BASE + "/:id").handler(HttpAuth.requireScope("dicomweb.read")).handler(rc -> read(rc, service));
        router.get(BASE + "/:id/render").handler(HttpAuth.requireScope("dicomweb.read")).handler(rc -> render(rc, service));
        router.get(BASE + "/:id/original").handler(HttpAuth.requireScope("dicomweb.read")).handler(rc -> original(rc, service));
    }

    // ---------------------------------------------------------------- POST

    private static void upload(RoutingContext rc, EcgService service, long maxBodyBytes) {
        HttpServerRequest req = rc.request();
        String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
        String essence = contentType == null ? "application/octet-stream"
                : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        boolean form = essence.equals("multipart/form-data");
        if (!form && !BODY_TYPES.contains(essence)) {
            refuse(rc, new EcgProblem(415, "HZ-7013", "an ECG upload is one file as application/dicom, application/xml,"
                    + " text/xml, application/octet-stream or multipart/form-data; got " + contentType));
            return;
        }
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLong(length) > maxBodyBytes) {
            refuse(rc, tooBig(maxBodyBytes));
            return;
        }
        Principal who = HttpAuth.principal(rc).orElseThrow();
        Body body = new Body(rc, maxBodyBytes);
        body.fileName = Optional.ofNullable(rc.queryParams().get("filename"))
                .or(() -> Optional.ofNullable(req.getHeader("Content-Disposition")).flatMap(EcgRoutes::dispositionName));
        Consumer<Void> done = v -> {
            if (body.refused) {
                return;
            }
            if (form && !body.sawFile) {
                DicomWebResponses.problem(rc, 400, "HZ-7015", "the multipart/form-data body has no file part");
                return;
            }
            byte[] bytes = body.data.getBytes();
            Optional<String> remote = Optional.ofNullable(req.remoteAddress()).map(a -> a.hostAddress());
            blocking(rc, () -> {
                EcgService.Stored stored = service.upload(bytes, body.fileName, who, remote);
                return new Answer(stored.created(), stored.record().id(), service.json(stored.record()).encode());
            }, a -> rc.response().setStatusCode(a.created() ? 201 : 200)
                    .putHeader(HttpHeaders.LOCATION, BASE + "/" + a.id())
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(a.json()));
        };
        req.exceptionHandler(e -> LOG.info("ECG upload from {} failed while receiving: {}", req.remoteAddress(), e.toString()));
        if (form) {
            req.setExpectMultipart(true);
            req.uploadHandler(upload -> {
                if (body.sawFile) {
                    upload.handler(b -> { }); // only the first file part is the ECG
                    return;
                }
                body.sawFile = true;
                if (upload.filename() != null && !upload.filename().isBlank() && body.fileName.isEmpty()) {
                    body.fileName = Optional.of(upload.filename());
                }
                upload.handler(body::append);
            });
        } else {
            req.handler(body::append);
        }
        req.endHandler(v -> done.accept(null));
        req.resume();
    }

    /** An upload's answer, made off the event loop. */
    private record Answer(boolean created, String id, String json) {
    }

    /** The body as it arrives, up to the limit; beyond it the request is answered 413 once and the rest dropped. */
    private static final class Body {
        final RoutingContext rc;
        final long max;
        final Buffer data = Buffer.buffer();
        Optional<String> fileName = Optional.empty();
        boolean sawFile;
        boolean refused;

        Body(RoutingContext rc, long max) {
            this.rc = rc;
            this.max = max;
        }

        void append(Buffer chunk) {
            if (refused) {
                return;
            }
            if (data.length() + (long) chunk.length() > max) {
                refused = true;
                refuse(rc, tooBig(max));
                return;
            }
            data.appendBuffer(chunk);
        }
    }

    private static EcgProblem tooBig(long max) {
        return new EcgProblem(413, "HZ-7014", "the ECG file is over the limit of " + max + " bytes (ecg.max-upload-bytes)");
    }

    private static Optional<String> dispositionName(String header) {
        Matcher m = DISPOSITION_NAME.matcher(header);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }

    /**
     * Answers before the body was read; the connection closes after the answer (RFC 9112 9.6),
     * the unread body is not worth receiving. HTTP/2 forbids the header; its stream is reset.
     */
    private static void refuse(RoutingContext rc, EcgProblem p) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        problem(rc, p);
    }

    // ---------------------------------------------------------------- GET

    private static void read(RoutingContext rc, EcgService service) {
        Principal who = HttpAuth.principal(rc).orElseThrow();
        String id = rc.pathParam("id");
        blocking(rc, () -> service.json(service.get(id, who)).encode(), json -> rc.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json));
    }

    private static void render(RoutingContext rc, EcgService service) {
        Principal who = HttpAuth.principal(rc).orElseThrow();
        String id = rc.pathParam("id");
        String format = Optional.ofNullable(rc.queryParams().get("format")).orElse("svg").toLowerCase(Locale.ROOT);
        if (!format.equals("svg") && !format.equals("png")) {
            problem(rc, new EcgProblem(400, "HZ-7012", "format must be svg or png, got '" + format + "'"));
            return;
        }
        boolean png = format.equals("png");
        blocking(rc, () -> service.render(service.get(id, who), png), bytes -> rc.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, png ? "image/png" : "image/svg+xml; charset=utf-8")
                .end(Buffer.buffer(bytes)));
    }

    private static void original(RoutingContext rc, EcgService service) {
        Principal who = HttpAuth.principal(rc).orElseThrow();
        String id = rc.pathParam("id");
        blocking(rc, () -> service.original(service.get(id, who)), o -> {
            rc.response().putHeader(HttpHeaders.CONTENT_TYPE, o.mediaType());
            o.fileName().ifPresent(n -> rc.response().putHeader("Content-Disposition",
                    "attachment; filename=\"" + n.replaceAll("[^A-Za-z0-9._-]", "_") + "\""));
            rc.response().end(Buffer.buffer(o.bytes()));
        });
    }

    private static void list(RoutingContext rc, EcgService service) {
        Principal who = HttpAuth.principal(rc).orElseThrow();
        EcgQuery query;
        try {
            query = query(rc, service, who);
        } catch (EcgProblem p) {
            problem(rc, p);
            return;
        }
        blocking(rc, () -> {
            JsonArray arr = new JsonArray();
            service.list(query).forEach(r -> arr.add(service.json(r)));
            return arr.encode();
        }, json -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(json));
    }

    private static EcgQuery query(RoutingContext rc, EcgService service, Principal who) throws EcgProblem {
        var p = rc.queryParams();
        Optional<String> patientId = Optional.ofNullable(p.get("patientId")).filter(s -> !s.isBlank());
        Optional<Instant> since = Optional.empty();
        if (p.get("since") != null && !p.get("since").isBlank()) {
            since = Optional.of(instant(p.get("since").trim()));
        }
        Optional<EcgPriority> priority = Optional.empty();
        if (p.get("priority") != null && !p.get("priority").isBlank()) {
            try {
                priority = Optional.of(EcgPriority.valueOf(p.get("priority").trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new EcgProblem(400, "HZ-7012", "priority must be ROUTINE or STAT, got '" + p.get("priority") + "'");
            }
        }
        int limit = DEFAULT_LIMIT;
        if (p.get("limit") != null) {
            limit = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, parseLong(p.get("limit"))));
            if (limit < 1 || limit > EcgQuery.MAX_LIMIT) {
                throw new EcgProblem(400, "HZ-7012", "limit must be 1.." + EcgQuery.MAX_LIMIT + ", got '" + p.get("limit") + "'");
            }
        }
        Optional<String> scope = service.access().seesEverything(who) ? Optional.empty() : Optional.of(who.institution());
        return new EcgQuery(scope, patientId, since, priority, limit);
    }

    private static Instant instant(String s) throws EcgProblem {
        try {
            if (s.length() == 10) {
                return LocalDate.parse(s).atStartOfDay(ZoneId.systemDefault()).toInstant();
            }
            return s.endsWith("Z") ? Instant.parse(s) : OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new EcgProblem(400, "HZ-7012", "since must be an ISO date or date-time with offset, got '" + s + "'");
        }
    }

    // ---------------------------------------------------------------- plumbing

    /** Work that may throw {@link EcgProblem}. */
    @FunctionalInterface
    private interface Work<T> extends Callable<T> {
    }

    /** Runs {@code work} on a worker thread; its result goes to {@code ok} on the event loop, a failure to a problem body. */
    private static <T> void blocking(RoutingContext rc, Work<T> work, Consumer<T> ok) {
        rc.vertx().<T>executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ok.accept(ar.result());
            } else if (ar.cause() instanceof EcgProblem p) {
                problem(rc, p);
            } else {
                LOG.error("HZ-7099 {} {} failed", rc.request().method(), rc.request().path(), ar.cause());
                problem(rc, new EcgProblem(500, "HZ-7099", "internal error: " + ar.cause()));
            }
        });
    }

    private static void problem(RoutingContext rc, EcgProblem p) {
        DicomWebResponses.problem(rc, p.status(), p.code(), p.detail());
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
