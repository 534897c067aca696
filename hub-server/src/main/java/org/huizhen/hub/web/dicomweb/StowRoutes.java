package org.huizhen.hub.web.dicomweb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.FlowControl;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.web.BulkDataUriFactory;
import org.huizhen.dicom.web.DicomJson;
import org.huizhen.dicom.web.DicomWebException;
import org.huizhen.dicom.web.MediaType;
import org.huizhen.dicom.web.MultipartLimits;
import org.huizhen.dicom.web.MultipartParser;
import org.huizhen.dicom.web.PartHeaders;
import org.huizhen.hub.ingest.UploadRequest;
import org.huizhen.hub.ingest.UploadResult;
import org.huizhen.hub.ingest.UploadSink;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOW-RS (PS3.18 10.5): {@code POST {base}/studies} and {@code POST {base}/studies/{study}}
 * with a {@code multipart/related; type="application/dicom"} body, each part a DICOM Part 10
 * file. Each part is streamed — never held whole — through the same ingest path as a C-STORE
 * ({@code IngestService.beginUpload}): its File Meta Information is read and dropped
 * ({@link StowPart10Head}), the data-set bytes go to the blob store behind the hub's own
 * deterministic meta header, then journal and index, with origin {@link Protocol#STOW_RS}, the
 * caller's institution and the remote address. Requires scope {@code dicomweb.write}.
 *
 * <p>All or nothing for the request's syntax (PS3.18 10.5.3: 400 means nothing was stored): each
 * part is written to a temporary blob as it arrives, but committed only once the whole body has
 * been parsed; a malformed body, a wrong part type or a limit exceeded discards every part.
 *
 * <p>Response (PS3.18 10.5.3, Table 10.5.3-1/-2): {@code application/dicom+json} with Retrieve
 * URL (0008,1190) of the study (when the target or all stored instances name one), Referenced SOP
 * Sequence (0008,1199) of the stored instances and Failed SOP Sequence (0008,1198) with Failure
 * Reason (0008,1197) of the refused ones: 0xC000 the part is no readable Part 10 file or its data
 * set cannot be parsed, 0xA900 its data set's SOP Instance UID differs from its meta
 * information's, 0xC122 it belongs to another study than the target URI's. Status 200 all stored,
 * 202 some refused, 409 none stored. Request errors are problem bodies: 415 {@code HZ-5601} not
 * {@code multipart/related; type="application/dicom"}, {@code HZ-5602} a part of another type;
 * 413 {@code HZ-5603} the body is over the limit ({@link #DEFAULT_MAX_BODY_BYTES}, or
 * multipart limits HZ-5207/5208); 400 {@code HZ-5604} no part, HZ-52xx malformed multipart.
 *
 * <p>Limits: body bytes ({@code maxBodyBytes}, checked against Content-Length before reading
 * and counted while reading), {@link #DEFAULT_MAX_PARTS} parts (each pending part holds one open
 * temporary file until the body ends), {@link StowPart10Head#MAX_META_BYTES} of meta group.
 *
 * <p>Threading: the handler and the multipart callbacks run on the request's event loop; file
 * writes run in the ingest service's worker lanes, which pause the request while more than a
 * few MiB wait to be written.
 */
public final class StowRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StowRoutes.class);
    /** Largest request body accepted by {@link #mount(Router, DicomWebContext)}, in bytes. */
    public static final long DEFAULT_MAX_BODY_BYTES = 2L << 30;
    /** Most parts (instances) in one request. */
    public static final int DEFAULT_MAX_PARTS = 2000;

    private StowRoutes() {
    }

    /** Mounts the STOW-RS routes under {@code ctx.basePath()} with the default body limit. */
    public static void mount(Router router, DicomWebContext ctx) {
        mount(router, ctx, DEFAULT_MAX_BODY_BYTES);
    }

    /** Mounts the STOW-RS routes under {@code ctx.basePath()}; bodies over {@code maxBodyBytes} get 413. */
    public static void mount(Router router, DicomWebContext ctx, long maxBodyBytes) {
        String base = ctx.basePath();
        for (String path : List.of(base + "/studies", base + "/studies/:study")) {
            router.post(path).handler(HttpAuth.requireScope("dicomweb.write"))
                    .handler(rc -> handle(rc, ctx, maxBodyBytes));
        }
    }

    private static void handle(RoutingContext rc, DicomWebContext ctx, long maxBodyBytes) {
        HttpServerRequest req = rc.request();
        MediaType contentType;
        try {
            contentType = contentType(req.getHeader(HttpHeaders.CONTENT_TYPE));
        } catch (DicomWebException e) {
            refuse(rc, e);
            return;
        }
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLong(length) > maxBodyBytes) {
            refuse(rc, new DicomWebException(413, "HZ-5603", "the body of " + length + " bytes is over the limit of "
                    + maxBodyBytes + " bytes"));
            return;
        }
        Principal principal = HttpAuth.principal(rc).orElseThrow();
        Upload upload = new Upload(rc, ctx, principal, Optional.ofNullable(rc.pathParam("study")), maxBodyBytes);
        MultipartLimits limits = MultipartLimits.DEFAULT.withMaxParts(DEFAULT_MAX_PARTS).withMaxPartBytes(maxBodyBytes);
        MultipartParser.parse(req, contentType, limits, upload).onComplete(upload::bodyDone);
        req.resume();
    }

    /** {@code multipart/related; type="application/dicom"} (quoted or not), or 415 HZ-5601. */
    private static MediaType contentType(String header) {
        MediaType ct;
        try {
            ct = header == null ? null : MediaType.parse(header);
        } catch (DicomWebException e) {
            ct = null;
        }
        boolean ok = ct != null && ct.sameTypeAs(MediaType.MULTIPART_RELATED)
                && ct.parameter("type").map(t -> t.equalsIgnoreCase("application/dicom")).orElse(false);
        if (!ok) {
            throw new DicomWebException(415, "HZ-5601", "STOW-RS takes multipart/related; type=\"application/dicom\","
                    + " got " + (header == null ? "no Content-Type" : header) + " (PS3.18 10.5.1.1)");
        }
        return ct;
    }

    /** A request refused before its body was read: answered and the connection closed, the body unread. */
    private static void refuse(RoutingContext rc, DicomWebException e) {
        closeAfterResponse(rc);
        DicomWebResponses.problem(rc, e);
    }

    /**
     * HTTP/1.1 only (RFC 9112 9.6): the unread rest of the body is not worth receiving, so the
     * connection closes after the answer. HTTP/2 forbids the header; its stream is reset instead.
     */
    private static void closeAfterResponse(RoutingContext rc) {
        if (rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One part: its meta header scanner, then its sink; or why it cannot be stored. */
    private static final class Part {
        final StowPart10Head head = new StowPart10Head();
        Meta meta;
        UploadSink sink;
        String invalid;
    }

    /** The SOP Class and Instance UIDs of a part's File Meta Information. */
    private record Meta(String sopClassUid, String sopInstanceUid) {
    }

    /** The outcome of one part for the response. */
    private record Outcome(Optional<Meta> meta, StoreResult result, Optional<InstanceRecord> stored) {
    }

    /** One STOW-RS request in progress; every method runs on the request's event loop unless noted. */
    private static final class Upload implements MultipartParser.PartHandler {
        private final RoutingContext rc;
        private final DicomWebContext ctx;
        private final Principal principal;
        private final Optional<String> study;
        private final long maxBodyBytes;
        private final Context context;
        private final FlowControl flow;
        private final List<Part> parts = new ArrayList<>();
        private Part current;
        private long bodyBytes;

        Upload(RoutingContext rc, DicomWebContext ctx, Principal principal, Optional<String> study, long maxBodyBytes) {
            this.rc = rc;
            this.ctx = ctx;
            this.principal = principal;
            this.study = study;
            this.maxBodyBytes = maxBodyBytes;
            this.context = ctx.vertx().getOrCreateContext();
            this.flow = new RequestFlow(rc.request(), context);
        }

        @Override
        public void partStart(PartHeaders headers) {
            Optional<MediaType> type = headers.contentType();
            if (type.isPresent() && !type.get().sameTypeAs(MediaType.APPLICATION_DICOM)) {
                throw new DicomWebException(415, "HZ-5602", "part " + (parts.size() + 1) + " is "
                        + type.get().essence() + ", STOW-RS of this request takes application/dicom parts");
            }
            current = new Part();
        }

        @Override
        public void partData(Buffer chunk) {
            bodyBytes += chunk.length();
            if (bodyBytes > maxBodyBytes) {
                throw new DicomWebException(413, "HZ-5603", "the body is over the limit of " + maxBodyBytes + " bytes");
            }
            Part p = current;
            if (p.invalid != null) {
                return; // drained: the part is reported as failed
            }
            if (p.sink != null) {
                p.sink.data(byteBuf(chunk));
                return;
            }
            step(p, p.head.feed(chunk));
        }

        @Override
        public void partEnd() {
            Part p = current;
            if (p.sink == null && p.invalid == null) {
                step(p, p.head.end());
            }
            if (p.sink != null) {
                // The part is complete but is committed only with the whole body: force its
                // data now, while the following parts arrive (only the rename is left for later).
                p.sink.dataComplete();
            }
            parts.add(p);
            current = null;
        }

        private void step(Part p, StowPart10Head.Step step) {
            switch (step) {
                case StowPart10Head.NeedMore n -> { }
                case StowPart10Head.Invalid i -> p.invalid = i.reason();
                case StowPart10Head.Complete c -> {
                    p.meta = new Meta(c.sopClassUid(), c.sopInstanceUid());
                    p.sink = ctx.ingest().beginUpload(new UploadRequest(c.sopClassUid(), c.sopInstanceUid(),
                            c.transferSyntaxUid(), principal.institution(),
                            Protocol.STOW_RS, Optional.empty(), Optional.ofNullable(remoteHost()), flow, study));
                    if (c.dataSetStart().length() > 0) {
                        p.sink.data(byteBuf(c.dataSetStart()));
                    }
                }
            }
        }

        private String remoteHost() {
            var a = rc.request().remoteAddress();
            return a == null ? null : a.hostAddress();
        }

        /**
         * A buffer of its own over the chunk's bytes, without copying them: the sink owns (and
         * releases) what it is given, and releasing this wrapper leaves the chunk, which other
         * slices handed on by the parser may share, untouched. The request's chunks are never
         * reused by Vert.x, so the bytes stay valid until the sink has written them.
         */
        private static ByteBuf byteBuf(Buffer chunk) {
            return Unpooled.wrappedBuffer(chunk.getByteBuf().nioBuffer());
        }

        /** The multipart parser finished (or failed): commit every part, or discard them all. */
        void bodyDone(AsyncResult<Integer> done) {
            if (done.failed()) {
                discardAll(done.cause());
                rc.request().resume();
                if (done.cause() instanceof DicomWebException e) {
                    closeAfterResponse(rc);
                    DicomWebResponses.problem(rc, e);
                } else {
                    LOG.info("STOW-RS from {} failed: {}", remoteHost(), done.cause().toString());
                    DicomWebResponses.problem(rc, done.cause());
                }
                return;
            }
            if (parts.isEmpty()) {
                DicomWebResponses.problem(rc, 400, "HZ-5604", "the multipart body holds no part");
                return;
            }
            List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
            for (Part p : parts) {
                if (p.sink == null) {
                    LOG.info("STOW-RS part from {} refused: {}", remoteHost(), p.invalid);
                    outcomes.add(CompletableFuture.completedFuture(new Outcome(Optional.ofNullable(p.meta),
                            StoreResult.failure(Status.CANNOT_UNDERSTAND, p.invalid), Optional.empty())));
                } else {
                    Optional<Meta> meta = Optional.of(p.meta);
                    outcomes.add(p.sink.end().toCompletableFuture()
                            .thenApply((UploadResult r) -> new Outcome(meta, r.result(), r.stored())));
                }
            }
            CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).whenComplete((v, err) ->
                    context.runOnContext(x -> respond(outcomes.stream().map(CompletableFuture::join).toList())));
        }

        private void discardAll(Throwable cause) {
            List<Part> all = new ArrayList<>(parts);
            if (current != null) {
                all.add(current);
            }
            for (Part p : all) {
                if (p.sink != null) {
                    p.sink.abort(cause);
                }
            }
        }

        /** The PS3.18 10.5.3 response: 200 all stored, 202 some, 409 none. */
        private void respond(List<Outcome> outcomes) {
            String base = baseUrl(rc) + ctx.basePath();
            List<DataSet> referenced = new ArrayList<>();
            List<DataSet> failed = new ArrayList<>();
            Set<String> studies = new LinkedHashSet<>();
            for (Outcome o : outcomes) {
                DataSet.Builder item = DataSet.builder();
                o.meta().ifPresent(m -> item.setString(Tag.ReferencedSOPClassUID, VR.UI, m.sopClassUid())
                        .setString(Tag.ReferencedSOPInstanceUID, VR.UI, m.sopInstanceUid()));
                if (o.stored().isPresent()) {
                    InstanceRecord r = o.stored().get();
                    studies.add(r.study().studyInstanceUid());
                    item.setString(Tag.RetrieveURL, VR.UR, base + "/studies/" + r.study().studyInstanceUid()
                            + "/series/" + r.series().seriesInstanceUid() + "/instances/" + r.instance().sopInstanceUid());
                    if (o.result().status() != 0) {
                        item.setInt(Tag.WarningReason, VR.US, o.result().status());
                    }
                    referenced.add(item.build());
                } else {
                    item.setInt(Tag.FailureReason, VR.US, o.result().status());
                    failed.add(item.build());
                    LOG.info("STOW-RS instance {} from {}@{} refused: {}", o.meta().map(Meta::sopInstanceUid)
                            .orElse("?"), principal.subject(), principal.institution(), o.result().errorComment().orElse(""));
                }
            }
            DataSet.Builder body = DataSet.builder();
            Optional<String> studyOfResponse = study.isPresent() ? study
                    : studies.size() == 1 ? Optional.of(studies.iterator().next()) : Optional.empty();
            studyOfResponse.ifPresent(s -> body.setString(Tag.RetrieveURL, VR.UR, base + "/studies/" + s));
            if (!failed.isEmpty()) {
                body.setSequence(Tag.FailedSOPSequence, failed);
            }
            if (!referenced.isEmpty()) {
                body.setSequence(Tag.ReferencedSOPSequence, referenced);
            }
            int status = failed.isEmpty() ? 200 : referenced.isEmpty() ? 409 : 202;
            rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, DicomJson.MEDIA_TYPE)
                    .end(Buffer.buffer(DicomJson.render(body.build(), BulkDataUriFactory.none())));
        }
    }

    /** {@code scheme://host[:port]} of the request, for absolute Retrieve URLs. */
    static String baseUrl(RoutingContext rc) {
        URI uri = URI.create(rc.request().absoluteURI());
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    /**
     * Pauses the request while any part's sink asks to (sinks call from worker threads); each
     * sink's pause is matched by its resume, so the request reads again once none is behind.
     */
    private static final class RequestFlow implements FlowControl {
        private final HttpServerRequest request;
        private final Context context;
        private int pauses;

        RequestFlow(HttpServerRequest request, Context context) {
            this.request = request;
            this.context = context;
        }

        @Override
        public synchronized void pause() {
            if (pauses++ == 0) {
                context.runOnContext(v -> request.pause());
            }
        }

        @Override
        public synchronized void resume() {
            if (pauses > 0 && --pauses == 0) {
                context.runOnContext(v -> request.resume());
            }
        }
    }
}
