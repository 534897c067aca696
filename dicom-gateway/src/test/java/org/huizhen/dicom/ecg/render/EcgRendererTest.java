package org.huizhen.dicom.ecg.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Font;
import java.awt.font.FontRenderContext;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.ecg.render.EcgRenderOptions.Layout;
import org.huizhen.dicom.ecg.render.PageGeometry.Band;
import org.huizhen.dicom.ecg.render.PageGeometry.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * The ECG page: scales measured on the rendered PNG (a 1 mV step is {@code gain} mm tall, one
 * second is {@code speed} mm, the calibration pulse is 1 mV × 200 ms), the SVG's structure (valid
 * XML, one polyline per trace, clipping, escaping), layouts, short/long/1-lead ECGs, decimation
 * that keeps peaks, Chinese text drawn with real glyphs, bad options, and the render time.
 *
 * <p>Pixel measurements use "ink": a pixel whose red channel is below 128. The grid is pink
 * (red channel ≥ 0xE4 even where antialiased against white), so only the black trace, pulse and
 * text are ink, and a pixel counts once the stroke covers at least half of it; a stroke of width
 * w therefore inks w mm around its centre line, which the measurements subtract.
 */
class EcgRendererTest {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** 10 px/mm makes every tolerance below a tenth of a millimetre per pixel. */
    static final double PPM = 10;
    static final double STROKE_MM = SvgPainter.TRACE_WIDTH / 10.0;

    // ------------------------------------------------------------------ scales measured in pixels

    @ParameterizedTest(name = "{0} mm/s, {1} mm/mV")
    @CsvSource({"25,10", "50,10", "25,5", "25,20"})
    void oneMillivoltStepIsGainMillimetresTall(double speed, double gain) throws IOException {
        // 0 µV, then 1000 µV from 1 s to 2 s: the rhythm strip's trace spans exactly 1 mV
        Ecg ecg = SyntheticEcg.twelve(500, 10, t -> t >= 1 && t < 2 ? 1000 : 0);
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withSpeed(speed).withGain(gain).withPixelsPerMm(PPM);
        BufferedImage img = png(ecg, o);
        Page page = PageGeometry.layout(ecg, List.of(), o);
        Band rhythm = page.bands().get(3);
        double traceX = page.grid().x() + PageGeometry.CAL_ZONE;
        // from 10 mm into the strip (past the lead label) to its end
        int[] ext = inkExtent(img, traceX + 10, page.grid().right() - PageGeometry.CAL_ZONE, rhythm.clip().y(),
                rhythm.clip().bottom());
        double heightMm = (ext[3] - ext[2] + 1) / PPM - STROKE_MM;
        assertThat(heightMm).isCloseTo(gain, within(1.5 / PPM));
        // the step's bottom is the baseline: 0 µV at the band's baseline
        assertThat((ext[3] + 1) / PPM - STROKE_MM / 2).isCloseTo(rhythm.baseline(), within(1.5 / PPM));
    }

    @ParameterizedTest(name = "{0} mm/s")
    @CsvSource({"25", "50"})
    void oneSecondSpansSpeedMillimetres(double speed) throws IOException {
        // a narrow 1 mV spike every second from 0.5 s on
        Ecg ecg = SyntheticEcg.twelve(500, 10, t -> {
            double k = Math.rint(t - 0.5);
            return SyntheticEcg.g(t, 0.5 + k, 0.006, 1000);
        });
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withSpeed(speed).withPixelsPerMm(PPM);
        BufferedImage img = png(ecg, o);
        Page page = PageGeometry.layout(ecg, List.of(), o);
        Band rhythm = page.bands().get(3);
        double traceX = page.grid().x() + PageGeometry.CAL_ZONE;
        List<Double> peaks = spikeCentres(img, traceX + 5, page.grid().right() - PageGeometry.CAL_ZONE,
                rhythm.baseline() - 5, rhythm.clip().y() + 6);
        // 250 mm of strip at `speed` shows 250 / speed seconds: 10 spikes at 25 mm/s, 5 at 50 mm/s
        assertThat(peaks).hasSize((int) Math.round(250 / speed));
        // the first spike at 0.5 s sits 0.5 s × speed after the strip's start
        assertThat(peaks.get(0)).isCloseTo(traceX + 0.5 * speed, within(1.5 / PPM));
        for (int i = 1; i < peaks.size(); i++) {
            assertThat(peaks.get(i) - peaks.get(i - 1)).as("spike %d to %d", i - 1, i).isCloseTo(speed, within(1.5 / PPM));
        }
    }

