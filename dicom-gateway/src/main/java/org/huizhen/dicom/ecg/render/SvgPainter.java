package org.huizhen.dicom.ecg.render;

import java.util.List;
import org.huizhen.dicom.ecg.render.PageGeometry.Band;
import org.huizhen.dicom.ecg.render.PageGeometry.Page;
import org.huizhen.dicom.ecg.render.PageGeometry.Rect;
import org.huizhen.dicom.ecg.render.PageGeometry.Text;
import org.huizhen.dicom.ecg.render.PageGeometry.Trace;

/**
 * Writes a laid-out {@link Page} as a standalone SVG 1.1 document by hand (no DOM: a 12-lead page
 * is ~20 000 points and a string builder writes it in a few milliseconds).
 *
 * <p>Units: the user unit is 0.1 mm ({@code viewBox="0 0 2970 2100"} on a 297 mm × 210 mm page),
 * so every coordinate is a small integer, which keeps the file compact; 0.1 mm is 4 ms and 10 µV
 * at the default scale, below what the eye or a printer resolves. Each trace is one
 * {@code <polyline class="trace">} (decimated to ≤ 2 points per 0.1 mm with min/max kept, then
 * repeated points and points inside straight horizontal or vertical runs dropped, which changes
 * nothing drawn). The grid is one {@code <path>} per line kind. Each band's content sits in a
 * group clipped to the band ({@code clip-path}), so a 5 mV complex does not run over its
 * neighbours. Text is XML-escaped and characters XML 1.0 forbids are dropped; the font list
 * names CJK fonts first (see {@link EcgFonts}).
 *
 * <p>Stateless.
 */
final class SvgPainter {
    static final String MINOR = "#f6c4c4";
    static final String MAJOR = "#e48c8c";
    /** Trace stroke width, 0.1 mm units (0.3 mm). */
    static final int TRACE_WIDTH = 3;

    private SvgPainter() {
    }

    static String paint(Page p) {
        StringBuilder sb = new StringBuilder(256 * 1024);
        int w = u(p.width());
        int h = u(p.height());
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"").append(PageGeometry.num(p.width()))
                .append("mm\" height=\"").append(PageGeometry.num(p.height())).append("mm\" viewBox=\"0 0 ").append(w)
                .append(' ').append(h).append("\" font-family=\"").append(EcgFonts.cssFamilies()).append("\">\n");
        sb.append("<title>ECG</title>\n");
        sb.append("<rect width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#fff\"/>\n");
        sb.append("<defs>");
        for (int i = 0; i < p.bands().size(); i++) {
            Rect c = p.bands().get(i).clip();
            sb.append("<clipPath id=\"band").append(i).append("\"><rect x=\"").append(u(c.x())).append("\" y=\"")
                    .append(u(c.y())).append("\" width=\"").append(u(c.w())).append("\" height=\"").append(u(c.h()))
                    .append("\"/></clipPath>");
        }
        sb.append("</defs>\n");
        grid(sb, p.grid());
        sb.append("<g fill=\"none\" stroke=\"#000\" stroke-width=\"").append(TRACE_WIDTH)
                .append("\" stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
        for (int i = 0; i < p.bands().size(); i++) {
            band(sb, p, p.bands().get(i), i);
        }
        sb.append("</g>\n");
        sb.append("<g fill=\"#000\">\n");
        for (Text t : p.texts()) {
            text(sb, t);
        }
        sb.append("</g>\n</svg>\n");
        return sb.toString();
    }

    private static void grid(StringBuilder sb, Rect g) {
        int x0 = u(g.x());
        int y0 = u(g.y());
        int nx = (int) Math.round(g.w());
        int ny = (int) Math.round(g.h());
        StringBuilder minor = new StringBuilder();
        StringBuilder major = new StringBuilder();
        for (int i = 0; i <= nx; i++) {
            (i % 5 == 0 ? major : minor).append('M').append(x0 + 10 * i).append(',').append(y0).append('v').append(10 * ny);
        }
        for (int j = 0; j <= ny; j++) {
            (j % 5 == 0 ? major : minor).append('M').append(x0).append(',').append(y0 + 10 * j).append('h').append(10 * nx);
        }
        // minor 0.1 mm, major 0.2 mm: fine enough not to compete with the 0.3 mm trace
        sb.append("<path class=\"grid-minor\" fill=\"none\" stroke=\"").append(MINOR).append("\" stroke-width=\"1\" d=\"")
                .append(minor).append("\"/>\n");
        sb.append("<path class=\"grid-major\" fill=\"none\" stroke=\"").append(MAJOR).append("\" stroke-width=\"2\" d=\"")
                .append(major).append("\"/>\n");
    }

