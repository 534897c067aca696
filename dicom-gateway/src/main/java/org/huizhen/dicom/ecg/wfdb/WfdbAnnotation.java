package org.huizhen.dicom.ecg.wfdb;

/**
 * One annotation of a WFDB annotation file, with the codes of WFDB's {@code ecgcodes.h}
 * (the MIT-BIH "ecg" annotation codes; symbols as {@code annot(5)} and the MIT-BIH Arrhythmia
 * Database directory list them).
 *
 * <p>Immutable.
 *
 * @param sample the annotation's time, in samples from the start of the record
 * @param code the annotation code (1..49; 0 = NOTQRS)
 * @param subtype the annotation subtype ({@code subtyp}; for noise '~' the unreadable-signal bits)
 * @param channel the signal it refers to ({@code chan})
 * @param num the context number ({@code num})
 * @param aux the auxiliary text (rhythm name like "(AFIB", "(VFL", "(N"), or "" when none
 */
public record WfdbAnnotation(long sample, int code, int subtype, int channel, int num, String aux) {
    public static final int NOTQRS = 0;
    public static final int NORMAL = 1;
    public static final int NOISE = 14;
    public static final int ARFCT = 16;
    public static final int NOTE = 22;
    public static final int RHYTHM = 28;
    public static final int FLWAV = 31;
    public static final int VFON = 32;
    public static final int VFOFF = 33;

    /** Symbols by code, ecgcodes.h / annot(5) order; " " where the code is unassigned. */
    private static final String[] SYMBOLS = {
        " ", "N", "L", "R", "a", "V", "F", "J", "A", "S", // 0..9
        "E", "j", "/", "Q", "~", " ", "|", " ", "s", "T", // 10..19
        "*", "D", "\"", "=", "p", "B", "^", "t", "+", "u", // 20..29
        "?", "!", "[", "]", "e", "n", "@", "x", "f", "(", // 30..39
        ")", "r", " ", " ", " ", " ", " ", " ", " ", " ", // 40..49
    };

    /**
     * Whether the code labels a heartbeat (QRS complex): N L R a V F J A S E j / Q (1..13),
     * B (25, bundle branch block beat), e (34, atrial escape), n (35, supraventricular escape),
     * f (38, fusion of paced and normal), r (41, R-on-T PVC). WFDB's {@code isqrs()} also lists
     * '?' (30, learning) and '!' (31, ventricular flutter wave); EC57 scores beats outside
     * ventricular flutter/fibrillation only, so '!' is left out here (and the MIT-BIH beat tables
     * leave it out too); '?' does not occur in reference annotation files.
     */
    public static boolean isBeatCode(int code) {
        return (code >= 1 && code <= 13) || code == 25 || code == 34 || code == 35 || code == 38 || code == 41;
    }

    /** Whether this annotation is a beat (see {@link #isBeatCode}). */
    public boolean isBeat() {
        return isBeatCode(code);
    }

    /** The annotation's mnemonic symbol ("N", "V", "+", "~" ...). */
    public String symbol() {
        return code >= 0 && code < SYMBOLS.length ? SYMBOLS[code] : "?" + code;
    }

    /** The annotation's time in seconds at the given sampling frequency. */
    public double seconds(double frequencyHz) {
        return sample / frequencyHz;
    }
}
