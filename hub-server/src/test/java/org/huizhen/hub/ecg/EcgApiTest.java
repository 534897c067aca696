package org.huizhen.hub.ecg;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.measure.CriticalFlag;
import org.huizhen.dicom.ecg.measure.CriticalScreen;
import org.huizhen.dicom.ecg.measure.EcgAnalyzer;
import org.huizhen.dicom.ecg.measure.EcgMeasurements;
import org.huizhen.dicom.ecg.render.EcgRenderer;
import org.huizhen.dicom.net.dimse.DimseResponse;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropScu;
import org.huizhen.hub.testing.LogCapture;
import org.huizhen.storage.index.EcgPriority;
import org.huizhen.storage.index.EcgRecord;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tele-ECG API of a real hub ({@code Hub} mounts {@link EcgRoutes}) through the real readers,
 * measurement, screening, renderer and DICOM writer, with the shared ECG files: upload of every
 * non-DICOM format stored as received plus a DICOM instance that WADO-RS serves and the readers
 * read back; DICOM ECGs by upload, STOW-RS and C-STORE; authentication, scopes and institution
 * scoping; bad files refused with their HZ-70xx code and nothing stored; the list for the reading
 * room; critical rules from the configuration.
 */
class EcgApiTest {
    @TempDir
    Path tmp;
    private EcgTestHub h;

    @BeforeEach
    void start() throws Exception {
        h = new EcgTestHub(tmp.resolve("hub"));
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    static List<String> nonDicom() {
        return EcgTestHub.NON_DICOM;
    }

    /** The format a shared file is, by its documented origin (testdata MANIFEST), not by the hub's detection. */
    private static String expectedFormat(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("aecg")) {
            return "HL7_AECG";
        }
        if (n.startsWith("muse")) {
            return "GE_MUSE_XML";
        }
        if (n.startsWith("philips")) {
            return "PHILIPS_SIERRA_XML";
        }
        if (n.startsWith("scp")) {
            return "SCP_ECG";
        }
        return "DICOM";
    }

    @ParameterizedTest
    @MethodSource("nonDicom")
    void uploadedEcgIsStoredAsReceivedAndAsDicomAndServedBack(String name) throws Exception {
        Path file = EcgTestHub.ecg(name);
        Ecg local = EcgReaders.read(file);
        String token = h.writer(EcgTestHub.CLINIC_A);

        HttpResponse<Buffer> rsp = h.upload(token, file, name.toLowerCase().endsWith(".xml") ? "application/xml"
                : "application/octet-stream");
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
        JsonObject ecg = rsp.bodyAsJsonObject();
        String id = ecg.getString("id");
        assertThat(rsp.getHeader("Location")).isEqualTo("/api/ecg/" + id);
        assertThat(ecg.getString("format")).isEqualTo(expectedFormat(name));
        // the summary is the model the readers make of the file
        assertThat(ecg.getJsonArray("leads").getList()).isEqualTo(local.rhythm().labels());
        assertThat(ecg.getDouble("sampleRateHz")).isEqualTo(local.rhythm().sampleRateHz());
        assertThat(ecg.getDouble("durationSeconds")).isCloseTo(local.rhythm().durationSeconds(),
                org.assertj.core.data.Offset.offset(0.05));
        assertThat(ecg.getString("institution")).isEqualTo(EcgTestHub.CLINIC_A);
        assertThat(ecg.getJsonObject("measurements").fieldNames()).contains("heartRateBpm", "prMs", "qrsMs", "qtMs",
                "qtcBazettMs", "qtcFridericiaMs", "axes");
        assertThat(ecg.getJsonObject("device").getJsonArray("statements").getList()).isEqualTo(local.deviceStatements());
        // the hub measured it (an ECG it cannot measure is stored STAT with an error instead)
        assertThat(ecg.getJsonObject("measurements").getString("error")).isNull();
        assertThat(ecg.getJsonArray("criticalFlags").isEmpty()).isEqualTo(ecg.getString("priority").equals("ROUTINE"));

        // GET answers what the upload answered
        HttpResponse<Buffer> got = h.get(token, "/api/ecg/" + id);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.bodyAsJsonObject()).isEqualTo(ecg);

