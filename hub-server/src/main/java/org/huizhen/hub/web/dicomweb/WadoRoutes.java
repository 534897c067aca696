package org.huizhen.hub.web.dicomweb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.web.ContentNegotiation;
import org.huizhen.dicom.web.DicomJson;
import org.huizhen.dicom.web.DicomWebException;
import org.huizhen.dicom.web.MediaType;
import org.huizhen.dicom.web.MultipartWriter;
import org.huizhen.dicom.web.PartHeaders;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.storage.HeldBlob;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.StoredInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WADO-RS (PS3.18 10.4) and WADO-URI (PS3.18 9) retrieval from the hub, mounted under the
 * DICOMweb service root ({@code ctx.basePath()}, {@code /dicomweb}) behind {@code HttpAuth} and the
 * {@code dicomweb.read} scope:
 * <pre>
 * GET /studies/{study}[/series/{series}[/instances/{sop}]]             multipart/related; type="application/dicom"
 * GET /studies/{study}[/series/{series}[/instances/{sop}]]/metadata    application/dicom+json
 * GET /studies/{study}/series/{series}/instances/{sop}/frames/{n,m...} multipart/related; type=application/octet-stream or image/jpeg...
 * GET /studies/{study}/series/{series}/instances/{sop}/bulkdata/{path} application/octet-stream
 * GET /wado?requestType=WADO&amp;studyUID=&amp;seriesUID=&amp;objectUID=&amp;contentType=application/dicom
 * </pre>
 *
 * <p>Instances go from their blob files part by part with backpressure; no whole instance is
 * held in the heap. On HTTP/1.x without TLS each file body is handed to the socket as a file
 * region (sendfile(2), no copy through the heap; {@code FileParts}); otherwise it is read in
 * chunks and piped ({@link MultipartWriter}). Transfer syntax (PS3.18
 * 8.7.3.5): {@code transfer-syntax=*} or no transfer-syntax gives each instance in its stored
 * syntax; a named syntax other than the stored one is produced only between native encodings
 * (target Explicit or Implicit VR Little Endian from any non-encapsulated stored syntax, written
 * to a temporary file first), otherwise 406 {@code HZ-5402}. Every 4xx/5xx is an
 * {@code application/problem+json} with an {@code HZ-54xx} code (see {@link WadoProblem}).
 *
 * <p>Scoping: resources the caller may not see ({@link WadoAccess}) are answered 404 like
 * unknown ones. Threading: handlers run on the event loop; index look-ups, parsing, conversion
 * and cache I/O run in {@code executeBlocking}; file bodies go out as file regions, or through
 * Vert.x {@link AsyncFile} on the streaming path.
 */
