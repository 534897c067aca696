package org.huizhen.dicom.ecg.scp;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import org.huizhen.dicom.ecg.scp.ScpTestEncoder.Bytes;

/**
 * A synthetic 3-lead (I, II, V1) 500 Hz, 4 s SCP-ECG whose samples the test knows: beats built
 * from a P/QRS/T template plus a per-beat deviation, stored the way a compressing cart stores
 * them (EN 1064 5.7–5.9): the template as section 5 reference beat (first differences, default
 * Huffman), the rhythm minus the template in every type-0 beat's subtraction zone as section 6
 * residual (second differences, default Huffman), section 4 zones, section 7 measurements,
 * sections 8 and 11 statements, section 1 with GB 2312 names.
 *
 * <p>Fields are public knobs the bad-input tests turn before {@link #build()}. Not thread-safe.
 */
final class SyntheticScp {
    static final Charset GB = Charset.forName("GB18030");
    static final int[] LEAD_IDS = {1, 2, 3};
    static final double[] LEAD_GAIN = {1.0, 1.5, -0.8};
    static final int AVM_NV = 5000;
    static final int INTERVAL_US = 2000;
    static final int SAMPLES = 2000;
    static final int BEAT_SAMPLES = 300;
    /** 0-based index of the fiducial (R peak) in the template; sample number 101. */
    static final int BEAT_FIDUCIAL = 100;
    /** 0-based indices of the R peaks in the rhythm. */
    static final int[] R_PEAKS = {150, 550, 950, 1350, 1750};
    /** Beat types of section 4 (the 4th beat is type 1: the reference beat was not subtracted there). */
    static final int[] BEAT_TYPES = {0, 0, 0, 1, 0};
    static final int ZONE_BEFORE = 60;
    static final int ZONE_AFTER = 150;

    int leadCount = 3;
    long lead2First = 1;
    long lead2Last = SAMPLES;
    int rhythmIntervalUs = INTERVAL_US;
    int bimodal = 0;
    byte[] section2 = new Bytes().u16(19999).bytes();
    /** Bytes dropped from the end of lead 1's section 6 data (a bit stream that runs out). */
    int cutLead1Bytes = 0;
    boolean subtractReferenceBeat = true;
    int languageCode = 0x27;

    /** The template beat of lead {@code i} in AVM units. */
    static int[] template(int lead) {
        int[] t = new int[BEAT_SAMPLES];
        for (int k = 0; k < BEAT_SAMPLES; k++) {
            double p = 20 * Math.exp(-sq(k - 40) / (2 * sq(10)));
            double q = -30 * Math.exp(-sq(k - 92) / (2 * sq(3)));
            double r = 240 * Math.exp(-sq(k - BEAT_FIDUCIAL) / (2 * sq(5)));
            double s = -50 * Math.exp(-sq(k - 110) / (2 * sq(4)));
            double tw = 60 * Math.exp(-sq(k - 220) / (2 * sq(25)));
            t[k] = (int) Math.round(LEAD_GAIN[lead] * (p + q + r + s + tw));
        }
        return t;
    }

    private static double sq(double x) {
        return x * x;
    }

    /** The original rhythm of lead {@code i} in AVM units: baseline wander + beats + a small per-beat change. */
    static int[] rhythm(int lead) {
        int[] x = new int[SAMPLES];
        for (int k = 0; k < SAMPLES; k++) {
            x[k] = (int) Math.round(8 * Math.sin(2 * Math.PI * k / 700.0) + (lead + 1) * ((k * 7) % 5 - 2));
        }
        int[] t = template(lead);
        for (int b = 0; b < R_PEAKS.length; b++) {
            int start = R_PEAKS[b] - BEAT_FIDUCIAL;
            for (int k = 0; k < BEAT_SAMPLES; k++) {
                int i = start + k;
                if (i >= 0 && i < SAMPLES) {
                    x[i] += t[k] + (b % 2 == 0 ? 0 : (k % 7) - 3);
                }
            }
        }
        return x;
    }

    /** Section 3's lead entries for the current knobs. */
    private byte[] section3() {
        int flags = (subtractReferenceBeat ? 1 : 0) | 4 | (leadCount << 3);
        Bytes b = new Bytes().u8(leadCount).u8(flags & 0xFF);
        for (int i = 0; i < leadCount; i++) {
            b.u32(i == 1 ? lead2First : 1).u32(i == 1 ? lead2Last : SAMPLES).u8(LEAD_IDS[i]);
        }
        return b.bytes();
    }

    private static byte[] section4() {
        Bytes b = new Bytes().u16(BEAT_SAMPLES * INTERVAL_US / 1000).u16(BEAT_FIDUCIAL + 1).u16(R_PEAKS.length);
        for (int i = 0; i < R_PEAKS.length; i++) {
            int fc = R_PEAKS[i] + 1; // sample numbers are 1-based
            b.u16(BEAT_TYPES[i]).u32(fc - ZONE_BEFORE).u32(fc).u32(fc + ZONE_AFTER);
        }
        for (int fc : R_PEAKS) {
            b.u32(fc + 1 - ZONE_BEFORE).u32(fc + 1 + ZONE_AFTER); // protected zones
        }
        return b.bytes();
    }

