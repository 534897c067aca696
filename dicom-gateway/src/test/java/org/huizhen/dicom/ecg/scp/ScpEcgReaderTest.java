package org.huizhen.dicom.ecg.scp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.ecg.scp.ScpTestEncoder.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SCP-ECG reader against the shared files (ECG Viewer demo, two Healforce Prince 180D records,
 * a truncated one) and against synthetic records built by {@link ScpTestEncoder} that exercise
 * Huffman coding, difference encoding and reference-beat subtraction.
 */
class ScpEcgReaderTest {
    private final ScpEcgReader reader = new ScpEcgReader();

    static Stream<Arguments> sharedFiles() {
        return Stream.of(
                // MANIFEST: 8 leads (2 limb + V1-V6), 10000 samples/lead at 1000 Hz
                Arguments.of("scp_ecgviewer_demo.scp", List.of("I", "II", "V1", "V2", "V3", "V4", "V5", "V6"), 1000.0, 10_000),
                // Healforce: 3 interleaved channels, 150 Hz, section 3's counters span 4500 samples (30 s)
                Arguments.of("scp_healforce_62.SCP", List.of("I", "II", "III"), 150.0, 4500),
                Arguments.of("scp_healforce_63.SCP", List.of("I", "II", "III"), 150.0, 4500));
    }

    @ParameterizedTest
    @MethodSource("sharedFiles")
    void readsSharedFileWithItsLeadsRateAndLength(String name, List<String> leads, double rate, int samples)
            throws Exception {
        byte[] file = EcgTestFiles.bytes(name);
        long t0 = System.nanoTime();
        Ecg ecg = EcgReaders.read(file, name);
        long t1 = System.nanoTime();
        System.out.printf("SCP parse %s: %.2f ms (first call, with validation)%n", name, (t1 - t0) / 1e6);
        assertThat(ecg.format()).isEqualTo(EcgFormat.SCP_ECG);
        assertThat(ecg.rhythm().labels()).isEqualTo(leads);
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(rate);
        assertThat(ecg.rhythm().leads()).allSatisfy(l -> assertThat(l.length()).isEqualTo(samples));
    }

    /** R peak (max − median) of a limb lead must be a real QRS: 200..4000 µV. */
    @ParameterizedTest
    @MethodSource("sharedFiles")
    void limbLeadHasPlausibleRPeak(String name) throws Exception {
        Ecg ecg = reader.read(EcgTestFiles.bytes(name));
        float[] ii = ecg.rhythm().lead(LeadName.II).orElseThrow().microvolts();
        double r = peakAboveMedian(ii);
        assertThat(r).as("R amplitude in II of %s", name).isBetween(200.0, 4000.0);
    }

    @Test
    void demoSamplesEqualRawInt16TimesAvmAtSection6Offsets() throws Exception {
        byte[] f = EcgTestFiles.bytes("scp_ecgviewer_demo.scp");
        // independent walk: section 0 at byte 6, entries of 10 bytes after its 16-byte header; index is 1-based
        int s6 = -1;
        int s0len = le32(f, 10);
        for (int p = 22; p < 6 + s0len; p += 10) {
            if (le16(f, p) == 6) {
                s6 = le32(f, p + 6) - 1;
            }
        }
        int data = s6 + 16;
        int avm = le16(f, data); // MANIFEST says 183 nV
        assertThat(avm).isEqualTo(183);
        int leads = 8;
        int lead0 = data + 6 + 2 * leads;
        int bytesPerLead = le16(f, data + 6);
        Ecg ecg = reader.read(f);
        for (int lead : new int[] {0, 1, 7}) {
            for (int k : new int[] {0, 1, 4321, 9999}) {
                int raw = (short) le16(f, lead0 + lead * bytesPerLead + 2 * k);
                assertThat(ecg.rhythm().leads().get(lead).microvolts()[k])
                        .as("lead %d sample %d", lead, k).isCloseTo(raw * 183 / 1000f, within(1e-3f));
            }
        }
    }

