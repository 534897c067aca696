package org.huizhen.dicom.ecg.xml;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Small value conversions the three XML readers share: base64 payloads, dates in the vendors'
 * spellings, sex codes and lead construction.
 *
 * <p>Stateless; thread-safe.
 */
final class XmlEcgFields {
    private XmlEcgFields() {
    }

    /**
     * Base64 text to bytes. Whitespace is allowed anywhere (all three vendors wrap lines); any other
     * character outside the alphabet is an error, not skipped as a MIME decoder would, so that damaged
     * data is refused instead of silently shifted. HZ-7002 when invalid.
     */
    static byte[] base64(String text, String what) throws EcgParseException {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                b.append(c);
            }
        }
        try {
            return Base64.getDecoder().decode(b.toString());
        } catch (IllegalArgumentException e) {
            throw new EcgParseException("HZ-7002 " + what + " is not valid base64: " + e.getMessage(), e);
        }
    }

    /** A lead with a standard name where the label has one, else {@link LeadName#OTHER} keeping the label. */
    static Lead lead(String label, float[] microvolts) {
        LeadName name = LeadName.fromLabel(label).orElse(LeadName.OTHER);
        return new Lead(name, name == LeadName.OTHER ? label : name.label(), microvolts, false);
    }

    /** "M"/"F"/"O" from the words and codes the formats use (M, MALE, Male, F, FEMALE, UN, Unknown); null when unknown. */
    static String sex(String s) {
        if (s == null) {
            return null;
        }
        return switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "M", "MALE" -> "M";
            case "F", "FEMALE" -> "F";
            case "O", "OTHER", "UN" -> "O";
            default -> null;
        };
    }

    /** ISO date {@code YYYY-MM-DD}; null when absent or not a date (a bad date is not a reason to refuse an ECG). */
    static LocalDate isoDate(String s) {
        if (s == null) {
            return null;
        }
        try {
            return LocalDate.parse(s.trim());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** ISO date and {@code HH:MM[:SS]} time; null when the date is absent or invalid, midnight when only the time is. */
    static LocalDateTime isoDateTime(String date, String time) {
        LocalDate d = isoDate(date);
        if (d == null) {
            return null;
        }
        if (time == null) {
            return d.atStartOfDay();
        }
        try {
            return d.atTime(LocalTime.parse(time.trim()));
        } catch (DateTimeParseException e) {
            return d.atStartOfDay();
        }
    }

    /** "family^given" as DICOM writes person names, or the one part present; null when both are blank. */
    static String personName(String family, String given) {
        boolean f = family != null && !family.isBlank();
        boolean g = given != null && !given.isBlank();
        if (!f && !g) {
            return null;
        }
        return (f ? family.trim() : "") + (g ? "^" + given.trim() : "");
    }
}
