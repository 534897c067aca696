package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * STOW-RS ({@link StowRoutes}) on a real Vert.x server in front of a real hub, called with
 * {@link io.vertx.ext.web.client.WebClient}: every shared file stored byte-identical (its data set
 * after the File Meta Information, which the hub regenerates) and indexed as DCMTK reads it;
 * the PS3.18 10.5.3 response; duplicates; refused parts; request errors with nothing stored;
 * authentication, scopes and CORS.
 */
class StowRoutesTest {
    @TempDir
    Path tmp;
    private StowQidoServer server;

    @BeforeEach
    void start() throws Exception {
        DcmtkTools.requireTool("dcmdump");
        server = new StowQidoServer(tmp.resolve("hub"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static Path shared(String name) {
        return DcmtkTools.testdata().resolve("dicom").resolve(name);
    }

    private static Path bad(String name) {
        return DcmtkTools.testdata().resolve("bad").resolve(name);
    }

    /** 1 request of every file, or requests of 7 files each. */
    @ParameterizedTest
    @ValueSource(ints = {Integer.MAX_VALUE, 7})
    void storesEverySharedFileByteIdenticalInOneOrSeveralRequests(int filesPerRequest) throws Exception {
        List<Path> files = InteropFiles.sharedInstanceFiles();
        List<InteropFiles.Part10> all = files.stream().map(InteropFiles::read).toList();
        List<InteropFiles.Part10> storable = all.stream().filter(InteropIndexCheck::hasSopInstanceUid).toList();
        // UN_sequence.dcm has no SOP Instance UID in its data set: refused as 0xA900 (DcmtkIngestInteropTest)
        assertThat(all.size() - storable.size()).isEqualTo(1);
        String token = server.writer(StowQidoServer.CLINIC_A);

        List<JsonObject> referenced = new ArrayList<>();
        List<JsonObject> failed = new ArrayList<>();
        for (int from = 0; from < files.size(); from += filesPerRequest) {
            List<Path> batch = files.subList(from, (int) Math.min(files.size(), (long) from + filesPerRequest));
            HttpResponse<Buffer> rsp = server.stow(token, "/dicomweb/studies", batch);
            assertThat(rsp.getHeader("Content-Type")).isEqualTo("application/dicom+json");
            JsonObject body = rsp.bodyAsJsonObject();
            JsonArray ok = sequence(body, "00081199");
            JsonArray ko = sequence(body, "00081198");
            // PS3.18 10.5.3: 200 when all stored, 202 when some failed
            assertThat(rsp.statusCode()).as(body.encodePrettily()).isEqualTo(ko.isEmpty() ? 200 : 202);
            assertThat(ok.size() + ko.size()).isEqualTo(batch.size());
            ok.forEach(o -> referenced.add((JsonObject) o));
            ko.forEach(o -> failed.add((JsonObject) o));
        }

        InteropFiles.Part10 unSequence = all.stream().filter(p -> !InteropIndexCheck.hasSopInstanceUid(p)).findFirst().orElseThrow();
        assertThat(failed).hasSize(1);
        assertThat(StowQidoServer.value(failed.get(0), "00081155")).isEqualTo(unSequence.sopInstanceUid());
        assertThat(StowQidoServer.value(failed.get(0), "00081197")).isEqualTo(String.valueOf(0xA900));
        assertThat(referenced).hasSize(storable.size());

        // the bytes after the File Meta Information are stored as sent: no re-encoding, no padding
        Map<String, Set<String>> expected = new TreeMap<>();
        storable.forEach(s -> expected.computeIfAbsent(s.sopInstanceUid(), k -> new TreeSet<>()).add(s.dataSetDigest()));
        InteropIndexCheck.assertStored(server.hub, storable, expected);

        for (JsonObject r : referenced) {
            String uid = StowQidoServer.value(r, "00081155");
            StoredInstance si = server.hub.index().findInstance(uid).orElseThrow();
            assertThat(si.origin().protocol()).isEqualTo(Protocol.STOW_RS);
            assertThat(si.origin().institutionId()).isEqualTo(StowQidoServer.CLINIC_A);
            assertThat(si.origin().callingAe()).isNull();
            assertThat(si.origin().remoteHost()).isEqualTo("127.0.0.1");
            assertThat(StowQidoServer.value(r, "00081190")).isEqualTo("http://127.0.0.1:" + server.port()
                    + "/dicomweb/studies/" + si.studyInstanceUid() + "/series/" + si.seriesInstanceUid() + "/instances/" + uid);
        }
    }

    @Test
    void reStowOfTheSameInstanceIsADuplicateAnswered200() throws Exception {
        String token = server.writer(StowQidoServer.CLINIC_A);
        Path ct = shared("CT_small.dcm");
        String uid = InteropFiles.read(ct).sopInstanceUid();
        for (int i = 0; i < 2; i++) {
            HttpResponse<Buffer> rsp = server.stow(token, "/dicomweb/studies", List.of(ct));
            assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(200);
            JsonObject body = rsp.bodyAsJsonObject();
            assertThat(sequence(body, "00081199")).hasSize(1);
            assertThat(body.containsKey("00081198")).isFalse();
            // one study stored, so the response names it (0008,1190)
            assertThat(StowQidoServer.value(body, "00081190")).endsWith("/dicomweb/studies/"
                    + server.hub.index().findInstance(uid).orElseThrow().studyInstanceUid());
        }
        assertThat(server.hub.index().versionsOf(uid)).hasSize(1);
        assertThat(server.hub.index().instanceCount()).isEqualTo(1);
    }

    /** Non-DICOM, truncated and meta-only parts among good ones: 202, each bad one 0xC000, the good ones stored. */
    @Test
    void mixedGoodAndBadPartsGive202WithFailedSopSequence() throws Exception {
        List<Path> parts = List.of(shared("CT_small.dcm"), bad("bad-not-dicom-plaintext.dcm"), shared("MR_small.dcm"),
                bad("bad-preamble-only.dcm"), bad("bad-truncated-in-meta-MR_small.dcm"));
        HttpResponse<Buffer> rsp = server.stow(server.writer(StowQidoServer.CLINIC_A), "/dicomweb/studies", parts);

        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(202);
        JsonObject body = rsp.bodyAsJsonObject();
        assertThat(sequence(body, "00081199")).hasSize(2);
        JsonArray failed = sequence(body, "00081198");
        assertThat(failed).hasSize(3);
        assertThat(failed.stream().map(o -> StowQidoServer.value((JsonObject) o, "00081197")))
                .containsOnly(String.valueOf(0xC000));
        // two studies were stored: no single Retrieve URL for the response
        assertThat(body.containsKey("00081190")).isFalse();
        assertThat(server.hub.index().instanceCount()).isEqualTo(2);
        assertThat(server.hub.index().findInstance(InteropFiles.read(shared("MR_small.dcm")).sopInstanceUid())).isPresent();
    }

    /** POST /studies/{study}: an instance of another study is refused with 0xC122 (PS3.18 10.5.3.1). */
    @Test
    void instanceOfAnotherStudyThanTheTargetIsRefusedWithC122() throws Exception {
        Path ct = shared("CT_small.dcm");
        Path mr = shared("MR_small.dcm");
        String ctStudy = InteropIndexCheck.dump(ct).get("StudyInstanceUID").orElseThrow();
        String token = server.writer(StowQidoServer.CLINIC_A);

        HttpResponse<Buffer> mixed = server.stow(token, "/dicomweb/studies/" + ctStudy, List.of(ct, mr));
        assertThat(mixed.statusCode()).as(mixed.bodyAsString()).isEqualTo(202);
        JsonObject body = mixed.bodyAsJsonObject();
        assertThat(StowQidoServer.value(body, "00081190")).endsWith("/dicomweb/studies/" + ctStudy);
        JsonObject failed = sequence(body, "00081198").getJsonObject(0);
        assertThat(StowQidoServer.value(failed, "00081155")).isEqualTo(InteropFiles.read(mr).sopInstanceUid());
        assertThat(StowQidoServer.value(failed, "00081197")).isEqualTo(String.valueOf(0xC122));
        assertThat(server.hub.index().findInstance(InteropFiles.read(mr).sopInstanceUid())).isEmpty();

        HttpResponse<Buffer> none = server.stow(token, "/dicomweb/studies/" + ctStudy, List.of(mr));
        assertThat(none.statusCode()).as("none stored: 409").isEqualTo(409);
        assertThat(server.hub.index().instanceCount()).isEqualTo(1);
    }

    static Stream<Arguments> badRequests() {
        String related = "multipart/related; type=\"application/dicom\"; boundary=" + StowQidoServer.BOUNDARY;
        Buffer good = StowQidoServer.multipart(List.of(shared("CT_small.dcm"), shared("MR_small.dcm")));
        Buffer truncated = good.getBuffer(0, good.length() - 100); // ends inside the second part
        Buffer large = StowQidoServer.multipart(List.of(shared("CT_small.dcm"), shared("MR_small.dcm"), shared("emri_small.dcm")));
        Buffer textPart = Buffer.buffer("--" + StowQidoServer.BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--"
                + StowQidoServer.BOUNDARY + "--\r\n");
        return Stream.of(
                Arguments.of("not multipart", "/dicomweb/studies", "application/dicom", good, 415, "HZ-5601"),
                Arguments.of("parts of another type", "/dicomweb/studies",
                        "multipart/related; type=\"application/dicom+json\"; boundary=" + StowQidoServer.BOUNDARY, good, 415, "HZ-5601"),
                Arguments.of("unquoted type, a text/plain part", "/dicomweb/studies",
                        "multipart/related; type=application/dicom; boundary=" + StowQidoServer.BOUNDARY, textPart, 415, "HZ-5602"),
                Arguments.of("truncated body", "/dicomweb/studies", related, truncated, 400, "HZ-5206"),
                Arguments.of("boundary not in the body", "/dicomweb/studies",
                        "multipart/related; type=\"application/dicom\"; boundary=other", good, 400, "HZ-5205"),
                Arguments.of("no boundary", "/dicomweb/studies", "multipart/related; type=\"application/dicom\"", good, 400, "HZ-5201"),
                Arguments.of("over the body limit", StowQidoServer.LIMITED + "/studies", related, large, 413, "HZ-5603"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetTheirCodeAndStoreNothing(String what, String path, String contentType, Buffer body, int status,
                                                  String code) throws Exception {
        HttpResponse<Buffer> rsp = server.post(server.writer(StowQidoServer.CLINIC_A), path, contentType, body);
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(status);
        assertThat(rsp.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(rsp.bodyAsJsonObject().getString("detail")).startsWith(code + " ");
        assertNothingStored();
    }

    /** Without Content-Length the limit is counted while reading: 413 mid-body, the parts already read discarded. */
    @ParameterizedTest
    @ValueSource(strings = {"HTTP_1_1", "HTTP_2"})
    void chunkedBodyOverTheLimitIsRefusedWhileStreamingAndNothingIsStored(String version) throws Exception {
        // CT_small alone (39 KB) is under the 50 KB limit, so it is complete before the limit trips
        Buffer body = StowQidoServer.multipart(List.of(shared("CT_small.dcm"), shared("MR_small.dcm"), shared("emri_small.dcm")));
        // java.net.http sends a body of unknown length chunked (RFC 9112 7.1), or as HTTP/2 DATA frames (h2c upgrade)
        java.net.http.HttpResponse<String> rsp = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.valueOf(version)).build().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port()
                                + StowQidoServer.LIMITED + "/studies"))
                        .header("Authorization", "Bearer " + server.writer(StowQidoServer.CLINIC_A))
                        .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + StowQidoServer.BOUNDARY)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes())))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(rsp.statusCode()).isEqualTo(413);
        assertThat(new JsonObject(rsp.body()).getString("detail")).startsWith("HZ-5603 ");
        assertNothingStored();
    }

