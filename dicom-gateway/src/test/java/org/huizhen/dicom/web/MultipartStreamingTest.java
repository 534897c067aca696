package org.huizhen.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * The writer and the parser on real Vert.x streams: writer → parser round trips, a 100 MB part
 * streamed through both with bounded buffers and backpressure honoured, and a real HTTP server
 * parsing a chunked request as STOW-RS will.
 */
class MultipartStreamingTest {

    static Vertx vertx;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        await(vertx.close());
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Runs the task on a fresh Vert.x context and waits for the future it returns. */
    static <T> T onContext(java.util.function.Function<Context, Future<T>> task) throws Exception {
        Context ctx = vertx.getOrCreateContext();
        Promise<T> p = Promise.promise();
        ctx.runOnContext(v -> task.apply(ctx).onComplete(p));
        return await(p.future());
    }

    /** A WriteStream that feeds a parser asynchronously, with a small write queue (so backpressure matters). */
    static final class ParsingWriteStream implements WriteStream<Buffer> {
        final Context ctx;
        final MultipartParser parser;
        final int maxQueue;
        final List<Buffer> queue = new ArrayList<>();
        int queued;
        int maxQueued;
        boolean draining;
        boolean ended;
        Handler<Void> drain;
        final Promise<Void> endPromise = Promise.promise();

        ParsingWriteStream(Context ctx, MultipartParser parser, int maxQueue) {
            this.ctx = ctx;
            this.parser = parser;
            this.maxQueue = maxQueue;
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            queue.add(data);
            queued += data.length();
            maxQueued = Math.max(maxQueued, queued);
            schedule();
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        private void schedule() {
            if (!draining) {
                draining = true;
                ctx.runOnContext(v -> process());
            }
        }

        private void process() {
            draining = false;
            while (!queue.isEmpty()) {
                Buffer b = queue.remove(0);
                queued -= b.length();
                parser.feed(b);
            }
            if (drain != null) {
                Handler<Void> d = drain;
                drain = null;
                d.handle(null);
            }
            if (ended && !endPromise.future().isComplete()) {
                parser.end();
                endPromise.complete();
            }
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            end().onComplete(handler);
        }

        @Override
        public Future<Void> end() {
            ended = true;
            schedule();
            return endPromise.future();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return queued >= maxQueue;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            this.drain = handler;
            return this;
        }
    }

    /**
     * Generates {@code total} bytes in chunks on its context, honouring pause/fetch. Every
     * 1,000th chunk starts with CRLF "--" and the boundary minus its last character, which the
     * parser must not take for a delimiter.
     */
    static final class GeneratedStream implements ReadStream<Buffer> {
        final Context ctx;
        final long total;
        final int chunkSize;
        final byte[] nearDelimiter;
        final MessageDigest digest;
        long sent;
        long chunks;
        long demand = Long.MAX_VALUE;
        boolean scheduled;
        boolean ended;
        Handler<Buffer> handler;
        Handler<Void> endHandler;

        GeneratedStream(Context ctx, long total, int chunkSize, String boundary) throws Exception {
            this.ctx = ctx;
            this.total = total;
            this.chunkSize = chunkSize;
            this.nearDelimiter = ("\r\n--" + boundary.substring(0, boundary.length() - 1)).getBytes(StandardCharsets.US_ASCII);
            this.digest = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> h) {
            handler = h;
            schedule();
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            demand = 0;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            return fetch(Long.MAX_VALUE);
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            schedule();
            return this;
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> h) {
            endHandler = h;
            schedule();
            return this;
        }

        private void schedule() {
            if (!scheduled) {
                scheduled = true;
                ctx.runOnContext(v -> pump());
            }
        }

