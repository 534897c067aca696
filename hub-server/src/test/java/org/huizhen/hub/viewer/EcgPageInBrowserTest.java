package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.InteropHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ECG reading page ({@code /ecg/}, served by the hub's own router through
 * {@code ViewerRoutes.mountEcgPage}) in headless Chromium against a real hub: a clinic uploads
 * shared ECG files through {@code POST /api/ecg}, the lead hospital's reader opens the page with
 * a token. The page reports its state in {@code body[data-state]} and {@code #trace[data-state]}
 * so the test waits on conditions; what the page shows is compared with what the API answers.
 * Screenshots are kept at {@code target/viewer-screenshots/} for people to look at.
 */
class EcgPageInBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 1400;
    private static final int HEIGHT = 1000;
    private static final String STATE = "document.body ? document.body.dataset.state : ''";
    private static final String TRACE = "(document.getElementById('trace') || {dataset: {}}).dataset.state || ''";

    @TempDir
    Path dir;
    InteropHub interop;
    Hub hub;
    HeadlessChromium browser;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** A lead hospital and a clinic; {@code settings} over the test defaults. */
    private void start(Map<String, String> settings) throws Exception {
        HeadlessChromium.requireInstalled(); // fails on CI, skips elsewhere, before a hub is started
        interop = InteropHub.in(dir.resolve("hub")).institutions("""
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
                """);
        settings.forEach(interop::with);
        hub = interop.start();
        browser = HeadlessChromium.start(dir.resolve("chromium"), WIDTH, HEIGHT);
    }

    private String token(String institution, String... scopes) throws Exception {
        return new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC())
                .issue("page-test-" + institution, institution, institution.equals("lead") ? Role.READER : Role.CLINIC,
                        List.of(scopes), Duration.ofMinutes(30));
    }

    private static Path shared(String name) {
        return DcmtkTools.testdata().resolve("ecg").resolve(name);
    }

    private String base() {
        return "http://127.0.0.1:" + hub.httpPort();
    }

    /** Uploads a shared ECG file as the clinic; the API's JSON of it. */
    private JsonNode upload(String name) throws Exception {
        Path file = shared(name);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/ecg?filename=" + enc(name)))
                .header("Authorization", "Bearer " + token("clinic-a", "dicomweb.read", "dicomweb.write"))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    /**
     * With the bradycardia limit raised to 50/min the MUSE recording (48/min by both the hub and
     * the GE device) is flagged and the Healforce one is not: one STAT, one routine, as a reading
     * room sees them. The page must put the STAT ECG first although it was stored first (the API
     * lists newest first).
     */
    @Test
    void listsStatFirstAndShowsTheSelectedEcgsTracingMeasurementsAndFlags() throws Exception {
        start(Map.of("ecg.critical.bradycardia-bpm", "50"));
        JsonNode stat = upload("muse_braveheart_example1.xml");
        JsonNode routine = upload("scp_healforce_62.SCP");
        assertThat(stat.get("priority").asText()).as("configured-critical file: %s", stat).isEqualTo("STAT");
        assertThat(routine.get("priority").asText()).as("routine file: %s", routine).isEqualTo("ROUTINE");

        browser.open(base() + "/ecg/?token=" + enc(token("lead", "dicomweb.read")));
        assertThat(browser.awaitExpression(STATE, 60_000, "ready", "empty", "login", "error"))
                .as("page state; status: %s", text("#status")).isEqualTo("ready");
        // the first row is opened on arrival: the STAT one
        assertThat(browser.awaitExpression(TRACE, 60_000, "drawn", "error")).as(text("#trace")).isEqualTo("drawn");

        JsonNode rows = browser.evaluate("[...document.querySelectorAll('#worklist tbody tr')].map(r => ({id: r.dataset.id,"
                + " cells: [...r.cells].map(c => c.textContent), current: r.getAttribute('aria-current')}))");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("id").asText()).isEqualTo(stat.get("id").asText());
        assertThat(rows.get(1).get("id").asText()).isEqualTo(routine.get("id").asText());
        assertThat(rows.get(0).get("current").asText()).isEqualTo("true");
        // priority badge, patient, institution, hub heart rate, flag count: as the API has them
        assertRow(rows.get(0), stat);
        assertRow(rows.get(1), routine);
        // the token left the address bar (kept in sessionStorage)
        assertThat(browser.evaluate("location.search").asText()).doesNotContain("token");

        Path shot = keep(browser.screenshot(), "ecg-page-stat.png");
        assertDetail(stat);
        assertTracingVisible(shot);
        // the measurement table and statements below the tracing, for people to look at
        browser.evaluate("document.getElementById('measures').scrollIntoView()");
        keep(browser.screenshot(), "ecg-page-stat-measurements.png");

        // the download button saves the file as received, under its name (fetched with the token)
        Path downloads = Files.createDirectories(dir.resolve("downloads"));
        browser.call("Browser.setDownloadBehavior", JSON.createObjectNode().put("behavior", "allow")
                .put("downloadPath", downloads.toString()));
        browser.evaluate("document.getElementById('dl-original').click()");
        Path saved = downloads.resolve("muse_braveheart_example1.xml");
        DcmtkTools.await(() -> Files.exists(saved) && saved.toFile().length() == shared("muse_braveheart_example1.xml").toFile().length(),
                30_000, "the original file downloaded to " + saved);
        assertThat(Files.readAllBytes(saved)).isEqualTo(Files.readAllBytes(shared("muse_braveheart_example1.xml")));

        // choosing the other row shows that ECG
        browser.evaluate("document.querySelectorAll('#worklist tbody tr')[1].querySelector('button').click()");
        browser.awaitExpression("document.querySelector('#worklist tr[aria-current]').dataset.id + ' ' + "
                + TRACE, 60_000, routine.get("id").asText() + " drawn");
        Path routineShot = keep(browser.screenshot(), "ecg-page-routine.png");
        assertDetail(routine);
        assertTracingVisible(routineShot);
    }

    @Test
    void opensOneEcgDirectlyByItsId() throws Exception {
        start(Map.of());
        JsonNode first = upload("muse_braveheart_example1.xml");
        upload("scp_healforce_62.SCP");

        browser.open(base() + "/ecg/?token=" + enc(token("lead", "dicomweb.read")) + "&id=" + enc(first.get("id").asText()));

        assertThat(browser.awaitExpression(STATE, 60_000, "ready", "empty", "login", "error")).isEqualTo("ready");
        assertThat(browser.awaitExpression(TRACE, 60_000, "drawn", "error")).isEqualTo("drawn");
        // not the list's first row (the newest stored), the one asked for
        assertThat(browser.evaluate("document.querySelector('#worklist tr[aria-current]').dataset.id").asText())
                .isEqualTo(first.get("id").asText());
        assertDetail(first);
    }

    @ParameterizedTest(name = "token {0}")
    @CsvSource({"none, 未登录", "forged, 登录已过期"})
    void asksToSignInWithoutAValidToken(String kind, String message) throws Exception {
        start(Map.of());
        // a forged token: well-formed base64url parts, signed by no key of the hub's, so the API answers 401
        String url = base() + "/ecg/" + (kind.equals("none") ? "" : "?token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln");

        browser.open(url);

        assertThat(browser.awaitExpression(STATE, 60_000, "ready", "empty", "login", "error")).isEqualTo("login");
        assertThat(text("#status")).contains(message);
        if (kind.equals("forged")) {
            assertThat(text("#status")).contains("token expired");
        }
        assertThat(browser.evaluate("document.getElementById('detail').hidden").asBoolean()).isTrue();
        keep(browser.screenshot(), "ecg-page-login-" + kind + ".png");
    }

    @Test
    void saysSoWhenThereIsNoEcg() throws Exception {
        start(Map.of());

        browser.open(base() + "/ecg/?token=" + enc(token("lead", "dicomweb.read")));

        assertThat(browser.awaitExpression(STATE, 60_000, "ready", "empty", "login", "error")).isEqualTo("empty");
        assertThat(text("#status")).contains("没有心电图");
        assertThat(browser.evaluate("document.querySelectorAll('#worklist tbody tr').length").asInt()).isZero();
    }

    @Test
    void showsAMessageInsteadOfATracingForAnEcgItCannotOpen() throws Exception {
        start(Map.of());

        browser.open(base() + "/ecg/?token=" + enc(token("lead", "dicomweb.read")) + "&id=1.2.3.4.5");

        assertThat(browser.awaitExpression(TRACE, 60_000, "drawn", "error")).isEqualTo("error");
        // the API's 404 problem detail reaches the reader, not a blank pane
        assertThat(text("#trace")).contains("404");
        assertThat(text("#title")).contains("1.2.3.4.5");
    }

    /**
     * The record is readable but the stored file behind it is damaged (as after a disk fault), so
     * {@code /render} answers 500: the pane must say so, with the hub's code, and still show the
     * measurements from the record.
     */
    @Test
    void showsWhyTheTracingCannotBeDrawnWhenRenderingFails() throws Exception {
        start(Map.of());
        JsonNode ecg = upload("muse_braveheart_example1.xml");
        byte[] original = Files.readAllBytes(shared("muse_braveheart_example1.xml"));
        List<Path> blobs;
        try (var files = Files.walk(interop.blobDir())) {
            blobs = files.filter(Files::isRegularFile).filter(f -> {
                try {
                    return java.util.Arrays.equals(Files.readAllBytes(f), original);
                } catch (java.io.IOException e) {
                    return false;
                }
            }).toList();
        }
        assertThat(blobs).as("the original kept as received in %s", interop.blobDir()).hasSize(1);
        Files.writeString(blobs.get(0), "damaged");

        browser.open(base() + "/ecg/?token=" + enc(token("lead", "dicomweb.read")) + "&id=" + enc(ecg.get("id").asText()));

        assertThat(browser.awaitExpression(TRACE, 60_000, "drawn", "error")).isEqualTo("error");
        assertThat(text("#trace")).contains("the tracing could not be drawn").contains("500").contains("HZ-7099");
        assertThat(browser.evaluate("document.querySelectorAll('#measures tbody tr').length").asInt()).isGreaterThan(5);
        keep(browser.screenshot(), "ecg-page-render-failed.png");
    }

    // ------------------------------------------------------------------ checks

    /** A worklist row against the ECG's JSON. */
    private static void assertRow(JsonNode row, JsonNode ecg) {
        List<String> cells = new ArrayList<>();
        row.get("cells").forEach(c -> cells.add(c.asText()));
        assertThat(cells.get(0)).containsIgnoringCase(ecg.get("priority").asText());
        JsonNode patient = ecg.get("patient");
        // the name, else the patient id, else the page says there is none (the MUSE sample is anonymous)
        String who = patient.path("name").asText("");
        who = who.isEmpty() ? patient.path("id").asText("") : who;
        if (who.isEmpty()) {
            assertThat(cells.get(1)).contains("无姓名");
        } else {
            assertThat(cells.get(1)).isEqualTo(who);
        }
        assertThat(cells.get(3)).isEqualTo("clinic-a");
        assertThat(cells.get(4)).isEqualTo(rounded(ecg.at("/measurements/heartRateBpm")));
        assertThat(cells.get(5)).isEqualTo(String.valueOf(ecg.get("criticalFlags").size()));
    }

    /** The right-hand pane against the ECG's JSON: SVG, measurements, flags, device statements. */
    private void assertDetail(JsonNode ecg) {
        JsonNode svg = browser.evaluate("(() => { const s = document.querySelector('#trace svg');"
                + " return s && {ns: s.namespaceURI, traces: [...s.querySelectorAll('polyline.trace')].map(p => p.dataset.lead),"
                + " points: s.querySelector('polyline.trace').getAttribute('points').length,"
                + " label: s.getAttribute('aria-label'), width: s.getBoundingClientRect().width,"
                + " height: s.getBoundingClientRect().height,"
                + " column: document.getElementById('detail').getBoundingClientRect().width}; })()");
        assertThat(svg.path("ns").asText()).isEqualTo("http://www.w3.org/2000/svg");
        // every lead of the model that the 3x4 layout has is drawn (the MUSE sample has 8 of the 12), plus the rhythm strip
        List<String> drawn = new ArrayList<>();
        svg.get("traces").forEach(t -> drawn.add(t.asText()));
        List<String> expected = new ArrayList<>();
        ecg.get("leads").forEach(l -> expected.add(l.asText()));
        expected.retainAll(List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"));
        assertThat(drawn).as("traces drawn; leads %s", ecg.get("leads")).containsAll(expected).hasSizeGreaterThan(expected.size());
        assertThat(svg.get("points").asInt()).isGreaterThan(100);
        assertThat(svg.get("label").asText()).contains("12");
        // scaled to the column's width (minus the figure's 1 px borders), aspect of the A4 landscape page kept
        assertThat(svg.get("width").asDouble()).isCloseTo(svg.get("column").asDouble() - 2, org.assertj.core.data.Offset.offset(2.0));
        assertThat(svg.get("height").asDouble() / svg.get("width").asDouble())
                .isCloseTo(210.0 / 297.0, org.assertj.core.data.Offset.offset(0.01));

        JsonNode hub = browser.evaluate("[...document.querySelectorAll('#measures tbody tr')].map(r =>"
                + " [r.cells[0].textContent, r.cells[1].textContent, r.cells[2].textContent])");
        JsonNode m = ecg.get("measurements");
        JsonNode d = ecg.at("/device/measurements");
        // rows as the page lists them: label, the hub's value, the device's value (rounded, "—" if none)
        assertMeasure(hub, "HR", m.get("heartRateBpm"), d.get("heartRateBpm"));
        assertMeasure(hub, "PR", m.get("prMs"), d.get("prMs"));
        assertMeasure(hub, "QRS (", m.get("qrsMs"), d.get("qrsMs"));
        assertMeasure(hub, "QT (", m.get("qtMs"), d.get("qtMs"));
        assertMeasure(hub, "QTcB", m.get("qtcBazettMs"), null);
        assertMeasure(hub, "QTcF", m.get("qtcFridericiaMs"), null);
        assertMeasure(hub, "device's formula", null, d.get("qtcMs"));
        assertMeasure(hub, "QRS axis", m.at("/axes/qrs"), d.at("/axes/qrs"));
        assertMeasure(hub, "T axis", m.at("/axes/t"), d.at("/axes/t"));

        JsonNode flags = browser.evaluate("[...document.querySelectorAll('#flags li')].map(li => ({text: li.textContent,"
                + " colour: getComputedStyle(li).borderLeftColor}))");
        assertThat(flags).hasSize(ecg.get("criticalFlags").size());
        for (int i = 0; i < flags.size(); i++) {
            JsonNode f = ecg.get("criticalFlags").get(i);
            assertThat(flags.get(i).get("text").asText()).contains(f.get("rule").asText())
                    .contains(String.valueOf(f.get("value").asDouble()).replaceAll("\\.0$", ""));
            // highlighted red (the page's --stat colour, #c62828)
            assertThat(flags.get(i).get("colour").asText()).isEqualTo("rgb(198, 40, 40)");
        }

        assertThat(text("#statements h3")).contains("设备判读（未经医师确认）");
        JsonNode statements = ecg.at("/device/statements");
        JsonNode shown = browser.evaluate("[...document.querySelectorAll('#statements li')].map(li => li.textContent)");
        if (statements.isEmpty()) {
            assertThat(shown).hasSize(1);
        } else {
            assertThat(shown).hasSize(statements.size());
            for (int i = 0; i < statements.size(); i++) {
                assertThat(shown.get(i).asText()).isEqualTo(statements.get(i).asText());
            }
        }
        String name = ecg.at("/patient/name").asText("");
        if (!name.isEmpty()) {
            assertThat(text("#title")).contains(name);
        }
    }

    private static void assertMeasure(JsonNode rows, String label, JsonNode hub, JsonNode device) {
        JsonNode row = null;
        for (JsonNode r : rows) {
            if (r.get(0).asText().contains(label)) {
                row = r;
                break;
            }
        }
        assertThat(row).as("a measurement row labelled %s in %s", label, rows).isNotNull();
        assertThat(row.get(1).asText()).as(label + " hub").isEqualTo(rounded(hub));
        assertThat(row.get(2).asText()).as(label + " device").isEqualTo(rounded(device));
    }

    /** As the page writes a value: rounded to a whole number, an em dash when absent. */
    private static String rounded(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() ? "—" : String.valueOf(Math.round(v.asDouble()));
    }

    /**
     * The screenshot shows a tracing where the page put the SVG: dark trace pixels (the renderer
     * strokes traces black) and the pink grid, not a blank or an error.
     */
    private void assertTracingVisible(Path png) throws Exception {
        JsonNode r = browser.evaluate("(() => { const b = document.querySelector('#trace svg').getBoundingClientRect();"
                + " return {x: b.x, y: b.y, w: b.width, h: Math.min(b.height, innerHeight - b.y)}; })()");
        BufferedImage image = ImageIO.read(png.toFile());
        int x0 = r.get("x").asInt();
        int y0 = r.get("y").asInt();
        int w = r.get("w").asInt();
        int h = r.get("h").asInt();
        assertThat(h).as("the tracing is inside the window").isGreaterThan(100);
        long dark = 0;
        long grid = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = image.getRGB(x, y);
                int red = (rgb >> 16) & 0xff;
                int green = (rgb >> 8) & 0xff;
                if (ViewerInBrowserTest.luma(rgb) < 100) {
                    dark++;
                } else if (red > 200 && red - green > 25) {
                    grid++;
                }
            }
        }
        double n = (double) w * h;
        // traces, labels and the calibration pulse cover about 1-5% of the page; a blank page has none
        assertThat(dark / n).as("trace-coloured fraction in %s", png).isGreaterThan(0.005);
        assertThat(grid / n).as("grid-coloured fraction in %s", png).isGreaterThan(0.05);
    }

    private String text(String selector) {
        return browser.evaluate("(document.querySelector(" + JSON.valueToTree(selector) + ") || {}).textContent || ''").asText();
    }

    private static Path keep(byte[] png, String name) throws Exception {
        Path out = Path.of("target", "viewer-screenshots");
        Files.createDirectories(out);
        return Files.write(out.resolve(name), png);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
