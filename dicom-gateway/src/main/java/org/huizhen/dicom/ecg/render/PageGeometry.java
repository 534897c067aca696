package org.huizhen.dicom.ecg.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Lays out the ECG page in millimetres, once for both painters ({@link SvgPainter},
 * {@link Java2dPainter}), so the SVG and the PNG show the same thing at the same place.
 *
 * <p>Page (A4 landscape, defaults): header lines from 5 mm, the grid from 28 mm, 280 mm wide
 * and 170 mm tall, centred; a footer line under it. The grid is divided into equal horizontal
 * bands, one per row of the layout; each band has its baseline on a whole millimetre a little
 * below its middle (tall R waves go up; lower still where the band is too narrow for the
 * calibration pulse above it), a 1 mV × 200 ms calibration pulse in the first 15 mm
 * and its traces from there on over {@code traceWidth} = grid width − 30 mm (250 mm = 10 s at
 * 25 mm/s). Times map to x as {@code traceX + t × speed} in every column, so the leads above
 * each other in a column are simultaneous, as on a printout (column k of the 3 × 4 layout shows
 * seconds kT/4..(k+1)T/4). A trace is clipped to its band.
 *
 * <p>ECGs with fewer than three of the twelve standard leads (a 1-lead handheld strip, a
 * MIT-BIH style MLII + V1 record) get one full-width rhythm strip per lead instead, from the top.
 *
 * <p>Stateless; the records are immutable apart from the sample arrays they share with the ECG.
 */
final class PageGeometry {
    static final double HEADER_TOP = 5;
    static final double HEADER_HEIGHT = 23;
    static final double FOOTER_HEIGHT = 7;
    static final double BOTTOM_MARGIN = 5;
    static final double MAX_GRID_WIDTH = 280;
    /** Room left of the traces for the calibration pulse (and the same on the right, for symmetry). */
    static final double CAL_ZONE = 15;
    static final double HEADER_FONT = 3.2;
    static final double HEADER_LINE = 4.4;
    static final int HEADER_LINES_PER_COLUMN = 5;
    static final double LABEL_FONT = 3.2;
    static final double FOOTER_FONT = 2.8;
    /** Separator ticks between columns reach this far above and below the baseline (mm). */
    static final double TICK_HALF = 2.5;
    /** Traces farther than this outside their band are flattened there (invisible, keeps coordinates sane). */
    static final double CLAMP_MARGIN = 50;
    /** Calibration pulse duration (s): 1 mV for 200 ms, the usual printed standardisation mark. */
    static final double CAL_SECONDS = 0.2;

    private PageGeometry() {
    }

    /** A rectangle in mm, y down. */
    record Rect(double x, double y, double w, double h) {
        double bottom() {
            return y + h;
        }

        double right() {
            return x + w;
        }
    }

    /**
     * One lead over one time span of a band.
     *
     * @param lead the lead, empty when the ECG lacks it (slot left empty, label greyed)
     * @param label the label printed
     * @param fromSample first sample drawn
     * @param toSample one past the last sample drawn
     * @param x0 x (mm) of sample 0; sample i is at {@code x0 + i × mmPerSample}
     * @param mmPerSample horizontal step
     */
    record Trace(Optional<Lead> lead, String label, int fromSample, int toSample, double x0, double mmPerSample) {
    }

    /** A text item. {@code end} anchors the text's end (right) at x instead of its start. */
    record Text(String text, double x, double y, double sizeMm, boolean bold, boolean grey, boolean end) {
    }

    /**
     * A horizontal band of the grid.
     *
     * @param clip the band's area; everything of the band is clipped to it
     * @param baseline y of 0 µV (mm)
     * @param calPulse the calibration pulse as a polyline, x,y pairs in mm
     * @param traces the traces, left to right
     * @param ticks separator ticks between columns, each {x, y0, y1}
     */
    record Band(Rect clip, double baseline, double[] calPulse, List<Trace> traces, List<double[]> ticks) {
    }

    /**
     * The laid-out page.
     *
     * @param width page width (mm)
     * @param height page height (mm)
     * @param grid the grid area
     * @param bands the bands with traces (may be fewer than the grid holds)
     * @param texts header lines, lead labels and footer
     * @param mmPerMicrovolt vertical scale
     */
    record Page(double width, double height, Rect grid, List<Band> bands, List<Text> texts, double mmPerMicrovolt) {
        /** Every text of the page run together (to choose a font that covers all of it). */
        String allText() {
            StringBuilder sb = new StringBuilder();
            texts.forEach(t -> sb.append(t.text()));
            return sb.toString();
        }
    }

    /** A slot of a row before sample ranges are known: which lead, over which seconds. */
    private record Slot(LeadName name, Optional<Lead> lead, String label, double t0, double t1) {
    }