    @Test
    void demoPatientDataFromSection1() throws Exception {
        Ecg ecg = reader.read(EcgTestFiles.bytes("scp_ecgviewer_demo.scp"));
        // tags 0/1/2 of the file hold "Patient", "Demo", "12-678-QW"; tag 25 is 2004-06-24 (bytes d4 07 06 18)
        assertThat(ecg.patient().name()).isEqualTo("Patient^Demo");
        assertThat(ecg.patient().id()).isEqualTo("12-678-QW");
        assertThat(ecg.acquired().toLocalDate()).isEqualTo(LocalDate.of(2004, 6, 24));
    }

    @Test
    void healforceSamplesMatchAHandDecodeOfTheFirstPackedGroups() throws Exception {
        byte[] f = EcgTestFiles.bytes("scp_healforce_62.SCP");
        // section 6 is at byte 488 (0-based offsets in this file); data: AVM, rate, 2 flags, one length, stream
        int data = 488 + 16;
        assertThat(le16(f, data)).isEqualTo(9524);
        int stream = data + 8;
        int w0 = le16(f, stream);
        int w1 = le16(f, stream + 2);
        int w2 = le16(f, stream + 4);
        int fourth = ((w0 >> 10) & 15) * 256 + ((w1 >> 10) & 15) * 16 + ((w2 >> 10) & 15);
        // interleaving I, II, III: stream samples 0,1,2,3 are I[0], II[0], III[0], I[1]
        Ecg ecg = reader.read(f);
        float uv = 9.524f;
        assertThat(sample(ecg, LeadName.I, 0)).isCloseTo(((w0 & 1023) - 512) * uv, within(1e-3f));
        assertThat(sample(ecg, LeadName.II, 0)).isCloseTo(((w1 & 1023) - 512) * uv, within(1e-3f));
        assertThat(sample(ecg, LeadName.III, 0)).isCloseTo(((w2 & 1023) - 512) * uv, within(1e-3f));
        assertThat(sample(ecg, LeadName.I, 1)).isCloseTo(((fourth & 1023) - 512) * uv, within(1e-3f));
    }

    /**
     * The Healforce channels are named I, II, III; Einthoven's law (I + III = II) holding on the
     * decoded signals shows both the de-interleaving and the naming are right.
     */
    @ParameterizedTest
    @MethodSource("healforceFiles")
    void healforceChannelsSatisfyEinthoven(String name) throws Exception {
        EcgWaveform w = reader.read(EcgTestFiles.bytes(name)).rhythm();
        float[] i = w.lead(LeadName.I).orElseThrow().microvolts();
        float[] ii = w.lead(LeadName.II).orElseThrow().microvolts();
        float[] iii = w.lead(LeadName.III).orElseThrow().microvolts();
        double err = 0;
        double sig = 0;
        for (int k = 0; k < i.length; k++) {
            err += sq(i[k] + iii[k] - ii[k]);
            sig += sq(ii[k]);
        }
        assertThat(Math.sqrt(err / sig)).as("relative residual of I + III − II").isLessThan(0.2);
    }

    /** Peaks in II above half the record's peak, 250 ms refractory: a resting heart rate 40..150/min. */
    @ParameterizedTest
    @MethodSource("healforceFiles")
    void healforceRhythmHasPlausibleHeartRate(String name) throws Exception {
        EcgWaveform w = reader.read(EcgTestFiles.bytes(name)).rhythm();
        float[] ii = w.lead(LeadName.II).orElseThrow().microvolts();
        float[] sorted = ii.clone();
        Arrays.sort(sorted);
        float median = sorted[sorted.length / 2];
        float max = sorted[sorted.length - 1];
        float threshold = median + 0.5f * (max - median);
        int refractory = (int) (0.25 * w.sampleRateHz());
        int beats = 0;
        int last = -refractory;
        for (int k = 1; k < ii.length - 1; k++) {
            if (ii[k] > threshold && ii[k] >= ii[k - 1] && ii[k] >= ii[k + 1] && k - last >= refractory) {
                beats++;
                last = k;
            }
        }
        double bpm = beats * 60.0 / w.durationSeconds();
        System.out.printf("SCP %s: %d beats in %.1f s = %.0f/min%n", name, beats, w.durationSeconds(), bpm);
        assertThat(bpm).isBetween(40.0, 150.0);
    }