    @Test
    void withoutTokenIs401AndReadOnlyTokenIs403() throws Exception {
        List<Path> ct = List.of(shared("CT_small.dcm"));
        HttpResponse<Buffer> anonymous = server.stow(null, "/dicomweb/studies", ct);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.getHeader("WWW-Authenticate")).startsWith("Bearer");
        // CORS headers are on the refusal too, so a browser viewer can read it
        HttpResponse<Buffer> readOnly = server.stow(server.token(StowQidoServer.LEAD, "dicomweb.read"), "/dicomweb/studies", ct);
        assertThat(readOnly.statusCode()).isEqualTo(403);
        assertThat(readOnly.bodyAsJsonObject().getString("detail")).startsWith("HZ-6101");
        assertNothingStored();
    }

    @Test
    void corsPreflightAllowsAuthorizationFromAnyOrigin() {
        var rsp = StowQidoServer.await(server.client.request(HttpMethod.OPTIONS, "/dicomweb/studies")
                .putHeader("Origin", "http://viewer.example.cn")
                .putHeader("Access-Control-Request-Method", "POST")
                .putHeader("Access-Control-Request-Headers", "authorization,content-type")
                .send());
        assertThat(rsp.statusCode()).isIn(200, 204);
        assertThat(rsp.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(rsp.getHeader("Access-Control-Allow-Headers").toLowerCase()).contains("authorization");
        assertThat(rsp.getHeader("Access-Control-Allow-Methods")).contains("POST");

        var refused = StowQidoServer.await(server.client.get("/dicomweb/studies").putHeader("Origin", "http://viewer.example.cn").send());
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.getHeader("Access-Control-Allow-Origin")).isEqualTo("*");
    }

    private void assertNothingStored() throws Exception {
        assertThat(server.hub.index().instanceCount()).isZero();
        // aborted parts remove their temporary blobs in their worker lanes, just after the answer
        DcmtkTools.await(() -> InteropFiles.countFiles(server.interop.blobDir()) == 0, 10_000, "no blob left behind");
    }

    private static JsonArray sequence(JsonObject body, String tag) {
        JsonObject a = body.getJsonObject(tag);
        return a == null || a.getJsonArray("Value") == null ? new JsonArray() : a.getJsonArray("Value");
    }
}
