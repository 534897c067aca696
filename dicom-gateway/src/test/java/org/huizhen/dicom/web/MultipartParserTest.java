package org.huizhen.dicom.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.buffer.Buffer;

/**
 * The streaming multipart parser, fed hand-written bodies (RFC 2046 5.1.1) split at every
 * position and byte by byte, and malformed bodies that must fail with their status and code.
 */
class MultipartParserTest {

    /** One parsed part: its headers and the concatenation of its chunks. */
    record Part(PartHeaders headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** Collects parts and checks that the parser's calls come in a legal order. */
    static final class Collector implements MultipartParser.PartHandler {
        final List<Part> parts = new ArrayList<>();
        PartHeaders current;
        ByteArrayOutputStream body;
        int chunks;

        @Override
        public void partStart(PartHeaders headers) {
            assertThat(current).as("partStart inside a part").isNull();
            current = headers;
            body = new ByteArrayOutputStream();
        }

        @Override
        public void partData(Buffer chunk) {
            assertThat(current).as("partData outside a part").isNotNull();
            assertThat(chunk.length()).as("empty chunk").isPositive();
            body.writeBytes(chunk.getBytes());
            chunks++;
        }

        @Override
        public void partEnd() {
            assertThat(current).as("partEnd outside a part").isNotNull();
            parts.add(new Part(current, body.toByteArray()));
            current = null;
        }
    }

    private static final String CT = "multipart/related; type=\"application/dicom\"; boundary=\"hz:b=1 x\"";

    /** Preamble, quoted boundary with a space, a body holding near-delimiters, and an epilogue. */
    private static final String BODY_A = "This is the preamble.\r\n--hz:b=1 x-not-quite\r\n"
            + "\r\n--hz:b=1 x\r\n"
            + "Content-Type: application/dicom\r\n"
            + "Content-Location: http://hub.test/bulk/1\r\n"
            + "\r\n"
            + "DICM\r\n--hz:b=1 \r\n-\r\n--\r\n--hz:b=1"
            + "\r\n--hz:b=1 x\r\n"
            + "content-id: <part2@hub>\r\n"
            + "X-Folded: first\r\n  second\r\n"
            + "\r\n"
            + "second part\r\n"
            + "\r\n--hz:b=1 x--\r\n"
            + "epilogue \r\n--hz:b=1 x\r\nignored";

    /** No preamble (the body starts with the delimiter), empty headers, empty part, transport padding. */
    private static final String BODY_B = "--hz:b=1 x  \t\r\n"
            + "\r\n"
            + "no headers"
            + "\r\n--hz:b=1 x\r\n"
            + "Content-Type: text/plain\r\n"
            + "\r\n"
            + "\r\n--hz:b=1 x\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "\r\n"
            + "\r\n\r\n\r\r\n\n-\r\n--"
            + "\r\n--hz:b=1 x--";

    static Stream<Arguments> bodies() {
        return Stream.of(Arguments.of("A", BODY_A), Arguments.of("B", BODY_B));
    }

    private static void checkExpected(String name, List<Part> parts) {
        if (name.equals("A")) {
            assertThat(parts).hasSize(2);
            assertThat(parts.get(0).headers().contentType()).contains(MediaType.APPLICATION_DICOM);
            assertThat(parts.get(0).headers().contentLocation()).contains("http://hub.test/bulk/1");
            assertThat(parts.get(0).text()).isEqualTo("DICM\r\n--hz:b=1 \r\n-\r\n--\r\n--hz:b=1");
            assertThat(parts.get(1).headers().contentId()).contains("<part2@hub>");
            assertThat(parts.get(1).headers().get("x-folded")).contains("first second");
            assertThat(parts.get(1).text()).isEqualTo("second part\r\n");
        } else {
            assertThat(parts).hasSize(3);
            assertThat(parts.get(0).headers().fields()).isEmpty();
            assertThat(parts.get(0).text()).isEqualTo("no headers");
            assertThat(parts.get(1).headers().contentType().orElseThrow().essence()).isEqualTo("text/plain");
            assertThat(parts.get(1).body()).isEmpty();
            assertThat(parts.get(2).text()).isEqualTo("\r\n\r\n\r\r\n\n-\r\n--");
        }
    }

    private static List<Part> parse(byte[] body, int... splits) {
        Collector c = new Collector();
        MultipartParser p = MultipartParser.create(CT, MultipartLimits.DEFAULT, c);
        int from = 0;
        for (int s : splits) {
            p.feed(Buffer.buffer().appendBytes(body, from, s - from));
            from = s;
        }
        p.feed(Buffer.buffer().appendBytes(body, from, body.length - from));
        assertThat(p.end()).isEqualTo(c.parts.size());
        return c.parts;
    }

    @ParameterizedTest(name = "body {0}")
    @MethodSource("bodies")
    void parsesTheSamePartsWhereverTheBodyIsSplit(String name, String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        checkExpected(name, parse(body));
        for (int i = 0; i <= body.length; i++) {
            checkExpected(name, parse(body, i));
            for (int j = i; j <= body.length; j += 7) {
                checkExpected(name, parse(body, i, j));
            }
        }
    }

    @ParameterizedTest(name = "body {0}")
    @MethodSource("bodies")
    void parsesTheSamePartsFedOneByteAtATime(String name, String text) {
        byte[] body = text.getBytes(StandardCharsets.ISO_8859_1);
        int[] all = new int[body.length - 1];
        for (int i = 0; i < all.length; i++) {
            all[i] = i + 1;
        }
        checkExpected(name, parse(body, all));
    }

    /**
     * Large binary parts full of near-delimiters (CRLF "--" and prefixes of the boundary), fed in
     * random chunk sizes: chunks of two delimiter lengths and more take the in-place path, smaller
     * ones the buffered path, and delimiters fall across chunk borders in every way.
     */
    @ParameterizedTest(name = "seed {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void binaryPartsWithNearDelimitersComeBackWhateverTheChunkSizes(int seed) {
        java.util.Random random = new java.util.Random(seed);
        String boundary = "hz-" + seed + "-Ab9";
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> expected = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int p = 0; p < 5; p++) {
            ByteArrayOutputStream part = new ByteArrayOutputStream();
            int size = random.nextInt(40_000);
            while (part.size() < size) {
                if (random.nextInt(50) == 0) {
                    // a delimiter cut short by 1..all-but-one bytes and followed by a byte that
                    // does not continue it: body content, not a boundary
                    int k = 1 + random.nextInt(delimiter.length - 1);
                    part.write(delimiter, 0, k);
                    part.write(delimiter[k] ^ 0x40);
                } else {
                    part.write(random.nextInt(256));
                }
            }
            byte[] bytes = part.toByteArray();
            expected.add(bytes);
            body.writeBytes(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            body.writeBytes(bytes);
            body.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        byte[] all = body.toByteArray();
        Collector c = new Collector();
        MultipartParser parser = MultipartParser.forBoundary(boundary, MultipartLimits.DEFAULT, c);
        for (int from = 0; from < all.length; ) {
            int n = Math.min(all.length - from, random.nextBoolean() ? 1 + random.nextInt(3 * delimiter.length)
                    : 1 + random.nextInt(9000));
            parser.feed(Buffer.buffer().appendBytes(all, from, n));
            from += n;
        }
        assertThat(parser.end()).isEqualTo(5);
        assertThat(c.parts).hasSize(5);
        for (int p = 0; p < 5; p++) {
            assertThat(c.parts.get(p).body()).as("part %d", p).isEqualTo(expected.get(p));
        }
    }

    @Test
    void bodyBytesOfALargeChunkAreHandedOnAsSlicesOfIt() {
        // In-place path: the piece handed on shares the fed chunk's bytes instead of copying them.
        List<Buffer> got = new ArrayList<>();
        MultipartParser p = MultipartParser.forBoundary("b", MultipartLimits.DEFAULT, new MultipartParser.PartHandler() {
            @Override
            public void partStart(PartHeaders headers) {
            }

            @Override
            public void partData(Buffer chunk) {
                got.add(chunk);
            }

            @Override
            public void partEnd() {
            }
        });
        p.feed(Buffer.buffer("--b\r\n\r\n"));
        Buffer chunk = Buffer.buffer("x".repeat(1000));
        p.feed(chunk);
        chunk.setByte(0, (byte) 'y');
        assertThat(got).hasSize(1);
        assertThat(got.get(0).getByte(0)).as("a slice sees the chunk's bytes").isEqualTo((byte) 'y');
        assertThat(got.get(0).length()).isEqualTo(1000 - ("\r\n--b".length() - 1));
    }

    @Test
    void readsTheBoundaryQuotedOrNot() {
        String body = "--abc\r\nContent-Type: a/b\r\n\r\nx\r\n--abc--";
        for (String ct : List.of("multipart/related; boundary=abc", "multipart/related;boundary=\"abc\"",
                "Multipart/Related; TYPE=\"application/dicom\"; Boundary=abc")) {
            Collector c = new Collector();
            MultipartParser p = MultipartParser.create(ct, MultipartLimits.DEFAULT, c);
            p.feed(Buffer.buffer(body));
            p.end();
            assertThat(c.parts).as(ct).hasSize(1);
            assertThat(c.parts.get(0).text()).isEqualTo("x");
        }
    }

    static Stream<Arguments> malformed() {
        String ok = "--abc\r\nContent-Type: a/b\r\n\r\nx\r\n--abc--\r\n";
        String manyParts = "--abc\r\n\r\n1\r\n--abc\r\n\r\n2\r\n--abc\r\n\r\n3\r\n--abc--";
        return Stream.of(
                Arguments.of("not multipart", "application/dicom", ok, 415, "HZ-5200"),
                Arguments.of("no boundary", "multipart/related; type=\"application/dicom\"", ok, 400, "HZ-5201"),
                Arguments.of("boundary too long", "multipart/related; boundary=" + "b".repeat(201), ok, 400, "HZ-5202"),
                Arguments.of("boundary with bad char", "multipart/related; boundary=\"a@b\"", ok, 400, "HZ-5202"),
                Arguments.of("unparsable content type", "multipart/related; boundary=\"abc", ok, 400, "HZ-5301"),
                Arguments.of("empty body", "multipart/related; boundary=abc", "", 400, "HZ-5205"),
                Arguments.of("wrong boundary", "multipart/related; boundary=xyz", ok, 400, "HZ-5205"),
                Arguments.of("truncated in body", "multipart/related; boundary=abc", ok.substring(0, 30), 400, "HZ-5206"),
                Arguments.of("truncated in headers", "multipart/related; boundary=abc", ok.substring(0, 15), 400, "HZ-5206"),
                Arguments.of("truncated before close", "multipart/related; boundary=abc", ok.substring(0, ok.length() - 4), 400, "HZ-5206"),
                Arguments.of("junk after delimiter", "multipart/related; boundary=abc", "--abc\r\n\r\nx\r\n--abcdef\r\n--abc--", 400, "HZ-5203"),
                Arguments.of("no parts", "multipart/related; boundary=abc", "--abc--\r\n", 400, "HZ-5203"),
                Arguments.of("header without colon", "multipart/related; boundary=abc", "--abc\r\nContent-Type a/b\r\n\r\nx\r\n--abc--", 400, "HZ-5209"),
                Arguments.of("header too long", "multipart/related; boundary=abc",
                        "--abc\r\nX-Long: " + "y".repeat(200) + "\r\n\r\nx\r\n--abc--", 400, "HZ-5204"),
                Arguments.of("header never ends", "multipart/related; boundary=abc",
                        "--abc\r\nX-Long: " + "y".repeat(200), 400, "HZ-5204"),
                Arguments.of("too many parts", "multipart/related; boundary=abc", manyParts, 413, "HZ-5207"),
                Arguments.of("part too large", "multipart/related; boundary=abc",
                        "--abc\r\n\r\n" + "z".repeat(101) + "\r\n--abc--", 413, "HZ-5208"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBodiesFailWithStatusAndCode(String name, String contentType, String body, int status, String code) {
        // Small limits so that the limit cases stay small: 128-byte headers, 2 parts, 100-byte parts.
        MultipartLimits limits = new MultipartLimits(128, 2, 100);
        byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
        for (int chunk : new int[] {1, 5, Math.max(1, bytes.length)}) {
            assertThatThrownBy(() -> {
                MultipartParser p = MultipartParser.create(contentType, limits, new Collector());
                for (int i = 0; i < bytes.length; i += chunk) {
                    p.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(chunk, bytes.length - i)));
                }
                p.end();
            }).as("%s in chunks of %d", name, chunk).isInstanceOfSatisfying(DicomWebException.class, e -> {
                assertThat(e.status()).isEqualTo(status);
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.getMessage()).startsWith(code + " ");
            });
        }
    }

    @Test
    void aFailedParserRefusesMoreInput() {
        MultipartParser p = MultipartParser.create("multipart/related; boundary=abc", MultipartLimits.DEFAULT, new Collector());
        assertThatThrownBy(() -> p.feed(Buffer.buffer("--abc\r\n\r\nx\r\n--abcXY"))).isInstanceOf(DicomWebException.class);
        assertThatThrownBy(() -> p.feed(Buffer.buffer("more"))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("HZ-5211");
    }
}
