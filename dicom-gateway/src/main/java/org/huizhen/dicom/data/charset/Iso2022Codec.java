package org.huizhen.dicom.data.charset;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes and encodes text values written with ISO 2022 code elements: the single-byte
 * repertoires of PS3.3 table C.12-2 (without code extensions) and the code-extension
 * repertoires of tables C.12-3 and C.12-4, following PS3.5 6.1.2.5.
 *
 * <p>The codec is created from the initial G0/G1 designations (from value 1 of (0008,0005))
 * and the list of repertoires the data set declares. With code extensions on:
 * <ul>
 *   <li>decoding follows the escape sequences in the bytes; any recognised designation is
 *       obeyed, even of a repertoire not declared (files from the field often under-declare);
 *       an unknown or truncated escape sequence becomes U+FFFD;</li>
 *   <li>a byte with the high bit set while no G1 set is designated is read in the first G1
 *       set the data set declares, as if its designation had been written: senders often
 *       designate GB 2312 or KS X 1001 once per value, or not at all, instead of after every
 *       '^' and '='. Conforming input never has such bytes, so this changes nothing for it;</li>
 *   <li>the designations return to the initial ones at the points PS3.5 6.1.2.5.3 lists:
 *       control characters (CR, LF, FF, TAB and every other C0 control except ESC), the value
 *       delimiter '\' and, for PN, the delimiters '^' and '=' — the delimiters are
 *       recognised only while G0 holds a single-byte set, since in JIS X 0208 they are
 *       halves of two-byte characters;</li>
 *   <li>encoding picks, per character, the active set if it holds the character, else the
 *       first declared repertoire that does, writes the escape sequence, and before each of
 *       the reset points writes the escape sequences that make value 1's sets active again.
 *       A KS X 1001 designation is placed at the start of the line or name component that
 *       needs it, as in the PS3.5 Annex I examples; other designations are placed just
 *       before the first character that needs them, as in Annexes H and K.</li>
 * </ul>
 * Without code extensions ESC is an ordinary control character and only the initial sets are used.
 *
 * <p>Bytes that are not valid in the active set decode to U+FFFD; every step consumes at
 * least one byte, so decoding is linear in the input and never throws. Characters no declared
 * set holds are encoded as '?'.
 *
 * <p>Immutable and thread-safe.
 */
public final class Iso2022Codec {

    private static final char REPLACEMENT = '\uFFFD';
    private static final int ESC = 0x1B;

    private final Repertoire initialG0;
    private final Repertoire initialG1;
    private final List<Repertoire> declared;
    private final boolean codeExtensions;
    /** The G1 set GR bytes are read in while none is designated; null if none is declared. */
    private final Repertoire impliedG1;

    /**
     * @param initialG0 the G0 set at the start of a value and after each reset point; single-byte
     * @param initialG1 the G1 set at the start of a value, or null when none is designated
     * @param declared the repertoires encoding may designate, in preference order
     * @param codeExtensions whether escape sequences are read and written
     */
    public Iso2022Codec(Repertoire initialG0, Repertoire initialG1, List<Repertoire> declared, boolean codeExtensions) {
        this.initialG0 = Objects.requireNonNull(initialG0, "initialG0");
        if (initialG0.register() != Repertoire.Register.G0 || initialG0.bytesPerChar() != 1) {
            throw new IllegalArgumentException("initial G0 must be a single-byte G0 set: " + initialG0);
        }
        if (initialG1 != null && initialG1.register() != Repertoire.Register.G1) {
            throw new IllegalArgumentException("initial G1 must be a G1 set: " + initialG1);
        }
        this.initialG1 = initialG1;
        this.declared = List.copyOf(declared);
        this.codeExtensions = codeExtensions;
        this.impliedG1 = initialG1 != null ? null
                : this.declared.stream().filter(r -> r.register() == Repertoire.Register.G1).findFirst().orElse(null);
    }