    static Stream<String> healforceFiles() {
        return Stream.of("scp_healforce_62.SCP", "scp_healforce_63.SCP");
    }

    @Test
    void healforceDeviationsAreReportedAsWarnings() throws Exception {
        List<String> w = reader.parse(EcgTestFiles.bytes("scp_healforce_62.SCP")).warnings();
        assertThat(w).anyMatch(s -> s.contains("16-bit length"))
                .anyMatch(s -> s.contains("0-based"))
                .anyMatch(s -> s.contains("record CRC is CRC-16 with preset 0 (XMODEM) byte-swapped"))
                .anyMatch(s -> s.contains("Healforce packed data"));
        Ecg ecg = reader.read(EcgTestFiles.bytes("scp_healforce_62.SCP"));
        // tag 25 = 07 e3 08 08 (big-endian year 2019), tag 26 = 00 04 0a
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2019, 8, 8, 0, 4, 10));
        assertThat(ecg.patient().id()).isEqualTo("00000");
    }

    @Test
    void truncatedHealforceFileNamesDeclaredAndActualLength() {
        byte[] f = bytesOf("bad-truncated-scp_healforce_62.SCP");
        // the intact file's 16-bit record length is 29424 (0x72f0); the cut leaves 1000 bytes
        assertThatThrownBy(() -> EcgReaders.read(f, "bad-truncated-scp_healforce_62.SCP"))
                .isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7002")
                .hasMessageContaining("record length says 29424 bytes")
                .hasMessageContaining("file has 1000 bytes")
                .hasMessageContaining("sections cut off: 6 (bytes 488..27511), 9");
    }

    @Test
    void truncatedStandardFileNamesTheSectionCutOff() {
        byte[] f = Arrays.copyOf(EcgTestFiles.bytes("scp_ecgviewer_demo.scp"), 100_000);
        // section 0 of the demo puts section 6 at 1-based index 387 with 160038 bytes: 0-based 386..160423
        assertThatThrownBy(() -> reader.read(f)).hasMessage("HZ-7002 SCP-ECG file is truncated: the record length says "
                + "160424 bytes but the file has 100000 bytes; sections cut off: 6 (bytes 386..160423)");
    }

    @Test
    void rejectsHuffmanCountThatTheStreamCannotHold() throws Exception {
        // 3 bytes hold at most 24 one-bit codes; asking for 25 must fail before allocating or decoding
        byte[] bits = {0, 0, 0};
        assertThatThrownBy(() -> ScpHuffman.defaultTables().decode(bits, 0, 3, 25, "test"))
                .hasMessage("HZ-7002 test: Huffman bit stream of 3 bytes cannot hold 25 samples");
        assertThat(ScpHuffman.defaultTables().decode(bits, 0, 3, 24, "test")).hasSize(24).containsOnly(0);
    }

    @Test
    void rejectsCorruptedSampleByRecordCrc() {
        byte[] f = EcgTestFiles.bytes("scp_ecgviewer_demo.scp");
        f[5000] ^= 0x10; // inside section 6's samples
        assertThatThrownBy(() -> reader.read(f)).hasMessageStartingWith("HZ-7002 SCP-ECG record CRC mismatch");
    }

    @Test
    void acceptsSectionCrcMismatchWithWarningWhenRecordCrcMatches() throws Exception {
        byte[] f = EcgTestFiles.bytes("scp_ecgviewer_demo.scp");
        f[5000] ^= 0x10;
        ScpTestEncoder.fixRecordCrc(f); // as a device that computes the record CRC but not section 6's
        ScpEcgReader.Result r = reader.parse(f);
        assertThat(r.warnings()).anyMatch(s -> s.startsWith("section 6 CRC mismatch"));
        assertThat(r.ecg().rhythm().leads()).hasSize(8);
    }

    // ---- synthetic records: Huffman, differences, reference beat ----

    @Test
    void syntheticRecordRoundTripsThroughHuffmanDifferencesAndReferenceBeat() throws Exception {
        ScpEcgReader.Result r = reader.parse(new SyntheticScp().build());
        Ecg ecg = r.ecg();
        assertThat(r.warnings()).isEmpty();
        assertThat(ecg.rhythm().labels()).containsExactly("I", "II", "V1");
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(500.0);
        float scale = SyntheticScp.AVM_NV / 1000f;
        for (int lead = 0; lead < 3; lead++) {
            int[] original = SyntheticScp.rhythm(lead);
            float[] got = ecg.rhythm().leads().get(lead).microvolts();
            assertThat(got).hasSize(original.length);
            for (int k = 0; k < original.length; k++) {
                if (got[k] != original[k] * scale) {
                    throw new AssertionError("lead " + lead + " sample " + k + ": " + got[k] + " != " + original[k] * scale);
                }
            }
            int[] beat = SyntheticScp.template(lead);
            float[] gotBeat = ecg.representativeBeat().orElseThrow().leads().get(lead).microvolts();
            assertThat(gotBeat).hasSize(beat.length);
            for (int k = 0; k < beat.length; k++) {
                assertThat(gotBeat[k]).isEqualTo(beat[k] * scale);
            }
        }
    }

    @Test
    void withoutAddingTheReferenceBeatTheResidualWouldDiffer() throws Exception {
        // guards the test above: the residual alone is not the original, so the add-back is exercised
        SyntheticScp s = new SyntheticScp();
        int[] residual = s.residual(1);
        int[] original = SyntheticScp.rhythm(1);
        assertThat(residual).isNotEqualTo(original);
        // and a record stored without subtraction reads to the same samples
        s.subtractReferenceBeat = false;
        Ecg ecg = reader.read(s.build());
        assertThat(ecg.rhythm().leads().get(1).microvolts()[SyntheticScp.R_PEAKS[0]])
                .isEqualTo(original[SyntheticScp.R_PEAKS[0]] * SyntheticScp.AVM_NV / 1000f);
    }

    @Test
    void syntheticMeasurementsStatementsAndChineseText() throws Exception {
        Ecg ecg = reader.read(new SyntheticScp().build());
        var m = ecg.deviceMeasurements();
        // section 7 positions are reference-beat samples at 2 ms: PR (90−20)·2, QRS (135−90)·2, QT (290−90)·2
        assertThat(m.prMs()).isEqualTo(140.0);
        assertThat(m.qrsMs()).isEqualTo(90.0);
        assertThat(m.qtMs()).isEqualTo(400.0);
        assertThat(m.heartRateBpm()).isEqualTo(75.0);
        assertThat(m.rrMs()).isEqualTo(800.0);
        assertThat(m.qtcMs()).isEqualTo(420.0);
        assertThat(m.qrsAxisDeg()).isEqualTo(45.0);
        assertThat(ecg.deviceStatements()).containsExactly("Sinus rhythm", "Normal ECG", "正常心电图");
        assertThat(ecg.patient().name()).isEqualTo("张^三");
        assertThat(ecg.patient().sex()).isEqualTo("M");
        assertThat(ecg.patient().birthDate()).isEqualTo(LocalDate.of(1980, 5, 6));
        assertThat(ecg.patient().ageYears()).isEqualTo(45);
        assertThat(ecg.device().model()).isEqualTo("HZ-12");
        assertThat(ecg.device().serialNumber()).isEqualTo("SN42");
        assertThat(ecg.device().manufacturer()).isEqualTo("Huizhen Test Cart");
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2026, 11, 30, 8, 15, 30));
    }

    @Test
    void undeclaredGb2312NamesAreDecodedAsChinese() throws Exception {
        SyntheticScp s = new SyntheticScp();
        s.languageCode = 0x00; // "ASCII only", but the bytes are GB 2312 (what Chinese carts do)
        Ecg ecg = reader.read(s.build());
        assertThat(ecg.patient().name()).isEqualTo("张^三");
    }

    static Stream<Arguments> badSynthetic() {
        return Stream.of(
                Arguments.of("zero leads", (Consumer<SyntheticScp>) s -> s.leadCount = 0,
                        "HZ-7003 SCP-ECG section 3 declares 0 leads"),
                Arguments.of("end before start", (Consumer<SyntheticScp>) s -> {
                    s.lead2First = 500;
                    s.lead2Last = 499;
                }, "HZ-7003 SCP-ECG section 3 lead 2 (II): last sample 499 precedes first sample 500"),
                Arguments.of("interval 0", (Consumer<SyntheticScp>) s -> s.rhythmIntervalUs = 0,
                        "HZ-7003 SCP-ECG section 6: sample interval of 0 µs is absurd"),
                Arguments.of("interval 25 ms", (Consumer<SyntheticScp>) s -> s.rhythmIntervalUs = 25_000,
                        "HZ-7003 SCP-ECG section 6: sample interval of 25000 µs is absurd"),
                Arguments.of("bimodal", (Consumer<SyntheticScp>) s -> s.bimodal = 1,
                        "HZ-7004 SCP-ECG section 6: bimodal compression"),
                Arguments.of("bit stream runs out", (Consumer<SyntheticScp>) s -> s.cutLead1Bytes = 40,
                        "HZ-7002 SCP-ECG section 6 lead I: Huffman bit stream of"),
                Arguments.of("too many codes", (Consumer<SyntheticScp>) s -> s.section2 = new Bytes().u16(1).u16(5000).bytes(),
                        "HZ-7002 SCP-ECG section 2: Huffman table 1 has 5000 codes (1..256 expected)"),
                Arguments.of("17-bit code", (Consumer<SyntheticScp>) s -> s.section2 = new Bytes().u16(1).u16(1)
                        .u8(17).u8(17).u8(1).u16(0).u32(0).bytes(),
                        "HZ-7002 SCP-ECG section 2: table 1 code 1 is 17 bits long (1..16 expected)"),
                Arguments.of("table longer than section", (Consumer<SyntheticScp>) s -> s.section2 = new Bytes().u16(1).u16(3)
                        .u8(1).u8(1).u8(1).u16(0).u32(0).bytes(),
                        "HZ-7002 SCP-ECG section 2: Huffman table 1 (3 codes of 9 bytes) needs bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSynthetic")
    void rejectsBadSyntheticRecord(String what, Consumer<SyntheticScp> damage, String message) {
        SyntheticScp s = new SyntheticScp();
        damage.accept(s);
        byte[] f = s.build();
        assertThatThrownBy(() -> EcgReaders.read(f, "bad.scp")).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void customHuffmanTableWithBitReversedBaseCodesDecodes() throws Exception {
        // a 3-code table: "0" → 0, "10" → +1, "11" + 16-bit value; base codes stored first-bit-in-LSB
        byte[] table = new Bytes().u16(1).u16(3)
                .u8(1).u8(1).u8(1).u16(0).u32(0b0)
                .u8(2).u8(2).u8(1).u16(1).u32(0b01) // "10" reversed
                .u8(2).u8(18).u8(1).u16(0).u32(0b11)
                .bytes();
        ScpHuffman h = ScpHuffman.parse(table, 0, table.length);
        ScpTestEncoder.BitWriter w = new ScpTestEncoder.BitWriter();
        w.bits(0b10, 2);
        w.bits(0b0, 1);
        w.bits(0b11, 2);
        w.bits(-300 & 0xFFFF, 16);
        byte[] bits = w.bytes();
        assertThat(h.decode(bits, 0, bits.length, 3, "test")).containsExactly(1, 0, -300);
    }

    @Test
    void detectsScpButNotOtherFormats() {
        assertThat(EcgReaders.detect(EcgTestFiles.bytes("scp_healforce_63.SCP"), null)).contains(EcgFormat.SCP_ECG);
        assertThat(EcgReaders.detect(EcgTestFiles.bytes("scp_ecgviewer_demo.scp"), "x.bin")).contains(EcgFormat.SCP_ECG);
        assertThat(new ScpEcgReader().accepts(EcgTestFiles.bytes("aecg_FDA_minimum.xml"), "a.xml")).isFalse();
        assertThat(new ScpEcgReader().accepts(EcgTestFiles.bytes("waveform_ecg.dcm"), "a.dcm")).isFalse();
    }

    /**
     * Random damage (1–4 byte changes, mostly in the headers, record CRC recomputed so the parser
     * goes past it) must end in a parsed ECG or an HZ-70xx error: never another exception, a
     * hang or a huge allocation. Fixed seed, so a failure is reproducible.
     */
    @ParameterizedTest
    @MethodSource("fuzzSources")
    void randomlyDamagedRecordsFailCleanly(String name, byte[] original) {
        java.util.Random rnd = new java.util.Random(4242);
        int parsed = 0;
        int rejected = 0;
        long slowest = 0;
        int slowestRound = -1;
        long t0 = System.nanoTime();
        for (int round = 0; round < 250; round++) {
            byte[] f = original.clone();
            int changes = 1 + rnd.nextInt(4);
            for (int c = 0; c < changes; c++) {
                int pos = rnd.nextBoolean() ? 2 + rnd.nextInt(Math.min(600, f.length - 2)) : 2 + rnd.nextInt(f.length - 2);
                f[pos] = rnd.nextInt(3) == 0 ? (byte) 0xFF : (byte) rnd.nextInt(256);
            }
            ScpTestEncoder.fixRecordCrc(f);
            long r0 = System.nanoTime();
            try {
                EcgReaders.read(f, "fuzz.scp");
                parsed++;
            } catch (EcgParseException e) {
                assertThat(e.getMessage()).matches("HZ-700[1-5] .*");
                rejected++;
            } catch (RuntimeException e) {
                throw new AssertionError(name + " round " + round + ": " + e, e);
            }
            long took = System.nanoTime() - r0;
            if (took > slowest) {
                slowest = took;
                slowestRound = round;
            }
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        System.out.printf("SCP fuzz %s: %d parsed, %d rejected in %.0f ms (slowest: round %d, %.1f ms)%n", name, parsed,
                rejected, ms, slowestRound, slowest / 1e6);
        assertThat(ms).as("250 damaged records must not take long").isLessThan(20_000);
    }

    static Stream<Arguments> fuzzSources() {
        return Stream.of(Arguments.of("synthetic", new SyntheticScp().build()),
                Arguments.of("demo", EcgTestFiles.bytes("scp_ecgviewer_demo.scp")));
    }

    // ---- helpers ----

    private static float sample(Ecg ecg, LeadName lead, int k) {
        return ecg.rhythm().lead(lead).map(Lead::microvolts).orElseThrow()[k];
    }

    private static double peakAboveMedian(float[] x) {
        float[] s = x.clone();
        Arrays.sort(s);
        return s[s.length - 1] - s[s.length / 2];
    }

    private static double sq(double v) {
        return v * v;
    }

    private static int le16(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
    }

    private static int le32(byte[] b, int o) {
        return le16(b, o) | le16(b, o + 2) << 16;
    }

    private static byte[] bytesOf(String badName) {
        try {
            return Files.readAllBytes(EcgTestFiles.bad(badName));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
