package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.testing.DcmtkDump;
import org.huizhen.hub.testing.DcmtkTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Orthanc as a DICOMweb <em>client</em> of another server (its {@code DicomWeb.Servers} and the
 * REST calls {@code /dicom-web/servers/{name}/stow}, {@code /qido}, {@code /retrieve}): it sends a
 * study with STOW-RS, finds it with QIDO-RS and fetches it back with WADO-RS. What the server
 * holds is checked with our own QIDO request to it, and what came back with DCMTK's dump
 * against the original file.
 *
 * <p>The server under test is a parameter ({@link #servers}): a second Orthanc (a real peer), the
 * hub's HTTP front with its bearer-token auth in front of DICOMweb ({@link HubFront}; until the
 * hub's QIDO/WADO/STOW routes are merged its DICOMweb mount forwards to a second Orthanc), and,
 * when the system property {@code hz.dicomweb.peer.url} names a DICOMweb root, that server (with
 * {@code hz.dicomweb.peer.token} as its bearer token, if given).
 */
class OrthancDicomWebClientInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The DICOMweb server under test, as Orthanc is told about it. */
    interface Server extends AutoCloseable {
        /** The DICOMweb root, ending in {@code /} (Orthanc appends {@code studies/...}). */
        String root();

        /** Headers every request to it needs (e.g. {@code Authorization}). */
        Map<String, String> headers();
    }

    /** Starts a server under test in a directory of the test's. */
    @FunctionalInterface
    interface ServerFactory {
        Server start(Path dir) throws Exception;
    }

    @TempDir
    Path dir;
    final List<AutoCloseable> running = new ArrayList<>();

    static Stream<Named<ServerFactory>> servers() {
        List<Named<ServerFactory>> list = new ArrayList<>();
        list.add(Named.of("a second Orthanc", OrthancDicomWebClientInteropTest::secondOrthanc));
        list.add(Named.of("the hub's HTTP front (bearer token)", OrthancDicomWebClientInteropTest::hubFront));
        list.add(Named.of("the hub's own DICOMweb (bearer token)", OrthancDicomWebClientInteropTest::hubDicomWeb));
        Optional.ofNullable(System.getProperty("hz.dicomweb.peer.url")).filter(u -> !u.isBlank())
                .ifPresent(url -> list.add(Named.of("the server at " + url, d -> external(url))));
        return list.stream();
    }

    static Server secondOrthanc(Path dir) throws Exception {
        OrthancPeer b = OrthancPeer.start(dir.resolve("orthanc-b"), "PEER_B", List.of());
        return server(b.dicomWebRoot() + "/", Map.of(), b);
    }

    /**
     * The hub's front: viewer, HttpAuth, DICOMweb. To run against the hub's own DICOMweb, replace
     * {@code HubFront.proxyTo(b.dicomWebRoot())} with a mount that calls the hub's route classes
     * and drop the second Orthanc.
     */
    static Server hubFront(Path dir) throws Exception {
        OrthancPeer b = OrthancPeer.start(dir.resolve("orthanc-b"), "PEER_B", List.of());
        HubFront front;
        try {
            front = HubFront.start(dir.resolve("hub"), HubFront.proxyTo(b.dicomWebRoot()));
        } catch (Exception | AssertionError e) {
            b.close();
            throw e;
        }
        String token = front.token("orthanc-peer", Role.READER, "dicomweb.read", "dicomweb.write");
        return server(front.dicomWebRoot() + "/", Map.of("Authorization", "Bearer " + token), () -> {
            front.close();
            b.close();
        });
    }

    /** The hub's own STOW-RS/QIDO-RS/WADO-RS behind its authentication: Orthanc as their client. */
    static Server hubDicomWeb(Path dir) throws Exception {
        HubFront front = HubFront.start(dir.resolve("hub"), HubFront.hubDicomWeb());
        String token = front.token("orthanc-peer", Role.READER, "dicomweb.read", "dicomweb.write");
        return server(front.dicomWebRoot() + "/", Map.of("Authorization", "Bearer " + token), front::close);
    }

    static Server external(String url) {
        Map<String, String> headers = Optional.ofNullable(System.getProperty("hz.dicomweb.peer.token"))
                .filter(t -> !t.isBlank()).map(t -> Map.of("Authorization", "Bearer " + t)).orElse(Map.of());
        return server(url.endsWith("/") ? url : url + "/", headers, () -> { });
    }

    private static Server server(String root, Map<String, String> headers, AutoCloseable stop) {
        return new Server() {
            @Override
            public String root() {
                return root;
            }

            @Override
            public Map<String, String> headers() {
                return headers;
            }

            @Override
            public void close() throws Exception {
                stop.close();
            }
        };
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : running.reversed()) {
            c.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void orthancStoresFindsAndRetrievesAStudyThroughTheServer(ServerFactory factory) throws Exception {
        OrthancPeer.requireInstalled();
        Server server = factory.start(dir.resolve("server"));
        running.add(server);
        OrthancPeer a = OrthancPeer.start(dir.resolve("orthanc-a"), "CLIENT_A",
                List.of(new OrthancPeer.RemoteServer("peer", server.root(), server.headers())));
        running.add(a);
        Path ct = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        DcmtkDump original = DcmtkDump.of(ct, false);
        String study = original.get("StudyInstanceUID").orElseThrow();
        String orthancStudyId = a.upload(ct).get("ParentStudy").asText();

        // STOW-RS from Orthanc to the server; then the server itself answers a QIDO for the study
        a.post("/dicom-web/servers/peer/stow", Map.of("Resources", List.of(orthancStudyId), "Synchronous", true));
        JsonNode held = qido(server, "studies?StudyInstanceUID=" + study);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).at("/0020000D/Value/0").asText()).isEqualTo(study);

        // QIDO-RS through Orthanc, at study and series level (Orthanc answers {"Name", "Value", ...} per tag)
        JsonNode studies = a.post("/dicom-web/servers/peer/qido",
                Map.of("Uri", "/studies", "Arguments", Map.of("StudyInstanceUID", study)));
        assertThat(studies).hasSize(1);
        assertThat(studies.get(0).at("/00100020/Value").asText()).isEqualTo(original.get("PatientID").orElseThrow());
        JsonNode series = a.post("/dicom-web/servers/peer/qido",
                Map.of("Uri", "/studies/" + study + "/series", "Arguments", Map.of()));
        assertThat(series).hasSize(1);
        assertThat(series.get(0).at("/0020000E/Value").asText()).isEqualTo(original.get("SeriesInstanceUID").orElseThrow());
        assertThat(series.get(0).at("/00080060/Value").asText()).isEqualTo("CT");

        // WADO-RS: Orthanc forgets the study, fetches it back from the server, and holds the same data set
        a.delete("/studies/" + orthancStudyId);
        assertThat(a.get("/instances")).isEmpty();
        a.post("/dicom-web/servers/peer/retrieve", Map.of("Resources", List.of(Map.of("Study", study))));
        JsonNode instances = a.get("/instances");
        assertThat(instances).hasSize(1);
        Path back = dir.resolve("retrieved.dcm");
        Files.write(back, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(a.baseUrl() + "/instances/" + instances.get(0).asText() + "/file")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body());
        // the data set as values (dcmdump), so a change of transfer syntax on the way would not matter
        assertThat(DcmtkDump.of(back, false).dataSetText()).isEqualTo(original.dataSetText());
    }

    /** Our own QIDO-RS request to the server (PS3.18 10.6), as {@code application/dicom+json}. */
    private static JsonNode qido(Server server, String query) throws Exception {
        HttpRequest.Builder rq = HttpRequest.newBuilder(URI.create(server.root() + query))
                .header("Accept", "application/dicom+json");
        server.headers().forEach(rq::header);
        HttpResponse<String> r = HttpClient.newHttpClient().send(rq.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("QIDO %s: %s", query, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
