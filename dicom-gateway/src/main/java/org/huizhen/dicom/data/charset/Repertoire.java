package org.huizhen.dicom.data.charset;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

/**
 * One ISO 2022 code element (a graphic character set that can be designated to G0 or G1) that
 * DICOM's Specific Character Set may name — PS3.3 C.12.1.1.2 tables C.12-2 to C.12-4 and
 * PS3.5 6.1.2.5.
 *
 * <p>Each constant knows the register it is designated to, its bytes per character, the
 * escape sequence that designates it, and its code table. Code tables are built once, lazily,
 * from the JDK's own charsets (ISO-8859-x, EUC-JP for JIS X 0208/0212, EUC-KR for KS X 1001,
 * GB2312 for GB 2312) by decoding every code position; the tables are then immutable. The
 * encode direction is derived from the same table, so decode and encode are exact inverses.
 *
 * <p>Code positions are given in their 7-bit (GL) form: 0x21..0x7E per byte for 94-sets,
 * 0x20..0x7F for the 96-sets' right half; {@link Iso2022Codec} adds the high bit for G1.
 *
 * <p>Thread-safe: tables are published through a {@code volatile} field and never mutated.
 */
public enum Repertoire {
    /** ISO-IR 6 (US-ASCII) in G0: {@code ESC ( B}. */
    ISO_IR_6(Register.G0, 1, "(B", null),
    /** ISO-IR 14, JIS X 0201 Romaji, in G0: {@code ESC ( J}. Used with ISO_IR 13. */
    ISO_IR_14(Register.G0, 1, "(J", null),
    /** ISO-IR 13, JIS X 0201 Katakana, in G1: {@code ESC ) I}. */
    ISO_IR_13(Register.G1, 1, ")I", null),
    /** ISO-IR 100, Latin alphabet No. 1 (ISO 8859-1): {@code ESC - A}. */
    ISO_IR_100(Register.G1, 1, "-A", "ISO-8859-1"),
    /** ISO-IR 101, Latin alphabet No. 2 (ISO 8859-2): {@code ESC - B}. */
    ISO_IR_101(Register.G1, 1, "-B", "ISO-8859-2"),
    /** ISO-IR 109, Latin alphabet No. 3 (ISO 8859-3): {@code ESC - C}. */
    ISO_IR_109(Register.G1, 1, "-C", "ISO-8859-3"),
    /** ISO-IR 110, Latin alphabet No. 4 (ISO 8859-4): {@code ESC - D}. */
    ISO_IR_110(Register.G1, 1, "-D", "ISO-8859-4"),
    /** ISO-IR 144, Cyrillic (ISO 8859-5): {@code ESC - L}. */
    ISO_IR_144(Register.G1, 1, "-L", "ISO-8859-5"),
    /** ISO-IR 127, Arabic (ISO 8859-6): {@code ESC - G}. */
    ISO_IR_127(Register.G1, 1, "-G", "ISO-8859-6"),
    /** ISO-IR 126, Greek (ISO 8859-7): {@code ESC - F}. */
    ISO_IR_126(Register.G1, 1, "-F", "ISO-8859-7"),
    /** ISO-IR 138, Hebrew (ISO 8859-8): {@code ESC - H}. */
    ISO_IR_138(Register.G1, 1, "-H", "ISO-8859-8"),
    /** ISO-IR 148, Latin alphabet No. 5 (ISO 8859-9): {@code ESC - M}. */
    ISO_IR_148(Register.G1, 1, "-M", "ISO-8859-9"),
    /** ISO-IR 203, Latin alphabet No. 9 (ISO 8859-15): {@code ESC - b}. */
    ISO_IR_203(Register.G1, 1, "-b", "ISO-8859-15"),
    /** ISO-IR 166, Thai (TIS 620-2533, the right half of ISO 8859-11): {@code ESC - T}. */
    ISO_IR_166(Register.G1, 1, "-T", "x-iso-8859-11"),
    /** ISO-IR 87, JIS X 0208 Kanji, in G0: {@code ESC $ B}. */
    ISO_IR_87(Register.G0, 2, "$B", "EUC-JP"),
    /** ISO-IR 159, JIS X 0212 supplementary Kanji, in G0: {@code ESC $ ( D}. */
    ISO_IR_159(Register.G0, 2, "$(D", "EUC-JP"),
    /** ISO-IR 149, KS X 1001 (Hangul and Hanja), in G1: {@code ESC $ ) C}. */
    ISO_IR_149(Register.G1, 2, "$)C", "EUC-KR"),
    /** ISO-IR 58, GB 2312, in G1: {@code ESC $ ) A}. */
    ISO_IR_58(Register.G1, 2, "$)A", "GB2312");

    /** The graphic register a code element is designated to (ISO 2022). */
    public enum Register { G0, G1 }

    private static final char NONE = '\uFFFF';

    private final Register register;
    private final int bytesPerChar;
    private final byte[] escape;
    private final String javaCharset;
    private volatile Table table;

    Repertoire(Register register, int bytesPerChar, String escapeTail, String javaCharset) {
        this.register = register;
        this.bytesPerChar = bytesPerChar;
        byte[] esc = new byte[escapeTail.length() + 1];
        esc[0] = 0x1B;
        for (int i = 0; i < escapeTail.length(); i++) {
            esc[i + 1] = (byte) escapeTail.charAt(i);
        }
        this.escape = esc;
        this.javaCharset = javaCharset;
    }

    /** G0 or G1. */
    public Register register() {
        return register;
    }

