package org.huizhen.dicom.ecg.render;

import java.awt.Font;
import java.awt.GraphicsEnvironment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses the font family the PNG is drawn with, so Chinese names and labels come out as glyphs
 * rather than empty boxes.
 *
 * <p>Order: the first of {@link #PREFERRED} that is installed and can display the whole page's
 * text; else the first installed family (in name order) that can; else the first preferred
 * family installed, else the logical "SansSerif" (whose fontconfig fallback may still find
 * glyphs). Families are found by name through Java's font list, never by file path; Debian's
 * {@code fonts-wqy-microhei} provides "WenQuanYi Micro Hei" (installed by
 * {@code scripts/debian-deps.sh}). The SVG names the same families in its {@code font-family}
 * so a browser picks the same or a local CJK font.
 *
 * <p>Thread-safe: the installed family list is read once, lazily, into an immutable set.
 */
final class EcgFonts {
    /** CJK-capable sans families in order of preference (Linux, then Windows and macOS names). */
    static final List<String> PREFERRED = List.of("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC",
            "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback", "Microsoft YaHei", "PingFang SC",
            "SimHei");

    private EcgFonts() {
    }

    private static final class Installed {
        static final Set<String> FAMILIES = new TreeSet<>(Arrays.asList(
                GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames(Locale.ROOT)));
    }

    /** The family to draw {@code text} with. */
    static String family(String text) {
        Set<String> installed = Installed.FAMILIES;
        for (String f : PREFERRED) {
            if (installed.contains(f) && new Font(f, Font.PLAIN, 10).canDisplayUpTo(text) == -1) {
                return f;
            }
        }
        for (String f : installed) {
            if (new Font(f, Font.PLAIN, 10).canDisplayUpTo(text) == -1) {
                return f;
            }
        }
        return PREFERRED.stream().filter(installed::contains).findFirst().orElse(Font.SANS_SERIF);
    }

    /** The SVG/CSS font-family list: the preferred families, then the generic sans-serif. */
    static String cssFamilies() {
        StringBuilder sb = new StringBuilder();
        for (String f : PREFERRED) {
            sb.append('\'').append(f).append("',");
        }
        return sb.append("sans-serif").toString();
    }
}
