package org.huizhen.dicom.ecg.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.huizhen.dicom.ecg.render.PageGeometry.Band;
import org.huizhen.dicom.ecg.render.PageGeometry.Page;
import org.huizhen.dicom.ecg.render.PageGeometry.Rect;
import org.huizhen.dicom.ecg.render.PageGeometry.Text;
import org.huizhen.dicom.ecg.render.PageGeometry.Trace;

/**
 * Paints a laid-out {@link Page} into a {@link BufferedImage} with Java2D: the graphics are
 * scaled to pixels per mm and every shape is given in mm, the same numbers the SVG uses.
 * Traces and text are antialiased, with pure stroke control (no stroke normalisation) so lines
 * are where the geometry says to within a pixel; the grid is drawn on whole pixels. The image is
 * 3-byte BGR, the layout the PNG encoder takes without converting.
 * Each band's content is clipped to the band. Needs no display: it draws into an image only, so
 * it works in a headless JVM ({@code -Djava.awt.headless=true}, which servers should set).
 *
 * <p>Stateless; each call uses its own image and graphics.
 */
final class Java2dPainter {
    static final Color MINOR = Color.decode(SvgPainter.MINOR);
    static final Color MAJOR = Color.decode(SvgPainter.MAJOR);
    static final String GREY_HEX = "#9e9e9e";
    static final Color GREY = Color.decode(GREY_HEX);

    private Java2dPainter() {
    }

    static BufferedImage paint(Page p, double pixelsPerMm) {
        int w = (int) Math.round(p.width() * pixelsPerMm);
        int h = (int) Math.round(p.height() * pixelsPerMm);
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            grid(g, p.grid(), pixelsPerMm);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.scale(pixelsPerMm, pixelsPerMm);
            double columnMm = 1 / pixelsPerMm;
            for (Band b : p.bands()) {
                band(g, p, b, columnMm);
            }
            text(g, p);
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * The grid in device pixels with plain filled rectangles: a line at whole millimetre x sits on
     * pixel column round(x × ppm), 1 px wide for the minor lines and round(0.2 mm × ppm) px (at
     * least 1) for the major ones. Crisp at every resolution and several times faster than
     * antialiased strokes across the whole page.
     */
    private static void grid(Graphics2D g, Rect r, double ppm) {
        int nx = (int) Math.round(r.w());
        int ny = (int) Math.round(r.h());
        int x0 = (int) Math.round(r.x() * ppm);
        int x1 = (int) Math.round(r.right() * ppm);
        int y0 = (int) Math.round(r.y() * ppm);
        int y1 = (int) Math.round(r.bottom() * ppm);
        int majorPx = (int) Math.max(1, Math.round(0.2 * ppm));
        for (boolean major : new boolean[] {false, true}) {
            int w = major ? majorPx : 1;
            g.setColor(major ? MAJOR : MINOR);
            for (int i = 0; i <= nx; i++) {
                if ((i % 5 == 0) == major) {
                    int x = (int) Math.round((r.x() + i) * ppm);
                    g.fillRect(x - w / 2, y0 - w / 2, w, y1 - y0 + w);
                }
            }
            for (int j = 0; j <= ny; j++) {
                if ((j % 5 == 0) == major) {
                    int y = (int) Math.round((r.y() + j) * ppm);
                    g.fillRect(x0 - w / 2, y - w / 2, x1 - x0 + w, w);
                }
            }
        }
    }

    private static void band(Graphics2D g, Page p, Band b, double columnMm) {
        Rect c = b.clip();
        g.setClip(new Rectangle2D.Double(c.x(), c.y(), c.w(), c.h()));
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(SvgPainter.TRACE_WIDTH / 10f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double[] cal = b.calPulse();
        Path2D.Double calPath = new Path2D.Double();
        calPath.moveTo(cal[0], cal[1]);
        for (int i = 2; i < cal.length; i += 2) {
            calPath.lineTo(cal[i], cal[i + 1]);
        }
        g.draw(calPath);
        double yMin = c.y() - PageGeometry.CLAMP_MARGIN;
        double yMax = c.bottom() + PageGeometry.CLAMP_MARGIN;
        for (Trace t : b.traces()) {
            if (t.lead().isEmpty() || t.toSample() <= t.fromSample()) {
                continue;
            }
            float[] pts = TraceDecimator.polyline(t.lead().get().microvolts(), t.fromSample(), t.toSample(), t.x0(),
                    t.mmPerSample(), b.baseline(), p.mmPerMicrovolt(), columnMm, yMin, yMax);
            if (pts.length == 0) {
                continue;
            }
            Path2D.Float path = new Path2D.Float(Path2D.WIND_NON_ZERO, pts.length / 2 + 1);
            path.moveTo(pts[0], pts[1]);
            for (int i = 2; i < pts.length; i += 2) {
                path.lineTo(pts[i], pts[i + 1]);
            }
            if (pts.length == 2) {
                path.lineTo(pts[0], pts[1]);
            }
            g.draw(path);
        }
        for (double[] tk : b.ticks()) {
            g.draw(new java.awt.geom.Line2D.Double(tk[0], tk[1], tk[0], tk[2]));
        }
        g.setClip(null);
    }

    private static void text(Graphics2D g, Page p) {
        String family = EcgFonts.family(p.allText());
        for (Text t : p.texts()) {
            Font f = new Font(family, t.bold() ? Font.BOLD : Font.PLAIN, 10).deriveFont((float) t.sizeMm());
            g.setFont(f);
            g.setColor(t.grey() ? GREY : Color.BLACK);
            float x = (float) t.x();
            if (t.end()) {
                x -= (float) f.getStringBounds(t.text(), g.getFontRenderContext()).getWidth();
            }
            g.drawString(t.text(), x, (float) t.y());
        }
    }
}