    /** 1 for the single-byte sets, 2 for JIS X 0208/0212, KS X 1001 and GB 2312. */
    public int bytesPerChar() {
        return bytesPerChar;
    }

    /** The designating escape sequence, starting with ESC (0x1B); a fresh copy. */
    public byte[] escapeSequence() {
        return escape.clone();
    }

    boolean escapeMatches(byte[] bytes, int from, int to) {
        return to - from == escape.length && Arrays.equals(escape, 0, escape.length, bytes, from, to);
    }

    void writeEscape(java.io.ByteArrayOutputStream out) {
        out.write(escape, 0, escape.length);
    }

    /**
     * The character at a 7-bit code position, or {@code -1} if the position is unassigned.
     * For single-byte sets {@code second} is ignored.
     */
    public int decode(int first, int second) {
        Table t = table();
        if (bytesPerChar == 1) {
            if (first < 0x20 || first > 0x7F) {
                return -1;
            }
            char c = t.decode[first - 0x20];
            return c == NONE ? -1 : c;
        }
        if (first < 0x21 || first > 0x7E || second < 0x21 || second > 0x7E) {
            return -1;
        }
        char c = t.decode[(first - 0x21) * 94 + (second - 0x21)];
        return c == NONE ? -1 : c;
    }

    /**
     * The 7-bit code of a character: one byte (0x20..0x7F) or two bytes packed as
     * {@code first << 8 | second}; {@code -1} if the set has no such character.
     */
    public int encode(int codePoint) {
        Table t = table();
        if (codePoint < 0 || codePoint >= t.encode.length) {
            return -1;
        }
        char code = t.encode[codePoint];
        return code == NONE ? -1 : code;
    }

    /** Whether the set contains the character. */
    public boolean canEncode(int codePoint) {
        return encode(codePoint) >= 0;
    }

    private Table table() {
        Table t = table;
        if (t == null) {
            t = buildTable();
            table = t;
        }
        return t;
    }

    private record Table(char[] decode, char[] encode) {}

    /** Builds the table; racing builders produce equal tables, so no lock is needed. */
    private Table buildTable() {
        char[] decode = new char[bytesPerChar == 1 ? 96 : 94 * 94];
        Arrays.fill(decode, NONE);
        switch (this) {
            case ISO_IR_6 -> {
                for (int b = 0x20; b <= 0x7F; b++) {
                    decode[b - 0x20] = (char) b;
                }
            }
            case ISO_IR_14 -> {
                // JIS X 0201 Roman equals ASCII except 0x7E (OVERLINE). 0x5C is YEN SIGN in
                // JIS X 0201 but DICOM reserves byte 0x5C as the value delimiter
                // (PS3.5 6.2, 6.1.2.3), so it stays REVERSE SOLIDUS here for callers that split.
                for (int b = 0x20; b <= 0x7F; b++) {
                    decode[b - 0x20] = (char) b;
                }
                decode[0x7E - 0x20] = '\u203E';
            }
            case ISO_IR_13 -> {
                // JIS X 0201 Katakana 0xA1..0xDF are U+FF61..U+FF9F (half-width forms).
                for (int b = 0x21; b <= 0x5F; b++) {
                    decode[b - 0x20] = (char) (0xFF61 + b - 0x21);
                }
            }
            default -> fillFromJavaCharset(decode);
        }
        int max = 0;
        for (char c : decode) {
            if (c != NONE) {
                max = Math.max(max, c);
            }
        }
        char[] encode = new char[max + 1]; // 16 KiB for ISO 8859-15 (up to €), 128 KiB for the CJK sets
        Arrays.fill(encode, NONE);
        for (int i = decode.length - 1; i >= 0; i--) { // backwards: the lowest code wins
            char c = decode[i];
            if (c == NONE) {
                continue;
            }
            encode[c] = bytesPerChar == 1 ? (char) (i + 0x20) : (char) (((i / 94) + 0x21) << 8 | ((i % 94) + 0x21));
        }
        return new Table(decode, encode);
    }

    private void fillFromJavaCharset(char[] decode) {
        CharsetDecoder dec = Charset.forName(javaCharset).newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        if (bytesPerChar == 1) {
            // The right half of an ISO 8859 part: 0xA0..0xFF, stored at 7-bit positions 0x20..0x7F.
            for (int b = 0x20; b <= 0x7F; b++) {
                decode[b - 0x20] = decodeOne(dec, new byte[] {(byte) (b | 0x80)});
            }
            return;
        }
        for (int r = 0x21; r <= 0x7E; r++) {
            for (int c = 0x21; c <= 0x7E; c++) {
                byte[] euc = this == ISO_IR_159
                        ? new byte[] {(byte) 0x8F, (byte) (r | 0x80), (byte) (c | 0x80)} // EUC-JP SS3 for JIS X 0212
                        : new byte[] {(byte) (r | 0x80), (byte) (c | 0x80)};
                decode[(r - 0x21) * 94 + (c - 0x21)] = decodeOne(dec, euc);
            }
        }
    }

    private static char decodeOne(CharsetDecoder dec, byte[] bytes) {
        dec.reset();
        try {
            CharBuffer cb = dec.decode(ByteBuffer.wrap(bytes));
            if (cb.length() == 1 && cb.charAt(0) != '\uFFFD' && !Character.isSurrogate(cb.charAt(0))) {
                return cb.charAt(0);
            }
        } catch (CharacterCodingException e) {
            // unassigned code position
        }
        return NONE;
    }
}
