package org.huizhen.dicom.web;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * Streams a multipart/related body (RFC 2046 5.1.1, RFC 2387; WADO-RS responses, PS3.18 8.6) to a
 * Vert.x {@link WriteStream}, e.g. an {@code HttpServerResponse} with chunked encoding. Part bodies
 * come from a {@link ReadStream} (a file, a blob) and are piped with backpressure: the source is
 * paused while the destination's write queue is full, so a 1 GB instance never sits in the heap.
 *
 * <p>Use: {@code writePart(...)} for each part, each after the previous one's future completed,
 * then {@link #end()}. Output: {@code --boundary CRLF headers CRLF body} for the first part,
 * {@code CRLF --boundary CRLF headers CRLF body} for the others, {@code CRLF --boundary-- CRLF} at
 * the end.
 *
 * <p>Not thread-safe: call on the context that owns the destination stream.
 */
public final class MultipartWriter {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] BOUNDARY_CHARS =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private final WriteStream<Buffer> out;
    private final String boundary;
    private boolean first = true;
    private boolean busy;
    private boolean ended;

    /**
     * @param out      the destination; the writer ends it in {@link #end()}
     * @param boundary the boundary, as in the Content-Type sent with the body
     * @throws DicomWebException (HZ-5202) if the boundary is not valid per RFC 2046
     */
    public MultipartWriter(WriteStream<Buffer> out, String boundary) {
        this.out = Objects.requireNonNull(out, "out");
        MultipartParser.validateBoundary(boundary);
        this.boundary = boundary;
    }

    /** A writer with a fresh random boundary (see {@link #boundary()}). */
    public static MultipartWriter create(WriteStream<Buffer> out) {
        return new MultipartWriter(out, newBoundary());
    }

    /** A random boundary of 32 letters and digits: it will not occur in the parts' bytes by chance. */
    public static String newBoundary() {
        char[] c = new char[32];
        for (int i = 0; i < c.length; i++) {
            c[i] = BOUNDARY_CHARS[RANDOM.nextInt(BOUNDARY_CHARS.length)];
        }
        return new String(c);
    }

    /** The boundary. */
    public String boundary() {
        return boundary;
    }

    /**
     * The Content-Type to send with the body: {@code multipart/related; type="<partType>";
     * boundary=...} plus any extra parameters (name, value pairs), e.g. "transfer-syntax".
     */
    public MediaType contentType(String partType, String... moreParameters) {
        return MediaType.multipartRelated(partType, moreParameters).withParameter("boundary", boundary);
    }

    /**
     * Writes one part whose body is in memory.
     *
     * @return succeeds when the part was handed to the destination and its write queue is not full;
     *         fails if the destination failed
     * @throws IllegalStateException (HZ-5212) if the previous part is not finished or the body ended
     */
    public Future<Void> writePart(PartHeaders headers, Buffer body) {
        begin();
        Buffer b = head(headers).appendBuffer(body);
        return written(out.write(b)).andThen(r -> busy = false);
    }

    /**
     * Writes one part whose body comes from a stream, piped with backpressure. The source is read
     * to its end; the destination is not ended.
     *
     * @return succeeds when the source ended and all of it was written or queued; fails (and the
     *         source is closed, the body being unusable) if either stream failed
     * @throws IllegalStateException (HZ-5212) if the previous part is not finished or the body ended
     */
    public Future<Void> writePart(PartHeaders headers, ReadStream<Buffer> body) {
        begin();
        var pipe = body.pipe();
        pipe.endOnComplete(false);
        return written(out.write(head(headers)))
                .compose(v -> pipe.to(out), e -> {
                    pipe.close();
                    return Future.failedFuture(e);
                })
                .andThen(r -> busy = false);
    }

    /**
     * Writes the delimiter and header fields of a part whose body the caller then writes to the
     * same destination by other means, e.g. a file region the connection sends without copying
     * it through the heap (WADO-RS). The caller must have written the whole body before calling
     * this writer again; the writer cannot check that.
     *
     * @return the destination's write outcome (it does not wait for the write queue to drain:
     *         a part head is a few hundred bytes)
     * @throws IllegalStateException (HZ-5212) if a part is still being written or the body ended
     */
    public Future<Void> writePartHead(PartHeaders headers) {
        if (busy || ended) {
            throw new IllegalStateException("HZ-5212 " + (ended ? "the multipart body has already ended"
                    : "the previous part is not finished: wait for its future"));
        }
        return out.write(head(headers));
    }

    /**
     * The exact byte count of a whole body with parts of these header fields whose bodies total
     * {@code bodyBytes}, delimiters and close delimiter included: a Content-Length known before
     * the first byte is sent. Counts from a writer that has not written yet.
     */
    public long encodedLength(java.util.List<PartHeaders> headers, long bodyBytes) {
        long n = bodyBytes;
        boolean firstPart = true;
        for (PartHeaders h : headers) {
            n += headBytes(h, firstPart).length;
            firstPart = false;
        }
        return n + closeDelimiter().length;
    }

    /**
     * Writes the close delimiter and ends the destination.
     *
     * @return the destination's end outcome
     */
    public Future<Void> end() {
        if (busy) {
            throw new IllegalStateException("HZ-5212 a part is still being written");
        }
        if (ended) {
            throw new IllegalStateException("HZ-5212 the multipart body has already ended");
        }
        if (first) {
            throw new IllegalStateException("HZ-5213 a multipart body needs at least one part (RFC 2046 5.1.1)");
        }
        ended = true;
        return out.end(Buffer.buffer(closeDelimiter()));
    }

    private byte[] closeDelimiter() {
        return ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private void begin() {
        if (busy || ended) {
            throw new IllegalStateException("HZ-5212 " + (ended ? "the multipart body has already ended"
                    : "the previous part is not finished: wait for its future"));
        }
        busy = true;
    }

    private Buffer head(PartHeaders headers) {
        Buffer b = Buffer.buffer(headBytes(headers, first));
        first = false;
        return b;
    }

    private byte[] headBytes(PartHeaders headers, boolean firstPart) {
        String h = (firstPart ? "--" : "\r\n--") + boundary + "\r\n" + headers.encode() + "\r\n";
        return h.getBytes(StandardCharsets.UTF_8);
    }

    /** Completes when the write is queued and the queue has room again, or fails with the write. */
    private Future<Void> written(Future<Void> write) {
        if (write.failed() || !out.writeQueueFull()) {
            return write.failed() ? write : Future.succeededFuture();
        }
        Promise<Void> room = Promise.promise();
        out.drainHandler(v -> room.tryComplete());
        write.onFailure(room::tryFail);
        return room.future();
    }
}
