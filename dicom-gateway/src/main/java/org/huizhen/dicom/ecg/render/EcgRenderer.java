package org.huizhen.dicom.ecg.render;

import java.util.List;
import org.huizhen.dicom.ecg.Ecg;

/**
 * Draws the standard 12-lead ECG page. Stateless and thread-safe.
 */
public final class EcgRenderer {
    private EcgRenderer() {
    }

    /** The page as an SVG document (UTF-8 text). {@code headerLines} are printed above the grid (patient, time, measurements). */
    public static String svg(Ecg ecg, List<String> headerLines) {
        throw new UnsupportedOperationException("EcgRenderer.svg: to be implemented");
    }

    /** The page as a PNG image. */
    public static byte[] png(Ecg ecg, List<String> headerLines) {
        throw new UnsupportedOperationException("EcgRenderer.png: to be implemented");
    }
}
