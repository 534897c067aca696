package org.huizhen.dicom.ecg.xml;

import java.util.Arrays;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * Parses a whitespace-separated list of decimal integers — the {@code digits} of an HL7 aECG
 * {@code SLIST_PQ} (HL7 V3 data types, SLIST: value = origin + scale × digit) and Philips "Plain"
 * waveform text — in one pass over the characters, without splitting into strings.
 *
 * <p>The result never holds more values than (text length + 1) / 2, so the allocation is bounded by
 * the text already in memory. Stateless; thread-safe.
 */
final class AecgDigits {
    private AecgDigits() {
    }

    /**
     * The integers in {@code text}, in order.
     *
     * @throws EcgParseException HZ-7002 naming the first token that is not an integer in the int range
     */
    static int[] parse(String text, String what) throws EcgParseException {
        int len = text.length();
        int[] out = new int[Math.min(1024, (len + 1) / 2)];
        int n = 0;
        int i = 0;
        while (i < len) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
                continue;
            }
            int start = i;
            boolean negative = false;
            if (c == '-' || c == '+') {
                negative = c == '-';
                i++;
            }
            long v = 0;
            int digits = 0;
            while (i < len) {
                char d = text.charAt(i);
                if (d < '0' || d > '9') {
                    break;
                }
                v = v * 10 + (d - '0');
                if (v > 1L + Integer.MAX_VALUE) {
                    throw bad(text, start, what);
                }
                digits++;
                i++;
            }
            if (digits == 0 || (i < len && !Character.isWhitespace(text.charAt(i)))) {
                throw bad(text, start, what);
            }
            v = negative ? -v : v;
            if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
                throw bad(text, start, what);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, Math.min((len + 1) / 2, out.length * 2));
            }
            out[n++] = (int) v;
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private static EcgParseException bad(String text, int at, String what) {
        int end = at;
        while (end < text.length() && end - at < 20 && !Character.isWhitespace(text.charAt(end))) {
            end++;
        }
        return new EcgParseException("HZ-7002 " + what + ": \"" + text.substring(at, end) + "\" at character " + at
                + " is not an integer");
    }
}
