package org.huizhen.dicom.data;

import java.util.Optional;

/**
 * Value Representations of PS3.5 Table 6.2-1, with the facts the codec needs: the explicit VR
 * header length (PS3.5 7.1.2: 8 bytes, or 12 for the VRs with a reserved field and 32-bit
 * length), the padding byte for odd values (PS3.5 6.2), whether the value is text, whether
 * Specific Character Set applies (PS3.5 6.1.2.3), the maximum value length, and the size of
 * the unit whose bytes are swapped for Big Endian (PS3.5 7.3).
 *
 * <p>Immutable; thread-safe.
 */
public enum VR {
    AE(Kind.STRING, 8, ' ', false, 16, 1),
    AS(Kind.STRING, 8, ' ', false, 4, 1),
    AT(Kind.BINARY, 8, 0, false, 4, 2),
    CS(Kind.STRING, 8, ' ', false, 16, 1),
    DA(Kind.STRING, 8, ' ', false, 8, 1),
    DS(Kind.STRING, 8, ' ', false, 16, 1),
    DT(Kind.STRING, 8, ' ', false, 26, 1),
    FL(Kind.BINARY, 8, 0, false, 4, 4),
    FD(Kind.BINARY, 8, 0, false, 8, 8),
    IS(Kind.STRING, 8, ' ', false, 12, 1),
    LO(Kind.STRING, 8, ' ', true, 64, 1),
    LT(Kind.STRING, 8, ' ', true, 10240, 1),
    OB(Kind.BINARY, 12, 0, false, -1, 1),
    OD(Kind.BINARY, 12, 0, false, -1, 8),
    OF(Kind.BINARY, 12, 0, false, -1, 4),
    OL(Kind.BINARY, 12, 0, false, -1, 4),
    OV(Kind.BINARY, 12, 0, false, -1, 8),
    OW(Kind.BINARY, 12, 0, false, -1, 2),
    PN(Kind.STRING, 8, ' ', true, 64 * 5, 1),
    SH(Kind.STRING, 8, ' ', true, 16, 1),
    SL(Kind.BINARY, 8, 0, false, 4, 4),
    SQ(Kind.SEQUENCE, 12, 0, false, -1, 1),
    SS(Kind.BINARY, 8, 0, false, 2, 2),
    ST(Kind.STRING, 8, ' ', true, 1024, 1),
    SV(Kind.BINARY, 12, 0, false, 8, 8),
    TM(Kind.STRING, 8, ' ', false, 14, 1),
    UC(Kind.STRING, 12, ' ', true, -1, 1),
    UI(Kind.STRING, 8, 0, false, 64, 1),
    UL(Kind.BINARY, 8, 0, false, 4, 4),
    UN(Kind.BINARY, 12, 0, false, -1, 1),
    UR(Kind.STRING, 12, ' ', false, -1, 1),
    US(Kind.BINARY, 8, 0, false, 2, 2),
    UT(Kind.STRING, 12, ' ', true, -1, 1),
    UV(Kind.BINARY, 12, 0, false, 8, 8);

    /** How a value is represented. */
    public enum Kind { STRING, BINARY, SEQUENCE }

    private final Kind kind;
    private final int explicitHeaderLength;
    private final byte padding;
    private final boolean charsetAffected;
    private final int maxLength;
    private final int swapUnit;

    VR(Kind kind, int explicitHeaderLength, int padding, boolean charsetAffected, int maxLength, int swapUnit) {
        this.kind = kind;
        this.explicitHeaderLength = explicitHeaderLength;
        this.padding = (byte) padding;
        this.charsetAffected = charsetAffected;
        this.maxLength = maxLength;
        this.swapUnit = swapUnit;
    }

    /** The VR's kind: string, binary or sequence. */
    public Kind kind() {
        return kind;
    }

    /** Length of the element header in explicit VR syntaxes: 8 or 12 bytes (PS3.5 7.1.2). */
    public int explicitHeaderLength() {
        return explicitHeaderLength;
    }

    /** True when the explicit VR header has a 2-byte reserved field and a 32-bit length. */
    public boolean hasLongLength() {
        return explicitHeaderLength == 12;
    }

    /** Byte appended to odd-length values: space for text, NUL for UI and binary (PS3.5 6.2). */
    public byte paddingByte() {
        return padding;
    }

    /** True for text VRs (values decoded as characters). */
    public boolean isString() {
        return kind == Kind.STRING;
    }

    /** True for binary VRs, incl. UN. */
    public boolean isBinary() {
        return kind == Kind.BINARY;
    }

    /** True for the VRs whose text uses Specific Character Set: SH LO ST LT PN UC UT. */
    public boolean isCharsetAffected() {
        return charsetAffected;
    }

    /**
     * Maximum length of one value in bytes (characters for text VRs), or -1 when only the
     * 32-bit length limits it. For PN it is 64 per component group times 5 as a loose bound.
     */
    public int maxLength() {
        return maxLength;
    }

    /** Size in bytes of the unit that is byte-swapped between little and big endian (1 = none). */
    public int swapUnit() {
        return swapUnit;
    }

    /** The VR named by two ASCII bytes of an explicit VR header, if it is one of the standard's. */
    public static Optional<VR> fromCode(int b0, int b1) {
        if (b0 < 'A' || b0 > 'Z' || b1 < 'A' || b1 > 'Z') {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_CODE[(b0 - 'A') * 26 + (b1 - 'A')]);
    }

    /** The VR named by its two-letter code. */
    public static Optional<VR> fromCode(String code) {
        if (code == null || code.length() != 2) {
            return Optional.empty();
        }
        return fromCode(code.charAt(0), code.charAt(1));
    }

    private static final VR[] BY_CODE = new VR[26 * 26];

    static {
        for (VR vr : values()) {
            String n = vr.name();
            BY_CODE[(n.charAt(0) - 'A') * 26 + (n.charAt(1) - 'A')] = vr;
        }
    }
}
