package org.huizhen.dicom.ecg.scp;

import java.util.ArrayList;
import java.util.List;

import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgValidator;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;

/**
 * Section 3 and 6 of the non-compliant SCP-ECG records of Healforce handhelds (Prince 180D):
 * one interleaved stream of 12-bit packed samples instead of one Huffman-coded stream per lead.
 * {@link ScpEcgReader}'s class comment lists every deviation, how it is detected and what is
 * done about it (deviations 5–7 are decoded here): 4 samples in 3 little-endian words, samples
 * 1–3 in bits 0–9 of each word, sample 4 from bits 10–13 of the three words (first word's
 * nibble most significant), each 10-bit field offset binary (value − 512), the leads
 * interleaved sample by sample, the rate field in Hz.
 *
 * <p>Stateless and thread-safe.
 */
final class HealforceLayout {
    private HealforceLayout() {
    }

    /**
     * Decodes the rhythm of a Healforce record.
     *
     * @param f the whole file
     * @param l3 section 3's data part
     * @param r section 6's data part
     * @param warnings receives what was tolerated
     * @throws EcgParseException HZ-7004 when section 3 or 6 do not fit the packing; HZ-7002/7003
     *     on lengths that do not fit
     */
    static EcgWaveform rhythm(byte[] f, ScpBytes l3, ScpBytes r, List<String> warnings) throws EcgParseException {
        int n = l3.u8(0);
        List<LeadName> names = switch (n) {
            case 1 -> List.of(LeadName.I);
            case 3 -> List.of(LeadName.I, LeadName.II, LeadName.III);
            default -> throw new EcgParseException("HZ-7004 SCP-ECG (Healforce layout): section 3 declares " + n
                    + " leads; only 1 or 3 interleaved channels are known");
        };
        l3.require(2, 9, "the lead entry");
        long first = l3.u32(2);
        long last = l3.u32(6);
        if (last < first) {
            throw new EcgParseException("HZ-7003 SCP-ECG section 3 lead 1: last sample " + last + " precedes first sample "
                    + first);
        }
        long perLead = last - first + 1;
        if (perLead > EcgValidator.MAX_SAMPLES_PER_LEAD) {
            throw new EcgParseException("HZ-7003 SCP-ECG section 3: " + perLead + " samples per lead (at most "
                    + EcgValidator.MAX_SAMPLES_PER_LEAD + ")");
        }
        int avm = r.u16(0);
        int rateHz = r.u16(2);
        if (avm == 0) {
            throw new EcgParseException("HZ-7003 SCP-ECG section 6: amplitude value multiplier is 0 nV");
        }
        if (rateHz < 50 || rateHz > 1000) {
            throw new EcgParseException("HZ-7004 SCP-ECG section 6 (Healforce layout): the sample interval field holds "
                    + rateHz + ", which is neither a plausible rate in Hz (50..1000) as these devices write it");
        }
        if (r.u8(5) != 0) {
            throw new EcgParseException("HZ-7004 SCP-ECG section 6 (Healforce layout): bimodal compression flag set");
        }
        int bytes = r.u16(6);
        r.require(8, bytes, "the interleaved stream of " + bytes + " bytes");
        int groups = bytes / 6;
        if (bytes % 6 != 0) {
            warnings.add("Healforce stream of " + bytes + " bytes is not a whole number of 6-byte groups; "
                    + (bytes % 6) + " bytes ignored");
        }
        long available = (long) groups * 4 / n;
        if (available < perLead) {
            warnings.add("Healforce stream holds " + available + " samples per lead, section 3 declares " + perLead);
            perLead = available;
        }
        if (perLead < 1) {
            throw new EcgParseException("HZ-7002 SCP-ECG section 6 (Healforce layout): the stream of " + bytes
                    + " bytes holds no complete sample");
        }
        warnings.add("section 6 read as Healforce packed data (not Huffman-coded despite section 2, " + n
                + " interleaved channels, 4 × 12-bit samples per 3 words, 10-bit offset binary, rate field in Hz)");
        float scale = avm / 1000f;
        float[][] uv = new float[n][(int) perLead];
        int o = r.offset() + 8;
        long needed = perLead * n;
        int[] four = new int[4];
        for (long k = 0; k < needed; k += 4) {
            int g = o + (int) (k / 4) * 6;
            int w0 = ScpBytes.u16(f, g);
            int w1 = ScpBytes.u16(f, g + 2);
            int w2 = ScpBytes.u16(f, g + 4);
            four[0] = w0;
            four[1] = w1;
            four[2] = w2;
            four[3] = ((w0 >>> 10) & 0xF) << 8 | ((w1 >>> 10) & 0xF) << 4 | ((w2 >>> 10) & 0xF);
            for (int j = 0; j < 4 && k + j < needed; j++) {
                long idx = k + j;
                uv[(int) (idx % n)][(int) (idx / n)] = ((four[j] & 0x3FF) - 512) * scale;
            }
        }
        List<Lead> leads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            leads.add(Lead.of(names.get(i), uv[i]));
        }
        return new EcgWaveform(rateHz, leads);
    }
}