public final class WadoRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(WadoRoutes.class);

    /** Explicit VR Little Endian. */
    static final String EXPLICIT_LE = TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN.uid();
    /** Implicit VR Little Endian. */
    static final String IMPLICIT_LE = TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN.uid();

    private final DicomWebContext ctx;
    private final WadoAccess access;
    private final MetadataCache metadata;
    private final Path tmpDir;
    /** False only in tests that exercise the streaming path on HTTP/1.1. */
    private final boolean zeroCopy;

    private WadoRoutes(DicomWebContext ctx, WadoAccess access, boolean zeroCopy) {
        this.ctx = ctx;
        this.access = access;
        this.zeroCopy = zeroCopy;
        this.metadata = new MetadataCache(ctx.blobs(), ctx.dataDir(), ctx.basePath());
        this.tmpDir = ctx.dataDir().resolve("cache").resolve("wado-tmp");
    }

    /**
     * Mounts the routes with the safe scoping rule {@link WadoAccess#ownInstitutionOnly()}: only
     * the demo institution sees every institution's data. Use {@link #mount(Router,
     * DicomWebContext, WadoAccess)} with {@link WadoAccess#fromConfig} to let lead hospitals see
     * everything.
     */
    public static void mount(Router router, DicomWebContext ctx) {
        mount(router, ctx, WadoAccess.ownInstitutionOnly());
    }

    /** Mounts the routes under {@code ctx.basePath()} with the given scoping rule. */
    public static void mount(Router router, DicomWebContext ctx, WadoAccess access) {
        mount(router, ctx, access, true);
    }

    /** As {@link #mount(Router, DicomWebContext, WadoAccess)}; {@code zeroCopy} false forces the streaming path (tests). */
    static void mount(Router router, DicomWebContext ctx, WadoAccess access, boolean zeroCopy) {
        Objects.requireNonNull(access, "access");
        WadoRoutes w = new WadoRoutes(ctx, access, zeroCopy);
        String b = ctx.basePath();
        String st = b + "/studies/:study";
        String se = st + "/series/:series";
        String in = se + "/instances/:instance";
        var scope = HttpAuth.requireScope("dicomweb.read");
        router.get(st).handler(scope).handler(c -> w.retrieve(c, WadoTarget.study(c.pathParam("study"))));
        router.get(se).handler(scope).handler(c -> w.retrieve(c, WadoTarget.series(c.pathParam("study"),
                c.pathParam("series"))));
        router.get(in).handler(scope).handler(c -> w.retrieve(c, target(c)));
        router.get(st + "/metadata").handler(scope).handler(c -> w.metadata(c, WadoTarget.study(c.pathParam("study"))));
        router.get(se + "/metadata").handler(scope).handler(c -> w.metadata(c, WadoTarget.series(c.pathParam("study"),
                c.pathParam("series"))));
        router.get(in + "/metadata").handler(scope).handler(c -> w.metadata(c, target(c)));
        router.get(in + "/frames/:frames").handler(scope).handler(w::frames);
        router.getWithRegex(java.util.regex.Pattern.quote(b) + "/studies/([^/]+)/series/([^/]+)/instances/([^/]+)/bulkdata/(.+)")
                .handler(scope).handler(w::bulkdata);
        router.get(b + "/wado").handler(scope).handler(w::wadoUri);
    }

    private static WadoTarget target(RoutingContext c) {
        return WadoTarget.instance(c.pathParam("study"), c.pathParam("series"), c.pathParam("instance"));
    }

    // ------------------------------------------------------------------ instances (PS3.18 10.4.1.1.1-3)

    /** One instance to send: its file, and the syntax to send it in (null = as stored). */
    private record Planned(StoredInstance instance, TransferSyntax convertTo) {
    }

    private void retrieve(RoutingContext c, WadoTarget target) {
        Principal p = principal(c);
        String accept = c.request().getHeader(HttpHeaders.ACCEPT);
        blocking(c, () -> {
            Optional<String> wanted = requestedTransferSyntax(accept);
            return plan(target.resolve(ctx.index(), access, p), wanted);
        }).onSuccess(plan -> {
            HttpServerResponse resp = c.response();
            MultipartWriter w = MultipartWriter.create(resp);
            List<String> syntaxes = plan.stream().map(this::sentSyntax).distinct().toList();
            MediaType type = syntaxes.size() == 1
                    ? w.contentType("application/dicom", "transfer-syntax", syntaxes.get(0))
                    : w.contentType("application/dicom");
            resp.putHeader(HttpHeaders.CONTENT_TYPE, type.toString());
            Optional<ConnectionBase> conn = zeroCopy ? fileRegionConnection(c) : Optional.empty();
            if (conn.isPresent()) {
                new FileParts(c, w, plan, conn.get()).start();
            } else {
                resp.setChunked(true);
                sendParts(c, w, plan, 0);
            }
        });
    }

    /**
     * Bytes per read when streaming a blob: AsyncFile's default of 8 KiB costs a file read and a
     * response write per 8 KiB; 256 KiB keeps memory small per request and the syscalls few.
     */
    private static final int READ_CHUNK = 256 * 1024;

    private String sentSyntax(Planned p) {
        return p.convertTo() != null ? p.convertTo().uid() : p.instance().transferSyntaxUid();
    }

    /**
     * A part's head: Content-Type with the syntax sent (PS3.18 8.7.3.5), Content-Location of the
     * instance and, when it goes as stored, its Content-Length (RFC 2046 leaves part fields open;
     * RFC 9110 8.6 gives the meaning): a client can then preallocate, or step over a part without
     * scanning its bytes for the boundary. The size is the index's, which the send checks against
     * the file. A part converted to another syntax has no length until converted, so none is sent.
     */
    private PartHeaders partHeaders(Planned p) {
        String type = "application/dicom; transfer-syntax=" + sentSyntax(p);
        String location = ctx.basePath() + "/" + WadoTarget.instancePath(p.instance());
        return p.convertTo() == null
                ? PartHeaders.of("Content-Type", type, "Content-Location", location,
                        "Content-Length", Long.toString(p.instance().sizeBytes()))
                : PartHeaders.of("Content-Type", type, "Content-Location", location);
    }

    /** HZ-5411: the blob file of a part sent as stored has {@code length} bytes, not the index's size. */
    private static IOException sizeMismatch(Planned p, long length) {
        return new IOException("HZ-5411 blob of " + p.instance().sopInstanceUid() + " has " + length
                + " bytes, the index says " + p.instance().sizeBytes());
    }

    /** The streaming path (HTTP/2, TLS): each blob read in {@link #READ_CHUNK} pieces and piped with backpressure. */
    private void sendParts(RoutingContext c, MultipartWriter w, List<Planned> plan, int next) {
        if (next == plan.size()) {
            w.end();
            return;
        }
        Planned p = plan.get(next);
        PartHeaders headers = partHeaders(p);
        Optional<HeldBlob> held = p.convertTo() == null ? ctx.blobs().held(p.instance().blobId()) : Optional.empty();
        if (held.isPresent()) {
            HeldBlob h = held.get();
            if (h.size() != p.instance().sizeBytes()) {
                h.release();
                failPart(c, sizeMismatch(p, h.size()));
                return;
            }
            // the next part waits until this one's bytes are written: the memory is pinned until then
            w.writePartHead(headers);
            c.response().write(bodyOf(h)).onComplete(r -> {
                h.release();
                if (r.failed()) {
                    failPart(c, r.cause());
                } else {
                    sendParts(c, w, plan, next + 1);
                }
            });
            return;
        }
        withPart10File(c, p).onFailure(e -> failPart(c, e)).onSuccess(file -> c.vertx().fileSystem()
                .open(file.path().toString(), new OpenOptions().setRead(true))
                // the part's Content-Length is the index's size: never send other bytes under it
                .compose(f -> f.size().compose(n -> p.convertTo() == null && n != p.instance().sizeBytes()
                                ? Future.<Void>failedFuture(sizeMismatch(p, n))
                                : w.writePart(headers, f.setReadBufferSize(READ_CHUNK)))
                        .eventually(() -> f.close().otherwiseEmpty()))
                .onComplete(r -> {
                    file.release();
                    if (r.failed()) {
                        failPart(c, r.cause());
                    } else {
                        sendParts(c, w, plan, next + 1);
                    }
                }));
    }

    /**
     * A held blob's bytes as one buffer without copying them (a composite of views of the
     * store's memory); valid until the holder releases it, so only after the write completes.
     */
    private static Buffer bodyOf(HeldBlob h) {
        return Buffer.buffer(Unpooled.wrappedBuffer(h.buffers()));
    }

    /**
     * A part could not be sent: while nothing has gone out yet the answer is a problem (as for
     * any failure before), afterwards the response is reset (an error body cannot follow parts).
     */
    private static void failPart(RoutingContext c, Throwable e) {
        HttpServerResponse r = c.response();
        if (!r.headWritten()) {
            r.headers().remove(HttpHeaders.CONTENT_LENGTH); // the planned body's length no longer holds
            r.setChunked(false);
        }
        fail(c, e);
    }

    /**
     * Parts whose file bodies are queued at once on the zero-copy path: each holds an open file
     * until the socket has taken all of it; a few keep the socket busy between parts.
     */
    static final int FILE_WINDOW = 4;

    /**
     * The connection to hand file regions to, when the zero-copy path applies: HTTP/1.x without
     * TLS, where Netty gives a {@code DefaultFileRegion} to the socket with sendfile(2), so the
     * bytes never pass through the heap (Vert.x itself falls back to chunked reads when the
     * transport cannot). Empty for HTTP/2, which frames its own data, and for TLS, which must
     * encrypt every byte in user space.
     */
    private static Optional<ConnectionBase> fileRegionConnection(RoutingContext c) {
        HttpServerRequest rq = c.request();
        if (rq.version() == HttpVersion.HTTP_2 || rq.isSSL()) {
            return Optional.empty();
        }
        return rq.connection() instanceof ConnectionBase cb ? Optional.of(cb) : Optional.empty();
    }

    /**
     * One multipart answer on the zero-copy path: for each part the writer sends its head, then
     * the connection sends the whole file as a file region ({@code ConnectionBase.sendFile}, the
     * call Vert.x's own {@code sendFile} uses, with offset and length, which unlike the response's
     * {@code sendFile} does not end the response). Writes are ordered because every one is made
     * on the connection's event loop. Backpressure: at most {@link #FILE_WINDOW} file bodies are
     * queued; the next part starts when the socket has taken one. Instances sent as stored have
     * sizes the index knows, so the answer carries a Content-Length (no chunk framing); with a
     * conversion to another syntax the sizes are known only once converted, and it is chunked.
     * A file that cannot be opened or converted, or whose size is not the indexed one, or a
     * connection that fails ends the answer: with a problem while nothing has gone out yet, else
     * by resetting it (no error body can follow parts).
     *
     * <p>Threading: every method runs on the request's event loop (file opens included: they
     * are of local files, as in Vert.x's own sendFile); conversions run in executeBlocking.
     */
    private final class FileParts {
        private final RoutingContext c;
        private final MultipartWriter w;
        private final List<Planned> plan;
        private final ConnectionBase conn;
        private final boolean knownLength;
        private int next;
        /** Parts before this have been handed to the read-ahead (or need none). */
        private int readAhead;
        private int inFlight;
        private boolean preparing;
        private boolean done;
        /** {@link #pump()} is running: a nested call (a write that completed at once) only asks it to loop again. */
        private boolean pumping;
        private boolean pumpAgain;

        FileParts(RoutingContext c, MultipartWriter w, List<Planned> plan, ConnectionBase conn) {
            this.c = c;
            this.w = w;
            this.plan = plan;
            this.conn = conn;
            this.knownLength = plan.stream().allMatch(p -> p.convertTo() == null);
        }

        void start() {
            HttpServerResponse resp = c.response();
            if (knownLength) {
                long bodies = plan.stream().mapToLong(p -> p.instance().sizeBytes()).sum();
                long length = w.encodedLength(plan.stream().map(WadoRoutes.this::partHeaders).toList(), bodies);
                resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length));
            } else {
                resp.setChunked(true);
            }
            pump();
        }

        /**
         * Starts the next parts while the window has room. Trampolined: a completion that
         * arrives while it runs (a write the socket took at once) makes it loop instead of
         * recursing, so a study of thousands of instances cannot exhaust the stack.
         */
        private void pump() {
            if (pumping) {
                pumpAgain = true;
                return;
            }
            pumping = true;
            try {
                do {
                    pumpAgain = false;
                    pumpOnce();
                } while (pumpAgain);
            } finally {
                pumping = false;
            }
        }

        private void pumpOnce() {
            readAhead();
            while (!done && !preparing && inFlight < FILE_WINDOW && next < plan.size()) {
                readAhead(); // per part: completions that arrive at once loop here instead of calling pump()
                Planned p = plan.get(next++);
                Optional<HeldBlob> held = p.convertTo() == null ? ctx.blobs().held(p.instance().blobId())
                        : Optional.empty();
                if (held.isPresent()) {
                    sendHeld(p, held.get());
                    continue;
                }
                preparing = true;
                withPart10File(c, p).onComplete(r -> {
                    preparing = false;
                    if (r.failed()) {
                        abort(r.cause());
                    } else {
                        send(p, r.result());
                    }
                });
            }
            if (!done && !preparing && inFlight == 0 && next == plan.size()) {
                done = true;
                w.end();
            }
        }

        /**
         * Keeps the files of the next {@link PageCacheReadAhead#FILES_AHEAD} parts after those
         * being sent on their way into the page cache (parts sent as stored only; a conversion
         * reads its source in its own blocking task).
         */
        private void readAhead() {
            Optional<PageCacheReadAhead> ra = PageCacheReadAhead.shared();
            int until = Math.min(plan.size(), next + FILE_WINDOW + PageCacheReadAhead.FILES_AHEAD);
            if (done || ra.isEmpty()) {
                readAhead = until;
                return;
            }
            for (; readAhead < until; readAhead++) {
                Planned p = plan.get(readAhead);
                if (p.convertTo() == null && !ctx.blobs().isHeld(p.instance().blobId())) {
                    ra.get().submit(ctx.blobs(), p.instance().blobId());
                }
            }
        }

        private void send(Planned p, SendFile file) {
            if (done) {
                file.release();
                return;
            }
            RandomAccessFile raf = null;
            ChannelFuture sent;
            try {
                raf = new RandomAccessFile(file.path().toFile(), "r");
                long length = raf.length();
                if (knownLength && length != p.instance().sizeBytes()) {
                    throw sizeMismatch(p, length);
                }
                w.writePartHead(partHeaders(p));
                sent = conn.sendFile(raf, 0, length); // closes raf once sent or failed
            } catch (IOException | RuntimeException e) {
                closeQuietly(raf);
                file.release();
                abort(e);
                return;
            }
            inFlight++;
            sent.addListener(f -> {
                inFlight--;
                file.release();
                if (f.isSuccess()) {
                    pump();
                } else {
                    abort(f.cause());
                }
            });
            pump();
        }

        /**
         * A part whose bytes the store holds in memory (stored recently, with direct writes):
         * written from that memory, which stays pinned until the socket has taken all of it.
         */
        private void sendHeld(Planned p, HeldBlob h) {
            if (knownLength && h.size() != p.instance().sizeBytes()) {
                h.release();
                abort(sizeMismatch(p, h.size()));
                return;
            }
            Future<Void> sent;
            try {
                w.writePartHead(partHeaders(p));
                sent = c.response().write(bodyOf(h));
            } catch (RuntimeException e) {
                h.release();
                abort(e);
                return;
            }
            inFlight++;
            sent.onComplete(r -> {
                inFlight--;
                h.release();
                if (r.succeeded()) {
                    pump();
                } else {
                    abort(r.cause());
                }
            });
        }

        private void abort(Throwable cause) {
            if (done) {
                return;
            }
            done = true;
            LOG.debug("WADO-RS answer to {} cut short: {}", c.request().remoteAddress(), cause.toString());
            failPart(c, cause);
        }
    }

    private static void closeQuietly(RandomAccessFile raf) {
        if (raf != null) {
            try {
                raf.close();
            } catch (IOException ignored) {
                // nothing more to do: the file is being discarded
            }
        }
    }

    /** A Part 10 file to stream and what to do with it afterwards. */
    private record SendFile(Path path, boolean temporary) {
        void release() {
            if (temporary) {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException ignored) {
                    // a left-over temporary file is removed with the cache directory
                }
            }
        }
    }

    /**
     * The blob file as is, or a temporary converted copy (made in executeBlocking). Fails without
     * answering the request: the caller knows whether a problem body can still be sent.
     */
    private Future<SendFile> withPart10File(RoutingContext c, Planned p) {
        Optional<Path> local = ctx.blobs().localPath(p.instance().blobId());
        if (p.convertTo() == null && local.isPresent()) {
            return Future.succeededFuture(new SendFile(local.get(), false));
        }
        return c.vertx().executeBlocking(() -> {
            Files.createDirectories(tmpDir);
            Path tmp = Files.createTempFile(tmpDir, "wado", ".dcm");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                if (p.convertTo() == null) {
                    try (InputStream in = ctx.blobs().open(p.instance().blobId())) {
                        in.transferTo(out);
                    }
                } else {
                    Part10File src = MetadataCache.readStored(ctx.blobs(), p.instance(),
                            ReadOptions.DEFAULT.withBulkDataReferences(ReadOptions.DEFAULT_BULK_DATA_THRESHOLD));
                    FileMetaInfo meta = FileMetaInfo.forDataSet(src.dataSet(), p.convertTo(),
                            src.meta().sourceAeTitle().orElse(null));
                    DicomWriter.writePart10(out, meta, src.dataSet(), WriteOptions.DEFAULT);
                }
            } catch (IOException | StorageException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            return new SendFile(tmp, true);
        }, false);
    }

    /**
     * The transfer syntax the Accept header asks instances in: empty for "as stored"
     * ({@code transfer-syntax=*}, no transfer-syntax, or a wildcard range), else the UID.
     *
     * @throws WadoProblem HZ-5403 (406) if no range accepts multipart/related of application/dicom
     */
    static Optional<String> requestedTransferSyntax(String accept) {
        List<ContentNegotiation.MediaRange> ranges = parseAccept(accept);
        for (ContentNegotiation.MediaRange r : ranges) {
            if (r.q() <= 0) {
                continue;
            }
            MediaType m = r.range();
            boolean wildcard = m.type().equals("*") || (m.type().equals("multipart") && m.subtype().equals("*"));
            if (wildcard) {
                return Optional.empty();
            }
            if (!m.essence().equals("multipart/related")) {
                continue;
            }
            Optional<String> type = m.parameter("type");
            if (type.isPresent() && !isDicomType(type.get())) {
                continue;
            }
            return m.parameter("transfer-syntax").map(String::strip).filter(ts -> !ts.equals("*"));
        }
        throw new WadoProblem(406, "HZ-5403", "instances are sent as multipart/related; type=\"application/dicom\","
                + " which Accept: " + accept + " does not allow");
    }

    private static boolean isDicomType(String type) {
        try {
            return MediaType.parse(type).essence().equals("application/dicom");
        } catch (DicomWebException malformed) {
            return false;
        }
    }

    private static List<ContentNegotiation.MediaRange> parseAccept(String accept) {
        try {
            return ContentNegotiation.parseAccept(accept);
        } catch (DicomWebException e) {
            throw new WadoProblem(e.status(), e.code(), e.getMessage());
        }
    }

    /**
     * Decides per instance whether it is sent as stored or converted.
     *
     * @throws WadoProblem HZ-5402 (406) if an instance cannot be given in the wanted syntax
     */
    static List<Planned> plan(List<StoredInstance> instances, Optional<String> wanted) {
        List<Planned> out = new ArrayList<>();
        for (StoredInstance i : instances) {
            out.add(new Planned(i, conversion(i.transferSyntaxUid(), wanted, i.sopInstanceUid()).orElse(null)));
        }
        return out;
    }

    /** Empty when the stored syntax is sent; the target syntax when converting between native syntaxes. */
    static Optional<TransferSyntax> conversion(String stored, Optional<String> wanted, String what) {
        if (wanted.isEmpty() || wanted.get().equals(stored)) {
            return Optional.empty();
        }
        String w = wanted.get();
        Optional<TransferSyntax> from = TransferSyntax.lookup(stored);
        if ((w.equals(EXPLICIT_LE) || w.equals(IMPLICIT_LE)) && from.isPresent() && !from.get().encapsulated()) {
            return Optional.of(TransferSyntax.of(w));
        }
        throw new WadoProblem(406, "HZ-5402", "instance " + what + " is stored in " + stored + " and can be sent in"
                + " that syntax, or converted to " + EXPLICIT_LE + " / " + IMPLICIT_LE + " only when native; "
                + w + " is not possible (no image codec)");
    }

    // ------------------------------------------------------------------ metadata (PS3.18 10.4.1.1.2)

    private void metadata(RoutingContext c, WadoTarget target) {
        Principal p = principal(c);
        String accept = c.request().getHeader(HttpHeaders.ACCEPT);
        blocking(c, () -> {
            MediaType type = choose(accept, List.of(MediaType.APPLICATION_DICOM_JSON, MediaType.APPLICATION_JSON));
            Buffer body = metadata.array(target.resolve(ctx.index(), access, p));
            return new Object[] {type, body};
        }).onSuccess(r -> c.response().putHeader(HttpHeaders.CONTENT_TYPE, r[0].toString()).end((Buffer) r[1]));
    }

    // ------------------------------------------------------------------ frames (PS3.18 10.4.1.1.4)

    private record FramePlan(MediaType partType, List<List<WadoFrames.Slice>> frames) {
    }

    private void frames(RoutingContext c) {
        Principal p = principal(c);
        String accept = c.request().getHeader(HttpHeaders.ACCEPT);
        WadoTarget target = target(c);
        String list = c.pathParam("frames");
        blocking(c, () -> {
            List<Integer> numbers = parseFrames(list);
            StoredInstance i = target.resolve(ctx.index(), access, p).get(0);
            Part10File f = MetadataCache.readStored(ctx.blobs(), i, ReadOptions.DEFAULT.withBulkDataReferences(
                    MetadataCache.BULK_DATA_THRESHOLD));
            return framePlan(f, accept, numbers);
        }).onSuccess(plan -> sendFrames(c, plan));
    }

    private static FramePlan framePlan(Part10File f, String accept, List<Integer> numbers) {
        TransferSyntax ts = f.transferSyntax();
        List<List<WadoFrames.Slice>> frames = WadoFrames.locate(f.dataSet(), numbers);
        String frameTs = ts.encapsulated() ? ts.uid() : EXPLICIT_LE;
        MediaType part = MediaType.parse(WadoFrames.frameMediaType(ts)).withParameter("transfer-syntax", frameTs);
        MediaType offer = MediaType.multipartRelated(part.essence(), "transfer-syntax", frameTs);
        // Compressed frames may also go as application/octet-stream naming their transfer syntax
        // (PS3.18 8.7.3.5.2, Table 8.7.3-5): what DICOMweb viewers such as Cornerstone ask for with
        // transfer-syntax=*. Native frames are already application/octet-stream.
        MediaType octet = MediaType.multipartRelated("application/octet-stream", "transfer-syntax", frameTs);
        MediaType chosen = choose(accept, ts.encapsulated() ? List.of(offer, octet) : List.of(offer));
        if (ts.encapsulated() && chosen.equals(octet)) {
            part = MediaType.parse("application/octet-stream").withParameter("transfer-syntax", frameTs);
        }
        return new FramePlan(part, frames);
    }

    private void sendFrames(RoutingContext c, FramePlan plan) {
        HttpServerResponse resp = c.response();
        MultipartWriter w = MultipartWriter.create(resp);
        String ts = plan.partType().parameter("transfer-syntax").orElseThrow();
        resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE,
                w.contentType(plan.partType().essence(), "transfer-syntax", ts).toString());
        sendSlices(c, w, plan.partType().toString(), plan.frames(), 0);
    }

    private void sendSlices(RoutingContext c, MultipartWriter w, String partType, List<List<WadoFrames.Slice>> parts,
                            int next) {
        if (next == parts.size()) {
            w.end();
            return;
        }
        c.vertx().executeBlocking(() -> WadoFrames.read(parts.get(next)), false)
                .compose(bytes -> w.writePart(PartHeaders.of("Content-Type", partType), Buffer.buffer(bytes)))
                .onComplete(r -> {
                    if (r.failed()) {
                        c.response().reset();
                    } else {
                        sendSlices(c, w, partType, parts, next + 1);
                    }
                });
    }

    /** Parses "1,3,5" (PS3.18 10.4.1.1.4: a comma-separated list of 1-based frame numbers). */
    static List<Integer> parseFrames(String list) {
        List<Integer> out = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            String t = s.strip();
            if (!t.matches("[0-9]{1,9}") || Integer.parseInt(t) < 1) {
                throw new WadoProblem(400, "HZ-5405", "frame list \"" + list + "\" must be 1-based frame numbers"
                        + " separated by commas");
            }
            out.add(Integer.parseInt(t));
        }
        return out;
    }

    // ------------------------------------------------------------------ bulk data (PS3.18 10.4.1.1.5)

    private void bulkdata(RoutingContext c) {
        Principal p = principal(c);
        String accept = c.request().getHeader(HttpHeaders.ACCEPT);
        WadoTarget target = WadoTarget.instance(c.pathParam("param0"), c.pathParam("param1"), c.pathParam("param2"));
        String path = c.pathParam("param3");
        blocking(c, () -> {
            StoredInstance i = target.resolve(ctx.index(), access, p).get(0);
            Part10File f = MetadataCache.readStored(ctx.blobs(), i, ReadOptions.DEFAULT.withBulkDataReferences(
                    MetadataCache.BULK_DATA_THRESHOLD));
            DicomElement e = WadoFrames.element(f.dataSet(), path);
            if (e.value() instanceof Fragments) {
                // Encapsulated Pixel Data: its bulk data are the frames, in the stored syntax.
                List<Integer> all = new ArrayList<>();
                for (int n = 1; n <= WadoFrames.frameCount(f.dataSet()); n++) {
                    all.add(n);
                }
                return (Object) framePlan(f, accept, all);
            }
            if (WadoFrames.isSequence(e)) {
                throw new WadoProblem(404, "HZ-5408", path + " is a sequence, not bulk data");
            }
            MediaType chosen = choose(accept, List.of(MediaType.APPLICATION_OCTET_STREAM,
                    MediaType.multipartRelated("application/octet-stream")));
            return new Object[] {chosen, WadoFrames.whole(e).read()};
        }).onSuccess(r -> {
            if (r instanceof FramePlan plan) {
                sendFrames(c, plan);
                return;
            }
            Object[] a = (Object[]) r;
            MediaType chosen = (MediaType) a[0];
            Buffer body = Buffer.buffer((byte[]) a[1]);
            if (chosen.essence().equals("multipart/related")) {
                MultipartWriter w = MultipartWriter.create(c.response());
                c.response().setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE,
                        w.contentType("application/octet-stream").toString());
                w.writePart(PartHeaders.of("Content-Type", "application/octet-stream"), body)
                        .onSuccess(v -> w.end()).onFailure(e -> c.response().reset());
            } else {
                c.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream").end(body);
            }
        });
    }

    // ------------------------------------------------------------------ WADO-URI (PS3.18 9)

    private void wadoUri(RoutingContext c) {
        Principal p = principal(c);
        var q = c.queryParams();
        blocking(c, () -> {
            if (!"WADO".equals(q.get("requestType"))) {
                throw new WadoProblem(400, "HZ-5409", "requestType must be WADO (PS3.18 9.1.2.1.1)");
            }
            for (String k : List.of("studyUID", "seriesUID", "objectUID")) {
                if (q.get(k) == null || q.get(k).isBlank()) {
                    throw new WadoProblem(400, "HZ-5409", k + " is required (PS3.18 9.1.2.1)");
                }
            }
            String contentType = q.get("contentType");
            if (contentType == null || !offersDicom(contentType)) {
                throw new WadoProblem(406, "HZ-5410", "contentType " + (contentType == null
                        ? "absent (default image/jpeg)" : contentType) + " is not offered here; ask for application/dicom");
            }
            Optional<String> wanted = Optional.ofNullable(q.get("transferSyntax")).map(String::strip)
                    .filter(s -> !s.isEmpty() && !s.equals("*"));
            WadoTarget t = WadoTarget.instance(q.get("studyUID"), q.get("seriesUID"), q.get("objectUID"));
            return plan(t.resolve(ctx.index(), access, p), wanted).get(0);
        }).onSuccess(planned -> withPart10File(c, planned).onFailure(e -> fail(c, e)).onSuccess(file -> {
            HttpServerResponse resp = c.response();
            resp.putHeader(HttpHeaders.CONTENT_TYPE, "application/dicom");
            resp.sendFile(file.path().toString()).onComplete(r -> file.release());
        }));
    }

    private static boolean offersDicom(String contentType) {
        try {
            return MediaType.parseList(contentType).stream()
                    .anyMatch(m -> m.essence().equals("application/dicom") || m.essence().equals("*/*"));
        } catch (DicomWebException malformed) {
            return false;
        }
    }

    // ------------------------------------------------------------------ helpers

    private static MediaType choose(String accept, List<MediaType> offers) {
        try {
            return ContentNegotiation.choose(accept, offers).orElseThrow(() -> new WadoProblem(406, "HZ-5403",
                    "none of " + offers + " is acceptable to Accept: " + accept));
        } catch (DicomWebException e) {
            throw new WadoProblem(e.status(), e.code(), e.getMessage());
        }
    }

    private static Principal principal(RoutingContext c) {
        return HttpAuth.principal(c).orElseThrow(() -> new IllegalStateException("route mounted without HttpAuth"));
    }

    /** Runs blocking work; a failure ends the request with its problem (500 HZ-5499 for the unexpected). */
    private <T> Future<T> blocking(RoutingContext c, Callable<T> work) {
        return c.vertx().executeBlocking(work, false).onFailure(e -> fail(c, e));
    }

    private static void fail(RoutingContext c, Throwable e) {
        if (e instanceof WadoProblem wp) {
            wp.send(c);
        } else if (e instanceof DicomWebException dw) {
            WadoProblem.send(c, dw.status(), dw.code(), dw.getMessage());
        } else {
            WadoProblem.send(c, 500, "HZ-5499", "stored data could not be read: " + e);
        }
    }
}
