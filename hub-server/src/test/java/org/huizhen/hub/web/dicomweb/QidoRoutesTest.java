package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.DcmtkDump;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.hub.testing.SourceInstances;
import org.huizhen.storage.index.Protocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * QIDO-RS ({@link QidoRoutes}) on a real Vert.x server in front of a real hub holding: every
 * shared file STOW'd by clinic A, the two Chinese-name files (chrX1 UTF-8, chrX2 GB18030) by
 * clinic B, and three instances C-STORE'd by the lead hospital. Expected results are computed
 * from the source files as DCMTK's {@code dcmdump} reads them, never from the hub itself.
 */
class QidoRoutesTest {
    @TempDir
    static Path tmp;
    static StowQidoServer server;
    /** The stored files (one per SOP Instance UID, the last sent) by owning institution. */
    static Map<String, List<Path>> filesOf = new TreeMap<>();
    static List<SourceInstances.Source> cStored;
    static String lead;

    @BeforeAll
    static void fill() throws Exception {
        DcmtkTools.requireTool("dcmdump");
        server = new StowQidoServer(tmp.resolve("hub"));
        lead = server.token(StowQidoServer.LEAD, "dicomweb.read");
        List<Path> chinese = List.of(shared("chrX1.dcm"), shared("chrX2.dcm"));
        List<Path> clinicA = InteropFiles.sharedInstanceFiles().stream()
                .filter(p -> !chinese.contains(p))
                .filter(p -> InteropIndexCheck.hasSopInstanceUid(InteropFiles.read(p)))
                .toList();
        assertThat(server.stow(server.writer(StowQidoServer.CLINIC_A), "/dicomweb/studies", clinicA).statusCode()).isEqualTo(200);
        assertThat(server.stow(server.writer(StowQidoServer.CLINIC_B), "/dicomweb/studies", chinese).statusCode()).isEqualTo(200);
        filesOf.put(StowQidoServer.CLINIC_A, clinicA);
        filesOf.put(StowQidoServer.CLINIC_B, chinese);

        cStored = SourceInstances.fromTemplate(shared("CT_small.dcm"), tmp.resolve("generated"), 1, 1, 3);
        CliRun r = CliRun.run("store", tmp.resolve("generated").toString(), "--to",
                "HUIZHEN@127.0.0.1:" + server.hub.dicomPort(), "--calling-ae", StowQidoServer.LEAD_AE);
        assertThat(r.exitCode()).as(r.output()).isZero();
        filesOf.put(StowQidoServer.LEAD, cStored.stream().map(SourceInstances.Source::file).toList());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Path shared(String name) {
        return DcmtkTools.testdata().resolve("dicom").resolve(name);
    }

    private static DcmtkDump dump(Path f) {
        return InteropIndexCheck.dump(f);
    }

    private static List<Path> allFiles() {
        return filesOf.values().stream().flatMap(List::stream).toList();
    }

    /** The distinct values of {@code keyword} over the files that satisfy {@code filter}. */
    private static Set<String> expected(List<Path> files, Predicate<DcmtkDump> filter, String keyword) {
        return files.stream().map(QidoRoutesTest::dump).filter(filter).map(d -> d.get(keyword).orElseThrow())
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static JsonArray query(String token, String uri) {
        HttpResponse<Buffer> rsp = server.get(token, uri);
        assertThat(rsp.statusCode()).as(uri + ": " + rsp.bodyAsString()).isIn(200, 204);
        if (rsp.statusCode() == 200) {
            assertThat(rsp.getHeader("Content-Type")).isEqualTo("application/dicom+json");
        }
        return StowQidoServer.array(rsp);
    }

    private static Set<String> values(JsonArray results, String tag) {
        return results.stream().map(o -> StowQidoServer.value((JsonObject) o, tag)).collect(Collectors.toSet());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void leadHospitalSeesEveryStudyOfEveryInstitution() {
        JsonArray studies = query(lead, "/dicomweb/studies");
        assertThat(values(studies, "0020000D")).isEqualTo(expected(allFiles(), d -> true, "StudyInstanceUID"));
        assertThat(studies.size()).isEqualTo(values(studies, "0020000D").size());
    }

    /** A clinic searches only its own institution's data; another's study is simply not found (204). */
    @ParameterizedTest
    @CsvSource({"clinic-a", "clinic-b"})
    void clinicSeesOnlyItsOwnInstitution(String clinic) {
        String token = server.token(clinic, "dicomweb.read");
        assertThat(values(query(token, "/dicomweb/studies"), "0020000D"))
                .isEqualTo(expected(filesOf.get(clinic), d -> true, "StudyInstanceUID"));
        assertThat(values(query(token, "/dicomweb/instances"), "00080018"))
                .isEqualTo(expected(filesOf.get(clinic), d -> true, "SOPInstanceUID"));
        String other = clinic.equals(StowQidoServer.CLINIC_A) ? StowQidoServer.CLINIC_B : StowQidoServer.CLINIC_A;
        String foreignStudy = dump(filesOf.get(other).get(0)).get("StudyInstanceUID").orElseThrow();
        assertThat(server.get(token, "/dicomweb/studies/" + foreignStudy + "/series").statusCode()).isEqualTo(204);
        assertThat(server.get(token, "/dicomweb/studies?StudyInstanceUID=" + foreignStudy).statusCode()).isEqualTo(204);
    }

    /** Wildcard on the ideographic group: both chrX files (UTF-8 and GB18030), with every name group back. */
    @Test
    void chineseNameWildcardMatchesBothCharacterSets() {
        JsonArray studies = query(lead, "/dicomweb/studies?PatientName=" + enc("*王*"));
        List<Path> chinese = filesOf.get(StowQidoServer.CLINIC_B);
        assertThat(values(studies, "0020000D")).isEqualTo(expected(chinese, d -> true, "StudyInstanceUID"));
        for (Object o : studies) {
            JsonObject study = (JsonObject) o;
            Path file = chinese.stream().filter(f -> dump(f).get("StudyInstanceUID").orElseThrow()
                    .equals(StowQidoServer.value(study, "0020000D"))).findFirst().orElseThrow();
            String[] groups = InteropIndexCheck.referencePatientName(file).split("=", -1);
            JsonObject name = study.getJsonObject("00100010").getJsonArray("Value").getJsonObject(0);
            assertThat(name.getString("Alphabetic")).isEqualTo(groups[0]);
            assertThat(name.getString("Ideographic")).isEqualTo(groups[1]);
            assertThat(study.getJsonObject("00080005").getJsonArray("Value").getString(0)).isEqualTo("ISO_IR 192");
        }
        // the ideographic group alone, exactly (PN matching per component group, PS3.4 C.2.2.2.1)
        assertThat(query(lead, "/dicomweb/studies?PatientName=" + enc("王^小东")).size()).isEqualTo(1);
    }

    @Test
    void studyDateRangeMatchesAsDcmdumpReadsTheDates() {
        JsonArray studies = query(lead, "/dicomweb/studies?StudyDate=20040101-20041231");
        Set<String> expected = expected(allFiles(), d -> d.get("StudyDate").filter(v -> v.compareTo("20040101") >= 0
                && v.compareTo("20041231") <= 0).isPresent(), "StudyInstanceUID");
        assertThat(expected).isNotEmpty();
        assertThat(values(studies, "0020000D")).isEqualTo(expected);
        assertThat(values(studies, "00080020")).allSatisfy(d -> assertThat(d).startsWith("2004"));
    }

    @ParameterizedTest
    @CsvSource({"CT", "MR", "US"})
    void modalitiesInStudyMatchesStudiesWithASeriesOfThatModality(String modality) {
        JsonArray studies = query(lead, "/dicomweb/studies?ModalitiesInStudy=" + modality);
        Set<String> expected = expected(allFiles(), d -> d.get("Modality").orElse("").equals(modality), "StudyInstanceUID");
        assertThat(expected).isNotEmpty();
        assertThat(values(studies, "0020000D")).isEqualTo(expected);
        for (Object o : studies) {
            assertThat(((JsonObject) o).getJsonObject("00080061").getJsonArray("Value").getList()).contains(modality);
        }
    }

    @Test
    void attributesMayBeNamedByTagAndUidsListed() {
        Path ct = shared("CT_small.dcm");
        Path mr = shared("MR_small.dcm");
        String patientId = dump(ct).get("PatientID").orElseThrow();
        Set<String> byKeyword = values(query(lead, "/dicomweb/studies?PatientID=" + patientId), "0020000D");
        assertThat(byKeyword).isNotEmpty().isEqualTo(values(query(lead, "/dicomweb/studies?00100020=" + patientId), "0020000D"));

        String a = dump(ct).get("StudyInstanceUID").orElseThrow();
        String b = dump(mr).get("StudyInstanceUID").orElseThrow();
        assertThat(values(query(lead, "/dicomweb/studies?StudyInstanceUID=" + a + "," + b), "0020000D")).containsExactlyInAnyOrder(a, b);
    }

    /** Series of one study: the series and instance counts as the files give them. */
    @Test
    void seriesOfAStudyWithTheirDefaultAttributes() {
        Path ct = filesOf.get(StowQidoServer.CLINIC_A).stream().filter(f -> f.getFileName().toString().matches("\\d+")).findFirst().orElseThrow();
        String study = dump(ct).get("StudyInstanceUID").orElseThrow();
        List<Path> ofStudy = allFiles().stream().filter(f -> dump(f).get("StudyInstanceUID").orElseThrow().equals(study)).toList();
        JsonArray series = query(lead, "/dicomweb/studies/" + study + "/series");
        assertThat(values(series, "0020000E")).isEqualTo(expected(ofStudy, d -> true, "SeriesInstanceUID"));
        for (Object o : series) {
            JsonObject s = (JsonObject) o;
            String uid = StowQidoServer.value(s, "0020000E");
            List<Path> files = ofStudy.stream().filter(f -> dump(f).get("SeriesInstanceUID").orElseThrow().equals(uid)).toList();
            assertThat(StowQidoServer.value(s, "00201209")).isEqualTo(String.valueOf(expected(files, d -> true, "SOPInstanceUID").size()));
            assertThat(StowQidoServer.value(s, "00080060")).isEqualTo(dump(files.get(0)).get("Modality").orElseThrow());
            assertThat(StowQidoServer.value(s, "00081190")).isEqualTo("http://127.0.0.1:" + server.port()
                    + "/dicomweb/studies/" + study + "/series/" + uid);
        }
    }

    /** /series across studies carries each series' study attributes too (PS3.18 Table 10.6.3-3/-4). */
    @Test
    void allSeriesOfAModalityWithStudyAttributes() {
        JsonArray series = query(lead, "/dicomweb/series?Modality=MR");
        assertThat(values(series, "0020000E")).isEqualTo(expected(allFiles(), d -> d.get("Modality").orElse("").equals("MR"), "SeriesInstanceUID"));
        for (Object o : series) {
            JsonObject s = (JsonObject) o;
            assertThat(s.containsKey("0020000D")).isTrue();
            assertThat(s.containsKey("00100020")).as("study level Patient ID").isTrue();
        }
    }

    @Test
    void instancesAtEachPathLevel() {
        Path mr = shared("MR_small.dcm");
        String study = dump(mr).get("StudyInstanceUID").orElseThrow();
        String series = dump(mr).get("SeriesInstanceUID").orElseThrow();
        Set<String> ofSeries = expected(allFiles(), d -> d.get("SeriesInstanceUID").orElseThrow().equals(series), "SOPInstanceUID");
        Set<String> ofStudy = expected(allFiles(), d -> d.get("StudyInstanceUID").orElseThrow().equals(study), "SOPInstanceUID");
        assertThat(values(query(lead, "/dicomweb/studies/" + study + "/series/" + series + "/instances"), "00080018")).isEqualTo(ofSeries);
        assertThat(values(query(lead, "/dicomweb/studies/" + study + "/instances"), "00080018")).isEqualTo(ofStudy);

        String ctClass = dump(shared("CT_small.dcm")).get("SOPClassUID").orElseThrow();
        JsonArray cts = query(lead, "/dicomweb/instances?SOPClassUID=" + ctClass);
        assertThat(values(cts, "00080018")).isEqualTo(expected(allFiles(), d -> d.get("SOPClassUID").orElseThrow().equals(ctClass), "SOPInstanceUID"));
        assertThat(values(cts, "00080016")).containsOnly(ctClass);
    }

    @Test
    void includefieldAddsAttributesAndAllAddsEverythingHeld() {
        Path ct = shared("CT_small.dcm");
        String study = dump(ct).get("StudyInstanceUID").orElseThrow();
        String description = dump(ct).get("StudyDescription").orElseThrow();
        JsonObject plain = query(lead, "/dicomweb/studies?StudyInstanceUID=" + study).getJsonObject(0);
        assertThat(plain.containsKey("00081030")).as("Study Description is no default attribute").isFalse();
        JsonObject with = query(lead, "/dicomweb/studies?StudyInstanceUID=" + study + "&includefield=StudyDescription,00100040")
                .getJsonObject(0);
        assertThat(StowQidoServer.value(with, "00081030")).isEqualTo(description);
        assertThat(StowQidoServer.value(with, "00100040")).isEqualTo(dump(ct).get("PatientSex").orElseThrow());
        JsonObject all = query(lead, "/dicomweb/studies?StudyInstanceUID=" + study + "&includefield=all").getJsonObject(0);
        assertThat(StowQidoServer.value(all, "00081030")).isEqualTo(description);
        assertThat(all.fieldNames()).containsAll(with.fieldNames());
    }

    /** Pages of 7 instances put together are the whole result, each page but the last with the "more" warning. */
    @Test
    void limitAndOffsetPageThroughAllInstances() {
        Set<String> all = values(query(lead, "/dicomweb/instances"), "00080018");
        assertThat(all).isEqualTo(expected(allFiles(), d -> true, "SOPInstanceUID"));
        List<String> paged = new ArrayList<>();
        for (int offset = 0; ; offset += 7) {
            HttpResponse<Buffer> rsp = server.get(lead, "/dicomweb/instances?limit=7&offset=" + offset);
            if (rsp.statusCode() == 204) {
                break;
            }
            JsonArray page = rsp.bodyAsJsonArray();
            assertThat(page.size()).isBetween(1, 7);
            page.forEach(o -> paged.add(StowQidoServer.value((JsonObject) o, "00080018")));
            boolean more = paged.size() < all.size();
            assertThat(Optional.ofNullable(rsp.getHeader("Warning")).orElse(""))
                    .as("Warning at offset %d", offset).contains(more ? "additional results" : "");
            if (!more) {
                assertThat(rsp.getHeader("Warning")).isNull();
            }
        }
        assertThat(paged).doesNotHaveDuplicates();
        assertThat(new HashSet<>(paged)).isEqualTo(all);
    }

    @Test
    void cStoredInstanceIsFoundByQido() throws Exception {
        SourceInstances.Source s = cStored.get(0);
        JsonArray found = query(lead, "/dicomweb/instances?SOPInstanceUID=" + s.sopInstanceUid());
        assertThat(found.size()).isEqualTo(1);
        assertThat(StowQidoServer.value(found.getJsonObject(0), "0020000D")).isEqualTo(s.studyUid());
        assertThat(server.hub.index().findInstance(s.sopInstanceUid()).orElseThrow().origin().protocol()).isEqualTo(Protocol.DIMSE);
        // the lead hospital's instance is out of a clinic's scope
        assertThat(server.get(server.token(StowQidoServer.CLINIC_A, "dicomweb.read"),
                "/dicomweb/instances?SOPInstanceUID=" + s.sopInstanceUid()).statusCode()).isEqualTo(204);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "/dicomweb/studies?FooBar=1                    | 400 | HZ-5701",
            "/dicomweb/studies?limit=-1                    | 400 | HZ-5703",
            "/dicomweb/studies?limit=ten                   | 400 | HZ-5703",
            "/dicomweb/studies?StudyDate=2020-13-45        | 400 | HZ-5702",
            "/dicomweb/series?SeriesNumber=abc              | 400 | HZ-5702",
            "/dicomweb/studies?includefield=NoSuchKeyword  | 400 | HZ-5704"})
    void badSearchesAre400WithTheirCode(String uri, int status, String code) {
        HttpResponse<Buffer> rsp = server.get(lead, uri);
        assertThat(rsp.statusCode()).isEqualTo(status);
        assertThat(rsp.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(rsp.bodyAsJsonObject().getString("detail")).startsWith(code + " ");
    }

    @Test
    void xmlOnlyAcceptIs406() {
        HttpResponse<Buffer> rsp = StowQidoServer.await(server.client.get("/dicomweb/studies").bearerTokenAuthentication(lead)
                .putHeader("Accept", "application/dicom+xml").send());
        assertThat(rsp.statusCode()).isEqualTo(406);
        assertThat(rsp.bodyAsJsonObject().getString("detail")).startsWith("HZ-5705 ");
    }

    @Test
    void withoutTokenIs401AndWithoutReadScopeIs403() {
        assertThat(server.get(null, "/dicomweb/studies").statusCode()).isEqualTo(401);
        HttpResponse<Buffer> writeOnly = server.get(server.token(StowQidoServer.LEAD, "dicomweb.write"), "/dicomweb/studies");
        assertThat(writeOnly.statusCode()).isEqualTo(403);
        assertThat(writeOnly.bodyAsJsonObject().getString("detail")).startsWith("HZ-6101");
    }
}