    /** Decodes a whole value (delimiters kept). */
    public String decode(byte[] bytes, boolean personName) {
        int n = bytes.length;
        StringBuilder sb = new StringBuilder(n);
        Repertoire g0 = initialG0;
        Repertoire g1 = initialG1;
        int i = 0;
        while (i < n) {
            int b = bytes[i] & 0xFF;
            if (b == ESC && codeExtensions) {
                // ESC, intermediate bytes 02/00..02/15, one final byte 03/00..07/14 (ISO 2022 / ECMA-35).
                int j = i + 1;
                while (j < n && (bytes[j] & 0xF0) == 0x20) {
                    j++;
                }
                if (j >= n) { // truncated at the end of the value
                    sb.append(REPLACEMENT);
                    break;
                }
                int fin = bytes[j] & 0xFF;
                if (fin < 0x30 || fin > 0x7E) {
                    sb.append(REPLACEMENT);
                    i = j; // the byte after the intermediates is read on its own
                    continue;
                }
                Repertoire r = designatedBy(bytes, i, j + 1);
                if (r == null) {
                    sb.append(REPLACEMENT);
                } else if (r.register() == Repertoire.Register.G0) {
                    g0 = r;
                } else {
                    g1 = r;
                }
                i = j + 1;
            } else if (b < 0x20) {
                // C0 control: PS3.5 6.1.2.5.3 requires the initial sets before it.
                g0 = initialG0;
                g1 = initialG1;
                sb.append((char) b);
                i++;
            } else if (b < 0x80) {
                if (g0.bytesPerChar() == 1) {
                    int c = g0.decode(b, 0);
                    sb.append(c < 0 ? REPLACEMENT : (char) c);
                    if (b == '\\' || personName && (b == '^' || b == '=')) {
                        g0 = initialG0;
                        g1 = initialG1;
                    }
                    i++;
                } else if (b == 0x20) {
                    sb.append(' ');
                    i++;
                } else {
                    int second = i + 1 < n ? bytes[i + 1] & 0xFF : -1;
                    int c = g0.decode(b, second);
                    if (c >= 0) {
                        sb.append((char) c);
                        i += 2;
                    } else {
                        sb.append(REPLACEMENT);
                        i += second >= 0x21 && second <= 0x7E ? 2 : 1;
                    }
                }
            } else if (g1 == null && impliedG1 == null || b < 0xA0) {
                sb.append(REPLACEMENT); // no G1 set, or a C1 control (not allowed in DICOM text)
                i++;
            } else if (g1 == null) {
                g1 = impliedG1; // lenient: a designation the sender left out (see class comment)
            } else if (g1.bytesPerChar() == 1) {
                int c = g1.decode(b & 0x7F, 0);
                sb.append(c < 0 ? REPLACEMENT : (char) c);
                i++;
            } else {
                int second = i + 1 < n ? bytes[i + 1] & 0xFF : -1;
                int c = second >= 0xA1 ? g1.decode(b & 0x7F, second & 0x7F) : -1;
                if (c >= 0) {
                    sb.append((char) c);
                    i += 2;
                } else {
                    sb.append(REPLACEMENT);
                    i += second >= 0xA1 && second <= 0xFE && b != 0xFF ? 2 : 1;
                }
            }
        }
        return sb.toString();
    }

    private static Repertoire designatedBy(byte[] bytes, int from, int to) {
        for (Repertoire r : Repertoire.values()) {
            if (r.escapeMatches(bytes, from, to)) {
                return r;
            }
        }
        // ESC $ @ designates JIS C 6226-1978, the predecessor of JIS X 0208; ESC $ ( B is the
        // long form of ESC $ B. Both are read as JIS X 0208.
        if (to - from == 3 && bytes[from + 1] == '$' && bytes[from + 2] == '@'
                || to - from == 4 && bytes[from + 1] == '$' && bytes[from + 2] == '(' && bytes[from + 3] == 'B') {
            return Repertoire.ISO_IR_87;
        }
        return null;
    }

