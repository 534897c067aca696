package org.huizhen.hub.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.testing.DcmtkDump;
import org.huizhen.hub.testing.DcmtkTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The viewer in a real browser: headless Chromium opens {@code /viewer/} on the hub's front
 * ({@link HubFront}: viewer open, DICOMweb behind the hub's bearer-token auth), the page finds
 * the study's series with QIDO-RS, loads the instance with WADO-RS and draws it; the screenshot
 * must show an image, and dragging must change window/level.
 *
 * <p>The DICOMweb data source is a parameter ({@link #sources}): for now a real Orthanc with its
 * DICOMweb plugin, holding {@code CT_small.dcm}, behind the front's {@link HubFront#proxyTo} mount;
 * a source with the hub's own routes runs the same test against the hub.
 *
 * <p>The screenshot is kept at {@code target/viewer-screenshots/} for people to look at.
 */
class ViewerInBrowserTest {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    /** Where the front's DICOMweb gets its data: the front, and how a file is put there. */
    interface Source extends AutoCloseable {
        HubFront front();

        void store(Path file) throws Exception;
    }

    /** Starts a source in a directory of the test's. */
    @FunctionalInterface
    interface SourceFactory {
        Source start(Path dir) throws Exception;
    }

    @TempDir
    Path dir;
    Source source;
    HubFront front;
    HeadlessChromium browser;

    static Stream<Named<SourceFactory>> sources() {
        return Stream.of(Named.of("Orthanc's DICOMweb behind the hub's front", ViewerInBrowserTest::orthancBehindFront));
    }

    /**
     * A real Orthanc with its DICOMweb plugin behind the hub's front ({@link HubFront#proxyTo}).
     * For the hub's own DICOMweb: a source whose front mounts the hub's routes and whose
     * {@code store} sends the file to the hub with {@code CliRun.run("store", ...)}.
     */
    static Source orthancBehindFront(Path dir) throws Exception {
        OrthancPeer orthanc = OrthancPeer.start(dir.resolve("orthanc"), "VIEWER_SOURCE", List.of());
        HubFront front;
        try {
            front = HubFront.start(dir.resolve("hub"), HubFront.proxyTo(orthanc.dicomWebRoot()));
        } catch (Exception | AssertionError e) {
            orthanc.close();
            throw e;
        }
        return new Source() {
            @Override
            public HubFront front() {
                return front;
            }

            @Override
            public void store(Path file) throws Exception {
                orthanc.upload(file);
            }

            @Override
            public void close() throws Exception {
                front.close();
                orthanc.close();
            }
        };
    }

    void start(SourceFactory factory) throws Exception {
        OrthancPeer.requireInstalled();
        HeadlessChromium.requireInstalled();
        source = factory.start(dir.resolve("source"));
        front = source.front();
        browser = HeadlessChromium.start(dir.resolve("chromium"), WIDTH, HEIGHT);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (source != null) {
            source.close();
        }
    }

    /** Each source with Cornerstone's own choice of renderer and with its CPU renderer forced. */
    static Stream<Arguments> sourcesAndRenderers() {
        return sources().flatMap(s -> Stream.of(Arguments.of(s, "auto"), Arguments.of(s, "cpu")));
    }

    @ParameterizedTest(name = "{0}, renderer {1}")
    @MethodSource("sourcesAndRenderers")
    void showsTheFirstSeriesOfAStudyFromDicomWebWithTheBearerToken(SourceFactory factory, String renderer)
            throws Exception {
        start(factory);
        Path ct = DcmtkTools.testdata().resolve("dicom/CT_small.dcm");
        source.store(ct);
        DcmtkDump dump = DcmtkDump.of(ct, false);
        String study = dump.get("StudyInstanceUID").orElseThrow();
        String token = front.token("viewer-test", Role.READER, "dicomweb.read");

        browser.open(front.baseUrl() + "/viewer/?wado=/dicomweb&study=" + enc(study) + "&token=" + enc(token)
                + (renderer.equals("cpu") ? "&render=cpu" : ""));
        String state = browser.awaitExpression("document.body ? document.body.dataset.state : ''", 60_000, "rendered", "error");

        assertThat(state).as("viewer state; page error %s; console:%n%s",
                browser.evaluate("window.huizhenViewer.error"), browser.consoleText()).isEqualTo("rendered");
        // CT_small is one single-frame instance in one series (dcmdump above), so one series, one image
        assertThat(browser.evaluate("window.huizhenViewer.series")).extracting(JsonNode::asText)
                .containsExactly(dump.get("SeriesInstanceUID").orElseThrow());
        assertThat(browser.evaluate("window.huizhenViewer.imageIds.length").asInt()).isEqualTo(1);
        if (renderer.equals("cpu")) {
            assertThat(browser.evaluate("window.huizhenViewer.renderer").asText()).isEqualTo("cpu");
        }
        // the token moved from the address bar into sessionStorage
        assertThat(browser.evaluate("location.search").asText()).doesNotContain("token=");
        assertThat(browser.evaluate("sessionStorage.getItem('huizhen.viewer.token')").asText()).isEqualTo(token);
        // every DICOMweb request passed the hub's auth as the token's subject: QIDO series, WADO metadata, frames
        assertThat(front.forwarded()).isNotEmpty().allSatisfy(f -> assertThat(f.subject()).isEqualTo("viewer-test"));
        assertThat(front.forwarded()).extracting(HubFront.Forwarded::uri)
                .anySatisfy(u -> assertThat(u).contains("/studies/" + study + "/series").doesNotContain("/metadata"))
                .anySatisfy(u -> assertThat(u).endsWith("/metadata"))
                .anySatisfy(u -> assertThat(u).contains("/frames/1"));

        Rect box = viewportBox();
        byte[] png = browser.screenshot();
        Path shot = keep(png, "ct-small-" + renderer + ".png");
        PixelStats drawn = PixelStats.of(ImageIO.read(new ByteArrayInputStream(png)), box.centre());
        // a drawn CT slice: most of the viewport's centre is not background and shows many grey levels;
        // an empty viewport is uniformly black (one level, no lit pixels)
        assertThat(drawn.litFraction()).as("lit pixels in %s", shot).isGreaterThan(0.3);
        assertThat(drawn.distinctLevels()).as("grey levels in %s", shot).isGreaterThan(32);
        assertThat(drawn.stdDev()).as("luminance spread in %s", shot).isGreaterThan(10);

        String before = browser.evaluate("document.getElementById('overlay').textContent").asText();
        drag(box.x + box.width / 2, box.y + box.height / 2, 120, 60);
        String after = browser.evaluate("document.getElementById('overlay').textContent").asText();
        byte[] png2 = browser.screenshot();
        keep(png2, "ct-small-" + renderer + "-window-level.png");
        PixelStats adjusted = PixelStats.of(ImageIO.read(new ByteArrayInputStream(png2)), box.centre());
        // dragging right widens the window, down raises the level: the overlay's W/L and the pixels change
        assertThat(after).contains("W ").isNotEqualTo(before);
        assertThat(adjusted.meanLuminance()).isNotEqualTo(drawn.meanLuminance());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void reportsAnUnknownStudyInsteadOfDrawing(SourceFactory factory) throws Exception {
        start(factory);
        String token = front.token("viewer-test", Role.READER, "dicomweb.read");
        browser.open(front.baseUrl() + "/viewer/?wado=/dicomweb&study=1.2.3.4.5.6.7.8.9&token=" + enc(token));

        String state = browser.awaitExpression("document.body ? document.body.dataset.state : ''", 60_000, "rendered", "error");

        assertThat(state).isEqualTo("error");
        assertThat(browser.evaluate("document.getElementById('status').textContent").asText())
                .contains("1.2.3.4.5.6.7.8.9");
    }

    private void drag(double x, double y, double dx, double dy) {
        mouse("mousePressed", x, y, 1);
        for (int i = 1; i <= 4; i++) {
            mouse("mouseMoved", x + dx * i / 4, y + dy * i / 4, 1);
        }
        mouse("mouseReleased", x + dx, y + dy, 0);
        // the page renders on the next animation frame; wait for one to have passed
        browser.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))");
    }

    private void mouse(String type, double x, double y, int buttons) {
        var p = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                .put("type", type).put("x", x).put("y", y).put("button", "left").put("buttons", buttons)
                .put("clickCount", type.equals("mouseMoved") ? 0 : 1);
        browser.call("Input.dispatchMouseEvent", p);
    }

    private Rect viewportBox() {
        JsonNode r = browser.evaluate(
                "(() => { const b = document.getElementById('viewport').getBoundingClientRect();"
                        + " return {x: b.x, y: b.y, width: b.width, height: b.height}; })()");
        return new Rect(r.get("x").asInt(), r.get("y").asInt(), r.get("width").asInt(), r.get("height").asInt());
    }

    private static Path keep(byte[] png, String name) throws Exception {
        Path out = Path.of("target", "viewer-screenshots");
        Files.createDirectories(out);
        return Files.write(out.resolve(name), png);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A rectangle in CSS pixels (the screenshot is taken at device scale 1). */
    record Rect(int x, int y, int width, int height) {
        /** The middle half in each direction, clear of the overlay texts at the edges. */
        Rect centre() {
            return new Rect(x + width / 4, y + height / 4, width / 2, height / 2);
        }
    }

    /** Luminance statistics of a region of a screenshot (Rec. 601 luma, 0..255). */
    record PixelStats(double meanLuminance, double stdDev, double litFraction, int distinctLevels) {
        static PixelStats of(BufferedImage image, Rect r) {
            long n = 0;
            long lit = 0;
            double sum = 0;
            double sumSq = 0;
            Set<Integer> levels = new HashSet<>();
            for (int y = r.y(); y < r.y() + r.height() && y < image.getHeight(); y++) {
                for (int x = r.x(); x < r.x() + r.width() && x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    int luma = (int) Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff)
                            + 0.114 * (rgb & 0xff));
                    n++;
                    sum += luma;
                    sumSq += (double) luma * luma;
                    levels.add(luma);
                    if (luma > 8) {
                        lit++;
                    }
                }
            }
            double mean = sum / n;
            return new PixelStats(mean, Math.sqrt(Math.max(0, sumSq / n - mean * mean)), (double) lit / n, levels.size());
        }
    }
}
