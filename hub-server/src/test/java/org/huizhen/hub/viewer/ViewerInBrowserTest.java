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
        return Stream.of(Named.of("Orthanc's DICOMweb behind the hub's front", ViewerInBrowserTest::orthancBehindFront),
                Named.of("the hub's own DICOMweb", ViewerInBrowserTest::hubDicomWeb));
    }

    /** The hub's own QIDO-RS/WADO-RS; files reach the hub over C-STORE with {@code huizhen store}. */
    static Source hubDicomWeb(Path dir) throws Exception {
        HubFront front = HubFront.start(dir.resolve("hub"), HubFront.hubDicomWeb());
        return new Source() {
            @Override
            public HubFront front() {
                return front;
            }

            @Override
            public void store(Path file) {
                org.huizhen.hub.testing.CliRun r = org.huizhen.hub.testing.CliRun.run("store", file.toString(), "--to",
                        org.huizhen.hub.testing.InteropHub.address(front.hub()));
                org.assertj.core.api.Assertions.assertThat(r.exitCode()).as(r.output()).isZero();
            }

            @Override
            public void close() throws Exception {
                front.close();
            }
        };
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

    /**
     * Each source with: CT_small (uncompressed) with Cornerstone's own choice of renderer and with
     * its CPU renderer forced; and compressed files, each needing one of the WebAssembly decoders
     * the viewer serves: JPEG 2000 (OpenJPEG), JPEG-LS (CharLS), JPEG baseline colour (libjpeg-turbo).
     */
    static Stream<Arguments> sourcesFilesAndRenderers() {
        // the last argument is the file DCMTK renders as the reference picture: the compressed MR
        // files are MR_small re-encoded losslessly (testdata manifest), and DCMTK here reads
        // neither JPEG 2000 nor this JPEG-LS file
        return sources().flatMap(s -> Stream.of(
                Arguments.of(s, "CT_small.dcm", "auto", "CT_small.dcm"),
                Arguments.of(s, "CT_small.dcm", "cpu", "CT_small.dcm"),
                Arguments.of(s, "MR_small_jp2klossless.dcm", "auto", "MR_small.dcm"),
                Arguments.of(s, "MR_small_jpeg_ls_lossless.dcm", "auto", "MR_small.dcm"),
                Arguments.of(s, "SC_rgb_jpeg_dcmtk.dcm", "auto", "SC_rgb_jpeg_dcmtk.dcm")));
    }

    @ParameterizedTest(name = "{0}, {1}, renderer {2}")
    @MethodSource("sourcesFilesAndRenderers")
    void showsTheFirstSeriesOfAStudyFromDicomWebWithTheBearerToken(SourceFactory factory, String file, String renderer,
                                                                   String referenceFile) throws Exception {
        start(factory);
        Path dicom = DcmtkTools.testdata().resolve("dicom").resolve(file);
        DcmtkDump dump = open(dicom, renderer);

        // each of these files is one single-frame instance in its own study (dcmdump above and the
        // testdata manifest), so the study has one series of one image
        assertThat(browser.evaluate("window.huizhenViewer.series")).extracting(JsonNode::asText)
                .containsExactly(dump.get("SeriesInstanceUID").orElseThrow());
        assertThat(browser.evaluate("window.huizhenViewer.imageIds.length").asInt()).isEqualTo(1);
        if (renderer.equals("cpu")) {
            assertThat(browser.evaluate("window.huizhenViewer.renderer").asText()).isEqualTo("cpu");
        }
        // the token moved from the address bar into sessionStorage
        assertThat(browser.evaluate("location.search").asText()).doesNotContain("token=");
        assertThat(browser.evaluate("sessionStorage.getItem('huizhen.viewer.token')").asText()).isNotBlank();
        // every DICOMweb request passed the hub's auth as the token's subject: QIDO series, WADO metadata, frames
        String study = dump.get("StudyInstanceUID").orElseThrow();
        assertThat(front.forwarded()).isNotEmpty().allSatisfy(f -> assertThat(f.subject()).isEqualTo("viewer-test"));
        assertThat(front.forwarded()).extracting(HubFront.Forwarded::uri)
                .anySatisfy(u -> assertThat(u).contains("/studies/" + study + "/series").doesNotContain("/metadata"))
                .anySatisfy(u -> assertThat(u).endsWith("/metadata"))
                .anySatisfy(u -> assertThat(u).contains("/frames/1"));

        byte[] png = browser.screenshot();
        Path shot = keep(png, file.replace(".dcm", "") + "-" + renderer + ".png");
        BufferedImage screen = ImageIO.read(new ByteArrayInputStream(png));
        Rect box = viewportBox();
        PixelStats drawn = PixelStats.of(screen, box.centre());
        // a drawn image fills the viewport's centre with lit pixels of many levels; an empty
        // viewport is uniformly black there (one level, no lit pixel, no spread)
        assertThat(drawn.litFraction()).as("lit pixels in %s: %s", shot, drawn).isGreaterThan(0.3);
        assertThat(drawn.distinctLevels()).as("grey levels in %s: %s", shot, drawn).isGreaterThan(16);
        assertThat(drawn.stdDev()).as("luminance spread in %s: %s", shot, drawn).isGreaterThan(10);

        // and it is the right picture: sampled at each pixel's centre, the viewport follows DCMTK's
        // rendering of the same pixel data. Pearson correlation, since the two map values to grey
        // differently (viewer: the file's window; DCMTK: min-max) but both monotonically.
        BufferedImage reference = dcmtkRendering(DcmtkTools.testdata().resolve("dicom").resolve(referenceFile));
        double r = correlation(reference, screen, box);
        assertThat(r).as("correlation of %s with DCMTK's rendering of %s", shot, referenceFile).isGreaterThan(0.9);
    }

    /** DCMTK's {@code dcmj2pnm} rendering of {@code file} as a PNG, min-max window. */
    private BufferedImage dcmtkRendering(Path file) throws Exception {
        DcmtkTools.requireTool("dcmj2pnm");
        Path out = dir.resolve(file.getFileName() + ".reference.png");
        DcmtkTools.Run run = DcmtkTools.run(List.of("dcmj2pnm", "--write-png", "-il", "--min-max-window",
                file.toString(), out.toString()), 60);
        assertThat(run.exitCode()).as(run.output()).isZero();
        return ImageIO.read(out.toFile());
    }

    /**
     * Pearson correlation of the luma of {@code reference} (one pixel per image pixel) with the
     * screenshot sampled at the centres of the same pixels, the image being fitted into
     * {@code box} with its aspect kept and centred (Cornerstone's default display).
     */
    private static double correlation(BufferedImage reference, BufferedImage screen, Rect box) {
        int cols = reference.getWidth();
        int rows = reference.getHeight();
        double scale = Math.min((double) box.width() / cols, (double) box.height() / rows);
        double x0 = box.x() + (box.width() - cols * scale) / 2;
        double y0 = box.y() + (box.height() - rows * scale) / 2;
        int n = cols * rows;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                a[j * cols + i] = luma(reference.getRGB(i, j));
                b[j * cols + i] = luma(screen.getRGB((int) (x0 + (i + 0.5) * scale), (int) (y0 + (j + 0.5) * scale)));
            }
        }
        double ma = java.util.Arrays.stream(a).average().orElseThrow();
        double mb = java.util.Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int k = 0; k < n; k++) {
            sab += (a[k] - ma) * (b[k] - mb);
            saa += (a[k] - ma) * (a[k] - ma);
            sbb += (b[k] - mb) * (b[k] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    /** Rec. 601 luma of a packed RGB pixel, 0..255. */
    static int luma(int rgb) {
        return (int) Math.round(0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void changesWindowAndLevelWhenTheMouseDrags(SourceFactory factory) throws Exception {
        start(factory);
        open(DcmtkTools.testdata().resolve("dicom/CT_small.dcm"), "auto");
        Rect box = viewportBox();
        PixelStats before = PixelStats.of(ImageIO.read(new ByteArrayInputStream(browser.screenshot())), box.centre());
        String overlayBefore = browser.evaluate("document.getElementById('overlay').textContent").asText();

        drag(box.x + box.width / 2, box.y + box.height / 2, 120, 60);

        String overlayAfter = browser.evaluate("document.getElementById('overlay').textContent").asText();
        byte[] png = browser.screenshot();
        keep(png, "CT_small-window-level.png");
        PixelStats after = PixelStats.of(ImageIO.read(new ByteArrayInputStream(png)), box.centre());
        // dragging right widens the window, down raises the level: the overlay's W/L and the pixels change
        assertThat(overlayAfter).contains("W ").isNotEqualTo(overlayBefore);
        assertThat(after.meanLuminance()).isNotEqualTo(before.meanLuminance());
    }

    /** Stores {@code dicom} in the source and opens its study in the viewer; waits until it is drawn. */
    private DcmtkDump open(Path dicom, String renderer) throws Exception {
        source.store(dicom);
        DcmtkDump dump = DcmtkDump.of(dicom, false);
        String study = dump.get("StudyInstanceUID").orElseThrow();
        String token = front.token("viewer-test", Role.READER, "dicomweb.read");
        browser.open(front.baseUrl() + "/viewer/?wado=/dicomweb&study=" + enc(study) + "&token=" + enc(token)
                + (renderer.equals("cpu") ? "&render=cpu" : ""));
        String state = browser.awaitExpression("document.body ? document.body.dataset.state : ''", 60_000,
                "rendered", "error");
        assertThat(state).as("viewer state; page error %s; console:%n%s",
                browser.evaluate("window.huizhenViewer.error"), browser.consoleText()).isEqualTo("rendered");
        return dump;
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
                    int luma = luma(image.getRGB(x, y));
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
