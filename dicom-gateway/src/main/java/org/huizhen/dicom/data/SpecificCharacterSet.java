package org.huizhen.dicom.data;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.huizhen.dicom.data.charset.Iso2022Codec;
import org.huizhen.dicom.data.charset.Repertoire;

/**
 * The character repertoire of a data set's text values, from Specific Character Set
 * (0008,0005) — PS3.5 6.1 and PS3.3 C.12.1.1.2.
 *
 * <p>Applies to the VRs SH, LO, ST, LT, PN, UC and UT only; every other string VR uses the
 * default repertoire. Decoding returns the whole value including backslash value delimiters;
 * callers split multi-valued strings on {@code '\\'} <em>after</em> decoding, because in
 * GB18030/GBK a multi-byte character may contain the byte 0x5C.
 *
 * <p>Supported defined terms:
 * <ul>
 *   <li>single-byte without code extensions (table C.12-2): {@code ISO_IR 6} (or empty),
 *       {@code ISO_IR 100, 101, 109, 110, 144, 127, 126, 138, 148, 203, 13, 166};</li>
 *   <li>with code extensions (tables C.12-3, C.12-4): {@code ISO 2022 IR 6} and the
 *       {@code ISO 2022 IR nnn} forms of the above, plus {@code ISO 2022 IR 87} (JIS X 0208),
 *       {@code ISO 2022 IR 159} (JIS X 0212), {@code ISO 2022 IR 149} (KS X 1001) and
 *       {@code ISO 2022 IR 58} (GB 2312); an empty first value means ISO 2022 IR 6;</li>
 *   <li>multi-byte without code extensions (table C.12-5): {@code ISO_IR 192} (UTF-8),
 *       {@code GB18030}, {@code GBK}. These cannot be combined with code extensions: when one
 *       of them appears among several values it governs the whole value and the others are
 *       ignored, which is what a sender that wrote such a list can have meant.</li>
 * </ul>
 * The ISO 2022 handling (escape sequences, resets at delimiters) is in {@link Iso2022Codec}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SpecificCharacterSet {

    /** One defined term: the sets it designates, whether it is a code-extension term. */
    private record Term(Repertoire g0, Repertoire g1, boolean codeExtensions, String charset) {}

    private static final Map<String, Term> TERMS = buildTerms();

    /** No (0008,0005): the default repertoire, ISO-IR 6 (PS3.5 6.1.2.1). */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(List.of(""), null,
            new Iso2022Codec(Repertoire.ISO_IR_6, null, List.of(Repertoire.ISO_IR_6), false));

    private final List<String> terms;
    /** UTF-8, GB18030 or GBK; null when {@link #codec} is used. */
    private final Charset charset;
    private final Iso2022Codec codec;
    private final boolean codeExtensions;

    private SpecificCharacterSet(List<String> terms, Charset charset, Iso2022Codec codec) {
        this.terms = terms;
        this.charset = charset;
        this.codec = codec;
        this.codeExtensions = codec != null && codec.codeExtensions();
    }

    private static Map<String, Term> buildTerms() {
        Map<String, Term> m = new LinkedHashMap<>();
        m.put("ISO_IR 6", new Term(Repertoire.ISO_IR_6, null, false, null));
        m.put("ISO 2022 IR 6", new Term(Repertoire.ISO_IR_6, null, true, null));
        // Table C.12-2 / C.12-3: G0 = ISO-IR 6 (ISO-IR 14 for Japanese), G1 = the named part.
        Repertoire[] singleByte = {
            Repertoire.ISO_IR_100, Repertoire.ISO_IR_101, Repertoire.ISO_IR_109, Repertoire.ISO_IR_110,
            Repertoire.ISO_IR_144, Repertoire.ISO_IR_127, Repertoire.ISO_IR_126, Repertoire.ISO_IR_138,
            Repertoire.ISO_IR_148, Repertoire.ISO_IR_203, Repertoire.ISO_IR_166, Repertoire.ISO_IR_13};
        for (Repertoire r : singleByte) {
            String number = r.name().substring("ISO_IR_".length());
            Repertoire g0 = r == Repertoire.ISO_IR_13 ? Repertoire.ISO_IR_14 : Repertoire.ISO_IR_6;
            m.put("ISO_IR " + number, new Term(g0, r, false, null));
            m.put("ISO 2022 IR " + number, new Term(g0, r, true, null));
        }
        // Table C.12-4: multi-byte sets with code extensions.
        m.put("ISO 2022 IR 87", new Term(Repertoire.ISO_IR_87, null, true, null));
        m.put("ISO 2022 IR 159", new Term(Repertoire.ISO_IR_159, null, true, null));
        m.put("ISO 2022 IR 149", new Term(null, Repertoire.ISO_IR_149, true, null));
        m.put("ISO 2022 IR 58", new Term(null, Repertoire.ISO_IR_58, true, null));
        // Table C.12-5: multi-byte without code extensions.
        m.put("ISO_IR 192", new Term(null, null, false, "UTF-8"));
        m.put("GB18030", new Term(null, null, false, "GB18030"));
        m.put("GBK", new Term(null, null, false, "GBK"));
        return Map.copyOf(m);
    }

    /**
     * Returns the character set named by the values of (0008,0005), as they appear in the
     * data set (leading/trailing spaces ignored; an empty first value means ISO-IR 6, empty
     * later values are ignored). A single
     * argument holding the backslash-separated raw value is split into its values.
     *
     * @throws IllegalArgumentException if a defined term is unknown (message names the term)
     */
    public static SpecificCharacterSet valueOf(String... definedTerms) {
        if (definedTerms == null || definedTerms.length == 0) {
            return DEFAULT;
        }
        List<String> values = new ArrayList<>();
        for (String t : definedTerms) {
            if (t == null) {
                values.add("");
                continue;
            }
            for (String part : t.split("\\\\", -1)) {
                values.add(part.trim());
            }
        }
        List<Term> parsed = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v.isEmpty() && i == 0) {
                parsed.add(values.size() == 1 ? TERMS.get("ISO_IR 6") : TERMS.get("ISO 2022 IR 6"));
                continue;
            }
            if (v.isEmpty()) {
                continue; // an empty later value (e.g. a trailing '\') names nothing
            }
            Term term = TERMS.get(v);
            if (term == null) {
                throw new IllegalArgumentException("unknown Specific Character Set defined term: '" + v + "'");
            }
            parsed.add(term);
        }
        List<String> termList = List.copyOf(values);
        if (values.size() == 1 && values.get(0).isEmpty()) {
            return DEFAULT;
        }
        for (Term t : parsed) {
            if (t.charset() != null) {
                // Looked up here, not in a static initialiser: a trimmed runtime without the
                // jdk.charsets module then fails on this call with a clear message only.
                if (!Charset.isSupported(t.charset())) {
                    throw new IllegalArgumentException("Specific Character Set needs charset " + t.charset()
                            + ", which this Java runtime lacks (module jdk.charsets)");
                }
                return new SpecificCharacterSet(termList, Charset.forName(t.charset()), null);
            }
        }
        Term first = parsed.get(0);
        boolean extensions = values.size() > 1 || first.codeExtensions();
        // Value 1 gives the initial designations (PS3.5 6.1.2.5.1); a multi-byte set there is
        // not allowed as an initial set, so G0 falls back to ISO-IR 6.
        Repertoire g0 = first.g0() != null && first.g0().bytesPerChar() == 1 ? first.g0() : Repertoire.ISO_IR_6;
        Repertoire g1 = first.g1() != null && first.g1().bytesPerChar() == 1 ? first.g1() : null;
        Set<Repertoire> declared = new LinkedHashSet<>();
        declared.add(g0);
        if (g1 != null) {
            declared.add(g1);
        }
        for (Term t : parsed) {
            if (t.g0() != null) {
                declared.add(t.g0());
            }
            if (t.g1() != null) {
                declared.add(t.g1());
            }
        }
        return new SpecificCharacterSet(termList, null, new Iso2022Codec(g0, g1, List.copyOf(declared), extensions));
    }

    /** The defined terms this set was made from, in order. */
    public List<String> definedTerms() {
        return terms;
    }

    /** Whether values may contain ISO 2022 escape sequences (PS3.5 6.1.2.5). */
    public boolean usesCodeExtensions() {
        return codeExtensions;
    }

    /**
     * The JDK charset that decodes these values as a whole, if there is one: UTF-8, GB18030
     * or GBK. Empty for the ISO 2022 based sets, whose decoding depends on the VR.
     */
    public Optional<Charset> javaCharset() {
        return Optional.ofNullable(charset);
    }

    /**
     * Decodes a text value's bytes. Never throws: bytes not valid in the active set become
     * U+FFFD.
     *
     * @param personName true for VR PN, where '^' and '=' also reset ISO 2022 designations
     */
    public String decode(byte[] bytes, boolean personName) {
        if (bytes == null || bytes.length == 0) {
            return "";
        }
        return charset != null ? new String(bytes, charset) : codec.decode(bytes, personName);
    }

    /**
     * Encodes a text value; the inverse of {@link #decode}. Characters the declared sets do not
     * hold become '?'.
     */
    public byte[] encode(String value, boolean personName) {
        if (value == null || value.isEmpty()) {
            return new byte[0];
        }
        return charset != null ? value.getBytes(charset) : codec.encode(value, personName);
    }

    /** Whether every character of the value can be encoded in the declared sets. */
    public boolean canEncode(String value) {
        if (value == null || value.isEmpty()) {
            return true;
        }
        if (charset != null) {
            return charset.newEncoder().canEncode(value);
        }
        List<Repertoire> sets = codec.declared();
        return value.codePoints().allMatch(cp -> {
            if (cp == 0x1B) {
                return false; // ESC is reserved for escape sequences
            }
            return cp < 0x20 || sets.stream().anyMatch(r -> r.canEncode(cp));
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpecificCharacterSet other && terms.equals(other.terms);
    }

    @Override
    public int hashCode() {
        return terms.hashCode();
    }

    @Override
    public String toString() {
        return String.join("\\", terms);
    }
}
