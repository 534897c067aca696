package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.image.FrameRenderer;
import org.huizhen.dicom.image.RenderOptions;
import org.huizhen.dicom.image.Viewport;
import org.huizhen.dicom.image.Window;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.Part10;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropHub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link RenderedRoutes} on a real hub: files are stored over C-STORE by two clinics of a
 * consortium, then fetched with Vert.x's {@link WebClient} from a server on port 0 whose router
 * has the hub's {@link HttpAuth} in front of the routes. Answers are decoded with ImageIO and
 * compared with {@link FrameRenderer} run directly on the shared file (PNG is lossless, so
 * the pixels must be the same), besides size, non-blankness, negotiation and error cases.
 */
class RenderedRoutesTest {

    @TempDir
    static Path dir;
    static Hub hub;
    static Vertx vertx;
    static WebClient client;
    static int port;
    static TokenIssuer tokens;

    /** Study, series and instance UID of a shared file. */
    record Uids(String study, String series, String instance) {
        String path() {
            return "/dicomweb/studies/" + study + "/series/" + series + "/instances/" + instance;
        }
    }

    static final Map<String, Uids> UIDS = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        hub = InteropHub.in(dir.resolve("hub")).institutions("""
                  - id: lead
                    name: Lead Hospital
                    role: lead-hospital
                    aes:
                      - ae-title: LEADAE
                  - id: clinic-a
                    name: Clinic A
                    role: clinic
                    aes:
                      - ae-title: CLINICA
                  - id: clinic-b
                    name: Clinic B
                    role: clinic
                    aes:
                      - ae-title: CLINICB
                """).start();
        store("CLINICA", "CT_small.dcm", "examples_ybr_color.dcm", "SC_rgb_rle_2frame.dcm", "examples_palette.dcm");
        store("CLINICB", "MR_small.dcm");

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        RenderedRoutes.mount(router, hub.dicomWebContext(), RenderedRoutes.leadHospitals(hub.config()));
        // stands in for the application/dicom WADO-URI handler mounted by another part
        router.get("/dicomweb/wado").handler(rc -> rc.response().setStatusCode(299).end("next handler"));
        port = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        client = WebClient.create(vertx);
        tokens = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC());
        LEAD = token("lead", Role.READER, "dicomweb.read");
        CLINIC_A = token("clinic-a", Role.CLINIC, "dicomweb.read");
        CLINIC_B = token("clinic-b", Role.CLINIC, "dicomweb.read");
    }

    private static void store(String callingAe, String... names) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("store"));
        for (String n : names) {
            Path f = shared(n);
            args.add(f.toString());
            DataSet ds = Part10.readHeader(f, DecodeLimits.DEFAULT).dataSet();
            UIDS.put(n, new Uids(ds.getString(Tag.StudyInstanceUID).orElseThrow(),
                    ds.getString(Tag.SeriesInstanceUID).orElseThrow(), ds.getString(Tag.SOPInstanceUID).orElseThrow()));
        }
        args.addAll(List.of("--to", InteropHub.address(hub), "--calling-ae", callingAe));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private static Path shared(String name) {
        return Path.of(System.getProperty("hz.shared.testdata")).resolve("dicom").resolve(name);
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    private static String token(String institution, Role role, String... scopes) {
        return tokens.issue("tester@" + institution, institution, role, List.of(scopes), Duration.ofMinutes(10));
    }

    static String LEAD;
    static String CLINIC_A;
    static String CLINIC_B;

    private static HttpResponse<Buffer> get(String uri, String bearer, String accept) throws Exception {
        HttpRequest<Buffer> rq = client.get(port, "127.0.0.1", uri);
        if (bearer != null) {
            rq.bearerTokenAuthentication(bearer);
        }
        if (accept != null) {
            rq.putHeader("Accept", accept);
        }
        return rq.send().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static BufferedImage image(HttpResponse<Buffer> r) throws Exception {
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body().getBytes()));
        assertThat(img).as("decodable by ImageIO").isNotNull();
        return img;
    }

    private static int maxDifference(BufferedImage a, BufferedImage b) {
        assertThat(new int[] {a.getWidth(), a.getHeight()}).containsExactly(b.getWidth(), b.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                for (int band = 0; band < a.getRaster().getNumBands(); band++) {
                    max = Math.max(max, Math.abs(a.getRaster().getSample(x, y, band) - b.getRaster().getSample(x, y, band)));
                }
            }
        }
        return max;
    }

    private static double variance(BufferedImage img) {
        double sum = 0;
        double sq = 0;
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                double v = img.getRaster().getSample(x, y, 0);
                sum += v;
                sq += v * v;
                n++;
            }
        }
        return sq / n - (sum / n) * (sum / n);
    }

    @Test
    void rendersJpegByDefaultAtTheImageSize() throws Exception {
        HttpResponse<Buffer> r = get(UIDS.get("CT_small.dcm").path() + "/rendered", LEAD, null);
        assertThat(r.getHeader("Content-Type")).isEqualTo("image/jpeg");
        BufferedImage img = image(r);
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(128, 128);
        assertThat(variance(img)).isPositive();
    }

    @Test
    void rendersPngWithTheSamePixelsAsTheLibrary() throws Exception {
        HttpResponse<Buffer> r = get(UIDS.get("CT_small.dcm").path() + "/rendered?window=40,400", LEAD, "image/png");
        assertThat(r.getHeader("Content-Type")).isEqualTo("image/png");
        BufferedImage direct = FrameRenderer.render(shared("CT_small.dcm"), 1,
                RenderOptions.DEFAULT.withWindow(Window.parse("40,400")));
        assertThat(maxDifference(image(r), direct)).isZero();
    }

    @Test
    void theWindowParameterChangesTheOutput() throws Exception {
        String base = UIDS.get("CT_small.dcm").path() + "/rendered";
        BufferedImage soft = image(get(base + "?window=40,400", LEAD, "image/png"));
        BufferedImage lung = image(get(base + "?window=-600,1500,linear", LEAD, "image/png"));
        BufferedImage own = image(get(base, LEAD, "image/png"));
        assertThat(maxDifference(soft, lung)).isPositive();
        assertThat(maxDifference(soft, own)).isPositive();
        assertThat(get(base + "?window=40", LEAD, null).statusCode()).isEqualTo(400);
        HttpResponse<Buffer> bad = get(base + "?window=40,0,linear", LEAD, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(new JsonObject(bad.bodyAsString()).getString("detail")).startsWith("HZ-5510");
    }

    @Test
    void viewportScalesKeepingTheAspectRatio() throws Exception {
        // examples_ybr_color is 320 x 240: into 160 x 160 it becomes 160 x 120
        Uids us = UIDS.get("examples_ybr_color.dcm");
        BufferedImage img = image(get(us.path() + "/frames/2/rendered?viewport=160,160&quality=80", LEAD, null));
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(160, 120);
        assertThat(variance(img)).isPositive();
        assertThat(get(us.path() + "/rendered?viewport=0,10", LEAD, null).statusCode()).isEqualTo(400);
        assertThat(get(us.path() + "/rendered?quality=101", LEAD, null).statusCode()).isEqualTo(400);
    }

    @Test
    void thumbnailIsTheMiddleFrameAt128() throws Exception {
        Uids us = UIDS.get("examples_ybr_color.dcm");
        BufferedImage thumb = image(get(us.path() + "/thumbnail", LEAD, "image/png"));
        // 30 frames: the middle one is 15; 320 x 240 into 128 x 128 is 128 x 96
        BufferedImage direct = FrameRenderer.render(shared("examples_ybr_color.dcm"), 15,
                RenderOptions.DEFAULT.withViewport(new Viewport(128, 128)));
        assertThat(maxDifference(thumb, direct)).isZero();
        BufferedImage frame1 = image(get(us.path() + "/frames/1/thumbnail", LEAD, "image/png"));
        assertThat(maxDifference(frame1, thumb)).as("frame 1 differs from frame 15").isPositive();
        // a viewport given with the request replaces the default 128 x 128
        BufferedImage small = image(get(us.path() + "/thumbnail?viewport=64,64", LEAD, null));
        assertThat(new int[] {small.getWidth(), small.getHeight()}).containsExactly(64, 48);
        // series and study thumbnails come from an instance in scope
        assertThat(image(get("/dicomweb/studies/" + us.study() + "/series/" + us.series() + "/thumbnail", LEAD, null))
                .getWidth()).isEqualTo(128);
        assertThat(image(get("/dicomweb/studies/" + us.study() + "/thumbnail", CLINIC_A, null)).getWidth()).isEqualTo(128);
        assertThat(get("/dicomweb/studies/" + us.study() + "/thumbnail", CLINIC_B, null).statusCode()).isEqualTo(404);
    }

    @Test
    void rendersPaletteColour() throws Exception {
        BufferedImage img = image(get(UIDS.get("examples_palette.dcm").path() + "/rendered", CLINIC_A, "image/png"));
        assertThat(new int[] {img.getWidth(), img.getHeight()}).containsExactly(800, 350);
        assertThat(maxDifference(img, FrameRenderer.render(shared("examples_palette.dcm"), 1, RenderOptions.DEFAULT)))
                .isZero();
    }

    @Test
    void framesOutsideTheImageAreNotFound() throws Exception {
        Uids us = UIDS.get("examples_ybr_color.dcm");
        assertThat(image(get(us.path() + "/frames/30/rendered", LEAD, null)).getWidth()).isEqualTo(320);
        HttpResponse<Buffer> r = get(us.path() + "/frames/31/rendered", LEAD, null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(r.bodyAsString()).getString("detail")).startsWith("HZ-5504");
        assertThat(get(us.path() + "/frames/1,2/rendered", LEAD, null).statusCode()).isEqualTo(400);
        assertThat(get(us.path() + "/frames/x/rendered", LEAD, null).statusCode()).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/dicom", "image/gif", "text/html"})
    void otherMediaTypesAreNotAcceptable(String accept) throws Exception {
        HttpResponse<Buffer> r = get(UIDS.get("CT_small.dcm").path() + "/rendered", LEAD, accept);
        assertThat(r.statusCode()).isEqualTo(406);
        assertThat(new JsonObject(r.bodyAsString()).getString("detail")).startsWith("HZ-5520");
    }

    @Test
    void acceptQueryParameterAndWildcardsAreHonoured() throws Exception {
        String base = UIDS.get("CT_small.dcm").path() + "/rendered";
        assertThat(get(base + "?accept=image/png", LEAD, "image/jpeg").getHeader("Content-Type")).isEqualTo("image/png");
        assertThat(get(base, LEAD, "image/*").getHeader("Content-Type")).isEqualTo("image/jpeg");
        assertThat(get(base, LEAD, "image/jpeg;q=0.5, image/png").getHeader("Content-Type")).isEqualTo("image/png");
    }

    @Test
    void unsupportedCompressionIsAClearError() throws Exception {
        HttpResponse<Buffer> r = get(UIDS.get("SC_rgb_rle_2frame.dcm").path() + "/rendered", LEAD, null);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
        assertThat(new JsonObject(r.bodyAsString()).getString("detail")).startsWith("HZ-5501").contains("1.2.840.10008.1.2.5");
    }

    @Test
    void clinicsSeeOnlyTheirOwnInstances() throws Exception {
        Uids ct = UIDS.get("CT_small.dcm");
        Uids mr = UIDS.get("MR_small.dcm");
        assertThat(get(ct.path() + "/rendered", CLINIC_A, null).statusCode()).isEqualTo(200);
        assertThat(get(ct.path() + "/rendered", CLINIC_B, null).statusCode()).isEqualTo(404);
        assertThat(get(mr.path() + "/rendered", CLINIC_B, null).statusCode()).isEqualTo(200);
        assertThat(get(mr.path() + "/rendered", CLINIC_A, null).statusCode()).isEqualTo(404);
        assertThat(get(mr.path() + "/thumbnail", LEAD, null).statusCode()).isEqualTo(200);
    }

    @Test
    void unknownOrMismatchedInstancesAreNotFound() throws Exception {
        Uids ct = UIDS.get("CT_small.dcm");
        HttpResponse<Buffer> r = get("/dicomweb/studies/" + ct.study() + "/series/" + ct.series()
                + "/instances/1.2.3.4.5/rendered", LEAD, null);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(r.bodyAsString()).getString("detail")).startsWith("HZ-5530");
        // the instance exists, but not under that study
        assertThat(get("/dicomweb/studies/1.2.3/series/" + ct.series() + "/instances/" + ct.instance() + "/rendered",
                LEAD, null).statusCode()).isEqualTo(404);
    }

    @Test
    void needsAuthenticationAndTheReadScope() throws Exception {
        String uri = UIDS.get("CT_small.dcm").path() + "/rendered";
        assertThat(get(uri, null, null).statusCode()).isEqualTo(401);
        assertThat(get(uri, token("lead", Role.READER, "dicomweb.write"), null).statusCode()).isEqualTo(403);
        Uids ct = UIDS.get("CT_small.dcm");
        String wado = "/dicomweb/wado?requestType=WADO&studyUID=" + ct.study() + "&seriesUID=" + ct.series()
                + "&objectUID=" + ct.instance() + "&contentType=image/jpeg";
        assertThat(get(wado, token("lead", Role.READER, "dicomweb.write"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void wadoUriServesImageContentTypesAndPassesTheRestOn() throws Exception {
        Uids ct = UIDS.get("CT_small.dcm");
        String base = "/dicomweb/wado?requestType=WADO&studyUID=" + ct.study() + "&seriesUID=" + ct.series()
                + "&objectUID=" + ct.instance();
        HttpResponse<Buffer> png = get(base + "&contentType=image/png&windowCenter=40&windowWidth=400&columns=64", LEAD, null);
        assertThat(png.getHeader("Content-Type")).isEqualTo("image/png");
        BufferedImage direct = FrameRenderer.render(shared("CT_small.dcm"), 1, RenderOptions.DEFAULT
                .withWindow(Window.parse("40,400")).withViewport(new Viewport(64, Viewport.MAX)));
        assertThat(maxDifference(image(png), direct)).isZero();
        assertThat(image(get(base + "&contentType=image/jpeg&imageQuality=50", LEAD, null)).getWidth()).isEqualTo(128);

        assertThat(get(base + "&contentType=application/dicom", LEAD, null).statusCode()).isEqualTo(299);
        assertThat(get(base, LEAD, null).statusCode()).isEqualTo(299);
        assertThat(get(base + "&contentType=image/gif", LEAD, null).statusCode()).isEqualTo(406);
        assertThat(get(base + "&contentType=image/jpeg&windowCenter=40", LEAD, null).statusCode()).isEqualTo(400);
        assertThat(get("/dicomweb/wado?requestType=WADO&contentType=image/jpeg", LEAD, null).statusCode()).isEqualTo(400);
        assertThat(get(base + "&contentType=image/jpeg", CLINIC_B, null).statusCode()).isEqualTo(404);
    }
}
