package org.huizhen.dicom.ecg.scp;

import java.nio.charset.Charset;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFileReader;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgValidator;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads SCP-ECG records (EN 1064:2005, ISO 11073-91064) into the hub's {@link Ecg} model.
 *
 * <h2>What is read</h2>
 * Record header (CRC-CCITT, record length; EN 1064 5.3), section 0 pointers (5.3), every
 * section's 16-byte header (CRC, id, length, versions; 5.2.7), section 1 patient and
 * acquisition tags (5.4: names 0/1, patient ID 2, age 4, birth date 5, sex 8, acquiring device
 * 14 with model, serial, software, trade name and language code, acquisition date 25 and time
 * 26), section 2 Huffman tables (5.5; 19999 = default table; see {@link ScpHuffman}), section 3
 * lead definition (5.6: lead count, flags bit 0 "reference beat subtracted", bit 2 "all
 * simultaneous", per lead first/last sample number and lead id → {@link LeadName#fromScpCode}),
 * section 4 QRS locations (5.7: reference beat length, its fiducial, per QRS the beat type and
 * subtraction zone start/fiducial/end), section 5 reference beat (5.8) and section 6 rhythm data
 * (5.9): AVM in nV, sample interval in µs, difference encoding 0/1/2, per-lead byte counts,
 * raw 16-bit or Huffman data; first/second differences undone; when section 3 says the
 * reference beat was subtracted it is added back to every type-0 QRS's subtraction zone,
 * aligned on the fiducials. Section 7 global measurements (5.10), section 8 interpretive
 * statements (5.11) and section 11 universal statements (5.14) become the device's
 * measurements and statements; sections 9 and 10 (manufacturer data, per-lead measurements)
 * are skipped. The decoded section 5 beat becomes {@link Ecg#representativeBeat()}.
 *
 * <h2>Section 7 units</h2>
 * P onset/offset, QRS onset/offset and T offset are positions in the reference beat; they are
 * read as sample numbers of section 5 and converted to ms with section 5's sample interval
 * (taken as ms when there is no section 5). PR = QRS onset − P onset, QRS = QRS offset − QRS
 * onset, QT = T offset − QRS onset. 29999 marks an undefined value.
 *
 * <h2>Integrity policy</h2>
 * <ul>
 * <li>Record CRC (over bytes 2..length−1): a mismatch is rejected (HZ-7002). It is the only
 * check that covers the samples, and a corrupted sample stream decodes into a plausible but
 * wrong tracing. Two device variants are accepted with a warning: the CRC computed with preset
 * 0 (XMODEM) instead of 0xFFFF, and either CRC stored with its bytes swapped — the Healforce
 * files do this.</li>
 * <li>Section CRCs: a mismatch is a warning only. When the record CRC matched, the bytes are
 * what the device wrote, and devices do get section CRCs wrong (Healforce's section 9).</li>
 * <li>Record length larger than the file: HZ-7002 naming the declared and actual lengths and
 * the sections that are cut off. Bytes after the record's end (flash-page padding) are ignored
 * with a warning.</li>
 * </ul>
 * Warnings are logged and returned by {@link #parse(byte[])}.
 *
 * <h2>Healforce (Prince 180D) deviations tolerated</h2>
 * These handhelds write records that are not EN 1064 compliant (facts from the files and the
 * README of the public KaibinBao/healforcescpecg decoder). The reader switches to "Healforce
 * layout" when the record header or pointers show the device's structural fingerprint, or the
 * section 1 trade name says Healforce:
 * <ol>
 * <li>Record length: bytes 2..3 are 0 and the length is the 16-bit value at bytes 4..5 (as a
 * standard 32-bit little-endian number it is absurd, larger than any file). Detected when the
 * 32-bit value exceeds the file and bytes 2..3 are zero.</li>
 * <li>Section 0 indices are 0-based byte offsets (the standard's are 1-based): detected when
 * section 0's own entry has index 6 instead of 7.</li>
 * <li>CRCs are CRC-16 with preset 0, the record CRC stored byte-swapped (accepted, see above).</li>
 * <li>Date of acquisition has its year big-endian (0x07E3 = 2019); any date whose
 * little-endian year is absurd but big-endian year plausible is read big-endian.</li>
 * <li>Section 3 declares n leads (1 or 3) but holds a single lead entry whose first/last
 * sample numbers are running counters of the device memory; their difference + 1 is the
 * samples per lead. The lead id byte is meaningless; 3 channels are I, II, III in that order
 * (the decoded signals satisfy Einthoven's I + III = II, which the tests check), 1 channel is I.</li>
 * <li>Section 2 declares a Huffman table, but section 6 is not Huffman-coded. It holds one
 * stream (one byte count), the leads interleaved sample by sample, packed as 4 samples of 12
 * bits in 3 little-endian 16-bit words: samples 1..3 are bits 0..9 of words 1..3; sample 4 is
 * the concatenation of bits 10..13 of words 1, 2 and 3 (most significant nibble first). Bits
 * 14..15 of a word are the device's beat markers (ignored). Each 10-bit field is offset binary
 * (value − 512): this is the README's "two MSBs remapped" step.</li>
 * <li>Section 6's sample-interval field holds the rate in Hz (150), not µs; accepted when it
 * reads as 50..1000 Hz. The AVM (9524 nV) is used as declared (the README quotes 10 µV).</li>
 * </ol>
 * A record with the fingerprint whose section 6 does not fit this packing is rejected HZ-7004.
 * Deviations 5–7 are decoded by {@link HealforceLayout}.
 * In the files, section 6's header length (20274) is smaller than its pointer's (27024); the
 * smaller length is used (for any record), and the section CRC, computed by the device over the
 * pointer's length, then mismatches — a warning, per the policy above.
 *
 * <h2>Other writers' deviations tolerated</h2>
 * Section 3 sample numbers starting at 0 and ending at N (ECG Viewer's demo file; EN 1064
 * numbers from 1) are read as 1..N. Text that is not ASCII in a record that declares none is
 * decoded as UTF-8 or GB 2312 when its bytes are valid in those ({@link ScpText}).
 *
 * <h2>Rejected</h2>
 * Zero leads, a lead whose last sample precedes its first, sample intervals of 0 or over
 * 20 ms, AVM 0, a Huffman table with too many codes or a code over 16 bits, a bit stream that
 * ends early (HZ-7002/7003); bimodal compression (section 6 byte 6; not implemented) and
 * difference modes other than 0/1/2 (HZ-7004). Every allocation is bounded by
 * {@link EcgValidator#MAX_SAMPLES_PER_LEAD} or by bytes present in the file.
 *
 * <p>Stateless and thread-safe: each call parses with its own {@code Parser}.
 */
public final class ScpEcgReader implements EcgFileReader {
    private static final Logger LOG = LoggerFactory.getLogger(ScpEcgReader.class);

    /** Value of an undefined measurement in section 7 (EN 1064 5.10). */
    static final int UNDEFINED = 29999;
    /** Longest sample interval accepted (µs): 20 ms = 50 Hz, {@link EcgValidator#MIN_RATE_HZ}. */
    static final int MAX_INTERVAL_US = 20_000;
    /** Offset of section 0's header: after the 2-byte CRC and 4-byte record length. */
    static final int SECTION0_OFFSET = 6;
    static final int SECTION_HEADER = 16;
    /**
     * Most samples over all leads of one waveform: 16 M (64 MB of floats), e.g. 12 leads × 20 min
     * at 1000 Hz. Checked before any sample array is allocated, so a corrupt section 3 cannot
     * ask for 64 leads × 9.6 M samples.
     */
    static final long MAX_TOTAL_SAMPLES = 16L * 1024 * 1024;
    /** Most QRS complexes in section 4: 20 min at 300/min; bounds the reference-beat add-back work. */
    static final int MAX_QRS = 6000;

    /** A parsed record and the warnings about deviations tolerated while reading it. */
    public record Result(Ecg ecg, List<String> warnings) {
        public Result {
            warnings = List.copyOf(warnings);
        }
    }

    @Override
    public EcgFormat format() {
        return EcgFormat.SCP_ECG;
    }

    /**
     * Section 0 must follow the 6-byte record header: id 0 at bytes 8..9, a length of 16 + 10k
     * and a first pointer describing section 0 itself. The "SCPECG" text in section 0's reserved
     * bytes is not required (Healforce leaves it zero).
     */
    @Override
    public boolean accepts(byte[] head, String fileName) {
        if (head.length < SECTION0_OFFSET + SECTION_HEADER + 10) {
            return false;
        }
        int id = ScpBytes.u16(head, 8);
        long len = ScpBytes.u32(head, 10);
        if (id != 0 || len < SECTION_HEADER + 10 || len > 16 + 10 * 1000 || (len - SECTION_HEADER) % 10 != 0) {
            return false;
        }
        int firstId = ScpBytes.u16(head, 22);
        long firstLen = ScpBytes.u32(head, 24);
        return firstId == 0 && firstLen == len;
    }

    @Override
    public Ecg read(byte[] file) throws EcgParseException {
        return parse(file).ecg();
    }

    /** Parses a record and returns the ECG with the warnings about tolerated deviations. */
    public Result parse(byte[] file) throws EcgParseException {
        Parser p = new Parser(file);
        Ecg ecg = p.run();
        if (!p.warnings.isEmpty()) {
            LOG.debug("SCP-ECG read with {} tolerated deviation(s): {}", p.warnings.size(), String.join("; ", p.warnings));
        }
        return new Result(ecg, p.warnings);
    }

    /** One section as the pointer table gives it: header at {@code off}, {@code len} bytes with the header. */
    record Section(int id, int off, int len) {
        int dataOff() {
            return off + SECTION_HEADER;
        }

        int dataLen() {
            return len - SECTION_HEADER;
        }

        String name() {
            return "SCP-ECG section " + id;
        }
    }

    /** A lead of section 3. */
    record LeadDef(int scpId, LeadName name, String label, long first, long last) {
        int samples() {
            return (int) (last - first + 1);
        }
    }

    /** Section 4: reference beat length (ms), its fiducial (sample number), QRS subtraction zones. */
    record QrsLocations(int refBeatMs, int refFiducial, List<int[]> zones) {
    }

    /** Decoded section 5 or 6 data in AVM units. */
    record Samples(int avmNv, int intervalUs, int[][] values) {
    }

    /** The parse of one record. */
    private static final class Parser {
        final byte[] f;
        final List<String> warnings = new ArrayList<>();
        int recordLength;
        boolean lengthQuirk;
        boolean zeroBasedIndex;
        boolean healforce;
        final Map<Integer, Section> sections = new TreeMap<>();
        Charset charset;
        String tradeName;

        Parser(byte[] f) {
            this.f = f;
        }

        Ecg run() throws EcgParseException {
            readRecordHeader();
            checkRecordCrc();
            readPointers();
            EcgPatient patient = EcgPatient.UNKNOWN;
            EcgDevice device = EcgDevice.UNKNOWN;
            LocalDateTime acquired = null;
            Section s1 = sections.get(1);
            Map<Integer, int[]> tags = s1 == null ? Map.of() : tags(s1);
            if (s1 != null) {
                device = device(tags);
                patient = patient(tags);
                acquired = acquired(tags);
            } else {
                warnings.add("section 1 (patient/acquisition data) is absent");
            }
            if (tradeName != null && tradeName.toLowerCase(Locale.ROOT).contains("healforce") && !healforce) {
                healforce = true;
                warnings.add("section 1 names a Healforce device: Healforce layout assumed");
            }

            Section s3 = require(3, "lead definition");
            Section s6 = require(6, "rhythm data");
            if (healforce) {
                EcgWaveform rhythm = HealforceLayout.rhythm(f, data(s3), data(s6), warnings);
                return new Ecg(EcgFormat.SCP_ECG, acquired, patient, device, rhythm, Optional.empty(),
                        measurements(null), statements(), null);
            }
            ScpBytes l3 = data(s3);
            int flags = l3.u8(1);
            List<LeadDef> leads = leads(s3);
            ScpHuffman huffman = null;
            Section s2 = sections.get(2);
            if (s2 != null) {
                huffman = ScpHuffman.parse(f, s2.dataOff(), s2.dataLen());
            }
            Samples rhythm = samples(s6, leads, huffman, true, null);
            QrsLocations qrs = sections.containsKey(4) ? qrsLocations(sections.get(4)) : null;
            Samples beat = null;
            Section s5 = sections.get(5);
            if (s5 != null) {
                beat = referenceBeat(s5, leads, huffman, qrs);
            }
            if ((flags & 1) != 0) {
                if (qrs == null || beat == null) {
                    throw new EcgParseException("HZ-7002 SCP-ECG section 3 says the reference beat was subtracted from the rhythm "
                            + "data, but section " + (qrs == null ? 4 : 5) + " is absent or unreadable, so it cannot be added back");
                }
                addReferenceBeat(rhythm, beat, qrs, leads);
            }
            EcgWaveform rhythmWave = waveform(rhythm, leads, "rhythm");
            Optional<EcgWaveform> beatWave = beat == null ? Optional.empty() : Optional.of(beatWaveform(beat, leads));
            return new Ecg(EcgFormat.SCP_ECG, acquired, patient, device, rhythmWave, beatWave, measurements(beat),
                    statements(), null);
        }

        // ---- record header, CRC, pointers (EN 1064 5.3) ----

        void readRecordHeader() throws EcgParseException {
            if (f.length < SECTION0_OFFSET + SECTION_HEADER) {
                throw new EcgParseException("HZ-7002 SCP-ECG file of " + f.length + " bytes is shorter than the record header "
                        + "and the section 0 header (22 bytes)");
            }
            long declared = ScpBytes.u32(f, 2);
            long length;
            if (declared == f.length) {
                length = declared;
            } else if (declared >= SECTION0_OFFSET + SECTION_HEADER && declared < f.length) {
                length = declared;
                warnings.add("record length " + declared + " is less than the file's " + f.length + " bytes; the "
                        + (f.length - declared) + " bytes after the record are ignored");
            } else if (ScpBytes.u16(f, 2) == 0 && ScpBytes.u16(f, 4) >= SECTION0_OFFSET + SECTION_HEADER) {
                // Healforce: 16-bit length in bytes 4..5 (see the class comment, deviation 1)
                lengthQuirk = true;
                healforce = true;
                length = ScpBytes.u16(f, 4);
                if (length > f.length) {
                    throw truncated(length, " (the 16-bit length at bytes 4..5 that Healforce devices write; read as the "
                            + "standard 32-bit value it is " + declared + ")");
                }
                warnings.add("record length field holds a 16-bit length in bytes 4..5 (" + length
                        + ") instead of a 32-bit one: Healforce layout assumed");
                if (length < f.length) {
                    warnings.add("the " + (f.length - length) + " bytes after the " + length + "-byte record are ignored");
                }
            } else if (declared > f.length) {
                throw truncated(declared, "");
            } else {
                throw new EcgParseException("HZ-7002 SCP-ECG record length field says " + declared
                        + " bytes, less than the 22-byte minimum");
            }
            recordLength = (int) length;
        }

        /** HZ-7002 for a file shorter than its record, naming the sections that are cut off. */
        EcgParseException truncated(long declared, String how) {
            StringBuilder cut = new StringBuilder();
            try {
                long s0len = ScpBytes.u32(f, 10);
                int base = -1;
                for (int p = SECTION0_OFFSET + SECTION_HEADER; p + 10 <= Math.min(f.length, SECTION0_OFFSET + s0len); p += 10) {
                    int id = ScpBytes.u16(f, p);
                    long len = ScpBytes.u32(f, p + 2);
                    long idx = ScpBytes.u32(f, p + 6);
                    if (id == 0 && base < 0) {
                        base = idx == SECTION0_OFFSET ? 0 : 1;
                    }
                    long start = idx - Math.max(base, 0);
                    if (len > 0 && start + len > f.length) {
                        cut.append(cut.isEmpty() ? "" : ", ").append(id).append(" (bytes ").append(start).append("..")
                                .append(start + len - 1).append(')');
                    }
                }
            } catch (RuntimeException ignored) {
                // best effort only: the message is still precise about the lengths
            }
            return new EcgParseException("HZ-7002 SCP-ECG file is truncated: the record length says " + declared + " bytes"
                    + how + " but the file has " + f.length + " bytes"
                    + (cut.isEmpty() ? "" : "; sections cut off: " + cut));
        }

        void checkRecordCrc() throws EcgParseException {
            int stored = ScpBytes.u16(f, 0);
            String variant = crcVariant(stored, 2, recordLength);
            if (variant == null) {
                throw new EcgParseException(String.format(Locale.ROOT, "HZ-7002 SCP-ECG record CRC mismatch: stored 0x%04X, "
                        + "CRC-CCITT over bytes 2..%d is 0x%04X (record corrupted)", stored, recordLength - 1,
                        ScpBytes.crcCcitt(f, 2, recordLength)));
            }
            if (!variant.isEmpty()) {
                warnings.add("record CRC is " + variant + ", not the EN 1064 CRC-CCITT; accepted as a known device variant");
            }
        }

        /** "" when the stored CRC is the standard one, a description of the device variant it matches, or null. */
        String crcVariant(int stored, int from, int to) {
            int ccitt = ScpBytes.crcCcitt(f, from, to);
            if (stored == ccitt) {
                return "";
            }
            int xmodem = ScpBytes.crc(f, from, to, 0);
            if (stored == swap(ccitt)) {
                return "CRC-CCITT byte-swapped";
            }
            if (stored == xmodem) {
                return "CRC-16 with preset 0 (XMODEM)";
            }
            if (stored == swap(xmodem)) {
                return "CRC-16 with preset 0 (XMODEM) byte-swapped";
            }
            return null;
        }

        static int swap(int v) {
            return (v >>> 8) | (v & 0xFF) << 8;
        }

        void readPointers() throws EcgParseException {
            int id0 = ScpBytes.u16(f, 8);
            long len0 = ScpBytes.u32(f, 10);
            if (id0 != 0) {
                throw new EcgParseException("HZ-7002 SCP-ECG: the section after the record header has id " + id0
                        + ", not 0 (pointer section)");
            }
            if (len0 < SECTION_HEADER || SECTION0_OFFSET + len0 > recordLength) {
                throw new EcgParseException("HZ-7002 SCP-ECG section 0 length " + len0 + " does not fit the " + recordLength
                        + "-byte record");
            }
            if ((len0 - SECTION_HEADER) % 10 != 0) {
                warnings.add("section 0 length " + len0 + " is not 16 + 10 × entries; the partial entry is ignored");
            }
            checkSectionCrc(new Section(0, SECTION0_OFFSET, (int) len0));
            int end = SECTION0_OFFSET + (int) len0;
            // which index base: section 0's own entry points at byte 7 (1-based) or 6 (0-based, Healforce)
            for (int p = SECTION0_OFFSET + SECTION_HEADER; p + 10 <= end; p += 10) {
                if (ScpBytes.u16(f, p) == 0) {
                    long idx = ScpBytes.u32(f, p + 6);
                    if (idx == SECTION0_OFFSET) {
                        zeroBasedIndex = true;
                        healforce = true;
                        warnings.add("section 0 indices are 0-based byte offsets (section 0 at index 6, EN 1064 says 7): "
                                + "Healforce layout assumed");
                    } else if (idx != SECTION0_OFFSET + 1) {
                        warnings.add("section 0's own pointer has index " + idx + " (7 expected)");
                    }
                    break;
                }
            }
            for (int p = SECTION0_OFFSET + SECTION_HEADER; p + 10 <= end; p += 10) {
                int id = ScpBytes.u16(f, p);
                long len = ScpBytes.u32(f, p + 2);
                long idx = ScpBytes.u32(f, p + 6);
                if (len == 0 || id == 0) {
                    continue;
                }
                long off = zeroBasedIndex ? idx : idx - 1;
                if (len < SECTION_HEADER) {
                    throw new EcgParseException("HZ-7002 SCP-ECG section " + id + ": length " + len
                            + " is less than its 16-byte header");
                }
                if (off < SECTION0_OFFSET || off + len > recordLength) {
                    throw new EcgParseException("HZ-7002 SCP-ECG section " + id + " at bytes " + off + ".." + (off + len - 1)
                            + " lies outside the " + recordLength + "-byte record");
                }
                int headerId = ScpBytes.u16(f, (int) off + 2);
                if (headerId != id) {
                    throw new EcgParseException("HZ-7002 SCP-ECG section 0 points section " + id + " at byte " + off
                            + ", but the section header there has id " + headerId);
                }
                long headerLen = ScpBytes.u32(f, (int) off + 4);
                if (headerLen != len) {
                    warnings.add("section " + id + " header length " + headerLen + " differs from its pointer's " + len
                            + "; the smaller is used");
                    len = Math.max(SECTION_HEADER, Math.min(len, headerLen));
                }
                Section s = new Section(id, (int) off, (int) len);
                if (sections.putIfAbsent(id, s) != null) {
                    throw new EcgParseException("HZ-7002 SCP-ECG section 0 lists section " + id + " twice");
                }
                checkSectionCrc(s);
            }
        }

        void checkSectionCrc(Section s) {
            int stored = ScpBytes.u16(f, s.off());
            String variant = crcVariant(stored, s.off() + 2, s.off() + s.len());
            if (variant == null) {
                warnings.add(String.format(Locale.ROOT, "section %d CRC mismatch (stored 0x%04X, computed 0x%04X); accepted "
                        + "because the record CRC matched", s.id(), stored, ScpBytes.crcCcitt(f, s.off() + 2, s.off() + s.len())));
            } else if (!variant.isEmpty()) {
                warnings.add("section " + s.id() + " CRC is " + variant);
            }
        }

        Section require(int id, String what) throws EcgParseException {
            Section s = sections.get(id);
            if (s == null) {
                throw new EcgParseException("HZ-7002 SCP-ECG section " + id + " (" + what + ") is absent");
            }
            return s;
        }

        ScpBytes data(Section s) {
            return new ScpBytes(f, s.dataOff(), s.dataLen(), s.name());
        }

        // ---- section 1 (EN 1064 5.4) ----

        /** Tag → {offset, length} of its value (first occurrence). */
        Map<Integer, int[]> tags(Section s) throws EcgParseException {
            ScpBytes r = data(s);
            Map<Integer, int[]> tags = new LinkedHashMap<>();
            int pos = 0;
            while (pos + 3 <= r.length()) {
                int tag = r.u8(pos);
                int len = r.u16(pos + 1);
                if (tag == 255) {
                    break;
                }
                r.require(pos + 3, len, "tag " + tag + " of " + len + " bytes");
                tags.putIfAbsent(tag, new int[] {r.offset() + pos + 3, len});
                pos += 3 + len;
            }
            return tags;
        }

        String text(Map<Integer, int[]> tags, int tag) {
            int[] t = tags.get(tag);
            return t == null ? null : ScpText.decode(f, t[0], t[1], charset);
        }

        EcgDevice device(Map<Integer, int[]> tags) {
            int[] t = tags.get(14);
            if (t == null || t[1] < 36) {
                return EcgDevice.UNKNOWN;
            }
            int o = t[0];
            int end = t[0] + t[1];
            charset = ScpText.declared(f[o + 16] & 0xFF);
            String model = ScpText.decode(f, o + 8, 6, charset);
            int revLen = f[o + 35] & 0xFF;
            int p = o + 36 + revLen;
            String revision = ScpText.decode(f, o + 36, Math.min(revLen, end - (o + 36)), charset);
            String[] strings = new String[4]; // serial, system software, SCP implementation software, trade name
            for (int i = 0; i < strings.length && p < end; i++) {
                int q = p;
                while (q < end && f[q] != 0) {
                    q++;
                }
                strings[i] = ScpText.decode(f, p, q - p, charset);
                p = q + 1;
            }
            tradeName = strings[3];
            String software = strings[1] != null ? strings[1] : revision;
            return new EcgDevice(tradeName, model, strings[0], software);
        }

        EcgPatient patient(Map<Integer, int[]> tags) {
            String last = text(tags, 0);
            String first = text(tags, 1);
            String name = last == null && first == null ? null : (last == null ? "" : last) + (first == null ? "" : "^" + first);
            String id = text(tags, 2);
            Integer age = null;
            int[] a = tags.get(4);
            if (a != null && a[1] >= 3) {
                int v = ScpBytes.u16(f, a[0]);
                int unit = f[a[0] + 2] & 0xFF;
                age = switch (unit) {
                    case 0, 1 -> v; // 0 unspecified: years is the only usual unit
                    case 2 -> v / 12;
                    case 3 -> v / 52;
                    case 4 -> v / 365;
                    default -> 0;
                };
                if (v == 0 && unit == 0) {
                    age = null;
                }
            }
            LocalDate dob = date(tags.get(5), "date of birth");
            String sex = null;
            int[] s = tags.get(8);
            if (s != null && s[1] >= 1) {
                sex = switch (f[s[0]] & 0xFF) {
                    case 1 -> "M";
                    case 2 -> "F";
                    default -> null; // 0 not known, 9 unspecified
                };
            }
            return new EcgPatient(id, name, sex, dob, age);
        }

        LocalDateTime acquired(Map<Integer, int[]> tags) {
            LocalDate d = date(tags.get(25), "date of acquisition");
            if (d == null) {
                return null;
            }
            int[] t = tags.get(26);
            LocalTime time = LocalTime.MIDNIGHT;
            if (t != null && t[1] >= 3) {
                try {
                    time = LocalTime.of(f[t[0]] & 0xFF, f[t[0] + 1] & 0xFF, f[t[0] + 2] & 0xFF);
                } catch (DateTimeException e) {
                    warnings.add("time of acquisition is invalid (" + e.getMessage() + ")");
                }
            }
            return LocalDateTime.of(d, time);
        }

        /** A date value (year LE 2 bytes, month, day; big-endian year tolerated, see deviation 4). */
        LocalDate date(int[] t, String what) {
            if (t == null || t[1] < 4) {
                return null;
            }
            int year = ScpBytes.u16(f, t[0]);
            int be = (f[t[0]] & 0xFF) << 8 | (f[t[0] + 1] & 0xFF);
            if ((year < 1850 || year > 2200) && be >= 1850 && be <= 2200) {
                warnings.add(what + " has a big-endian year (" + be + ")");
                year = be;
            }
            if (year == 0) {
                return null;
            }
            try {
                return LocalDate.of(year, f[t[0] + 2] & 0xFF, f[t[0] + 3] & 0xFF);
            } catch (DateTimeException e) {
                warnings.add(what + " is invalid (" + e.getMessage() + ")");
                return null;
            }
        }

        // ---- section 3 (EN 1064 5.6) ----

        List<LeadDef> leads(Section s3) throws EcgParseException {
            ScpBytes r = data(s3);
            int n = r.u8(0);
            if (n == 0) {
                throw new EcgParseException("HZ-7003 SCP-ECG section 3 declares 0 leads");
            }
            if (n > EcgValidator.MAX_LEADS) {
                throw new EcgParseException("HZ-7003 SCP-ECG section 3 declares " + n + " leads (at most "
                        + EcgValidator.MAX_LEADS + ")");
            }
            r.require(2, n * 9L, n + " lead entries of 9 bytes");
            List<LeadDef> leads = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int p = 2 + i * 9;
                long first = r.u32(p);
                long last = r.u32(p + 4);
                int id = r.u8(p + 8);
                Optional<LeadName> name = LeadName.fromScpCode(id);
                String label = name.map(LeadName::label).orElse("SCP lead " + id);
                if (first == 0 && last > 0) {
                    // EN 1064 numbers samples from 1; some writers (ECG Viewer) start at 0 and end at N
                    if (i == 0) {
                        warnings.add("section 3 numbers samples from 0 (EN 1064: from 1); read as 1.." + last);
                    }
                    first = 1;
                }
                if (last < first) {
                    throw new EcgParseException("HZ-7003 SCP-ECG section 3 lead " + (i + 1) + " (" + label + "): last sample "
                            + last + " precedes first sample " + first);
                }
                if (last - first + 1 > EcgValidator.MAX_SAMPLES_PER_LEAD) {
                    throw new EcgParseException("HZ-7003 SCP-ECG section 3 lead " + (i + 1) + " (" + label + ") has "
                            + (last - first + 1) + " samples (at most " + EcgValidator.MAX_SAMPLES_PER_LEAD + ")");
                }
                leads.add(new LeadDef(id, name.orElse(LeadName.OTHER), label, first, last));
            }
            long span = leads.stream().mapToLong(LeadDef::last).max().orElse(0)
                    - leads.stream().mapToLong(LeadDef::first).min().orElse(0) + 1;
            if (span * n > MAX_TOTAL_SAMPLES) {
                throw new EcgParseException("HZ-7005 SCP-ECG section 3: " + n + " leads over " + span + " samples exceed the "
                        + MAX_TOTAL_SAMPLES + "-sample limit");
            }
            return leads;
        }

        // ---- sections 5 and 6 (EN 1064 5.8, 5.9) ----

        /**
         * Decodes section 5 or 6: the 6-byte header, one byte count per lead, then each lead's
         * data; {@code counts} gives the samples per lead for section 5 (null: section 3's).
         */
        Samples samples(Section s, List<LeadDef> leads, ScpHuffman huffman, boolean rhythm, int[] counts)
                throws EcgParseException {
            ScpBytes r = data(s);
            int avm = r.u16(0);
            int interval = r.u16(2);
            int diff = r.u8(4);
            int bimodal = r.u8(5);
            String sec = "SCP-ECG section " + s.id();
            if (avm == 0) {
                throw new EcgParseException("HZ-7003 " + sec + ": amplitude value multiplier is 0 nV");
            }
            checkInterval(sec, interval);
            if (rhythm && bimodal != 0) {
                throw new EcgParseException("HZ-7004 " + sec + ": bimodal compression (byte 6 = " + bimodal
                        + ") is not supported");
            }
            if (diff > 2) {
                throw new EcgParseException("HZ-7004 " + sec + ": difference encoding " + diff + " (0, 1 or 2 expected)");
            }
            int n = leads.size();
            r.require(6, 2L * n, n + " lead byte counts");
            int pos = 6 + 2 * n;
            int[][] values = new int[n][];
            for (int i = 0; i < n; i++) {
                int bytes = r.u16(6 + 2 * i);
                String where = sec + " lead " + leads.get(i).label();
                r.require(pos, bytes, "lead " + leads.get(i).label() + "'s " + bytes + " bytes of data");
                int count = counts == null ? leads.get(i).samples() : counts[i];
                int[] v;
                if (huffman != null) {
                    v = huffman.decode(f, r.offset() + pos, bytes, count, where);
                } else {
                    if (2L * count > bytes) {
                        throw new EcgParseException("HZ-7002 " + where + ": " + bytes + " bytes hold " + bytes / 2
                                + " of the " + count + " 16-bit samples declared in section 3");
                    }
                    v = new int[count];
                    int o = r.offset() + pos;
                    for (int k = 0; k < count; k++) {
                        v[k] = (short) ScpBytes.u16(f, o + 2 * k);
                    }
                }
                undoDifferences(v, diff);
                values[i] = v;
                pos += bytes;
            }
            return new Samples(avm, interval, values);
        }

        static void checkInterval(String sec, int intervalUs) throws EcgParseException {
            if (intervalUs == 0 || intervalUs > MAX_INTERVAL_US) {
                throw new EcgParseException("HZ-7003 " + sec + ": sample interval of " + intervalUs + " µs is absurd (1.."
                        + MAX_INTERVAL_US + " µs expected)");
            }
        }

        /** EN 1064 5.9.2: first differences d[n] = x[n] − x[n−1]; second d[n] = x[n] − 2x[n−1] + x[n−2]. */
        static void undoDifferences(int[] v, int mode) {
            if (mode == 1) {
                for (int k = 1; k < v.length; k++) {
                    v[k] += v[k - 1];
                }
            } else if (mode == 2) {
                for (int k = 2; k < v.length; k++) {
                    v[k] += 2 * v[k - 1] - v[k - 2];
                }
            }
        }

        QrsLocations qrsLocations(Section s4) throws EcgParseException {
            ScpBytes r = data(s4);
            int refMs = r.u16(0);
            int fiducial = r.u16(2);
            int nQrs = r.u16(4);
            if (nQrs > MAX_QRS) {
                throw new EcgParseException("HZ-7003 SCP-ECG section 4: " + nQrs + " QRS complexes (at most " + MAX_QRS + ")");
            }
            r.require(6, 14L * nQrs, nQrs + " QRS entries of 14 bytes");
            List<int[]> zones = new ArrayList<>(nQrs);
            for (int i = 0; i < nQrs; i++) {
                int p = 6 + 14 * i;
                long sb = r.u32(p + 2);
                long fc = r.u32(p + 6);
                long se = r.u32(p + 10);
                zones.add(new int[] {r.u16(p), (int) Math.min(sb, Integer.MAX_VALUE), (int) Math.min(fc, Integer.MAX_VALUE),
                    (int) Math.min(se, Integer.MAX_VALUE)});
            }
            return new QrsLocations(refMs, fiducial, zones);
        }

        Samples referenceBeat(Section s5, List<LeadDef> leads, ScpHuffman huffman, QrsLocations qrs) throws EcgParseException {
            ScpBytes r = data(s5);
            int interval = r.u16(2);
            checkInterval("SCP-ECG section 5", interval);
            int[] counts = new int[leads.size()];
            if (qrs != null && qrs.refBeatMs() > 0) {
                long c = (long) qrs.refBeatMs() * 1000 / interval;
                if (c < 1 || c > EcgValidator.MAX_SAMPLES_PER_LEAD) {
                    throw new EcgParseException("HZ-7003 SCP-ECG section 4: reference beat of " + qrs.refBeatMs() + " ms at "
                            + interval + " µs gives " + c + " samples");
                }
                java.util.Arrays.fill(counts, (int) c);
            } else if (huffman == null) {
                // raw 16-bit data: the byte counts give the length
                r.require(6, 2L * leads.size(), "lead byte counts");
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = r.u16(6 + 2 * i) / 2;
                }
            } else {
                warnings.add("section 5 is Huffman-coded but section 4 (reference beat length) is absent; reference beat skipped");
                return null;
            }
            return samples(s5, leads, huffman, false, counts);
        }

        /** EN 1064 5.7/5.9: add reference beat type 0 back into each type-0 QRS's subtraction zone. */
        void addReferenceBeat(Samples rhythm, Samples beat, QrsLocations qrs, List<LeadDef> leads) throws EcgParseException {
            if (rhythm.avmNv() != beat.avmNv() || rhythm.intervalUs() != beat.intervalUs()) {
                throw new EcgParseException("HZ-7004 SCP-ECG: reference beat (" + beat.avmNv() + " nV, " + beat.intervalUs()
                        + " µs) and residual rhythm (" + rhythm.avmNv() + " nV, " + rhythm.intervalUs()
                        + " µs) differ in amplitude unit or sample interval; adding them is not supported");
            }
            long skipped = 0;
            for (int[] z : qrs.zones()) {
                if (z[0] != 0) {
                    continue; // only type-0 beats had the reference beat subtracted
                }
                for (int i = 0; i < leads.size(); i++) {
                    int[] x = rhythm.values()[i];
                    int[] ref = beat.values()[i];
                    long first = leads.get(i).first();
                    // sample s of the rhythm meets reference sample s − fiducial + refFiducial (1-based);
                    // iterate only where both exist, so a corrupt zone cannot make this loop long
                    long shift = (long) qrs.refFiducial() - 1 - z[2];
                    long lo = Math.max(z[1], Math.max(first, -shift));
                    long hi = Math.min(z[3], Math.min(first + x.length - 1, ref.length - 1 - shift));
                    long inZone = (long) z[3] - z[1] + 1;
                    long used = Math.max(0, hi - lo + 1);
                    skipped += Math.max(0, inZone - used);
                    for (long s = lo; s <= hi; s++) {
                        x[(int) (s - first)] += ref[(int) (s + shift)];
                    }
                }
            }
            if (skipped > 0) {
                warnings.add(skipped + " samples of section 4 subtraction zones lie outside the rhythm or reference beat; not added");
            }
        }

        EcgWaveform waveform(Samples s, List<LeadDef> leads, String what) throws EcgParseException {
            long minFirst = leads.stream().mapToLong(LeadDef::first).min().orElse(1);
            long maxLast = leads.stream().mapToLong(LeadDef::last).max().orElse(1);
            boolean aligned = leads.stream().allMatch(l -> l.first() == minFirst && l.last() == maxLast);
            long total = maxLast - minFirst + 1;
            if (total > EcgValidator.MAX_SAMPLES_PER_LEAD) {
                throw new EcgParseException("HZ-7003 SCP-ECG section 3: leads span " + total + " samples (at most "
                        + EcgValidator.MAX_SAMPLES_PER_LEAD + ")");
            }
            if (!aligned) {
                warnings.add(what + " leads are not all recorded over the same samples; each is placed at its sample "
                        + "numbers on a common time axis and is 0 µV outside them");
            }
            float scale = s.avmNv() / 1000f;
            List<Lead> out = new ArrayList<>(leads.size());
            for (int i = 0; i < leads.size(); i++) {
                LeadDef d = leads.get(i);
                int[] v = s.values()[i];
                float[] uv = new float[(int) total];
                int at = (int) (d.first() - minFirst);
                for (int k = 0; k < v.length && at + k < uv.length; k++) {
                    uv[at + k] = v[k] * scale;
                }
                out.add(new Lead(d.name(), d.label(), uv, false));
            }
            return new EcgWaveform(1_000_000.0 / s.intervalUs(), out);
        }

        EcgWaveform beatWaveform(Samples s, List<LeadDef> leads) {
            float scale = s.avmNv() / 1000f;
            List<Lead> out = new ArrayList<>(leads.size());
            for (int i = 0; i < leads.size(); i++) {
                int[] v = s.values()[i];
                float[] uv = new float[v.length];
                for (int k = 0; k < v.length; k++) {
                    uv[k] = v[k] * scale;
                }
                out.add(new Lead(leads.get(i).name(), leads.get(i).label(), uv, false));
            }
            return new EcgWaveform(1_000_000.0 / s.intervalUs(), out);
        }

        // ---- sections 7, 8, 11 ----

        DeviceMeasurements measurements(Samples beat) throws EcgParseException {
            Section s7 = sections.get(7);
            if (s7 == null || healforce) {
                return DeviceMeasurements.NONE;
            }
            ScpBytes r = data(s7);
            int nTypes = r.u8(0);
            Double rr = defined(r.u16(2));
            Double pOn = null;
            Double pOff = null;
            Double qrsOn = null;
            Double qrsOff = null;
            Double tOff = null;
            Double pAxis = null;
            Double qrsAxis = null;
            Double tAxis = null;
            if (nTypes >= 1 && r.length() >= 6 + 16) {
                pOn = defined(r.u16(6));
                pOff = defined(r.u16(8));
                qrsOn = defined(r.u16(10));
                qrsOff = defined(r.u16(12));
                tOff = defined(r.u16(14));
                pAxis = axis(r.i16(16));
                qrsAxis = axis(r.i16(18));
                tAxis = axis(r.i16(20));
            }
            double msPerSample = beat == null ? 1.0 : beat.intervalUs() / 1000.0;
            Double pr = pOn != null && qrsOn != null ? (qrsOn - pOn) * msPerSample : null;
            Double qrs = qrsOn != null && qrsOff != null ? (qrsOff - qrsOn) * msPerSample : null;
            Double qt = qrsOn != null && tOff != null ? (tOff - qrsOn) * msPerSample : null;
            // optional tail: pacemaker spikes, QRS types, then ventricular rate, atrial rate, QTc
            Double rate = null;
            Double qtc = null;
            int p = 6 + 16 * nTypes;
            if (p < r.length()) {
                int spikes = r.u8(p);
                p += 1 + spikes * 4 + spikes * 6;
                if (p + 2 <= r.length()) {
                    int nQrs = r.u16(p);
                    p += 2 + nQrs;
                    if (p + 6 <= r.length()) {
                        rate = defined(r.u16(p));
                        qtc = defined(r.u16(p + 4));
                    }
                }
            }
            if (rate != null && (rate < 10 || rate > 400)) {
                rate = null;
            }
            if (rate == null && rr != null && rr > 0) {
                rate = 60_000.0 / rr;
            }
            if (pr != null && pr < 0 || qrs != null && qrs < 0 || qt != null && qt < 0) {
                warnings.add("section 7 onsets/offsets are out of order; intervals dropped");
                pr = qrs = qt = null;
            }
            return new DeviceMeasurements(rate, rr, pr, qrs, qt, qtc, pAxis, qrsAxis, tAxis);
        }

        static Double defined(int v) {
            return v == UNDEFINED || v == 0xFFFF ? null : (double) v;
        }

        static Double axis(int v) {
            return v == UNDEFINED || v < -180 || v > 360 ? null : (double) v;
        }

        List<String> statements() throws EcgParseException {
            List<String> out = new ArrayList<>();
            Section s8 = sections.get(8);
            if (s8 != null) {
                statements(s8, false, out);
            }
            Section s11 = sections.get(11);
            if (s11 != null) {
                statements(s11, true, out);
            }
            return out;
        }

        /**
         * Section 8 (5.11) / 11 (5.14): confirmed flag, date, time, statement count, then per
         * statement a sequence number, a 2-byte length and the text (in section 11 preceded by a
         * type byte; type 1 holds an acronym and text, 2 full text, 3 statement logic).
         */
        void statements(Section s, boolean universal, List<String> out) throws EcgParseException {
            ScpBytes r = data(s);
            if (r.length() < 9) {
                return;
            }
            int n = r.u8(8);
            int p = 9;
            for (int i = 0; i < n; i++) {
                r.require(p, 3, "statement " + (i + 1) + "'s header");
                int len = r.u16(p + 1);
                r.require(p + 3, len, "statement " + (i + 1) + " of " + len + " bytes");
                int o = r.offset() + p + 3;
                int l = len;
                if (universal && l > 0) {
                    o++;
                    l--;
                }
                List<String> parts = new ArrayList<>();
                int a = o;
                for (int k = o; k <= o + l; k++) {
                    if (k == o + l || f[k] == 0) {
                        String t = ScpText.decode(f, a, k - a, charset);
                        if (t != null) {
                            parts.add(t);
                        }
                        a = k + 1;
                    }
                }
                if (!parts.isEmpty()) {
                    out.add(String.join(": ", parts));
                }
                p += 3 + len;
            }
        }
    }
}
