package org.huizhen.dicom.ecg.scp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the text fields of SCP-ECG sections 1, 8 and 11 in the character set the record
 * declares.
 *
 * <p>The declaration is the "language support code" byte of the acquiring device
 * identification (section 1 tag 14, byte 17; EN 1064:2005 5.4.5 tag 14 and its table of
 * codes): bit 0 clear = 8-bit ASCII only; 0x01 ISO-8859-1, 0x03 ISO-8859-2, 0x0B ISO-8859-4,
 * 0x13 ISO-8859-5, 0x1B ISO-8859-6, 0x23 ISO-8859-7, 0x2B ISO-8859-8, 0x33 ISO-8859-11,
 * 0x3B ISO-8859-15, 0x07 ISO 10646 (read as UTF-8), 0x0F JIS X 0201, 0x17 JIS X 0208,
 * 0x1F JIS X 0212 (the code names the character set, not its byte encoding; read as
 * Shift_JIS, best effort), 0x27 GB 2312 (read as GB18030, its superset), 0x2F KS C 5601 (EUC-KR).
 * (Tag 34 is the date/time zone, not the character set.)
 *
 * <p>Undeclared (or declared ASCII) text whose bytes are not ASCII is what Chinese devices
 * write when they put GB2312 names into an "ASCII" record: such bytes are tried, in order, as
 * strict UTF-8, then as GB18030 when every byte ≥ 0x80 pairs into a GB2312 double-byte
 * character (both bytes 0xA1..0xFE), and only then as Latin-1, which accepts anything.
 * Strings end at the first NUL (EN 1064 text is NUL-terminated), control characters become
 * spaces, and they are trimmed.
 *
 * <p>Stateless and thread-safe.
 */
final class ScpText {
    private static final Charset GB18030 = Charset.forName("GB18030");

    private ScpText() {
    }

    /** The charset a language support code declares, or null for "ASCII / not declared". */
    static Charset declared(int languageCode) {
        if ((languageCode & 1) == 0) {
            return null;
        }
        return switch (languageCode) {
            case 0x01 -> StandardCharsets.ISO_8859_1;
            case 0x03 -> Charset.forName("ISO-8859-2");
            case 0x0B -> Charset.forName("ISO-8859-4");
            case 0x13 -> Charset.forName("ISO-8859-5");
            case 0x1B -> Charset.forName("ISO-8859-6");
            case 0x23 -> Charset.forName("ISO-8859-7");
            case 0x2B -> Charset.forName("ISO-8859-8");
            case 0x33 -> Charset.forName("x-iso-8859-11");
            case 0x3B -> Charset.forName("ISO-8859-15");
            case 0x07 -> StandardCharsets.UTF_8;
            case 0x0F, 0x17, 0x1F -> Charset.forName("Shift_JIS");
            case 0x27 -> GB18030;
            case 0x2F -> Charset.forName("EUC-KR");
            default -> null;
        };
    }

    /** Decodes {@code b[off, off+len)} up to the first NUL; null when empty. */
    static String decode(byte[] b, int off, int len, Charset declared) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        int n = end - off;
        if (n == 0) {
            return null;
        }
        String s;
        if (declared != null) {
            s = new String(b, off, n, declared);
        } else {
            s = guess(b, off, n);
        }
        // Control characters (some devices pad fields with 0x01..0x1F) are no text: drop them.
        s = s.replaceAll("\\p{Cntrl}", " ").strip();
        return s.isEmpty() ? null : s;
    }

    private static String guess(byte[] b, int off, int n) {
        boolean ascii = true;
        for (int i = off; i < off + n; i++) {
            if (b[i] < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(b, off, n, StandardCharsets.US_ASCII);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, off, n)).toString();
        } catch (CharacterCodingException notUtf8) {
            // fall through
        }
        if (gb2312Pairs(b, off, n)) {
            return new String(b, off, n, GB18030);
        }
        return new String(b, off, n, StandardCharsets.ISO_8859_1);
    }

    /** True when every byte ≥ 0x80 is part of a pair of bytes in 0xA1..0xFE (GB 2312 EUC-CN form). */
    private static boolean gb2312Pairs(byte[] b, int off, int n) {
        for (int i = off; i < off + n; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                continue;
            }
            if (i + 1 >= off + n) {
                return false;
            }
            int d = b[i + 1] & 0xFF;
            if (c < 0xA1 || c > 0xFE || d < 0xA1 || d > 0xFE) {
                return false;
            }
            i++;
        }
        return true;
    }
}