        private void pump() {
            scheduled = false;
            while (demand > 0 && sent < total && handler != null) {
                int n = (int) Math.min(chunkSize, total - sent);
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) ((sent + i) * 31 >>> 3);
                }
                if (chunks % 1000 == 0 && n > nearDelimiter.length) {
                    System.arraycopy(nearDelimiter, 0, b, 0, nearDelimiter.length);
                }
                chunks++;
                sent += n;
                digest.update(b);
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                handler.handle(Buffer.buffer(b));
            }
            if (sent == total && !ended && endHandler != null && handler != null) {
                ended = true;
                endHandler.handle(null);
            }
        }
    }

    /** Digests each part's body as it streams by. */
    static final class DigestingHandler implements MultipartParser.PartHandler {
        final List<PartHeaders> headers = new ArrayList<>();
        final List<String> digests = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();
        MessageDigest md;
        long size;
        int maxChunk;

        @Override
        public void partStart(PartHeaders h) {
            headers.add(h);
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            size = 0;
        }

        @Override
        public void partData(Buffer chunk) {
            md.update(chunk.getBytes());
            size += chunk.length();
            maxChunk = Math.max(maxChunk, chunk.length());
        }

        @Override
        public void partEnd() {
            digests.add(HexFormat.of().formatHex(md.digest()));
            sizes.add(size);
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void writerOutputParsesBackToTheSameParts() throws Exception {
        Random random = new Random(42);
        byte[] small = "first".getBytes(StandardCharsets.US_ASCII);
        byte[] binary = new byte[200_000];
        random.nextBytes(binary);
        Path file = tmp.resolve("part.bin");
        Files.write(file, binary);
        DigestingHandler h = new DigestingHandler();
        String[] boundary = new String[1];

        onContext(ctx -> {
            boundary[0] = MultipartWriter.newBoundary();
            MediaType ct = MediaType.multipartRelated("application/dicom", "transfer-syntax", "1.2.840.10008.1.2.1")
                    .withParameter("boundary", boundary[0]);
            // The parser gets the Content-Type as a client would send it: printed, then parsed.
            MultipartParser parser = MultipartParser.create(MediaType.parse(ct.toString()), MultipartLimits.DEFAULT, h);
            ParsingWriteStream sink = new ParsingWriteStream(ctx, parser, 8192);
            MultipartWriter writer = new MultipartWriter(sink, boundary[0]);
            return writer.writePart(PartHeaders.of("Content-Type", "text/plain", "Content-ID", "<a@hz>"), Buffer.buffer(small))
                    .compose(v -> vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true)))
                    .compose(f -> writer.writePart(PartHeaders.of("Content-Type", "application/octet-stream",
                            "Content-Location", "http://hub.test/bulk/7FE00010"), f))
                    .compose(v -> writer.writePart(PartHeaders.EMPTY, Buffer.buffer()))
                    .compose(v -> writer.end());
        });

        assertThat(boundary[0]).hasSize(32);
        assertThat(h.sizes).containsExactly((long) small.length, (long) binary.length, 0L);
        assertThat(h.digests).containsExactly(sha256(small), sha256(binary), sha256(new byte[0]));
        assertThat(h.headers.get(0).contentId()).contains("<a@hz>");
        assertThat(h.headers.get(1).contentLocation()).contains("http://hub.test/bulk/7FE00010");
        assertThat(h.headers.get(2).fields()).isEmpty();
    }

    @Test
    void aHundredMegabytePartStreamsThroughWithBoundedBuffers() throws Exception {
        long size = 100L * 1024 * 1024;
        int chunk = 64 * 1024;
        int queueMax = 256 * 1024;
        String boundary = "hz-large-part-boundary";
        DigestingHandler h = new DigestingHandler();
        MultipartParser parser = MultipartParser.create("multipart/related; type=\"application/dicom\"; boundary=" + boundary,
                MultipartLimits.DEFAULT, h);
        GeneratedStream[] source = new GeneratedStream[1];
        ParsingWriteStream[] sink = new ParsingWriteStream[1];

        onContext(ctx -> {
            try {
                source[0] = new GeneratedStream(ctx, size, chunk, boundary);
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
            sink[0] = new ParsingWriteStream(ctx, parser, queueMax);
            MultipartWriter writer = new MultipartWriter(sink[0], boundary);
            return writer.writePart(PartHeaders.of("Content-Type", "application/dicom"), source[0])
                    .compose(v -> writer.end());
        });

        assertThat(h.sizes).containsExactly(size);
        assertThat(h.digests).containsExactly(HexFormat.of().formatHex(source[0].digest.digest()));
        // Backpressure: the sink's queue never grew past its limit by more than one chunk plus the part head.
        assertThat(sink[0].maxQueued).isLessThan(queueMax + chunk + 1024);
        // The parser held at most one fed chunk plus a possible partial delimiter, never the part.
        assertThat(parser.maxBufferedBytes()).isLessThan(2 * chunk);
        assertThat(h.maxChunk).isLessThanOrEqualTo(chunk + 1024);
    }

    @Test
    void anHttpServerParsesAChunkedMultipartRequestAndReportsErrorsByStatus() throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(req -> {
            DigestingHandler h = new DigestingHandler();
            String ct = req.getHeader(HttpHeaders.CONTENT_TYPE);
            MediaType type;
            try {
                type = MediaType.parse(ct == null ? "" : ct);
            } catch (DicomWebException e) {
                req.response().setStatusCode(e.status()).end(e.getMessage());
                return;
            }
            MultipartParser.parse(req, type, MultipartLimits.DEFAULT.withMaxParts(3), h).onComplete(r -> {
                if (r.succeeded()) {
                    req.response().end(r.result() + " " + String.join(",", h.digests));
                } else if (r.cause() instanceof DicomWebException e) {
                    req.response().setStatusCode(e.status()).end(e.getMessage());
                } else {
                    req.response().setStatusCode(500).end(String.valueOf(r.cause()));
                }
            });
        });
        await(server.listen(0, "127.0.0.1"));
        HttpClient client = vertx.createHttpClient();
        try {
            byte[] a = new byte[300_000];
            new Random(7).nextBytes(a);
            byte[] b = "second".getBytes(StandardCharsets.US_ASCII);
            String answer = onContext(ctx -> client.request(HttpMethod.POST, server.actualPort(), "127.0.0.1", "/studies")
                    .compose(req -> {
                        req.setChunked(true);
                        MultipartWriter w = MultipartWriter.create(req);
                        req.putHeader(HttpHeaders.CONTENT_TYPE, w.contentType("application/dicom").toString());
                        Future<io.vertx.core.http.HttpClientResponse> response = req.response();
                        w.writePart(PartHeaders.of("Content-Type", "application/dicom"), Buffer.buffer(a))
                                .compose(v -> w.writePart(PartHeaders.of("Content-Type", "application/dicom"), Buffer.buffer(b)))
                                .compose(v -> w.end());
                        return response;
                    })
                    .compose(resp -> resp.body().map(body -> resp.statusCode() + " " + body)));
            assertThat(answer).isEqualTo("200 2 " + sha256(a) + "," + sha256(b));

            // Four parts where three are allowed: 413 with its code.
            String tooMany = post(client, server.actualPort(), "multipart/related; boundary=x",
                    "--x\r\n\r\n1\r\n--x\r\n\r\n2\r\n--x\r\n\r\n3\r\n--x\r\n\r\n4\r\n--x--");
            assertThat(tooMany).startsWith("413 HZ-5207");
            String truncated = post(client, server.actualPort(), "multipart/related; boundary=x", "--x\r\n\r\n1");
            assertThat(truncated).startsWith("400 HZ-5206");
            String noBoundary = post(client, server.actualPort(), "multipart/related; type=\"application/dicom\"", "--x--");
            assertThat(noBoundary).startsWith("400 HZ-5201");
        } finally {
            await(client.close());
            await(server.close());
        }
    }

    private static String post(HttpClient client, int port, String contentType, String body) throws Exception {
        return onContext(ctx -> client.request(HttpMethod.POST, port, "127.0.0.1", "/studies")
                .compose(req -> req.putHeader(HttpHeaders.CONTENT_TYPE, contentType).send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode() + " " + b)));
    }
}
