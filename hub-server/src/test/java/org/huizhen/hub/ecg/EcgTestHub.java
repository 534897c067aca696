package org.huizhen.hub.ecg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.huizhen.dicom.web.MultipartLimits;
import org.huizhen.dicom.web.MultipartParser;
import org.huizhen.dicom.web.PartHeaders;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;

/**
 * A real hub for the ECG tests (a consortium of one lead hospital and two clinics, every route
 * mounted by {@code Hub} itself), a {@link WebClient} on its HTTP port, tokens signed by its own
 * key, and the shared ECG files.
 *
 * <p>Not thread-safe; one per test.
 */
final class EcgTestHub implements AutoCloseable {
    static final String LEAD = "lead";
    static final String CLINIC_A = "clinic-a";
    static final String CLINIC_B = "clinic-b";
    static final String CLINIC_A_AE = "CLINIC_A";
    /** Every shared non-DICOM ECG file (the FHIR Observation is no upload format: see EcgApiTest). */
    static final List<String> NON_DICOM = List.of("aecg_FDA_minimum.xml", "aecg_FDA_subject1_0.xml",
            "muse_braveheart_example1.xml", "philips_sierra_129DYPRG.XML", "scp_ecgviewer_demo.scp",
            "scp_healforce_62.SCP", "scp_healforce_63.SCP");
    /** The shared DICOM ECGs (one real recording, two re-encodings of it). */
    static final List<String> DICOM = List.of("waveform_ecg.dcm", "waveform_ecg_DERIVED-implicitVR.dcm",
            "waveform_ecg_DERIVED-deflated.dcm");

    final InteropHub interop;
    final Hub hub;
    final Vertx vertx;
    final WebClient client;
    private final TokenIssuer issuer;

    EcgTestHub(Path dir) throws Exception {
        this(dir, Map.of());
    }

    /** @param settings configuration keys over the test defaults, e.g. {@code ecg.max-upload-bytes} */
    EcgTestHub(Path dir, Map<String, String> settings) throws Exception {
        interop = InteropHub.in(dir).institutions("""
                  - id: lead
                    name: 县人民医院
                    role: lead-hospital
                    aes:
                      - ae-title: LEAD_PACS
                  - id: clinic-a
                    name: 城关镇卫生院
                    role: clinic
                    aes:
                      - ae-title: CLINIC_A
                  - id: clinic-b
                    name: Clinic B
                    role: clinic
                    aes:
                      - ae-title: CLINIC_B
                """);
        settings.forEach(interop::with);
        hub = interop.start();
        vertx = Vertx.vertx();
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(hub.httpPort()));
        issuer = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC());
    }

    static Path ecg(String name) {
        return DcmtkTools.testdata().resolve("ecg").resolve(name);
    }

    static Path bad(String name) {
        return DcmtkTools.testdata().resolve("bad").resolve(name);
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bearer token of {@code institution} with {@code scopes}. */
    String token(String institution, String... scopes) {
        return issuer.issue("test-" + institution, institution, institution.equals(LEAD) ? Role.READER : Role.CLINIC,
                List.of(scopes), Duration.ofHours(1));
    }

    /** Reads and writes ECGs of {@code institution}. */
    String writer(String institution) {
        return token(institution, "dicomweb.read", "dicomweb.write");
    }

    /** Only reads. */
    String reader(String institution) {
        return token(institution, "dicomweb.read");
    }

    /** {@code POST /api/ecg?filename=NAME} with the file as the raw body. */
    HttpResponse<Buffer> upload(String token, Path file, String contentType) {
        var rq = client.post("/api/ecg").addQueryParam("filename", file.getFileName().toString())
                .putHeader("Content-Type", contentType);
        if (token != null) {
            rq.bearerTokenAuthentication(token);
        }
        return await(rq.sendBuffer(Buffer.buffer(bytes(file))));
    }

    HttpResponse<Buffer> get(String token, String uri) {
        return get(token, uri, null);
    }

    HttpResponse<Buffer> get(String token, String uri, String accept) {
        var rq = client.get(uri);
        if (token != null) {
            rq.bearerTokenAuthentication(token);
        }
        if (accept != null) {
            rq.putHeader("Accept", accept);
        }
        return await(rq.send());
    }

    /** The parts' bodies of a multipart/related response (WADO-RS). */
    static List<byte[]> parts(HttpResponse<Buffer> resp) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream[] body = new ByteArrayOutputStream[1];
        MultipartParser p = MultipartParser.create(resp.getHeader("Content-Type"), MultipartLimits.DEFAULT,
                new MultipartParser.PartHandler() {
                    @Override
                    public void partStart(PartHeaders h) {
                        body[0] = new ByteArrayOutputStream();
                    }

                    @Override
                    public void partData(Buffer chunk) {
                        body[0].writeBytes(chunk.getBytes());
                    }

                    @Override
                    public void partEnd() {
                        out.add(body[0].toByteArray());
                    }
                });
        p.feed(resp.body());
        p.end();
        return out;
    }

    /** Files under the hub's blob store (content, not temporary ones). */
    long blobCount() {
        return InteropFiles.countFiles(interop.blobDir());
    }

    static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        await(vertx.close());
        hub.close();
    }
}
