package org.huizhen.dicom.ecg.wfdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * Reads WFDB annotation files in MIT format ({@code signal(5)}/{@code annot(5)}; PhysioNet WFDB
 * Programmer's Guide, "Annotation files"): a stream of little-endian 16-bit words, each with a
 * 6-bit code A (top bits) and a 10-bit value I. An ordinary annotation advances the time by I
 * samples. Pseudo-codes modify it: SKIP (59) is followed by a 32-bit interval (two words, high
 * word first, PDP-11 order) added to the time; NUM (60), SUB (61) and CHN (62) set the
 * preceding annotation's num, subtype and chan to I (num and chan carry over to the following
 * annotations, subtype does not); AUX (63) is followed by I bytes of text padded to an even
 * length. The word 0 (A = 0, I = 0) ends the file.
 *
 * <p>Stateless and thread-safe.
 */
public final class MitAnnotations {
    static final int SKIP = 59;
    static final int NUM = 60;
    static final int SUB = 61;
    static final int CHN = 62;
    static final int AUX = 63;
    /** Most annotations accepted from one file (a 24 h Holter at 200/min has ~300 000 beats). */
    public static final int MAX_ANNOTATIONS = 5_000_000;

    private MitAnnotations() {
    }

    /** Parses an annotation file's bytes, in file order. */
    public static List<WfdbAnnotation> parse(byte[] b) throws EcgParseException {
        List<WfdbAnnotation> out = new ArrayList<>(Math.min(b.length / 2, 1 << 16));
        long time = 0;
        int num = 0;
        int chan = 0;
        // the annotation being built; modifiers apply to it until the next ordinary annotation
        long aTime = -1;
        int aCode = 0;
        int aSub = 0;
        String aAux = "";
        int p = 0;
        while (p + 1 < b.length) {
            int w = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
            p += 2;
            int a = w >>> 10;
            int i = w & 0x3ff;
            if (w == 0) {
                break;
            }
            switch (a) {
                case SKIP -> {
                    if (p + 3 >= b.length) {
                        throw new EcgParseException("HZ-7002 WFDB annotations: SKIP at byte " + (p - 2) + " is truncated");
                    }
                    int hi = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8;
                    int lo = (b[p + 2] & 0xff) | (b[p + 3] & 0xff) << 8;
                    p += 4;
                    time += (hi << 16) | lo;
                }
                case NUM -> {
                    // the 10-bit value is signed in WFDB (num is a signed char context number)
                    num = (i << 22) >> 22;
                    if (aTime >= 0) {
                        out.set(out.size() - 1, withNum(out.getLast(), num));
                    }
                }
                case SUB -> {
                    aSub = i;
                    if (aTime >= 0) {
                        WfdbAnnotation l = out.getLast();
                        out.set(out.size() - 1, new WfdbAnnotation(l.sample(), l.code(), aSub, l.channel(), l.num(), l.aux()));
                    }
                }
                case CHN -> {
                    chan = i;
                    if (aTime >= 0) {
                        WfdbAnnotation l = out.getLast();
                        out.set(out.size() - 1, new WfdbAnnotation(l.sample(), l.code(), l.subtype(), chan, l.num(), l.aux()));
                    }
                }
                case AUX -> {
                    int len = i;
                    if (p + len > b.length) {
                        throw new EcgParseException("HZ-7002 WFDB annotations: AUX of " + len + " bytes at byte " + (p - 2)
                                + " runs past the end of the file");
                    }
                    int end = p;
                    while (end < p + len && b[end] != 0) {
                        end++;
                    }
                    aAux = new String(b, p, end - p, StandardCharsets.ISO_8859_1);
                    p += len + (len & 1);
                    if (aTime >= 0) {
                        WfdbAnnotation l = out.getLast();
                        out.set(out.size() - 1, new WfdbAnnotation(l.sample(), l.code(), l.subtype(), l.channel(), l.num(), aAux));
                    }
                }
                default -> {
                    if (a > 49) {
                        throw new EcgParseException("HZ-7002 WFDB annotations: code " + a + " at byte " + (p - 2)
                                + " is neither an annotation (0..49) nor a pseudo-code (59..63)");
                    }
                    time += i;
                    if (out.size() >= MAX_ANNOTATIONS) {
                        throw new EcgParseException("HZ-7005 WFDB annotations: more than " + MAX_ANNOTATIONS + " annotations");
                    }
                    aTime = time;
                    aCode = a;
                    aSub = 0;
                    aAux = "";
                    out.add(new WfdbAnnotation(aTime, aCode, aSub, chan, num, aAux));
                }
            }
        }
        return out;
    }

    private static WfdbAnnotation withNum(WfdbAnnotation l, int num) {
        return new WfdbAnnotation(l.sample(), l.code(), l.subtype(), l.channel(), num, l.aux());
    }
}