    /** Encodes a whole value; the inverse of {@link #decode} for text the declared sets hold. */
    public byte[] encode(String value, boolean personName) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length() * 2 + 8);
        int[] cps = value.codePoints().toArray();
        State st = new State(initialG0, initialG1);
        int start = 0;
        for (int i = 0; i <= cps.length; i++) {
            boolean end = i == cps.length;
            int cp = end ? -1 : cps[i];
            if (end || isResetPoint(cp, personName)) {
                encodeSegment(cps, start, i, st, out);
                restoreInitial(st, out);
                if (!end) {
                    out.write(cp);
                }
                start = i + 1;
            }
        }
        return out.toByteArray();
    }

    private static boolean isResetPoint(int cp, boolean personName) {
        return cp < 0x20 && cp != ESC || cp == '\\' || personName && (cp == '^' || cp == '=');
    }

    private static final class State {
        Repertoire g0;
        Repertoire g1;

        State(Repertoire g0, Repertoire g1) {
            this.g0 = g0;
            this.g1 = g1;
        }
    }

    private void encodeSegment(int[] cps, int from, int to, State st, ByteArrayOutputStream out) {
        if (codeExtensions) {
            hoistLineStartDesignation(cps, from, to, st, out);
        }
        for (int i = from; i < to; i++) {
            int cp = cps[i];
            Repertoire r = cp == ESC ? null : choose(cp, st.g0, st.g1);
            if (r == null) {
                // '?' in a single-byte G0 set: every initial G0 has it at 0x3F.
                if (st.g0.bytesPerChar() != 1) {
                    designate(initialG0, st, out);
                }
                out.write('?');
                continue;
            }
            designate(r, st, out);
            int code = r.encode(cp);
            int high = r.register() == Repertoire.Register.G1 ? 0x80 : 0;
            if (r.bytesPerChar() == 2) {
                out.write((code >> 8) | high);
            }
            out.write((code & 0xFF) | high);
        }
    }

    /**
     * KS X 1001 is designated at the start of the line or component that uses it (PS3.5
     * Annex I), provided no other G1 character comes before its first use there.
     */
    private void hoistLineStartDesignation(int[] cps, int from, int to, State st, ByteArrayOutputStream out) {
        Repertoire g0 = st.g0;
        for (int i = from; i < to; i++) {
            Repertoire r = choose(cps[i], g0, st.g1);
            if (r == null) {
                continue;
            }
            if (r.register() == Repertoire.Register.G0) {
                g0 = r;
                continue;
            }
            if (r == Repertoire.ISO_IR_149 && st.g1 != r) {
                designate(r, st, out);
            }
            return;
        }
    }

    private Repertoire choose(int cp, Repertoire g0, Repertoire g1) {
        if (g0.canEncode(cp)) {
            return g0;
        }
        if (g1 != null && g1.canEncode(cp)) {
            return g1;
        }
        if (!codeExtensions) {
            return null;
        }
        if (initialG0.canEncode(cp)) {
            return initialG0;
        }
        for (Repertoire r : declared) {
            if (r.canEncode(cp)) {
                return r;
            }
        }
        return null;
    }

    private void designate(Repertoire r, State st, ByteArrayOutputStream out) {
        if (r.register() == Repertoire.Register.G0) {
            if (st.g0 != r) {
                r.writeEscape(out);
                st.g0 = r;
            }
        } else if (st.g1 != r) {
            r.writeEscape(out);
            st.g1 = r;
        }
    }

    /** Makes value 1's sets active again (PS3.5 6.1.2.5.3). */
    private void restoreInitial(State st, ByteArrayOutputStream out) {
        if (st.g0 != initialG0) {
            initialG0.writeEscape(out);
            st.g0 = initialG0;
        }
        if (st.g1 != initialG1) {
            if (initialG1 != null) {
                initialG1.writeEscape(out);
            }
            // With no initial G1 nothing can be re-designated; the reader drops G1 here too.
            st.g1 = initialG1;
        }
    }

    /** Whether escape sequences are read and written. */
    public boolean codeExtensions() {
        return codeExtensions;
    }

    /** The repertoires encoding may designate, in preference order. */
    public List<Repertoire> declared() {
        return new ArrayList<>(declared);
    }
}