    @ParameterizedTest(name = "{0} mm/s, {1} mm/mV")
    @CsvSource({"25,10", "50,10", "25,5", "25,20"})
    void calibrationPulseIsOneMillivoltBy200Milliseconds(double speed, double gain) throws IOException {
        Ecg ecg = SyntheticEcg.twelve(500, 10, t -> 0);
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withSpeed(speed).withGain(gain).withPixelsPerMm(PPM);
        BufferedImage img = png(ecg, o);
        Page page = PageGeometry.layout(ecg, List.of(), o);
        double traceX = page.grid().x() + PageGeometry.CAL_ZONE;
        for (Band b : page.bands()) {
            int[] ext = inkExtent(img, page.grid().x(), traceX - 0.5, b.clip().y(), b.clip().bottom());
            // 1 mV tall: gain mm
            assertThat((ext[3] - ext[2] + 1) / PPM - STROKE_MM).isCloseTo(gain, within(1.5 / PPM));
            // 200 ms wide: the top line's ink run, less one stroke width, is 0.2 s × speed
            int topRow = ext[2] + (int) Math.round(STROKE_MM * PPM / 2);
            int[] run = inkRun(img, topRow, (int) Math.floor(page.grid().x() * PPM), (int) Math.ceil((traceX - 0.5) * PPM));
            assertThat((run[1] - run[0] + 1) / PPM - STROKE_MM).isCloseTo(0.2 * speed, within(1.5 / PPM));
        }
    }

    static Stream<Arguments> layoutsAndGains() {
        // a 20 mm pulse cannot fit a 14 mm band: 12 × 1 at 20 mm/mV is documented as clipping
        return Stream.of(Layout.values()).flatMap(l -> Stream.of(5.0, 10.0, 20.0)
                .filter(g -> !(l == Layout.TWELVE_BY_ONE && g > 10)).map(g -> Arguments.of(l, g)));
    }

    @ParameterizedTest(name = "{0}, {1} mm/mV")
    @MethodSource("layoutsAndGains")
    void calibrationPulseFitsWhollyInItsBandInEveryLayout(Layout layout, double gain) {
        // a clipped pulse would no longer show the reader the gain; 12 × 1 bands are only 14 mm tall
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withLayout(layout).withGain(gain);
        Page page = PageGeometry.layout(SyntheticEcg.beats(500, 10, 60), List.of(), o);
        assertThat(page.bands()).hasSize(layout.bands());
        for (Band b : page.bands()) {
            double[] cal = b.calPulse();
            for (int i = 1; i < cal.length; i += 2) {
                assertThat(cal[i] - STROKE_MM / 2).isGreaterThanOrEqualTo(b.clip().y());
                assertThat(cal[i] + STROKE_MM / 2).isLessThanOrEqualTo(b.clip().bottom());
            }
        }
    }

    @Test
    void traceBeyondItsBandIsClippedInsteadOfOverwritingOtherRows() throws Exception {
        // lead II (row 2 and the rhythm strip) carries a 10 mV pulse: 100 mm up, through the rows above
        List<LeadName> names = LeadName.STANDARD_12;
        List<java.util.function.DoubleUnaryOperator> fns = new ArrayList<>();
        for (LeadName n : names) {
            fns.add(n == LeadName.II ? t -> t >= 0.5 && t < 2 ? 10_000 : 0 : t -> 0);
        }
        Ecg ecg = SyntheticEcg.leads(500, 10, names, fns);
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withPixelsPerMm(PPM);
        BufferedImage img = png(ecg, o);
        Page page = PageGeometry.layout(ecg, List.of(), o);
        double traceX = page.grid().x() + PageGeometry.CAL_ZONE;
        // rows 1 (I) and 3 (III) are flat: in their first column the only ink is the baseline ±1 mm
        for (int row : new int[] {0, 2}) {
            Band b = page.bands().get(row);
            int[] ext = inkExtent(img, traceX + 8, traceX + 60, b.clip().y(), b.clip().bottom());
            assertThat(ext[2] / PPM).as("top of ink in row %d", row).isGreaterThan(b.baseline() - 1);
            assertThat(ext[3] / PPM).as("bottom of ink in row %d", row).isLessThan(b.baseline() + 1);
        }
        // and nothing of the 10 mV pulse reaches the header area above the grid
        assertThat(countInk(img, traceX + 8, traceX + 60, 0, page.grid().y())).isZero();
        // the SVG clips each band's group to the band
        Document svg = parse(EcgRenderer.svg(ecg, List.of(), o));
        List<Element> traces = elements(svg, "polyline").stream().filter(e -> e.getAttribute("class").equals("trace")).toList();
        List<String> clipIds = elements(svg, "clipPath").stream().map(e -> e.getAttribute("id")).toList();
        for (Element t : traces) {
            String ref = ((Element) t.getParentNode()).getAttribute("clip-path");
            assertThat(ref).matches("url\\(#band\\d+\\)");
            assertThat(clipIds).contains(ref.substring(5, ref.length() - 1));
        }
    }