    private static void band(StringBuilder sb, Page p, Band b, int index) {
        Rect c = b.clip();
        double yMin = c.y() - PageGeometry.CLAMP_MARGIN;
        double yMax = c.bottom() + PageGeometry.CLAMP_MARGIN;
        sb.append("<g clip-path=\"url(#band").append(index).append(")\">\n");
        sb.append("<polyline class=\"cal\" points=\"");
        double[] cal = b.calPulse();
        for (int i = 0; i < cal.length; i += 2) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(u(cal[i])).append(',').append(u(cal[i + 1]));
        }
        sb.append("\"/>\n");
        for (Trace t : b.traces()) {
            if (t.lead().isEmpty() || t.toSample() <= t.fromSample()) {
                continue;
            }
            float[] pts = TraceDecimator.polyline(t.lead().get().microvolts(), t.fromSample(), t.toSample(), t.x0(),
                    t.mmPerSample(), b.baseline(), p.mmPerMicrovolt(), 0.1, yMin, yMax);
            if (pts.length == 0) {
                continue;
            }
            sb.append("<polyline class=\"trace\" data-lead=\"");
            escape(sb, t.label());
            sb.append("\" points=\"");
            points(sb, pts);
            sb.append("\"/>\n");
        }
        if (!b.ticks().isEmpty()) {
            sb.append("<path class=\"sep\" d=\"");
            for (double[] tk : b.ticks()) {
                sb.append('M').append(u(tk[0])).append(',').append(u(tk[1])).append('V').append(u(tk[2]));
            }
            sb.append("\"/>\n");
        }
        sb.append("</g>\n");
    }

    /**
     * Writes the points rounded to 0.1 mm, dropping a point equal to the previous one and a point
     * in the middle of a straight horizontal or vertical run (drawing it or not is the same).
     */
    static void points(StringBuilder sb, float[] pts) {
        int n = pts.length / 2;
        int[] x = new int[n];
        int[] y = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int xi = Math.round(pts[2 * i] * 10);
            int yi = Math.round(pts[2 * i + 1] * 10);
            if (m > 0 && x[m - 1] == xi && y[m - 1] == yi) {
                continue;
            }
            if (m > 1 && between(x[m - 2], x[m - 1], xi, y[m - 2], y[m - 1], yi)) {
                m--;
            }
            x[m] = xi;
            y[m] = yi;
            m++;
        }
        for (int i = 0; i < m; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(x[i]).append(',').append(y[i]);
        }
        if (m == 1) {
            // a single point draws nothing; repeat it so a 1-sample trace still shows a dot
            sb.append(' ').append(x[0]).append(',').append(y[0]);
        }
    }

    /** True when b lies on the straight horizontal or vertical segment from a to c. */
    private static boolean between(int ax, int bx, int cx, int ay, int by, int cy) {
        if (ay == by && by == cy) {
            return (ax <= bx && bx <= cx) || (ax >= bx && bx >= cx);
        }
        if (ax == bx && bx == cx) {
            return (ay <= by && by <= cy) || (ay >= by && by >= cy);
        }
        return false;
    }

    private static void text(StringBuilder sb, Text t) {
        // runs of spaces in header lines are layout: keep them (Chromium honours xml:space only on the text element)
        sb.append("<text xml:space=\"preserve\" x=\"").append(u(t.x())).append("\" y=\"").append(u(t.y())).append("\" font-size=\"")
                .append(u(t.sizeMm())).append('"');
        if (t.bold()) {
            sb.append(" font-weight=\"bold\"");
        }
        if (t.grey()) {
            sb.append(" class=\"absent\" fill=\"").append(Java2dPainter.GREY_HEX).append('"');
        }
        if (t.end()) {
            sb.append(" text-anchor=\"end\"");
        }
        sb.append('>');
        escape(sb, t.text());
        sb.append("</text>\n");
    }

    /** XML-escapes text for content and attribute values; drops what XML 1.0 (2.2 Char) does not allow. */
    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(ch).append(s.charAt(++i));
                    } else if (ch == '\t' || ch == '\n' || ch == '\r') {
                        sb.append(' ');
                    } else if (ch >= 0x20 && !Character.isSurrogate(ch) && ch != 0xFFFE && ch != 0xFFFF) {
                        sb.append(ch);
                    }
                    // else: not a legal XML character, even escaped; dropped
                }
            }
        }
    }

    /** mm → 0.1 mm units. */
    private static int u(double mm) {
        return (int) Math.round(mm * 10);
    }
}
