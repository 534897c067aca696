package org.huizhen.dicom.ecg.render;

import java.util.Objects;
import java.util.Optional;
import org.huizhen.dicom.ecg.LeadName;

/**
 * How {@link EcgRenderer} lays out and scales the ECG page.
 *
 * <p>The defaults ({@link #DEFAULT}) are those of the usual resting ECG printout (AHA/ACCF/HRS
 * recommendations for the standardization of the ECG, part I, Kligfield et al., Circulation
 * 2007;115:1306): 25 mm/s paper speed and 10 mm/mV gain on a 1 mm / 5 mm grid, 3 × 4 leads plus
 * a lead II rhythm strip on an A4 landscape page. The other speeds and gains that
 * electrocardiographs built to IEC 60601-2-25:2011 offer (50 mm/s; 5 and 20 mm/mV) and the
 * 6 × 2 and 12 × 1 layouts are what readers ask for when complexes are fast or tall.
 *
 * <p>Immutable; thread-safe.
 *
 * @param speedMmPerSecond paper speed, mm per second (5..100; 25 or 50 in practice)
 * @param gainMmPerMillivolt gain, mm per mV (1..100; 5, 10 or 20 in practice)
 * @param layout which leads go where
 * @param pixelsPerMm PNG resolution (1..12; 8 px/mm ≈ 203 dpi gives a 2376 × 1680 image on A4)
 * @param page page size; the grid is at most 280 mm wide, centred
 * @param rhythmLead the lead of the full-width rhythm strip (falls back to the first lead the
 *     ECG has when it lacks this one)
 * @param filter the filter setting printed in the footer (e.g. "0.05–150 Hz"); the model does not
 *     carry it, so the caller supplies it when it knows it
 */
public record EcgRenderOptions(double speedMmPerSecond, double gainMmPerMillivolt, Layout layout, double pixelsPerMm,
        PageSize page, LeadName rhythmLead, Optional<String> filter) {

    /** Largest PNG accepted (pixels), so a request cannot make the renderer allocate hundreds of MB. */
    public static final long MAX_PIXELS = 16_000_000L;

    /** 25 mm/s, 10 mm/mV, 3 × 4 + lead II rhythm strip, 8 px/mm, A4 landscape. */
    public static final EcgRenderOptions DEFAULT = new EcgRenderOptions(25, 10, Layout.STANDARD_3X4_RHYTHM, 8,
            PageSize.A4_LANDSCAPE, LeadName.II, Optional.empty());

    public EcgRenderOptions {
        Objects.requireNonNull(layout, "layout");
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(rhythmLead, "rhythmLead");
        filter = filter == null ? Optional.empty() : filter.filter(s -> !s.isBlank());
        if (!(speedMmPerSecond >= 5 && speedMmPerSecond <= 100)) {
            throw new IllegalArgumentException("paper speed " + speedMmPerSecond + " mm/s is outside 5..100 mm/s");
        }
        if (!(gainMmPerMillivolt >= 1 && gainMmPerMillivolt <= 100)) {
            throw new IllegalArgumentException("gain " + gainMmPerMillivolt + " mm/mV is outside 1..100 mm/mV");
        }
        if (!(pixelsPerMm >= 1 && pixelsPerMm <= 12)) {
            throw new IllegalArgumentException("resolution " + pixelsPerMm + " px/mm is outside 1..12 px/mm");
        }
        double px = page.widthMm() * pixelsPerMm * page.heightMm() * pixelsPerMm;
        if (px > MAX_PIXELS) {
            throw new IllegalArgumentException("a " + page + " page at " + pixelsPerMm + " px/mm is " + (long) px
                    + " pixels, over the limit of " + MAX_PIXELS);
        }
    }

    /** A copy with another paper speed (mm/s). */
    public EcgRenderOptions withSpeed(double mmPerSecond) {
        return new EcgRenderOptions(mmPerSecond, gainMmPerMillivolt, layout, pixelsPerMm, page, rhythmLead, filter);
    }

    /** A copy with another gain (mm/mV). */
    public EcgRenderOptions withGain(double mmPerMillivolt) {
        return new EcgRenderOptions(speedMmPerSecond, mmPerMillivolt, layout, pixelsPerMm, page, rhythmLead, filter);
    }

    /** A copy with another layout. */
    public EcgRenderOptions withLayout(Layout l) {
        return new EcgRenderOptions(speedMmPerSecond, gainMmPerMillivolt, l, pixelsPerMm, page, rhythmLead, filter);
    }

    /** A copy with another PNG resolution (px/mm). */
    public EcgRenderOptions withPixelsPerMm(double ppm) {
        return new EcgRenderOptions(speedMmPerSecond, gainMmPerMillivolt, layout, ppm, page, rhythmLead, filter);
    }

    /** A copy with another page size. */
    public EcgRenderOptions withPage(PageSize p) {
        return new EcgRenderOptions(speedMmPerSecond, gainMmPerMillivolt, layout, pixelsPerMm, p, rhythmLead, filter);
    }

    /** A copy with another rhythm-strip lead. */
    public EcgRenderOptions withRhythmLead(LeadName lead) {
        return new EcgRenderOptions(speedMmPerSecond, gainMmPerMillivolt, layout, pixelsPerMm, page, lead, filter);
    }

    /** A copy that prints this filter setting in the footer (null or blank: none). */
    public EcgRenderOptions withFilter(String text) {
        return new EcgRenderOptions(speedMmPerSecond, gainMmPerMillivolt, layout, pixelsPerMm, page, rhythmLead,
                Optional.ofNullable(text));
    }

    /** Lead arrangements. Every layout draws leads over the same time span per column as a printout does. */
    public enum Layout {
        /**
         * 3 rows × 4 columns of T/4 each (I/II/III, aVR/aVL/aVF, V1/V2/V3, V4/V5/V6; column k shows
         * seconds kT/4..(k+1)T/4 of the recording, T = 10 s at 25 mm/s) and a full-width rhythm strip.
         */
        STANDARD_3X4_RHYTHM(4),
        /** 6 rows × 2 columns of T/2 each: limb leads then chest leads. */
        SIX_BY_TWO(6),
        /**
         * 12 rows, each lead over the full width. Rows are 14 mm on A4: meant for 5 or 10 mm/mV; at
         * 20 mm/mV the calibration pulse and tall complexes are clipped at the row's edges.
         */
        TWELVE_BY_ONE(12);

        private final int bands;

        Layout(int bands) {
            this.bands = bands;
        }

        /** The number of horizontal bands (rows) the grid is divided into. */
        public int bands() {
            return bands;
        }
    }

    /**
     * A page size in mm (landscape: width is the long side).
     *
     * @param widthMm page width, 150..600 mm
     * @param heightMm page height, 100..600 mm
     */
    public record PageSize(double widthMm, double heightMm) {
        /** ISO 216 A4, landscape. */
        public static final PageSize A4_LANDSCAPE = new PageSize(297, 210);
        /** US Letter (8.5 × 11 in), landscape. */
        public static final PageSize LETTER_LANDSCAPE = new PageSize(279.4, 215.9);

        public PageSize {
            if (!(widthMm >= 150 && widthMm <= 600 && heightMm >= 100 && heightMm <= 600)) {
                throw new IllegalArgumentException("page " + widthMm + " × " + heightMm
                        + " mm is outside 150..600 × 100..600 mm");
            }
        }
    }
}
