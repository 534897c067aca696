package org.huizhen.dicom.ecg;

import java.util.Locale;
import java.util.Optional;

/**
 * ECG lead names, with the codes the file formats use for them.
 *
 * <p>{@code scpCode} is the lead identification number of SCP-ECG section 3 (EN 1064:2005
 * table 5; also the DICOM "SCPECG" code {@code 5.6.3-9-<n>}), {@code mdcCode} the ISO/IEEE
 * 11073-10101 term code (DICOM CID 3001 with scheme "MDC", as {@code 2:<n>}; HL7 aECG uses the
 * reference id {@code MDC_ECG_LEAD_<label>}). 0 means the scheme has no code for the lead.
 *
 * <p>Immutable.
 */
public enum LeadName {
    I("I", 1, 1),
    II("II", 2, 2),
    III("III", 61, 61),
    AVR("aVR", 62, 62),
    AVL("aVL", 63, 63),
    AVF("aVF", 64, 64),
    V1("V1", 3, 3),
    V2("V2", 4, 4),
    V3("V3", 5, 5),
    V4("V4", 6, 6),
    V5("V5", 7, 7),
    V6("V6", 8, 8),
    V7("V7", 9, 9),
    V8("V8", 67, 67),
    V9("V9", 68, 68),
    V2R("V2R", 10, 10),
    V3R("V3R", 11, 11),
    V4R("V4R", 12, 12),
    V5R("V5R", 13, 13),
    V6R("V6R", 14, 14),
    X("X", 16, 16),
    Y("Y", 17, 17),
    Z("Z", 18, 18),
    /** A lead the hub does not know by name; {@link Lead#label()} keeps the file's label. */
    OTHER("?", 0, 0);

    /** The 12 standard leads in the order of the usual 3×4 layout's columns (I, II, III, aVR, aVL, aVF, V1–V6). */
    public static final java.util.List<LeadName> STANDARD_12 = java.util.List.of(I, II, III, AVR, AVL, AVF, V1, V2, V3, V4, V5, V6);

    private final String label;
    private final int scpCode;
    private final int mdcCode;

    LeadName(String label, int scpCode, int mdcCode) {
        this.label = label;
        this.scpCode = scpCode;
        this.mdcCode = mdcCode;
    }

    /** The conventional label ("aVR", "V1"). */
    public String label() {
        return label;
    }

    /** SCP-ECG section 3 lead id (EN 1064 table 5), 0 if none. */
    public int scpCode() {
        return scpCode;
    }

    /** MDC (ISO/IEEE 11073-10101) lead code, 0 if none. */
    public int mdcCode() {
        return mdcCode;
    }

    /** The lead with this SCP-ECG lead id. */
    public static Optional<LeadName> fromScpCode(int code) {
        for (LeadName n : values()) {
            if (n != OTHER && n.scpCode == code) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }

    /**
     * The lead a textual label names: "I", "Lead II", "aVR", "AVR", "V1", "MDC_ECG_LEAD_AVR",
     * "MDC_ECG_LEAD_V1", "avf" (case-insensitive, "Lead " prefix and spaces ignored).
     */
    public static Optional<LeadName> fromLabel(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.trim().toUpperCase(Locale.ROOT).replace(" ", "").replace("_", "");
        if (s.startsWith("MDCECGLEAD")) {
            s = s.substring("MDCECGLEAD".length());
        }
        if (s.startsWith("LEAD")) {
            s = s.substring(4);
        }
        for (LeadName n : values()) {
            if (n != OTHER && n.label.toUpperCase(Locale.ROOT).equals(s)) {
                return Optional.of(n);
            }
        }
        return Optional.empty();
    }
}