    static Page layout(Ecg ecg, List<String> headerLines, EcgRenderOptions o) {
        EcgWaveform w = ecg.withDerivedLeads().rhythm();
        double pageW = o.page().widthMm();
        double pageH = o.page().heightMm();
        double gridW = Math.min(MAX_GRID_WIDTH, Math.floor((pageW - 10) / 5) * 5);
        double gridX = (pageW - gridW) / 2;
        double gridY = HEADER_TOP + HEADER_HEIGHT;
        double gridH = Math.floor((pageH - gridY - FOOTER_HEIGHT - BOTTOM_MARGIN) / 5) * 5;
        Rect grid = new Rect(gridX, gridY, gridW, gridH);
        double traceX = gridX + CAL_ZONE;
        double traceW = gridW - 2 * CAL_ZONE;
        double speed = o.speedMmPerSecond();
        double seconds = traceW / speed;

        List<List<Slot>> rows = rows(w, o, seconds);
        int nBands = o.layout().bands();
        double bandH = gridH / nBands;
        double fs = w.sampleRateHz();
        boolean drawable = fs > 0 && Double.isFinite(fs);
        double mmPerSample = drawable ? speed / fs : 0;
        double gain = o.gainMmPerMillivolt();

        List<Band> bands = new ArrayList<>();
        List<Text> texts = new ArrayList<>();
        for (int r = 0; r < rows.size() && r < nBands; r++) {
            double top = gridY + r * bandH;
            // a whole millimetre, 55 % down the band (more room above for R waves than below for S),
            // lower in narrow bands (12 × 1, high gain) so the 1 mV calibration pulse stays whole
            double above = Math.max(0.55 * bandH, Math.min(gain + 1.5, 0.75 * bandH));
            double baseline = Math.round(top + above);
            List<Trace> traces = new ArrayList<>();
            List<double[]> ticks = new ArrayList<>();
            List<Slot> row = rows.get(r);
            for (int c = 0; c < row.size(); c++) {
                Slot s = row.get(c);
                int from = 0;
                int to = 0;
                if (drawable && s.lead().isPresent()) {
                    int n = s.lead().get().length();
                    // samples whose time lies in [t0, t1)
                    from = (int) Math.min(n, Math.max(0, Math.ceil(s.t0() * fs - 1e-6)));
                    to = (int) Math.min(n, Math.max(from, Math.ceil(s.t1() * fs - 1e-6)));
                }
                traces.add(new Trace(s.lead(), s.label(), from, to, traceX, mmPerSample));
                double lx = traceX + s.t0() * speed;
                texts.add(new Text(clean(s.label()), lx + 1, top + 4.5, LABEL_FONT, false, s.lead().isEmpty(), false));
                if (c > 0) {
                    ticks.add(new double[] {lx, baseline - TICK_HALF, baseline + TICK_HALF});
                }
            }
            double pw = CAL_SECONDS * speed;
            double right = traceX - 3;
            double left = right - pw;
            double[] cal = {left - 2, baseline, left, baseline, left, baseline - gain, right, baseline - gain, right,
                    baseline, right + 2, baseline};
            bands.add(new Band(new Rect(gridX, top, gridW, bandH), baseline, cal, traces, ticks));
        }

        if (bands.isEmpty()) {
            texts.add(new Text("无波形数据 (no waveform)", gridX + gridW / 2 - 30, gridY + gridH / 2, HEADER_FONT * 2, false,
                    true, false));
        }
        texts.addAll(header(headerLines, grid));
        double footerY = grid.bottom() + 4.5;
        texts.add(new Text(footerLeft(w, o, seconds), gridX, footerY, FOOTER_FONT, false, false, false));
        String derived = w.leads().stream().filter(Lead::derived).map(Lead::label).reduce((a, b) -> a + " " + b)
                .orElse("");
        if (!derived.isEmpty()) {
            texts.add(new Text("导出导联 (derived): " + derived, grid.right(), footerY, FOOTER_FONT, false, false, true));
        }
        return new Page(pageW, pageH, grid, bands, texts, gain / 1000.0);
    }

