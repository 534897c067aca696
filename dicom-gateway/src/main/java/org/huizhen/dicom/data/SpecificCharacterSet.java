package org.huizhen.dicom.data;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The character repertoire of a data set's text values, from Specific Character Set
 * (0008,0005) — PS3.5 6.1 and PS3.3 C.12.1.1.2.
 *
 * <p>Applies to the VRs SH, LO, ST, LT, PN, UC and UT only; every other string VR uses the
 * default repertoire. Decoding returns the whole value including backslash value delimiters;
 * callers split multi-valued strings on {@code '\\'} <em>after</em> decoding, because in
 * GB18030/GBK a multi-byte character may contain the byte 0x5C.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>This first version covers the single-byte and code-extension-free repertoires; the
 * ISO 2022 code-extension handling is filled in behind the same API.
 */
public final class SpecificCharacterSet {

    /** No (0008,0005): the default repertoire, ISO-IR 6 (PS3.5 6.1.2.1). */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet(List.of(""), StandardCharsets.US_ASCII);

    private final List<String> terms;
    private final Charset charset;

    private SpecificCharacterSet(List<String> terms, Charset charset) {
        this.terms = terms;
        this.charset = charset;
    }

    /**
     * Returns the character set named by the values of (0008,0005), as they appear in the
     * data set (leading/trailing spaces ignored; an empty first value means ISO-IR 6).
     *
     * @throws IllegalArgumentException if a defined term is unknown (message names the term)
     */
    public static SpecificCharacterSet valueOf(String... definedTerms) {
        if (definedTerms == null || definedTerms.length == 0) {
            return DEFAULT;
        }
        String first = definedTerms[0] == null ? "" : definedTerms[0].trim();
        Charset cs = switch (first) {
            case "", "ISO_IR 6" -> StandardCharsets.US_ASCII;
            case "ISO_IR 100" -> StandardCharsets.ISO_8859_1;
            case "ISO_IR 192" -> StandardCharsets.UTF_8;
            case "GB18030" -> Charset.forName("GB18030");
            case "GBK" -> Charset.forName("GBK");
            default -> throw new IllegalArgumentException("unknown Specific Character Set defined term: " + first);
        };
        return new SpecificCharacterSet(List.copyOf(Arrays.stream(definedTerms).map(t -> t == null ? "" : t.trim()).toList()), cs);
    }

    /** The defined terms this set was made from, in order. */
    public List<String> definedTerms() {
        return terms;
    }

    /**
     * Decodes a text value's bytes.
     *
     * @param personName true for VR PN, where '^' and '=' also reset ISO 2022 designations
     */
    public String decode(byte[] bytes, boolean personName) {
        return new String(bytes, charset);
    }

    /** Encodes a text value; the inverse of {@link #decode}. */
    public byte[] encode(String value, boolean personName) {
        return value.getBytes(charset);
    }

    @Override
    public String toString() {
        return String.join("\\", terms);
    }
}