    // ------------------------------------------------------------------ SVG structure

    @Test
    void twelveLeadSvgIsValidXmlWithThirteenTracesInPrintoutOrder() throws Exception {
        Ecg ecg = SyntheticEcg.beats(500, 10, 72);
        String svg = EcgRenderer.svg(ecg, List.of("患者 张三 男 45岁"));
        Document doc = parse(svg);
        assertThat(doc.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(doc.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
        // 12 column traces row by row (I aVR V1 V4 / II aVL V2 V5 / III aVF V3 V6) + the lead II rhythm strip
        assertThat(traceLeads(doc)).containsExactly("I", "aVR", "V1", "V4", "II", "aVL", "V2", "V5", "III", "aVF", "V3",
                "V6", "II");
        // one path per grid kind, one calibration pulse per row
        assertThat(elements(doc, "path").stream().filter(e -> e.getAttribute("class").startsWith("grid"))).hasSize(2);
        assertThat(elements(doc, "polyline").stream().filter(e -> e.getAttribute("class").equals("cal"))).hasSize(4);
        assertThat(doc.getDocumentElement().getAttribute("font-family")).contains("'WenQuanYi Micro Hei'",
                "'Noto Sans CJK SC'", "sans-serif");
        assertThat(texts(doc)).contains("患者 张三 男 45岁");
        // the derived limb leads are named in the footer: the ECG recorded only I, II, V1–V6
        assertThat(texts(doc)).anyMatch(s -> s.contains("III aVR aVL aVF"));
    }

    @Test
    void svgTraceCoordinatesAreInTenthsOfMillimetresAtTheDefaultScale() throws Exception {
        // 1 mV from 1 s to 2 s on every lead: in the rhythm strip that is 100 units (10 mm) tall and
        // the rise sits 1 s × 25 mm/s = 250 units after the strip's first point
        Ecg ecg = SyntheticEcg.twelve(500, 10, t -> t >= 1 && t < 2 ? 1000 : 0);
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        int[][] rhythm = points(traces(doc).get(12));
        int minY = Arrays.stream(rhythm).mapToInt(p -> p[1]).min().orElseThrow();
        int maxY = Arrays.stream(rhythm).mapToInt(p -> p[1]).max().orElseThrow();
        assertThat(maxY - minY).isEqualTo(100);
        int firstX = rhythm[0][0];
        int riseX = Arrays.stream(rhythm).filter(p -> p[1] == minY).mapToInt(p -> p[0]).min().orElseThrow();
        assertThat(riseX - firstX).isEqualTo(250);
        // the strip ends 10 s (2500 units) after it starts, less one 2 ms sample (0.05 mm)
        int lastX = rhythm[rhythm.length - 1][0];
        assertThat(lastX - firstX).isBetween(2499, 2500);
    }

    @Test
    void headerTextIsEscapedAndControlCharactersDropped() throws Exception {
        String nasty = "A&B <script>alert('x')</script> \"q\"\u0001\u0007 𝄞";
        List<String> header = new ArrayList<>(List.of(nasty, "second"));
        header.add(null);
        Document doc = parse(EcgRenderer.svg(SyntheticEcg.beats(500, 10, 60), header));
        // controls become spaces (XML 1.0 cannot carry them at all); the rest survives verbatim
        assertThat(texts(doc)).contains("A&B <script>alert('x')</script> \"q\"   𝄞", "second");
        assertThat(elements(doc, "script")).isEmpty();
    }

    @Test
    void moreHeaderLinesThanFitGoToASecondColumnAndTheRestIsCut() throws Exception {
        List<String> header = IntStream.rangeClosed(1, 14).mapToObj(i -> "line " + i).toList();
        Document doc = parse(EcgRenderer.svg(SyntheticEcg.beats(500, 10, 60), header));
        List<String> t = texts(doc);
        // 2 columns × 5 lines; the 10th shows that more were dropped
        assertThat(t).contains("line 1", "line 5", "line 6", "line 9", "line 10 …").doesNotContain("line 11");
    }

    @ParameterizedTest
    @EnumSource(Layout.class)
    void everyLayoutDrawsEachStandardLeadOverItsColumnsTime(Layout layout) throws Exception {
        Ecg ecg = SyntheticEcg.beats(500, 10, 72);
        Document doc = parse(EcgRenderer.svg(ecg, List.of(), EcgRenderOptions.DEFAULT.withLayout(layout)));
        List<String> leads = traceLeads(doc);
        // every standard lead once, plus the rhythm strip in the 3×4 layout
        assertThat(leads).containsAll(LeadName.STANDARD_12.stream().map(LeadName::label).toList());
        assertThat(leads).hasSize(layout == Layout.STANDARD_3X4_RHYTHM ? 13 : 12);
        assertThat(elements(doc, "clipPath")).hasSize(layout.bands());
        // a column of n shows 10/n s (= 250/n mm); the first point of column k lies k × 250/n mm
        // after the strip's start (to within one 2 ms sample, 0.05 mm, rounded to 0.1 mm)
        int columns = switch (layout) {
            case STANDARD_3X4_RHYTHM -> 4;
            case SIX_BY_TWO -> 2;
            case TWELVE_BY_ONE -> 1;
        };
        List<Element> traces = traces(doc);
        int x0 = points(traces.get(0))[0][0];
        for (int k = 0; k < columns; k++) {
            int first = points(traces.get(k))[0][0];
            int last = points(traces.get(k))[points(traces.get(k)).length - 1][0];
            assertThat(first - x0).isEqualTo(k * 2500 / columns);
            assertThat(last - first).isBetween(2500 / columns - 1, 2500 / columns);
        }
    }

    // ------------------------------------------------------------------ missing, short, long, 1-lead, any rate

    @Test
    void absentLeadLeavesItsSlotEmptyWithAGreyLabel() throws Exception {
        // I, II, V1–V5: V6 missing (III, aVR, aVL, aVF are derived from I and II)
        Ecg full = SyntheticEcg.beats(500, 10, 72);
        List<Lead> noV6 = full.rhythm().leads().stream().filter(l -> l.name() != LeadName.V6).toList();
        Ecg ecg = SyntheticEcg.ecg(new EcgWaveform(500, noV6));
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        assertThat(traceLeads(doc)).hasSize(12).doesNotContain("V6");
        List<Element> absent = elements(doc, "text").stream().filter(e -> e.getAttribute("class").equals("absent")).toList();
        assertThat(absent).extracting(Element::getTextContent).containsExactly("V6");
        assertThat(absent.get(0).getAttribute("fill")).isEqualTo(Java2dPainter.GREY_HEX);
    }

    @Test
    void shorterRecordingDrawsWhatItHas() throws Exception {
        // 6 s: the 4th column (7.5–10 s) has no samples, the rhythm strip stops at 6 s (150 mm)
        Ecg ecg = SyntheticEcg.beats(500, 6, 72);
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        assertThat(traceLeads(doc)).containsExactly("I", "aVR", "V1", "II", "aVL", "V2", "III", "aVF", "V3", "II");
        // the empty column keeps its labels: the leads exist, only the time is missing
        assertThat(texts(doc)).contains("V4", "V5", "V6");
        int[][] rhythm = points(traces(doc).get(9));
        assertThat(rhythm[rhythm.length - 1][0] - rhythm[0][0]).isBetween(1499, 1500);
        assertThat(texts(doc)).anyMatch(s -> s.contains("记录仅 6.0 s"));
    }

    @Test
    void longerRecordingShowsItsFirstTenSeconds() throws Exception {
        Ecg ecg = SyntheticEcg.beats(500, 20, 72);
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        assertThat(traceLeads(doc)).hasSize(13);
        int[][] rhythm = points(traces(doc).get(12));
        assertThat(rhythm[rhythm.length - 1][0] - rhythm[0][0]).isBetween(2499, 2500);
    }

    @Test
    void oneLeadEcgIsJustARhythmStrip() throws Exception {
        Ecg ecg = SyntheticEcg.leads(250, 10, List.of(LeadName.II), List.of(t -> SyntheticEcg.g(t % 1, 0.5, 0.01, 1000)));
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        assertThat(traceLeads(doc)).containsExactly("II");
        assertThat(elements(doc, "polyline").stream().filter(e -> e.getAttribute("class").equals("cal"))).hasSize(1);
        // no empty slots with grey labels: the page is a strip, not a 12-lead with 11 holes
        assertThat(elements(doc, "text").stream().filter(e -> e.getAttribute("class").equals("absent"))).isEmpty();
        BufferedImage img = png(ecg, EcgRenderOptions.DEFAULT);
        assertThat(img.getWidth()).isEqualTo(2376);
    }

    @Test
    void twoLeadRecordWithoutStandardNamesGetsOneStripPerLead() throws Exception {
        // a MIT-BIH-like record: "MLII" is no standard lead name, V1 is
        EcgWaveform w = new EcgWaveform(360, List.of(
                new Lead(LeadName.OTHER, "MLII", SyntheticEcg.samples(360, 3600, t -> SyntheticEcg.g(t % 1, 0.5, 0.01, 1000)), false),
                Lead.of(LeadName.V1, SyntheticEcg.samples(360, 3600, t -> SyntheticEcg.g(t % 1, 0.5, 0.01, -600)))));
        Document doc = parse(EcgRenderer.svg(SyntheticEcg.ecg(w), List.of()));
        assertThat(traceLeads(doc)).containsExactly("MLII", "V1");
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"5000", "1000", "257"})
    void decimationKeepsASingleSamplePeakAndAtMostTwoPointsPerColumn(double fs) throws Exception {
        // one sample of 1.5 mV at 3.3 s in a flat lead II: the peak must survive whatever the rate
        int n = (int) (fs * 10);
        int spike = (int) Math.round(3.3 * fs);
        float[] ii = new float[n];
        ii[spike] = 1500;
        List<Lead> leads = new ArrayList<>();
        for (LeadName name : LeadName.STANDARD_12) {
            leads.add(Lead.of(name, name == LeadName.II ? ii : new float[n]));
        }
        Ecg ecg = SyntheticEcg.ecg(new EcgWaveform(fs, leads));
        Document doc = parse(EcgRenderer.svg(ecg, List.of()));
        int[][] rhythm = points(traces(doc).get(12));
        int baseline = Arrays.stream(rhythm).mapToInt(p -> p[1]).max().orElseThrow();
        int top = Arrays.stream(rhythm).mapToInt(p -> p[1]).min().orElseThrow();
        // 1.5 mV × 10 mm/mV = 15 mm = 150 units
        assertThat(baseline - top).isEqualTo(150);
        // 250 mm in 0.1 mm columns: 2500 columns, at most 2 points each (flat runs collapse further)
        assertThat(rhythm.length).isLessThanOrEqualTo(2 * 2501);
        // the PNG shows the peak too: ink 15 mm above the rhythm baseline at 3.3 s × 25 mm/s
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withPixelsPerMm(PPM);
        BufferedImage img = png(ecg, o);
        Page page = PageGeometry.layout(ecg, List.of(), o);
        Band b = page.bands().get(3);
        double x = page.grid().x() + PageGeometry.CAL_ZONE + 3.3 * 25;
        int[] ext = inkExtent(img, x - 1, x + 1, b.clip().y(), b.clip().bottom());
        assertThat(b.baseline() - ext[2] / PPM - STROKE_MM / 2).isCloseTo(15, within(1.5 / PPM));
    }

    @Test
    void minMaxDecimationKeepsEachColumnsExtremesInTimeOrder() {
        // 10 samples per output column (step and column are powers of two, so column edges are exact):
        // each column keeps its max (sample 3) and min (sample 7), in time order
        double step = 1.0 / 128;
        float[] uv = new float[40];
        for (int i = 0; i < uv.length; i++) {
            uv[i] = i % 10 == 3 ? 500 : i % 10 == 7 ? -500 : 0;
        }
        float[] pts = TraceDecimator.polyline(uv, 0, uv.length, 0, step, 50, 0.01, 10 * step, 0, 100);
        // 4 columns × 2 points; y = 50 mm − 500 µV × 0.01 mm/µV and 50 mm + 5 mm
        assertThat(pts).hasSize(16);
        for (int c = 0; c < 4; c++) {
            assertThat(pts[4 * c]).isCloseTo((float) ((c * 10 + 3) * step), within(1e-6f));
            assertThat(pts[4 * c + 2]).isCloseTo((float) ((c * 10 + 7) * step), within(1e-6f));
            assertThat(pts[4 * c + 1]).isCloseTo(45f, within(1e-4f));
            assertThat(pts[4 * c + 3]).isCloseTo(55f, within(1e-4f));
        }
    }

    static Stream<Arguments> oddEcgs() {
        float[] withNaN = SyntheticEcg.samples(500, 5000, t -> SyntheticEcg.g(t % 1, 0.5, 0.01, 1000));
        withNaN[100] = Float.NaN;
        withNaN[200] = Float.POSITIVE_INFINITY;
        float[] huge = new float[5000];
        Arrays.fill(huge, 1e30f);
        return Stream.of(
                Arguments.of("no leads", new EcgWaveform(500, List.of())),
                Arguments.of("zero-length leads", new EcgWaveform(500, twelveOf(new float[0]))),
                Arguments.of("sample rate 0", new EcgWaveform(0, twelveOf(new float[5000]))),
                Arguments.of("NaN and infinity", new EcgWaveform(500, twelveOf(withNaN))),
                Arguments.of("1e30 µV", new EcgWaveform(500, twelveOf(huge))),
                Arguments.of("one sample", new EcgWaveform(500, twelveOf(new float[] {500}))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oddEcgs")
    void oddSignalsStillGiveAValidPage(String what, EcgWaveform w) throws Exception {
        Ecg ecg = SyntheticEcg.ecg(w);
        Document doc = parse(EcgRenderer.svg(ecg, List.of("x")));
        // every coordinate stays within the page (±50 mm clamp outside a band, hidden by its clip)
        for (Element t : traces(doc)) {
            for (int[] p : points(t)) {
                assertThat(p[1]).isBetween(-500, 2600);
            }
        }
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(EcgRenderer.png(ecg, List.of("x"))));
        assertThat(img.getWidth()).isEqualTo(2376);
        assertThat(img.getHeight()).isEqualTo(1680);
    }

    // ------------------------------------------------------------------ Chinese text

    @Test
    void chineseHeaderIsDrawnWithRealGlyphs() throws IOException {
        String chinese = "患者 张三 男 45岁";
        String family = EcgFonts.family(chinese);
        Font font = new Font(family, Font.PLAIN, 32);
        // the chosen family has a glyph for every character...
        chinese.codePoints().forEach(cp -> assertThat(font.canDisplay(cp)).as("U+%04X in %s", cp, family).isTrue());
        // ...and they are different glyphs: missing-glyph boxes ("tofu") would all look alike
        FontRenderContext frc = new FontRenderContext(null, true, true);
        Rectangle2D zhang = font.createGlyphVector(frc, "张").getOutline().getBounds2D();
        Rectangle2D san = font.createGlyphVector(frc, "三").getOutline().getBounds2D();
        assertThat(zhang).isNotEqualTo(san);
        // on the page, the header line leaves ink where it is written, and only when it is written
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withPixelsPerMm(PPM);
        Ecg ecg = SyntheticEcg.beats(500, 10, 60);
        Page page = PageGeometry.layout(ecg, List.of(chinese), o);
        double y0 = PageGeometry.HEADER_TOP;
        double y1 = PageGeometry.HEADER_TOP + PageGeometry.HEADER_LINE;
        double x0 = page.grid().x();
        double x1 = x0 + 60;
        long with = countInk(png(ecg, List.of(chinese), o), x0, x1, y0, y1);
        long without = countInk(png(ecg, List.of(""), o), x0, x1, y0, y1);
        assertThat(without).isZero();
        // 8 CJK-width characters of 3.2 mm at 10 px/mm: well over a thousand dark pixels
        assertThat(with).isGreaterThan(1000);
    }

    @Test
    void fontChoiceFallsBackToAFamilyThatCoversTheText() {
        // text every installed font can show: the first preferred family present is chosen
        String ascii = EcgFonts.family("II aVR 25 mm/s");
        assertThat(new Font(ascii, Font.PLAIN, 10).canDisplayUpTo("II aVR 25 mm/s")).isEqualTo(-1);
        // a private-use character no font has: no family covers it, still a usable family comes back
        assertThat(EcgFonts.family("\uE000")).isNotBlank();
    }

    // ------------------------------------------------------------------ options

    static Stream<Arguments> badOptions() {
        EcgRenderOptions d = EcgRenderOptions.DEFAULT;
        return Stream.<UnaryOperator<EcgRenderOptions>>of(o -> o.withSpeed(0), o -> o.withSpeed(Double.NaN),
                o -> o.withSpeed(500), o -> o.withGain(0), o -> o.withGain(Double.POSITIVE_INFINITY),
                o -> o.withPixelsPerMm(0.5), o -> o.withPixelsPerMm(40),
                o -> o.withPage(new EcgRenderOptions.PageSize(420, 400)).withPixelsPerMm(12)).map(f -> Arguments.of(d, f));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void implausibleOptionsAreRejected(EcgRenderOptions start, UnaryOperator<EcgRenderOptions> change) {
        assertThatThrownBy(() -> change.apply(start)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pageTooSmallIsRejected() {
        assertThatThrownBy(() -> new EcgRenderOptions.PageSize(100, 80)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("100");
    }

    @Test
    void letterPageFitsTheGridAndShowsWhatItsWidthHolds() throws Exception {
        // Letter is 279.4 mm wide: a 265 mm grid, 235 mm of trace = 9.4 s at 25 mm/s
        EcgRenderOptions o = EcgRenderOptions.DEFAULT.withPage(EcgRenderOptions.PageSize.LETTER_LANDSCAPE);
        Page page = PageGeometry.layout(SyntheticEcg.beats(500, 10, 60), List.of(), o);
        assertThat(page.grid().w()).isEqualTo(265);
        assertThat(page.grid().x()).isGreaterThan(0);
        Document doc = parse(EcgRenderer.svg(SyntheticEcg.beats(500, 10, 60), List.of(), o));
        int[][] rhythm = points(traces(doc).get(12));
        assertThat(rhythm[rhythm.length - 1][0] - rhythm[0][0]).isBetween(2349, 2350);
        assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo("279.4mm");
    }

    @ParameterizedTest(name = "{0} px/mm")
    @CsvSource({"8", "4", "11.811"})
    void pngStatesItsPixelSizeSoItPrintsAtTrueScale(double ppm) throws IOException {
        byte[] png = EcgRenderer.png(SyntheticEcg.beats(500, 10, 60), List.of(), EcgRenderOptions.DEFAULT.withPixelsPerMm(ppm));
        var reader = ImageIO.getImageReadersByFormatName("png").next();
        reader.setInput(ImageIO.createImageInputStream(new ByteArrayInputStream(png)));
        Element root = (Element) reader.getImageMetadata(0).getAsTree(EcgRenderer.PNG_METADATA);
        Element phys = (Element) root.getElementsByTagName("pHYs").item(0);
        // pHYs counts pixels per metre: ppm × 1000 (11.811 px/mm is 300 dpi)
        assertThat(phys.getAttribute("unitSpecifier")).isEqualTo("meter");
        assertThat(Long.parseLong(phys.getAttribute("pixelsPerUnitXAxis"))).isEqualTo(Math.round(ppm * 1000));
        assertThat(Long.parseLong(phys.getAttribute("pixelsPerUnitYAxis"))).isEqualTo(Math.round(ppm * 1000));
        reader.dispose();
    }

    // ------------------------------------------------------------------ helpers

    static List<Lead> twelveOf(float[] uv) {
        return LeadName.STANDARD_12.stream().map(n -> Lead.of(n, uv.clone())).toList();
    }

    static BufferedImage png(Ecg ecg, EcgRenderOptions o) throws IOException {
        return png(ecg, List.of(), o);
    }

    static BufferedImage png(Ecg ecg, List<String> header, EcgRenderOptions o) throws IOException {
        byte[] bytes = EcgRenderer.png(ecg, header, o);
        // a real PNG: signature 89 50 4E 47
        assertThat(Arrays.copyOf(bytes, 4)).containsExactly(0x89, 'P', 'N', 'G');
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    static boolean ink(BufferedImage img, int x, int y) {
        return ((img.getRGB(x, y) >> 16) & 255) < 128;
    }

    /** {minX, maxX, minY, maxY} of the ink in a mm rectangle (pixels); fails when there is none. */
    static int[] inkExtent(BufferedImage img, double x0, double x1, double y0, double y1) {
        int[] e = {Integer.MAX_VALUE, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
        double ppm = img.getWidth() / 297.0;
        for (int y = (int) Math.ceil(y0 * ppm); y < (int) Math.floor(y1 * ppm); y++) {
            for (int x = (int) Math.ceil(x0 * ppm); x < (int) Math.floor(x1 * ppm); x++) {
                if (ink(img, x, y)) {
                    e[0] = Math.min(e[0], x);
                    e[1] = Math.max(e[1], x);
                    e[2] = Math.min(e[2], y);
                    e[3] = Math.max(e[3], y);
                }
            }
        }
        assertThat(e[0]).as("ink in %.1f..%.1f × %.1f..%.1f mm", x0, x1, y0, y1).isNotEqualTo(Integer.MAX_VALUE);
        return e;
    }

    static long countInk(BufferedImage img, double x0, double x1, double y0, double y1) {
        double ppm = img.getWidth() / 297.0;
        long n = 0;
        for (int y = (int) Math.ceil(y0 * ppm); y < (int) Math.floor(y1 * ppm); y++) {
            for (int x = (int) Math.ceil(x0 * ppm); x < (int) Math.floor(x1 * ppm); x++) {
                n += ink(img, x, y) ? 1 : 0;
            }
        }
        return n;
    }

    /** The ink run on row y that contains the most ink pixels between x0 and x1: {first, last}. */
    static int[] inkRun(BufferedImage img, int y, int x0, int x1) {
        int first = -1;
        int last = -1;
        for (int x = x0; x < x1; x++) {
            if (ink(img, x, y)) {
                if (first < 0) {
                    first = x;
                }
                last = x;
            }
        }
        assertThat(first).as("ink on row %d", y).isNotNegative();
        return new int[] {first, last};
    }

    /** Centres (mm) of the groups of pixel columns whose ink reaches above {@code aboveMm}, below {@code topMm}. */
    static List<Double> spikeCentres(BufferedImage img, double x0, double x1, double aboveMm, double topMm) {
        double ppm = img.getWidth() / 297.0;
        List<Double> centres = new ArrayList<>();
        int start = -1;
        for (int x = (int) Math.ceil(x0 * ppm); x <= (int) Math.floor(x1 * ppm); x++) {
            boolean high = false;
            for (int y = (int) Math.ceil(topMm * ppm); y < aboveMm * ppm && !high; y++) {
                high = ink(img, x, y);
            }
            if (high && start < 0) {
                start = x;
            } else if (!high && start >= 0) {
                centres.add((start + x - 1) / 2.0 / ppm + 0.5 / ppm);
                start = -1;
            }
        }
        return centres;
    }

    static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new InputSource(new StringReader(svg)));
    }

    static List<Element> elements(Document d, String name) {
        NodeList nl = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", name);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nl.getLength(); i++) {
            out.add((Element) nl.item(i));
        }
        return out;
    }

    static List<Element> traces(Document d) {
        return elements(d, "polyline").stream().filter(e -> e.getAttribute("class").equals("trace")).toList();
    }

    static List<String> traceLeads(Document d) {
        return traces(d).stream().map(e -> e.getAttribute("data-lead")).toList();
    }

    static List<String> texts(Document d) {
        return elements(d, "text").stream().map(Element::getTextContent).toList();
    }

    static int[][] points(Element polyline) {
        String[] pairs = polyline.getAttribute("points").trim().split(" ");
        int[][] out = new int[pairs.length][];
        for (int i = 0; i < pairs.length; i++) {
            String[] xy = pairs[i].split(",");
            out[i] = new int[] {Integer.parseInt(xy[0]), Integer.parseInt(xy[1])};
        }
        return out;
    }
}
