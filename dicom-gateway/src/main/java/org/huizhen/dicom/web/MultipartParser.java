package org.huizhen.dicom.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A push-style streaming parser for multipart bodies (RFC 2046 5.1, multipart/related of RFC 2387
 * as STOW-RS sends and WADO-RS answers, PS3.18 8.6/10.5). Feed it the body in chunks of any size;
 * it calls a {@link PartHandler} with each part's headers, its body as a series of chunks, and its
 * end. A part's body is never held whole: the parser keeps at most one fed chunk plus the few
 * bytes that might begin a delimiter split across chunks (or one header block). Inside a part,
 * a fed chunk is searched in place and its body bytes are handed on as slices of it, not copies.
 *
 * <p>Grammar followed (RFC 2046 5.1.1): an optional preamble; each delimiter is CRLF "--"
 * boundary (the first may start the body without the CRLF), followed by optional transport
 * padding (spaces, tabs) and CRLF, then the part's header fields, an empty line, and its body;
 * the close delimiter is a delimiter followed by "--"; anything after it is the epilogue and
 * ignored. A line in the preamble that merely begins with the delimiter is preamble text; in a
 * part's body it is an error, as RFC 2046 forbids the boundary inside parts. Header fields are read as ISO-8859-1 unless they are valid UTF-8; folded lines
 * (RFC 5322 2.2.3) are unfolded.
 *
 * <p>Errors (a {@link DicomWebException} thrown from {@link #feed} or {@link #end}; the parser is
 * unusable afterwards):
 * <ul>
 *   <li>HZ-5200 (415) the Content-Type is not multipart; HZ-5201 (400) it has no boundary;
 *       HZ-5202 (400) the boundary is not a valid RFC 2046 boundary;</li>
 *   <li>HZ-5203 (400) a delimiter line is followed by something other than "--", padding or CRLF;</li>
 *   <li>HZ-5204 (400) a header block longer than {@link MultipartLimits#maxHeaderBytes};
 *       HZ-5209 (400) a header line without a colon;</li>
 *   <li>HZ-5205 (400) the body ended without any delimiter (empty body or wrong boundary);
 *       HZ-5206 (400) the body ended before the close delimiter (truncated);</li>
 *   <li>HZ-5207 (413) more parts than {@link MultipartLimits#maxParts};
 *       HZ-5208 (413) a part longer than {@link MultipartLimits#maxPartBytes}.</li>
 * </ul>
 *
 * <p>Not thread-safe: feed it from one thread (a Vert.x event loop or context) at a time.
 */
public final class MultipartParser {

    /** Receives the parts, in order, on the thread that feeds the parser. */
    public interface PartHandler {
        /** A part begins; its header fields. */
        void partStart(PartHeaders headers);

        /**
         * The next chunk of the current part's body; the buffer is the handler's to keep (it may be a
         * slice of a fed chunk, sharing its bytes). Never empty.
         */
        void partData(Buffer chunk);

        /** The current part's body is complete. */
        void partEnd();
    }

    private enum State { PREAMBLE, AFTER_DELIMITER, HEADERS, BODY, EPILOGUE, FAILED }

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final byte[] delimiter;
    private final int[] shift;
    private final MultipartLimits limits;
    private final PartHandler handler;

    private byte[] buf = new byte[256];
    private int start;
    private int end;
    private State state = State.PREAMBLE;
    private int parts;
    private long partBytes;
    private int maxBuffered;
    /**
     * In AFTER_DELIMITER, how far past {@code start} the delimiter line's rest begins: the length of
     * the delimiter when it was matched in the preamble (kept so that a false match can be
     * rescanned as preamble text), else 0.
     */
    private int skip;

    private MultipartParser(String boundary, MultipartLimits limits, PartHandler handler) {
        validateBoundary(boundary);
        this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        // Boyer-Moore-Horspool shift per byte value: how far the window may move when its last
        // byte is that value. For a random binary body most shifts are the whole delimiter
        // length, so a part's body is scanned at a fraction of a comparison per byte.
        this.shift = new int[256];
        java.util.Arrays.fill(shift, delimiter.length);
        for (int i = 0; i < delimiter.length - 1; i++) {
            shift[delimiter[i] & 0xFF] = delimiter.length - 1 - i;
        }
        this.limits = Objects.requireNonNull(limits, "limits");
        this.handler = Objects.requireNonNull(handler, "handler");
        // A body may begin with the first delimiter without its CRLF (RFC 2046 5.1.1): pretend one.
        buf[0] = CR;
        buf[1] = LF;
        end = 2;
    }

    /**
     * A parser for a body with this Content-Type.
     *
     * @throws DicomWebException HZ-5200 (415) if not multipart, HZ-5201/HZ-5202 (400) for a
     *                           missing or invalid boundary, HZ-5301 (400) if unparsable
     */
    public static MultipartParser create(MediaType contentType, MultipartLimits limits, PartHandler handler) {
        if (!contentType.type().equals("multipart")) {
            throw new DicomWebException(415, "HZ-5200", "expected a multipart body, got " + contentType.essence());
        }
        String boundary = contentType.parameter("boundary").orElseThrow(() -> new DicomWebException(400, "HZ-5201",
                "Content-Type " + contentType + " has no boundary parameter"));
        return new MultipartParser(boundary, limits, handler);
    }

    /** A parser for a body with this Content-Type header value. */
    public static MultipartParser create(String contentType, MultipartLimits limits, PartHandler handler) {
        if (contentType == null || contentType.isBlank()) {
            throw new DicomWebException(415, "HZ-5200", "expected a multipart body, got no Content-Type");
        }
        return create(MediaType.parse(contentType), limits, handler);
    }

    /** A parser for a known boundary. */
    public static MultipartParser forBoundary(String boundary, MultipartLimits limits, PartHandler handler) {
        return new MultipartParser(boundary, limits, handler);
    }

    /**
     * Parses a Vert.x stream (e.g. an {@code HttpServerRequest}) to its end.
     *
     * <p>On success the future holds the number of parts. On a malformed body, a limit exceeded
     * or a handler exception, it fails with that exception at once; the rest of the stream is
     * then drained unread (the caller may instead close the connection). For backpressure, the
     * handler may pause {@code in} (e.g. while a file write is pending) and resume it later;
     * pausing takes effect after the chunk in hand.
     *
     * <p>Call on the stream's context, before it delivers data.
     */
    public static Future<Integer> parse(ReadStream<Buffer> in, MediaType contentType, MultipartLimits limits,
                                        PartHandler handler) {
        Promise<Integer> done = Promise.promise();
        MultipartParser parser;
        try {
            parser = create(contentType, limits, handler);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        in.exceptionHandler(done::tryFail);
        in.handler(chunk -> {
            if (parser.state == State.FAILED) {
                return;
            }
            try {
                parser.feed(chunk);
            } catch (RuntimeException e) {
                done.tryFail(e);
            }
        });
        in.endHandler(v -> {
            if (parser.state == State.FAILED) {
                return;
            }
            try {
                done.tryComplete(parser.end());
            } catch (RuntimeException e) {
                done.tryFail(e);
            }
        });
        return done.future();
    }

    /**
     * Longest boundary accepted. RFC 2046 5.1.1 allows 70 characters, but real senders exceed it:
     * Orthanc 1.10's DICOMweb client sends 73 (two UUIDs joined by '-'), so the limit is lenient
     * while still bounding what the parser must hold.
     */
    static final int MAX_BOUNDARY_LENGTH = 200;

    /** Rejects a boundary that is empty, longer than {@link #MAX_BOUNDARY_LENGTH} or ends in a space (RFC 2046 5.1.1). */
    static void validateBoundary(String boundary) {
        if (boundary.isEmpty() || boundary.length() > MAX_BOUNDARY_LENGTH || boundary.endsWith(" ")) {
            throw new DicomWebException(400, "HZ-5202", "invalid multipart boundary \"" + boundary
                    + "\": must be 1 to " + MAX_BOUNDARY_LENGTH + " characters and not end with a space (RFC 2046 5.1.1)");
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            boolean bchar = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "'()+_,-./:=? ".indexOf(c) >= 0;
            if (!bchar) {
                throw new DicomWebException(400, "HZ-5202", "invalid multipart boundary \"" + boundary
                        + "\": character '" + c + "' is not allowed (RFC 2046 5.1.1)");
            }
        }
    }

    /**
     * Parses the next chunk of the body. Inside a part's body, the pieces handed to
     * {@link PartHandler#partData} are slices of {@code chunk} (no copy) when the chunk is large
     * enough; the caller must not change the chunk's bytes afterwards. Everything else (part
     * heads, a delimiter split across chunks) is copied into the parser's own small buffer.
     *
     * @throws DicomWebException for a malformed body or a limit exceeded (see the class comment)
     */
    public void feed(Buffer chunk) {
        if (state == State.FAILED) {
            throw new IllegalStateException("HZ-5211 the parser failed before; it cannot continue");
        }
        if (state == State.EPILOGUE) {
            return; // the epilogue is ignored unread
        }
        int n = chunk.length();
        if (n == 0) {
            return;
        }
        try {
            if (state == State.BODY && n >= 2 * delimiter.length) {
                bodyChunk(chunk);
            } else {
                append(chunk, 0, n);
                process();
            }
        } catch (RuntimeException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** Copies chunk[from, to) behind the buffered bytes. */
    private void append(Buffer chunk, int from, int to) {
        int n = to - from;
        ensureRoom(n);
        chunk.getBytes(from, to, buf, end);
        end += n;
        maxBuffered = Math.max(maxBuffered, end - start);
    }

    /**
     * A chunk of at least two delimiter lengths inside a part's body: searched in place, its body
     * bytes handed on as slices. The buffer holds at most a delimiter's length of bytes from the
     * previous chunk that could begin a delimiter.
     */
    private void bodyChunk(Buffer chunk) {
        int n = chunk.length();
        int d = delimiter.length;
        int carried = end - start;
        if (carried > 0) {
            // Does a delimiter begin in the carried bytes? Look with the chunk's first d - 1
            // bytes behind them; if so, let the buffered state machine take the whole chunk.
            append(chunk, 0, d - 1);
            int i = indexOfDelimiter(buf, start, start + carried + d - 1);
            end -= d - 1;
            if (i >= 0 && i < start + carried) {
                append(chunk, 0, n);
                process();
                return;
            }
            emit(end); // the carried bytes are body bytes after all
            start = 0;
            end = 0;
        }
        byte[] array;
        int base;
        io.netty.buffer.ByteBuf bb = chunk.getByteBuf();
        if (bb.hasArray()) {
            array = bb.array();
            base = bb.arrayOffset() + bb.readerIndex();
        } else {
            array = chunk.getBytes();
            base = 0;
        }
        int at = indexOfDelimiter(array, base, base + n);
        if (at >= 0) {
            at -= base;
            emitSlice(chunk, 0, at);
            state = State.AFTER_DELIMITER;
            skip = 0;
            handler.partEnd();
            start = 0;
            end = 0;
            append(chunk, at + d, n);
            process();
        } else {
            // The last d - 1 bytes may begin a delimiter that the next chunk completes.
            emitSlice(chunk, 0, n - (d - 1));
            start = 0;
            end = 0;
            append(chunk, n - (d - 1), n);
        }
    }

    /** Hands chunk[from, to) to the handler as a slice (no copy). */
    private void emitSlice(Buffer chunk, int from, int to) {
        int n = to - from;
        if (n <= 0) {
            return;
        }
        countPartBytes(n);
        handler.partData(chunk.slice(from, to));
    }

    private void countPartBytes(int n) {
        partBytes += n;
        if (partBytes > limits.maxPartBytes()) {
            throw new DicomWebException(413, "HZ-5208", "part " + parts + " is longer than "
                    + limits.maxPartBytes() + " bytes");
        }
    }

    /**
     * The body is complete.
     *
     * @return the number of parts
     * @throws DicomWebException HZ-5205/HZ-5206 (400) if the close delimiter has not been seen
     */
    public int end() {
        if (state == State.EPILOGUE) {
            return parts;
        }
        State was = state;
        state = State.FAILED;
        if (was == State.PREAMBLE) {
            throw new DicomWebException(400, "HZ-5205",
                    "the body holds no multipart delimiter: it is empty or its boundary is not the one declared");
        }
        throw new DicomWebException(400, "HZ-5206", "the multipart body ended before its close delimiter"
                + " (truncated" + (parts > 0 ? " in part " + parts : "") + ")");
    }

    /** The number of parts begun so far. */
    public int parts() {
        return parts;
    }

    /** The most bytes the parser has held at once: one chunk plus a possible partial delimiter or header block. */
    public int maxBufferedBytes() {
        return maxBuffered;
    }

    private void ensureRoom(int n) {
        if (end + n <= buf.length) {
            return;
        }
        int live = end - start;
        if (live + n <= buf.length && start > 0) {
            System.arraycopy(buf, start, buf, 0, live);
        } else {
            byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
            System.arraycopy(buf, start, bigger, 0, live);
            buf = bigger;
        }
        start = 0;
        end = live;
    }

    private void process() {
        boolean progress = true;
        while (progress) {
            progress = switch (state) {
                case PREAMBLE -> preamble();
                case AFTER_DELIMITER -> afterDelimiter();
                case HEADERS -> headers();
                case BODY -> body();
                case EPILOGUE -> {
                    start = end;
                    yield false;
                }
                case FAILED -> false;
            };
        }
    }

    private boolean preamble() {
        int i = indexOfDelimiter();
        if (i >= 0) {
            start = i;
            skip = delimiter.length;
            state = State.AFTER_DELIMITER;
            return true;
        }
        start = Math.max(start, end - (delimiter.length - 1)); // keep what may begin a delimiter
        return false;
    }

    private boolean afterDelimiter() {
        int from = start + skip;
        if (end - from < 2) {
            return false;
        }
        if (buf[from] == '-' && buf[from + 1] == '-') {
            if (parts == 0) {
                // A close delimiter right away: a multipart body must have at least one part.
                throw new DicomWebException(400, "HZ-5203", "the multipart body has no parts");
            }
            state = State.EPILOGUE;
            start = end;
            return false;
        }
        int i = from;
        while (i < end && (buf[i] == ' ' || buf[i] == '\t')) {
            i++;
        }
        if (i - from > limits.maxHeaderBytes()) {
            throw new DicomWebException(400, "HZ-5203", "transport padding after a delimiter is too long");
        }
        if (i + 1 >= end) {
            return false;
        }
        if (buf[i] != CR || buf[i + 1] != LF) {
            if (parts == 0) {
                // Only looked like the first delimiter ("--boundary-more"): still preamble text.
                start++;
                skip = 0;
                state = State.PREAMBLE;
                return true;
            }
            throw new DicomWebException(400, "HZ-5203", "a multipart delimiter line is followed by \""
                    + printable(i, Math.min(end, i + 20)) + "\" instead of CRLF or \"--\" (RFC 2046 5.1.1)");
        }
        start = i + 2;
        skip = 0;
        state = State.HEADERS;
        return true;
    }

    private boolean headers() {
        if (end - start >= 2 && buf[start] == CR && buf[start + 1] == LF) {
            start += 2;
            beginPart(PartHeaders.EMPTY);
            return true;
        }
        int limit = Math.min(end, start + limits.maxHeaderBytes());
        for (int i = start; i + 3 < limit; i++) {
            if (buf[i] == CR && buf[i + 1] == LF && buf[i + 2] == CR && buf[i + 3] == LF) {
                PartHeaders h = parseHeaders(start, i + 2);
                start = i + 4;
                beginPart(h);
                return true;
            }
        }
        if (end - start >= limits.maxHeaderBytes()) {
            throw new DicomWebException(400, "HZ-5204", "the header block of part " + (parts + 1)
                    + " is longer than " + limits.maxHeaderBytes() + " bytes");
        }
        return false;
    }

    private void beginPart(PartHeaders h) {
        parts++;
        if (parts > limits.maxParts()) {
            throw new DicomWebException(413, "HZ-5207", "the multipart body has more than " + limits.maxParts() + " parts");
        }
        partBytes = 0;
        state = State.BODY;
        handler.partStart(h);
    }

    private boolean body() {
        int i = indexOfDelimiter();
        if (i >= 0) {
            emit(i);
            start = i + delimiter.length;
            state = State.AFTER_DELIMITER;
            handler.partEnd();
            return true;
        }
        emit(Math.max(start, end - (delimiter.length - 1)));
        return false;
    }

    /** Hands buf[start, to) to the handler as a new buffer and consumes it. */
    private void emit(int to) {
        int n = to - start;
        if (n <= 0) {
            return;
        }
        countPartBytes(n);
        Buffer chunk = Buffer.buffer(n);
        chunk.appendBytes(buf, start, n);
        start = to;
        handler.partData(chunk);
    }

    /** The index of the first complete delimiter in buf[start, end), or -1. */
    private int indexOfDelimiter() {
        return indexOfDelimiter(buf, start, end);
    }

    /** The index of the first complete delimiter in a[from, to), or -1 (Boyer-Moore-Horspool). */
    private int indexOfDelimiter(byte[] a, int from, int to) {
        int d = delimiter.length;
        byte last = delimiter[d - 1];
        for (int i = from; i <= to - d; ) {
            byte b = a[i + d - 1];
            if (b == last) {
                int j = d - 2;
                while (j >= 0 && a[i + j] == delimiter[j]) {
                    j--;
                }
                if (j < 0) {
                    return i;
                }
            }
            i += shift[b & 0xFF];
        }
        return -1;
    }

    private PartHeaders parseHeaders(int from, int to) {
        String block = decodeHeaderBytes(from, to);
        List<PartHeaders.Field> fields = new ArrayList<>();
        String[] lines = block.split("\r\n");
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : lines) {
            if (line.isEmpty()) {
                continue;
            }
            if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip()); // folded line (RFC 5322 2.2.3)
                continue;
            }
            if (name != null) {
                fields.add(field(name, value.toString()));
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new DicomWebException(400, "HZ-5209", "part " + (parts + 1) + " has a malformed header line \""
                        + (line.length() > 60 ? line.substring(0, 60) + "..." : line) + "\"");
            }
            name = line.substring(0, colon).strip();
            value.setLength(0);
            value.append(line.substring(colon + 1).strip());
        }
        if (name != null) {
            fields.add(field(name, value.toString()));
        }
        return new PartHeaders(fields);
    }

    private PartHeaders.Field field(String name, String value) {
        try {
            return new PartHeaders.Field(name, value);
        } catch (IllegalArgumentException e) {
            throw new DicomWebException(400, "HZ-5209", "part " + (parts + 1) + ": " + e.getMessage());
        }
    }

    private String decodeHeaderBytes(int from, int to) {
        var decoder = StandardCharsets.UTF_8.newDecoder();
        try {
            return decoder.decode(java.nio.ByteBuffer.wrap(buf, from, to - from)).toString();
        } catch (java.nio.charset.CharacterCodingException notUtf8) {
            return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    private String printable(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            int c = buf[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return sb.toString();
    }
}