        // the original comes back byte for byte with the format's media type
        HttpResponse<Buffer> original = h.get(token, ecg.getJsonObject("links").getString("original"));
        assertThat(original.statusCode()).isEqualTo(200);
        assertThat(original.getHeader("Content-Type")).isEqualTo(local.format().mediaType());
        assertThat(original.body().getBytes()).isEqualTo(EcgTestHub.bytes(file));

        // the generated DICOM instance is in the archive: WADO-RS serves it, the readers read it back
        HttpResponse<Buffer> wado = h.get(token, ecg.getJsonObject("links").getString("dicom"),
                "multipart/related; type=\"application/dicom\"");
        assertThat(wado.statusCode()).as(wado.bodyAsString()).isEqualTo(200);
        List<byte[]> parts = EcgTestHub.parts(wado);
        assertThat(parts).hasSize(1);
        Ecg back = EcgReaders.read(parts.get(0), id + ".dcm");
        assertThat(back.format().name()).isEqualTo("DICOM");
        Set<String> recorded = local.rhythm().leads().stream().filter(l -> !l.derived()).map(Lead::label)
                .collect(Collectors.toSet());
        assertThat(back.rhythm().labels()).containsAll(recorded);
        assertThat(back.rhythm().sampleRateHz()).isEqualTo(local.rhythm().sampleRateHz());
        assertThat(back.rhythm().samplesPerLead()).isEqualTo(local.rhythm().samplesPerLead());
        StoredInstance si = h.hub.index().findInstance(id).orElseThrow();
        // a 12-Lead ECG object whenever the rhythm fits PS3.3 A.34.3.4 (200-1000 Hz, <= 13 leads,
        // <= 16384 samples), even when the file also has a median beat; General ECG otherwise
        double rate = local.rhythm().sampleRateHz();
        boolean fits = rate >= 200 && rate <= 1000 && recorded.size() <= 13 && local.rhythm().samplesPerLead() <= 16384;
        assertThat(si.sopClassUid()).isEqualTo(fits ? UID.TwelveLeadECGWaveformStorage : UID.GeneralECGWaveformStorage);
        assertThat(si.origin().protocol()).isEqualTo(Protocol.UPLOAD);
        assertThat(si.origin().institutionId()).isEqualTo(EcgTestHub.CLINIC_A);
        assertThat(si.studyInstanceUid()).isEqualTo(ecg.getString("studyInstanceUid"));