    /** The rows of slots for the layout, or one rhythm strip per lead when the ECG is not a 12-lead-like one. */
    private static List<List<Slot>> rows(EcgWaveform w, EcgRenderOptions o, double seconds) {
        long standard = LeadName.STANDARD_12.stream().filter(n -> w.lead(n).isPresent()).count();
        List<List<Slot>> rows = new ArrayList<>();
        if (standard < 3) {
            for (Lead l : w.leads()) {
                rows.add(List.of(new Slot(l.name(), Optional.of(l), l.label(), 0, seconds)));
            }
            return rows;
        }
        List<LeadName> s12 = LeadName.STANDARD_12;
        switch (o.layout()) {
            case STANDARD_3X4_RHYTHM -> {
                for (int r = 0; r < 3; r++) {
                    List<Slot> row = new ArrayList<>();
                    for (int c = 0; c < 4; c++) {
                        row.add(slot(w, s12.get(3 * c + r), c * seconds / 4, (c + 1) * seconds / 4));
                    }
                    rows.add(row);
                }
                Lead rhythm = w.lead(o.rhythmLead()).orElse(w.leads().get(0));
                rows.add(List.of(new Slot(rhythm.name(), Optional.of(rhythm), rhythm.label(), 0, seconds)));
            }
            case SIX_BY_TWO -> {
                for (int r = 0; r < 6; r++) {
                    rows.add(List.of(slot(w, s12.get(r), 0, seconds / 2), slot(w, s12.get(6 + r), seconds / 2, seconds)));
                }
            }
            case TWELVE_BY_ONE -> {
                for (LeadName n : s12) {
                    rows.add(List.of(slot(w, n, 0, seconds)));
                }
            }
        }
        return rows;
    }

    private static Slot slot(EcgWaveform w, LeadName name, double t0, double t1) {
        Optional<Lead> l = w.lead(name);
        return new Slot(name, l, l.map(Lead::label).orElse(name.label()), t0, t1);
    }

    /**
     * Header lines: up to five in a column at the grid's left edge, the next five in a second
     * column from the grid's middle; more are dropped (the last shown line then ends with "…").
     * Each line is cut to its column's width, estimated as 1 em per CJK character and 0.6 em
     * for others, so SVG and PNG cut at the same place whatever font the viewer has.
     */
    private static List<Text> header(List<String> lines, Rect grid) {
        List<Text> out = new ArrayList<>();
        List<String> in = lines == null ? List.of() : lines.stream().map(PageGeometry::clean).toList();
        int max = 2 * HEADER_LINES_PER_COLUMN;
        boolean twoColumns = in.size() > HEADER_LINES_PER_COLUMN;
        double colW = twoColumns ? grid.w() / 2 - 2 : grid.w();
        for (int i = 0; i < in.size() && i < max; i++) {
            String text = in.get(i);
            if (i == max - 1 && in.size() > max) {
                text = text + " …";
            }
            int col = i / HEADER_LINES_PER_COLUMN;
            int line = i % HEADER_LINES_PER_COLUMN;
            double x = grid.x() + col * grid.w() / 2;
            double y = HEADER_TOP + HEADER_FONT * 0.9 + line * HEADER_LINE;
            out.add(new Text(fit(text, colW, HEADER_FONT), x, y, HEADER_FONT, i == 0, false, false));
        }
        return out;
    }

    /** Text fit to print: null as empty, line breaks and other controls as spaces, lone surrogates dropped. */
    static String clean(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(ch).append(s.charAt(++i));
            } else if (Character.isISOControl(ch)) {
                sb.append(' ');
            } else if (!Character.isSurrogate(ch)) {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** The text cut (with "…") to an estimated width in mm. */
    static String fit(String text, double widthMm, double emMm) {
        double wMm = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            wMm += (isWide(cp) ? 1.0 : 0.6) * emMm;
            if (wMm > widthMm) {
                return text.substring(0, i) + "…";
            }
            i += Character.charCount(cp);
        }
        return text;
    }

    /** CJK ideographs, kana, Hangul, full-width forms: one em wide. */
    private static boolean isWide(int cp) {
        Character.UnicodeScript s = Character.UnicodeScript.of(cp);
        return s == Character.UnicodeScript.HAN || s == Character.UnicodeScript.HIRAGANA
                || s == Character.UnicodeScript.KATAKANA || s == Character.UnicodeScript.HANGUL
                || (cp >= 0x3000 && cp <= 0x303F) || (cp >= 0xFF00 && cp <= 0xFFEF);
    }

    /** "走纸速度 25 mm/s   增益 10 mm/mV   采样率 500 Hz   滤波 …   记录 6.0 s". */
    private static String footerLeft(EcgWaveform w, EcgRenderOptions o, double seconds) {
        StringBuilder sb = new StringBuilder();
        sb.append("走纸速度 ").append(num(o.speedMmPerSecond())).append(" mm/s   增益 ")
                .append(num(o.gainMmPerMillivolt())).append(" mm/mV   采样率 ")
                .append(w.sampleRateHz() > 0 ? num(w.sampleRateHz()) + " Hz" : "未知").append("   滤波 ")
                .append(o.filter().orElse("未注明"));
        double d = w.durationSeconds();
        if (d < seconds - 1e-6) {
            sb.append("   记录仅 ").append(String.format(Locale.ROOT, "%.1f", d)).append(" s");
        } else {
            sb.append("   显示 ").append(num(seconds)).append(" s / 记录 ").append(String.format(Locale.ROOT, "%.1f", d))
                    .append(" s");
        }
        return sb.toString();
    }

    /** A number without a needless ".0". */
    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v)
                .replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
