package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Fragments;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.web.DicomJson;
import org.huizhen.dicom.web.MultipartLimits;
import org.huizhen.dicom.web.MultipartParser;
import org.huizhen.dicom.web.PartHeaders;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WADO-RS and WADO-URI against a real hub holding every shared test file, stored over DIMSE by
 * {@code huizhen store} from a clinic's AE: a real Vert.x server with the hub's HTTP
 * authentication and {@link WadoRoutes}, called with {@link WebClient} and tokens the hub issues.
 * Expected bytes come from the source files (read with the Part 10 reader or walked
 * independently by {@link InteropFiles}) and from the stored blobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WadoRoutesTest {
    @TempDir
    static Path dir;
    Hub hub;
    Vertx vertx;
    HttpServer server;
    HttpServer streamingServer;
    WebClient client;
    String leadToken;
    String clinicToken;
    String otherClinicToken;
    /** Sources by SOP Instance UID (some shared files are the same instance in other syntaxes). */
    Map<String, List<InteropFiles.Part10>> sources;

    @BeforeAll
    void start() throws Exception {
        hub = InteropHub.in(dir.resolve("hub")).institutions("""
                  - id: lead
                    name: Lead hospital
                    role: lead-hospital
                    aes:
                      - ae-title: READING1
                  - id: clinic-a
                    name: Clinic A
                    role: clinic
                    aes:
                      - ae-title: CLINIC_A
                  - id: clinic-b
                    name: Clinic B
                    role: clinic
                    aes:
                      - ae-title: CLINIC_B
                """).start();
        List<InteropFiles.Part10> files = InteropFiles.sharedInstanceFiles().stream().map(InteropFiles::read)
                .filter(InteropIndexCheck::hasSopInstanceUid).toList();
        sources = files.stream().collect(Collectors.groupingBy(InteropFiles.Part10::sopInstanceUid,
                LinkedHashMap::new, Collectors.toList()));
        List<String> args = new ArrayList<>(List.of("store", "--to", InteropHub.address(hub), "--calling-ae", "CLINIC_A"));
        files.forEach(f -> args.add(f.file().toString()));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        WadoRoutes.mount(router, hub.dicomWebContext(), WadoAccess.fromConfig(hub.config()));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The same routes with file bodies read and piped (the HTTP/2 and TLS path), to compare.
        Router streamingRouter = Router.router(vertx);
        streamingRouter.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        WadoRoutes.mount(streamingRouter, hub.dicomWebContext(), WadoAccess.fromConfig(hub.config()), false);
        streamingServer = vertx.createHttpServer().requestHandler(streamingRouter).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
        TokenIssuer issuer = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC());
        leadToken = issuer.issue("reader1", "lead", Role.READER, List.of("dicomweb.read"), Duration.ofHours(1));
        clinicToken = issuer.issue("nurse-a", "clinic-a", Role.CLINIC, List.of("dicomweb.read"), Duration.ofHours(1));
        otherClinicToken = issuer.issue("nurse-b", "clinic-b", Role.CLINIC, List.of("dicomweb.read"), Duration.ofHours(1));
    }

    @AfterAll
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    HttpResponse<Buffer> get(String path, String token, String accept) throws Exception {
        return get(server, path, token, accept);
    }

    HttpResponse<Buffer> get(HttpServer target, String path, String token, String accept) throws Exception {
        var rq = client.get(target.actualPort(), "127.0.0.1", path);
        if (token != null) {
            rq.putHeader("Authorization", "Bearer " + token);
        }
        if (accept != null) {
            rq.putHeader("Accept", accept);
        }
        return rq.send().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    record Part(PartHeaders headers, byte[] body) {
    }

    static List<Part> parts(HttpResponse<Buffer> resp) {
        List<Part> out = new ArrayList<>();
        ByteArrayOutputStream[] body = new ByteArrayOutputStream[1];
        PartHeaders[] headers = new PartHeaders[1];
        MultipartParser p = MultipartParser.create(resp.getHeader("Content-Type"), MultipartLimits.DEFAULT,
                new MultipartParser.PartHandler() {
                    @Override
                    public void partStart(PartHeaders h) {
                        headers[0] = h;
                        body[0] = new ByteArrayOutputStream();
                    }

                    @Override
                    public void partData(Buffer chunk) {
                        body[0].writeBytes(chunk.getBytes());
                    }

                    @Override
                    public void partEnd() {
                        out.add(new Part(headers[0], body[0].toByteArray()));
                    }
                });
        p.feed(resp.body());
        p.end();
        return out;
    }

    StoredInstance stored(String sopUid) throws Exception {
        return hub.dicomWebContext().index().findInstance(sopUid).orElseThrow();
    }

    static String path(StoredInstance i) {
        return "/dicomweb/studies/" + i.studyInstanceUid() + "/series/" + i.seriesInstanceUid() + "/instances/"
                + i.sopInstanceUid();
    }

    InteropFiles.Part10 source(String name) {
        return sources.values().stream().flatMap(List::stream).filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static String sha256(byte[] b, int from) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(b, from, b.length - from);
        return HexFormat.of().formatHex(md.digest());
    }

    static Part10File parse(byte[] part10) throws IOException {
        return DicomReader.readPart10(new ByteArrayInputStream(part10), part10.length, ReadOptions.DEFAULT);
    }

    // ------------------------------------------------------------------ instances

    @Test
    void everyStoredInstanceComesBackAsTheStoredPart10WithTheSourceDataSet() throws Exception {
        for (var e : sources.entrySet()) {
            StoredInstance i = stored(e.getKey());
            HttpResponse<Buffer> r = get(path(i), clinicToken, "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
            assertThat(r.statusCode()).as(e.getKey()).isEqualTo(200);
            List<Part> parts = parts(r);
            assertThat(parts).hasSize(1);
            byte[] blob = Files.readAllBytes(hub.blobs().localPath(i.blobId()).orElseThrow());
            assertThat(parts.get(0).body()).as(e.getKey()).isEqualTo(blob);
            assertThat(parts.get(0).headers().contentLocation()).contains(path(i));
            // Sent as stored: the part says its length, and it is the body's
            assertThat(parts.get(0).headers().get("Content-Length")).as(e.getKey())
                    .contains(Integer.toString(blob.length));
            // The data set bytes are those of (one of) the source files of this SOP instance as sent.
            InteropFiles.Part10 got = InteropFiles.read(hub.blobs(), i.blobId());
            assertThat(e.getValue()).extracting(InteropFiles.Part10::transmittedDigest).as(e.getKey())
                    .contains(got.dataSetDigest());
        }
    }

    @Test
    void studyAndSeriesRetrievalReturnEveryInstanceOfThem() throws Exception {
        Map<String, Set<String>> byStudy = new LinkedHashMap<>();
        Map<String, Set<String>> bySeries = new LinkedHashMap<>();
        for (String sop : sources.keySet()) {
            StoredInstance i = stored(sop);
            byStudy.computeIfAbsent(i.studyInstanceUid(), k -> new java.util.TreeSet<>()).add(sop);
            bySeries.computeIfAbsent(i.studyInstanceUid() + "/series/" + i.seriesInstanceUid(),
                    k -> new java.util.TreeSet<>()).add(sop);
        }
        assertThat(byStudy.values()).anySatisfy(s -> assertThat(s).hasSizeGreaterThan(1));
        for (var e : byStudy.entrySet()) {
            List<Part> parts = parts(get("/dicomweb/studies/" + e.getKey(), leadToken, null));
            assertThat(parts.stream().map(p -> sopOf(p.body())).collect(Collectors.toSet())).isEqualTo(e.getValue());
        }
        for (var e : bySeries.entrySet()) {
            List<Part> parts = parts(get("/dicomweb/studies/" + e.getKey(), leadToken, null));
            assertThat(parts.stream().map(p -> sopOf(p.body())).collect(Collectors.toSet())).isEqualTo(e.getValue());
        }
    }

    @Test
    void aStudyAnswerOnTheZeroCopyPathReadsItsFilesAheadIntoThePageCache() throws Exception {
        PageCacheReadAhead ra = PageCacheReadAhead.shared().orElseThrow(); // Linux: /dev/null is writable
        String study = studiesBySize().get(0); // the one with the most instances
        int instances = parts(get("/dicomweb/studies/" + study, leadToken, null)).size();
        long before = ra.filesRead();
        List<Part> parts = parts(get("/dicomweb/studies/" + study, leadToken, null));
        assertThat(parts).hasSize(instances);
        // asynchronous: every file of the answer is queued before or while it is sent
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (ra.filesRead() - before < instances && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ra.filesRead() - before).isGreaterThanOrEqualTo(instances);
    }

    @Test
    void studyAnswerSentAsStoredCarriesItsExactContentLength() throws Exception {
        // Every instance goes as stored, so the sizes are known before the first byte: the answer
        // is not chunked and its Content-Length is the body's length, delimiters included.
        for (String study : studiesBySize()) {
            HttpResponse<Buffer> r = get("/dicomweb/studies/" + study, leadToken, null);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.getHeader("Transfer-Encoding")).isNull();
            assertThat(r.getHeader("Content-Length")).isEqualTo(Integer.toString(r.body().length()));
        }
    }

    @Test
    void fileRegionAndStreamingPathsGiveTheSameParts() throws Exception {
        // The zero-copy path (file regions) and the streaming path (reads piped with backpressure)
        // must produce the same parts: same headers, same bytes, same order. The largest study has
        // more instances than the file window, so the window's refills are exercised too.
        List<String> studies = studiesBySize();
        assertThat(hub.dicomWebContext().index().instancesOfStudy(studies.get(0)))
                .hasSizeGreaterThan(WadoRoutes.FILE_WINDOW);
        for (String study : studies) {
            List<Part> zeroCopy = parts(get(server, "/dicomweb/studies/" + study, leadToken, null));
            HttpResponse<Buffer> streamed = get(streamingServer, "/dicomweb/studies/" + study, leadToken, null);
            assertThat(streamed.getHeader("Transfer-Encoding")).isEqualTo("chunked");
            List<Part> viaStream = parts(streamed);
            assertThat(zeroCopy).hasSameSizeAs(viaStream);
            for (int k = 0; k < zeroCopy.size(); k++) {
                assertThat(zeroCopy.get(k).headers()).isEqualTo(viaStream.get(k).headers());
                assertThat(zeroCopy.get(k).body()).isEqualTo(viaStream.get(k).body());
            }
        }
    }

    @Test
    void aMissingBlobGivesAProblemOnBothPathsWhenNothingHasBeenSentYet() throws Exception {
        // The blob of an indexed instance disappears (a disk problem): before any byte of the
        // answer went out, the client gets a 500 problem, not a cut-off multipart body.
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        Path blob = hub.blobs().localPath(i.blobId()).orElseThrow();
        Path aside = blob.resolveSibling(blob.getFileName() + ".aside");
        Files.move(blob, aside);
        try {
            for (HttpServer target : List.of(server, streamingServer)) {
                HttpResponse<Buffer> r = get(target, path(i), leadToken, null);
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
                assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-5499");
            }
        } finally {
            Files.move(aside, blob);
        }
    }

    @Test
    void aBlobOfAnotherSizeThanIndexedIsNeverSentUnderTheIndexedContentLength() throws Exception {
        // The blob file of an indexed instance is cut short (a disk problem): a part's
        // Content-Length is the index's size, so neither path may send the file under it; before
        // any byte went out the client gets a 500 problem instead.
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        Path blob = hub.blobs().localPath(i.blobId()).orElseThrow();
        byte[] original = Files.readAllBytes(blob);
        Path aside = blob.resolveSibling(blob.getFileName() + ".aside");
        Files.move(blob, aside);
        try {
            Files.write(blob, java.util.Arrays.copyOf(original, original.length - 100));
            for (HttpServer target : List.of(server, streamingServer)) {
                HttpResponse<Buffer> r = get(target, path(i), leadToken, null);
                assertThat(r.statusCode()).as("port %d", target.actualPort()).isEqualTo(500);
                assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
                assertThat(r.bodyAsString()).doesNotContain("Content-Length: " + original.length);
            }
        } finally {
            Files.delete(blob);
            Files.move(aside, blob);
        }
    }

    /** Study UIDs of the stored instances, the study with the most instances first. */
    List<String> studiesBySize() throws Exception {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (String sop : sources.keySet()) {
            count.merge(stored(sop).studyInstanceUid(), 1, Integer::sum);
        }
        return count.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(Map.Entry::getKey).toList();
    }

    static String sopOf(byte[] part10) {
        try {
            return parse(part10).meta().mediaStorageSopInstanceUid();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void nativeInstanceIsConvertedToImplicitVrLittleEndianOnRequest() throws Exception {
        InteropFiles.Part10 src = source("CT_small.dcm");
        StoredInstance i = stored(src.sopInstanceUid());
        HttpResponse<Buffer> r = get(path(i), leadToken,
                "multipart/related; type=\"application/dicom\"; transfer-syntax=" + WadoRoutes.IMPLICIT_LE);
        assertThat(r.statusCode()).isEqualTo(200);
        // The converted size is known only once converted: the answer is chunked.
        assertThat(r.getHeader("Transfer-Encoding")).isEqualTo("chunked");
        Part converted = parts(r).get(0);
        // ... and so is the part's: it has no Content-Length
        assertThat(converted.headers().get("Content-Length")).isEmpty();
        Part10File got = parse(converted.body());
        assertThat(got.transferSyntax().uid()).isEqualTo(WadoRoutes.IMPLICIT_LE);
        Part10File expected = DicomReader.readFile(hub.blobs().localPath(i.blobId()).orElseThrow(), ReadOptions.DEFAULT);
        // Same values as stored, other encoding: the JSON model of both data sets is identical.
        // Private elements are left out: Implicit VR does not carry their VR, so they read back as UN.
        String gotJson = new String(DicomJson.render(publicOnly(got.dataSet()), org.huizhen.dicom.web.BulkDataUriFactory.none()));
        String expectedJson = new String(DicomJson.render(publicOnly(expected.dataSet()),
                org.huizhen.dicom.web.BulkDataUriFactory.none()));
        assertThat(gotJson.equals(expectedJson)).as("converted data set has the stored values (lengths %d/%d)",
                gotJson.length(), expectedJson.length()).isTrue();
    }

    static DataSet publicOnly(DataSet ds) {
        DataSet.Builder b = ds.toBuilder();
        ds.elements().stream().filter(e -> ((e.tag() >>> 16) & 1) == 1).forEach(e -> b.remove(e.tag()));
        return b.build();
    }

    @Test
    void encapsulatedInstanceCannotBeConvertedToANativeSyntax() throws Exception {
        StoredInstance i = stored(source("SC_rgb_jpeg_dcmtk.dcm").sopInstanceUid());
        HttpResponse<Buffer> r = get(path(i), leadToken,
                "multipart/related; type=\"application/dicom\"; transfer-syntax=" + WadoRoutes.EXPLICIT_LE);
        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-5402");
    }

    // ------------------------------------------------------------------ scoping and errors

    @Test
    void unknownUidsAreNotFound() throws Exception {
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        for (String p : List.of("/dicomweb/studies/1.2.3.999", "/dicomweb/studies/1.2.3.999/metadata",
                "/dicomweb/studies/" + i.studyInstanceUid() + "/series/1.2.3.999",
                "/dicomweb/studies/" + i.studyInstanceUid() + "/series/" + i.seriesInstanceUid() + "/instances/1.2.3.999",
                "/dicomweb/studies/1.2.3.999/series/" + i.seriesInstanceUid() + "/instances/" + i.sopInstanceUid())) {
            HttpResponse<Buffer> r = get(p, leadToken, null);
            assertThat(r.statusCode()).as(p).isEqualTo(404);
            assertThat(r.bodyAsJsonObject().getString("detail")).as(p).startsWith("HZ-5401");
        }
    }

    @Test
    void anotherClinicSeesNothingOfClinicAsStudies() throws Exception {
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        assertThat(i.institutionId()).isEqualTo("clinic-a");
        for (String p : List.of("/dicomweb/studies/" + i.studyInstanceUid(), path(i), path(i) + "/metadata",
                path(i) + "/frames/1", path(i) + "/bulkdata/7FE00010",
                "/dicomweb/wado?requestType=WADO&studyUID=" + i.studyInstanceUid() + "&seriesUID="
                        + i.seriesInstanceUid() + "&objectUID=" + i.sopInstanceUid() + "&contentType=application/dicom")) {
            assertThat(get(p, otherClinicToken, null).statusCode()).as(p).isEqualTo(404);
            assertThat(get(p, clinicToken, null).statusCode()).as(p).isEqualTo(200);
        }
    }

    @Test
    void withoutTokenIsUnauthorized() throws Exception {
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        assertThat(get(path(i), null, null).statusCode()).isEqualTo(401);
        assertThat(get(path(i) + "/metadata", null, null).statusCode()).isEqualTo(401);
    }

    // ------------------------------------------------------------------ metadata and bulk data

    @Test
    void metadataIsTheJsonOfTheStoredDataSetAndItsBulkDataUrisResolve() throws Exception {
        InteropFiles.Part10 src = source("CT_small.dcm");
        StoredInstance i = stored(src.sopInstanceUid());
        HttpResponse<Buffer> r = get(path(i) + "/metadata", clinicToken, "application/dicom+json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/dicom+json");
        Part10File storedFile = DicomReader.readFile(hub.blobs().localPath(i.blobId()).orElseThrow(), ReadOptions.DEFAULT);
        byte[] expected = DicomJson.render(storedFile.dataSet(), MetadataCache.bulkDataUris("/dicomweb",
                i.studyInstanceUid(), i.seriesInstanceUid(), i.sopInstanceUid()));
        assertThat(new JsonArray(r.body())).isEqualTo(new JsonArray().add(new JsonObject(Buffer.buffer(expected))));
        // Served twice: the second answer comes from the cache file and is the same.
        assertThat(get(path(i) + "/metadata", clinicToken, null).body()).isEqualTo(r.body());
        assertThat(hub.config().hub().dataDir().resolve("cache/metadata/" + i.blobId().hex() + ".json")).exists();

        String uri = new JsonArray(r.body()).getJsonObject(0).getJsonObject("7FE00010").getString("BulkDataURI");
        assertThat(uri).endsWith("/bulkdata/7FE00010");
        HttpResponse<Buffer> bulk = get(uri, clinicToken, null);
        assertThat(bulk.statusCode()).isEqualTo(200);
        assertThat(bulk.getHeader("Content-Type")).isEqualTo("application/octet-stream");
        byte[] pixels = DicomReader.readFile(src.file(), ReadOptions.DEFAULT).dataSet().getBytes(Tag.PixelData).orElseThrow();
        assertThat(bulk.body().getBytes()).isEqualTo(pixels);
        assertThat(get(path(i) + "/bulkdata/7FE00011", clinicToken, null).statusCode()).isEqualTo(404);
    }

    @Test
    void studyMetadataHoldsOneObjectPerInstance() throws Exception {
        StoredInstance any = stored(source("CT_small.dcm").sopInstanceUid());
        List<StoredInstance> all = hub.dicomWebContext().index().instancesOfStudy(any.studyInstanceUid());
        JsonArray a = new JsonArray(get("/dicomweb/studies/" + any.studyInstanceUid() + "/metadata", leadToken, null).body());
        assertThat(a).hasSize(all.size());
        assertThat(a.stream().map(o -> ((JsonObject) o).getJsonObject("00080018").getJsonArray("Value").getString(0)))
                .containsExactlyInAnyOrderElementsOf(all.stream().map(StoredInstance::sopInstanceUid).toList());
    }

    // ------------------------------------------------------------------ frames

    @Test
    void framesOfNativeMultiFrameImageAreItsPixelDataSlices() throws Exception {
        InteropFiles.Part10 src = source("emri_small.dcm");
        DataSet ds = DicomReader.readFile(src.file(), ReadOptions.DEFAULT).dataSet();
        byte[] pixels = ds.getBytes(Tag.PixelData).orElseThrow();
        int frames = ds.getInt(Tag.NumberOfFrames).orElseThrow();
        int frameBytes = pixels.length / frames;
        HttpResponse<Buffer> r = get(path(stored(src.sopInstanceUid())) + "/frames/3,1," + frames, leadToken, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).contains("application/octet-stream");
        List<Part> parts = parts(r);
        assertThat(parts).extracting(Part::body).containsExactly(
                java.util.Arrays.copyOfRange(pixels, 2 * frameBytes, 3 * frameBytes),
                java.util.Arrays.copyOfRange(pixels, 0, frameBytes),
                java.util.Arrays.copyOfRange(pixels, (frames - 1) * frameBytes, frames * frameBytes));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SC_rgb_jpeg_dcmtk.dcm", "examples_ybr_color.dcm", "JPEG2000.dcm", "SC_rgb_rle_2frame.dcm",
            "US1_J2KI.dcm", "JPGExtended.dcm"})
    void framesOfEncapsulatedImagesAreTheirFragments(String name) throws Exception {
        InteropFiles.Part10 src = source(name);
        StoredInstance i = stored(src.sopInstanceUid());
        // the stored instance is this file's (its SOP Instance UID is not shared with another file)
        assertThat(InteropFiles.read(hub.blobs(), i.blobId()).dataSetDigest()).isEqualTo(src.transmittedDigest());
        DataSet ds = DicomReader.readFile(src.file(), ReadOptions.DEFAULT).dataSet();
        Fragments fr = ds.getFragments(Tag.PixelData).orElseThrow();
        int frames = ds.getInt(Tag.NumberOfFrames).orElse(1);
        List<byte[]> expected = new ArrayList<>();
        byte[] bot = ((Value.Bytes) fr.basicOffsetTable()).toByteArray();
        if (frames == 1) {
            // A single frame is all fragments, whatever the Basic Offset Table says (PS3.5 A.4).
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            fr.fragments().forEach(v -> all.writeBytes(((Value.Bytes) v).toByteArray()));
            expected.add(all.toByteArray());
        } else {
            // These multi-frame files hold one fragment per frame; where the Basic Offset Table is
            // filled, its entries are the item positions of those fragments (8 header bytes + length each).
            assertThat(fr.fragments()).hasSize(frames);
            long pos = 0;
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bot).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (Value v : fr.fragments()) {
                if (bot.length > 0) {
                    assertThat(b.getInt() & 0xFFFFFFFFL).isEqualTo(pos);
                }
                pos += 8 + v.length();
                expected.add(((Value.Bytes) v).toByteArray());
            }
        }
        StringBuilder list = new StringBuilder();
        for (int f = 1; f <= frames; f++) {
            list.append(f == 1 ? "" : ",").append(f);
        }
        HttpResponse<Buffer> r = get(path(i) + "/frames/" + list, leadToken, null);
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        String mediaType = WadoFrames.frameMediaType(org.huizhen.dicom.io.TransferSyntax.of(i.transferSyntaxUid()));
        assertThat(r.getHeader("Content-Type")).contains(mediaType).contains(i.transferSyntaxUid());
        List<Part> parts = parts(r);
        assertThat(parts).extracting(Part::body).containsExactlyElementsOf(expected);
        assertThat(parts).allSatisfy(p -> assertThat(p.headers().contentType().orElseThrow().essence()).isEqualTo(mediaType));
        // The metadata's BulkDataURI of encapsulated Pixel Data resolves to the same frames.
        JsonObject meta = new JsonArray(get(path(i) + "/metadata", leadToken, null).body()).getJsonObject(0);
        String uri = meta.getJsonObject("7FE00010").getString("BulkDataURI");
        assertThat(parts(get(uri, leadToken, null))).extracting(Part::body).containsExactlyElementsOf(expected);
    }

    @Test
    void frameBeyondTheImageIsNotFoundAndAMalformedListIsBadRequest() throws Exception {
        StoredInstance i = stored(source("CT_small.dcm").sopInstanceUid());
        HttpResponse<Buffer> beyond = get(path(i) + "/frames/2", leadToken, null);
        assertThat(beyond.statusCode()).isEqualTo(404);
        assertThat(beyond.bodyAsJsonObject().getString("detail")).startsWith("HZ-5404");
        HttpResponse<Buffer> bad = get(path(i) + "/frames/0,x", leadToken, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.bodyAsJsonObject().getString("detail")).startsWith("HZ-5405");
    }

    // ------------------------------------------------------------------ WADO-URI

    @Test
    void wadoUriReturnsThePart10FileAndRefusesOtherContentTypes() throws Exception {
        StoredInstance i = stored(source("MR_small_RLE.dcm").sopInstanceUid());
        String q = "/dicomweb/wado?requestType=WADO&studyUID=" + i.studyInstanceUid() + "&seriesUID="
                + i.seriesInstanceUid() + "&objectUID=" + i.sopInstanceUid();
        HttpResponse<Buffer> r = get(q + "&contentType=application%2Fdicom", clinicToken, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/dicom");
        assertThat(r.body().getBytes()).isEqualTo(Files.readAllBytes(hub.blobs().localPath(i.blobId()).orElseThrow()));
        HttpResponse<Buffer> jpeg = get(q + "&contentType=image%2Fjpeg", clinicToken, null);
        assertThat(jpeg.statusCode()).isEqualTo(406);
        assertThat(jpeg.bodyAsJsonObject().getString("detail")).startsWith("HZ-5410");
        HttpResponse<Buffer> notWado = get(q.replace("requestType=WADO", "requestType=XYZ") + "&contentType=application%2Fdicom",
                clinicToken, null);
        assertThat(notWado.statusCode()).isEqualTo(400);
    }

    static {
        // fail early with a clear message when the shared files are missing
        DcmtkTools.testdata();
    }
}