        // both pictures: SVG that parses as XML, PNG of the size the renderer draws for this ECG
        HttpResponse<Buffer> svg = h.get(token, ecg.getJsonObject("links").getString("svg"));
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.getHeader("Content-Type")).startsWith("image/svg+xml");
        var dbf = DocumentBuilderFactory.newInstance();
        dbf.setNamespaceAware(true);
        dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        var root = dbf.newDocumentBuilder().parse(new ByteArrayInputStream(svg.body().getBytes())).getDocumentElement();
        assertThat(root.getLocalName()).isEqualTo("svg");
        assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        HttpResponse<Buffer> png = h.get(token, ecg.getJsonObject("links").getString("png"));
        assertThat(png.statusCode()).isEqualTo(200);
        assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
        BufferedImage served = ImageIO.read(new ByteArrayInputStream(png.body().getBytes()));
        BufferedImage drawn = ImageIO.read(new ByteArrayInputStream(EcgRenderer.png(local,
                EcgHeader.lines(local, ecg.getJsonObject("measurements"), ecg.getJsonArray("criticalFlags"), "城关镇卫生院"))));
        assertThat(served.getWidth()).isEqualTo(drawn.getWidth());
        assertThat(served.getHeight()).isEqualTo(drawn.getHeight());
    }

    @Test
    void sameFileUploadedTwiceByOneClinicIsOneEcg() {
        String token = h.writer(EcgTestHub.CLINIC_A);
        Path file = EcgTestHub.ecg("muse_braveheart_example1.xml");
        HttpResponse<Buffer> first = h.upload(token, file, "application/xml");
        HttpResponse<Buffer> again = h.upload(token, file, "application/xml");
        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
        // the UIDs derive from the content and the institution: a retry finds the first upload
        assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(200);
        assertThat(again.bodyAsJsonObject().getString("id")).isEqualTo(first.bodyAsJsonObject().getString("id"));
        // the same file from another clinic is that clinic's own ECG
        HttpResponse<Buffer> other = h.upload(h.writer(EcgTestHub.CLINIC_B), file, "application/xml");
        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(other.bodyAsJsonObject().getString("id")).isNotEqualTo(first.bodyAsJsonObject().getString("id"));
    }

    @Test
    void multipartFormUploadTakesTheFilePart() {
        Path file = EcgTestHub.ecg("scp_healforce_62.SCP");
        MultipartForm form = MultipartForm.create().attribute("note", "from the clinic's web page")
                .binaryFileUpload("file", "62.SCP", Buffer.buffer(EcgTestHub.bytes(file)), "application/octet-stream");
        HttpResponse<Buffer> rsp = EcgTestHub.await(h.client.post("/api/ecg")
                .bearerTokenAuthentication(h.writer(EcgTestHub.CLINIC_A)).sendMultipartForm(form));
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
        assertThat(rsp.bodyAsJsonObject().getString("format")).isEqualTo("SCP_ECG");
        assertThat(rsp.bodyAsJsonObject().getJsonObject("original").getString("fileName")).isEqualTo("62.SCP");
    }

    @Test
    void uploadedDicomEcgIsStoredAsReceivedWithItsOwnUid() throws Exception {
        Path file = EcgTestHub.ecg("waveform_ecg.dcm");
        InteropFiles.Part10 p10 = InteropFiles.read(file);
        String token = h.writer(EcgTestHub.CLINIC_A);
        HttpResponse<Buffer> rsp = h.upload(token, file, "application/dicom");
        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
        JsonObject ecg = rsp.bodyAsJsonObject();
        assertThat(ecg.getString("id")).isEqualTo(p10.sopInstanceUid());
        assertThat(ecg.getString("format")).isEqualTo("DICOM");
        assertThat(ecg.getValue("original")).isNull();
        // the data set after the File Meta Information is stored byte for byte, as a C-STORE would
        StoredInstance si = h.hub.index().findInstance(p10.sopInstanceUid()).orElseThrow();
        assertThat(si.origin().protocol()).isEqualTo(Protocol.UPLOAD);
        HttpResponse<Buffer> original = h.get(token, "/api/ecg/" + ecg.getString("id") + "/original");
        assertThat(original.getHeader("Content-Type")).isEqualTo("application/dicom");
        assertThat(EcgReaders.read(original.body().getBytes(), "x.dcm").rhythm().labels())
                .isEqualTo(EcgReaders.read(file).rhythm().labels());
    }

    @Test
    void dicomEcgWhoseUidAnotherClinicHasIsAConflictNotALeak() {
        Path file = EcgTestHub.ecg("waveform_ecg.dcm");
        assertThat(h.upload(h.writer(EcgTestHub.CLINIC_A), file, "application/dicom").statusCode()).isEqualTo(201);
        // the same SOP Instance UID from clinic B: its record is clinic A's, so B gets no body of it
        HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_B), file, "application/dicom");
        assertThat(rsp.statusCode()).isEqualTo(409);
        assertThat(rsp.bodyAsJsonObject().getString("detail")).startsWith("HZ-7017").doesNotContain("clinic-a");
        assertThat(h.get(h.reader(EcgTestHub.CLINIC_B), "/api/ecg").bodyAsJsonArray()).isEmpty();
    }

    @Test
    void dicomEcgStowedIsAnEcgOfTheApi() throws Exception {
        Path file = EcgTestHub.ecg("waveform_ecg_DERIVED-implicitVR.dcm");
        String uid = InteropFiles.read(file).sopInstanceUid();
        String token = h.writer(EcgTestHub.CLINIC_A);
        Buffer body = Buffer.buffer().appendString("\r\n--b\r\nContent-Type: application/dicom\r\n\r\n")
                .appendBytes(EcgTestHub.bytes(file)).appendString("\r\n--b--\r\n");
        HttpResponse<Buffer> stow = EcgTestHub.await(h.client.post("/dicomweb/studies").bearerTokenAuthentication(token)
                .putHeader("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=b").sendBuffer(body));
        assertThat(stow.statusCode()).as(stow.bodyAsString()).isEqualTo(200);

        HttpResponse<Buffer> got = h.get(token, "/api/ecg/" + uid);
        assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
        JsonObject ecg = got.bodyAsJsonObject();
        assertThat(ecg.getString("format")).isEqualTo("DICOM");
        assertThat(ecg.getJsonArray("leads").getList()).isEqualTo(EcgReaders.read(file).rhythm().labels());
        assertThat(ecg.getJsonObject("origin").getString("protocol")).isEqualTo("STOW_RS");
        assertThat(h.get(token, "/api/ecg/" + uid + "/render?format=png").statusCode()).isEqualTo(200);
    }

    @Test
    void dicomEcgCStoredGetsItsRecordWithoutAnyGet() throws Exception {
        Path file = EcgTestHub.ecg("waveform_ecg.dcm");
        String uid = InteropFiles.read(file).sopInstanceUid();
        List<DimseResponse> rsp = InteropScu.store(EcgTestHub.CLINIC_A_AE, h.hub.dicomPort(), InteropScu.Store.of(file));
        assertThat(rsp.get(0).status()).isEqualTo(org.huizhen.dicom.net.dimse.Status.SUCCESS);

        // screened right after ingest by the listener: wait for the record, never asking the API
        org.huizhen.hub.testing.DcmtkTools.await(() -> recordIfAny(uid).isPresent(), 30_000, "the ECG record of " + uid);
        java.util.Optional<EcgRecord> row = recordIfAny(uid);
        assertThat(row).isPresent();
        assertThat(row.get().originProtocol()).isEqualTo(Protocol.DIMSE);
        assertThat(row.get().originSubject()).contains(EcgTestHub.CLINIC_A_AE);
        assertThat(row.get().institutionId()).isEqualTo(EcgTestHub.CLINIC_A);
        HttpResponse<Buffer> got = h.get(h.reader(EcgTestHub.CLINIC_A), "/api/ecg/" + uid);
        assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
        assertThat(got.bodyAsJsonObject().getString("format")).isEqualTo("DICOM");
    }

    private java.util.Optional<EcgRecord> recordIfAny(String uid) {
        var q = new org.huizhen.storage.index.EcgQuery(java.util.Optional.empty(), java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), 1000);
        try {
            return h.hub.ecg().list(q).stream().filter(r -> r.id().equals(uid)).findFirst();
        } catch (EcgProblem e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void callersNeedATokenTheScopeAndTheirInstitution() {
        Path file = EcgTestHub.ecg("aecg_FDA_subject1_0.xml");
        // no token: 401 before the body is read
        assertThat(h.upload(null, file, "application/xml").statusCode()).isEqualTo(401);
        assertThat(h.get(null, "/api/ecg").statusCode()).isEqualTo(401);
        // read scope only: no upload
        HttpResponse<Buffer> readOnly = h.upload(h.reader(EcgTestHub.CLINIC_A), file, "application/xml");
        assertThat(readOnly.statusCode()).isEqualTo(403);
        assertThat(readOnly.bodyAsJsonObject().getString("detail")).startsWith("HZ-6101");

        HttpResponse<Buffer> up = h.upload(h.writer(EcgTestHub.CLINIC_A), file, "application/xml");
        assertThat(up.statusCode()).as(up.bodyAsString()).isEqualTo(201);
        String id = up.bodyAsJsonObject().getString("id");
        // write scope only: no reading
        assertThat(h.get(h.token(EcgTestHub.CLINIC_A, "dicomweb.write"), "/api/ecg/" + id).statusCode()).isEqualTo(403);
        // another clinic does not learn that the ECG exists: 404 on every view of it, not in its list
        String otherClinic = h.reader(EcgTestHub.CLINIC_B);
        for (String path : List.of("", "/render?format=svg", "/original")) {
            HttpResponse<Buffer> r = h.get(otherClinic, "/api/ecg/" + id + path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("HZ-7010");
        }
        assertThat(h.get(otherClinic, "/api/ecg").bodyAsJsonArray()).isEmpty();
        // the lead hospital reads every clinic's ECGs
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg/" + id).statusCode()).isEqualTo(200);
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg").bodyAsJsonArray()).hasSize(1);
    }

    /** Every ECG-related bad file of the shared set, and the FHIR Observation, which is no upload format. */
    @ParameterizedTest
    @ValueSource(strings = {"bad/bad-truncated-aecg_FDA_minimum.xml", "bad/bad-truncated-scp_healforce_62.SCP",
            "bad/bad-truncated-waveform_ecg.dcm", "bad/bad-empty.dcm", "bad/bad-not-dicom-plaintext.dcm",
            "ecg/fhir_Observation_ekg_sampled-data.xml"})
    void badFileIsRefusedWithItsCodeAndNothingIsStored(String relative) throws Exception {
        Path file = org.huizhen.hub.testing.DcmtkTools.testdata().resolve(relative);
        String contentType = relative.endsWith(".dcm") ? "application/dicom" : "application/octet-stream";
        HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_A), file, contentType);

        assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isIn(400, 413, 415, 422);
        assertThat(rsp.getHeader("Content-Type")).isEqualTo("application/problem+json");
        String detail = rsp.bodyAsJsonObject().getString("detail");
        assertThat(detail).matches("HZ-700[1-5] .+");
        // the status says what is wrong (EcgProblem): not an ECG → 415, cut short → 400, absurd → 422
        int expected = switch (detail.substring(0, 7)) {
            case "HZ-7001" -> 415;
            case "HZ-7005" -> 413;
            case "HZ-7003", "HZ-7004" -> 422;
            default -> 400;
        };
        assertThat(rsp.statusCode()).isEqualTo(expected);
        if (relative.contains("fhir_Observation")) {
            // a FHIR Observation carries samples but no ECG file format the hub takes (HZ-7001)
            assertThat(detail).startsWith("HZ-7001");
        }
        // nothing stored: no blob, no instance, no record
        assertThat(h.blobCount()).isZero();
        assertThat(h.hub.index().instanceCount()).isZero();
        assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg").bodyAsJsonArray()).isEmpty();
    }

    @Test
    void otherMediaTypesAndUnknownIdsAreRefused() {
        String token = h.writer(EcgTestHub.CLINIC_A);
        HttpResponse<Buffer> jpeg = h.upload(token, EcgTestHub.ecg("aecg_FDA_minimum.xml"), "image/jpeg");
        assertThat(jpeg.statusCode()).isEqualTo(415);
        assertThat(jpeg.bodyAsJsonObject().getString("detail")).startsWith("HZ-7013");
        assertThat(h.get(token, "/api/ecg/1.2.3.4").statusCode()).isEqualTo(404);
        assertThat(h.get(token, "/api/ecg/1.2.3.4/render?format=gif").statusCode()).isEqualTo(400);
        assertThat(h.get(token, "/api/ecg?priority=URGENT").statusCode()).isEqualTo(400);
        assertThat(h.get(token, "/api/ecg?limit=0").statusCode()).isEqualTo(400);
        assertThat(h.get(token, "/api/ecg?since=yesterday").statusCode()).isEqualTo(400);
        assertThat(h.blobCount()).isZero();
    }

    @Test
    void listIsNewestFirstAndFiltersByPatientPriorityAndTime() throws Exception {
        String token = h.writer(EcgTestHub.CLINIC_A);
        List<String> ids = new java.util.ArrayList<>();
        for (String name : List.of("scp_healforce_62.SCP", "aecg_FDA_subject1_0.xml", "philips_sierra_129DYPRG.XML")) {
            HttpResponse<Buffer> r = h.upload(token, EcgTestHub.ecg(name), "application/octet-stream");
            assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201);
            ids.add(r.bodyAsJsonObject().getString("id"));
        }
        JsonArray all = h.get(token, "/api/ecg").bodyAsJsonArray();
        assertThat(all.stream().map(o -> ((JsonObject) o).getString("id")).toList())
                .containsExactlyElementsOf(ids.reversed());
        assertThat(h.get(token, "/api/ecg?limit=2").bodyAsJsonArray()).hasSize(2);
        // STAT and ROUTINE partition the list, whatever each ECG's measurements gave
        int stat = h.get(token, "/api/ecg?priority=STAT").bodyAsJsonArray().size();
        int routine = h.get(token, "/api/ecg?priority=routine").bodyAsJsonArray().size();
        assertThat(stat + routine).isEqualTo(3);
        JsonObject first = all.getJsonObject(2);
        String patient = first.getJsonObject("patient").getString("id");
        if (patient != null) {
            assertThat(h.get(token, "/api/ecg?patientId=" + java.net.URLEncoder.encode(patient,
                    java.nio.charset.StandardCharsets.UTF_8)).bodyAsJsonArray().stream()
                    .allMatch(o -> patient.equals(((JsonObject) o).getJsonObject("patient").getString("id")))).isTrue();
        }
        assertThat(h.get(token, "/api/ecg?since=2999-01-01T00:00:00Z").bodyAsJsonArray()).isEmpty();
        assertThat(h.get(token, "/api/ecg?since=2000-01-01").bodyAsJsonArray()).hasSize(3);
    }

    @Test
    void bodyOverTheConfiguredLimitIs413AndNothingIsStored() throws Exception {
        h.close();
        h = new EcgTestHub(tmp.resolve("small"), Map.of("ecg.max-upload-bytes", "4096"));
        // aecg_FDA_subject1_0.xml is 454,720 bytes, over 4 KiB
        HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_A), EcgTestHub.ecg("aecg_FDA_subject1_0.xml"),
                "application/xml");
        assertThat(rsp.statusCode()).isEqualTo(413);
        assertThat(rsp.bodyAsJsonObject().getString("detail")).startsWith("HZ-7014");
        assertThat(h.blobCount()).isZero();
    }

    /**
     * The critical rules come from {@code ecg.critical.*}: with the bradycardia limit raised to
     * 100/min, the flags the hub stores are exactly those the screen gives for the file under the
     * configured rules, any flag makes it STAT, and an audit line names it.
     */
    @Test
    void configuredCriticalRulesRaiseThePriorityAndAreAudited() throws Exception {
        h.close();
        h = new EcgTestHub(tmp.resolve("strict"), Map.of("ecg.critical.bradycardia-bpm", "100"));
        Path file = EcgTestHub.ecg("muse_braveheart_example1.xml");
        Ecg local = EcgReaders.read(file);
        EcgMeasurements m = EcgAnalyzer.measure(local);
        List<CriticalFlag> expected = CriticalScreen.screen(local, m, h.hub.ecg().rules());
        assertThat(h.hub.ecg().rules().bradycardiaBpm()).isEqualTo(100);

        try (LogCapture audit = LogCapture.of(HttpAuth.AUDIT_LOGGER)) {
            HttpResponse<Buffer> rsp = h.upload(h.writer(EcgTestHub.CLINIC_A), file, "application/xml");
            assertThat(rsp.statusCode()).as(rsp.bodyAsString()).isEqualTo(201);
            JsonObject ecg = rsp.bodyAsJsonObject();
            assertThat(ecg.getJsonArray("criticalFlags").stream().map(o -> ((JsonObject) o).getString("rule")).toList())
                    .isEqualTo(expected.stream().map(CriticalFlag::rule).toList());
            assertThat(ecg.getString("priority")).isEqualTo(expected.isEmpty() ? "ROUTINE" : "STAT");
            if (!expected.isEmpty()) {
                assertThat(audit.await(l -> l.contains("ecg-critical id=" + ecg.getString("id")), Duration.ofSeconds(5)))
                        .isPresent();
                assertThat(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg?priority=STAT").bodyAsJsonArray()).hasSize(1);
            }
        }
        // the MUSE cart itself states a ventricular rate of 48/min for this recording: under the
        // raised limit of 100/min (and above the default 35/min), so only the configuration flags it
        assertThat(local.deviceMeasurements().heartRateBpm()).isEqualTo(48.0);
        assertThat(m.heartRateBpm()).isLessThan(100);
        assertThat(expected).extracting(CriticalFlag::rule).contains("bradycardia");
        assertThat(EcgPriority.valueOf(h.get(h.reader(EcgTestHub.LEAD), "/api/ecg").bodyAsJsonArray().getJsonObject(0)
                .getString("priority"))).isEqualTo(EcgPriority.STAT);
    }
}