    /** The section 6 residual of lead i: rhythm minus template in type-0 zones. */
    int[] residual(int lead) {
        int[] x = rhythm(lead);
        if (!subtractReferenceBeat) {
            return x;
        }
        int[] t = template(lead);
        for (int b = 0; b < R_PEAKS.length; b++) {
            if (BEAT_TYPES[b] != 0) {
                continue;
            }
            int fc = R_PEAKS[b] + 1;
            for (int s = fc - ZONE_BEFORE; s <= fc + ZONE_AFTER; s++) {
                x[s - 1] -= t[s - fc + BEAT_FIDUCIAL];
            }
        }
        return x;
    }

    private static byte[] dataSection(int avm, int interval, int diff, int flag, byte[][] leads) {
        Bytes b = new Bytes().u16(avm).u16(interval).u8(diff).u8(flag);
        for (byte[] l : leads) {
            b.u16(l.length);
        }
        for (byte[] l : leads) {
            b.raw(l);
        }
        return b.bytes();
    }

    private byte[] section1() {
        Charset cs = GB; // names are GB 2312 bytes whether or not languageCode declares them
        byte[] device = new Bytes().u16(1).u16(2).u16(3).u8(0).u8(255)
                .raw(new byte[] {'H', 'Z', '-', '1', '2', 0})
                .u8(20).u8(0xA0).u8(languageCode).u8(0).u8(1)
                .raw(new byte[16])
                .u8(4).raw(new byte[] {'A', '1', '2', 0})
                .raw(z("SN42")).raw(z("SW1.0")).raw(z("SCP2.0")).raw(z("Huizhen Test Cart"))
                .bytes();
        return new Bytes()
                .tag(0, z("张", cs))
                .tag(1, z("三", cs))
                .tag(2, z("P-001"))
                .tag(4, new Bytes().u16(45).u8(1).bytes())
                .tag(5, new Bytes().u16(1980).u8(5).u8(6).bytes())
                .tag(8, new byte[] {1})
                .tag(14, device)
                .tag(25, new Bytes().u16(2026).u8(11).u8(30).bytes())
                .tag(26, new byte[] {8, 15, 30})
                .tag(255, new byte[0])
                .bytes();
    }

    static byte[] z(String s) {
        return z(s, StandardCharsets.US_ASCII);
    }

    static byte[] z(String s, Charset cs) {
        byte[] t = s.getBytes(cs);
        byte[] out = new byte[t.length + 1];
        System.arraycopy(t, 0, out, 0, t.length);
        return out;
    }

    private static byte[] section7() {
        return new Bytes().u8(1).u8(R_PEAKS.length).u16(800).u16(800)
                // P on/off, QRS on/off, T off (reference beat sample numbers), P/QRS/T axes
                .u16(20).u16(60).u16(90).u16(135).u16(290).u16(60).u16(45).u16(30)
                .u8(0) // no pacemaker spikes
                .u16(R_PEAKS.length).raw(new byte[R_PEAKS.length])
                .u16(75).u16(75).u16(420) // ventricular rate, atrial rate, QTc
                .bytes();
    }

    private static byte[] statements(boolean universal, String... texts) {
        Bytes b = new Bytes().u8(0).u16(2026).u8(11).u8(30).u8(8).u8(16).u8(0).u8(texts.length);
        int seq = 1;
        for (String t : texts) {
            byte[] text = z(t, GB);
            if (universal) {
                b.u8(seq++).u16(text.length + 1).u8(2).raw(text);
            } else {
                b.u8(seq++).u16(text.length).raw(text);
            }
        }
        return b.bytes();
    }

    byte[] build() {
        byte[][] beat = new byte[leadCount][];
        byte[][] rhythm = new byte[leadCount][];
        for (int i = 0; i < leadCount; i++) {
            beat[i] = ScpTestEncoder.huffmanDefault(ScpTestEncoder.firstDifferences(template(i % 3)));
            int[] res = residual(i % 3);
            rhythm[i] = ScpTestEncoder.huffmanDefault(ScpTestEncoder.secondDifferences(res));
            if (i == 0 && cutLead1Bytes > 0) {
                rhythm[i] = java.util.Arrays.copyOf(rhythm[i], rhythm[i].length - cutLead1Bytes);
            }
        }
        return new ScpTestEncoder()
                .section(1, section1())
                .section(2, section2)
                .section(3, section3())
                .section(4, section4())
                .section(5, dataSection(AVM_NV, INTERVAL_US, 1, 0, beat))
                .section(6, dataSection(AVM_NV, rhythmIntervalUs, 2, bimodal, rhythm))
                .section(7, section7())
                .section(8, statements(false, "Sinus rhythm", "Normal ECG"))
                .section(11, statements(true, "正常心电图"))
                .build();
    }
}
