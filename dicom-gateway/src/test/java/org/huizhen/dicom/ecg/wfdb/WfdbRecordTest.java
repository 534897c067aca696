package org.huizhen.dicom.ecg.wfdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.ecg.measure.EcgAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WfdbRecordTest {

    /**
     * The beat counts are the MIT-BIH database's own beat tables, as the shared data's
     * MANIFEST.md lists them (whole record, and from 5:00 = sample 108 000 on): the reader must
     * reproduce them exactly, or the annotation decoding (SKIP, AUX padding, NUM/SUB/CHN) is wrong.
     */
    @ParameterizedTest
    @CsvSource({
        "100, 2273, 1902, MLII, V5", "101, 1865, 1523, MLII, V1", "103, 2084, 1729, MLII, V2",
        "105, 2572, 2155, MLII, V1", "106, 2027, 1696, MLII, V1", "108, 1763, 1480, MLII, V1",
        "112, 2539, 2111, MLII, V1", "113, 1795, 1506, MLII, V1", "117, 1535, 1284, MLII, V2",
        "119, 1987, 1661, MLII, V1", "201, 1963, 1521, MLII, V1", "208, 2955, 2437, MLII, V1",
    })
    void readsMitBihRecordsWithTheDatabasesBeatCounts(String name, int beats, int testBeats, String lead0, String lead1)
            throws Exception {
        WfdbRecord r = WfdbRecord.read(EcgTestFiles.mitdb(), name, "atr");
        assertThat(r.header().frequencyHz()).isEqualTo(360);
        assertThat(r.length()).isEqualTo(650_000);
        assertThat(r.header().signals()).extracting(WfdbHeader.Signal::description).containsExactly(lead0, lead1);
        assertThat(r.annotations().stream().filter(WfdbAnnotation::isBeat).count()).isEqualTo(beats);
        assertThat(r.annotations().stream().filter(a -> a.isBeat() && a.sample() >= 108_000).count()).isEqualTo(testBeats);
    }

    /**
     * The header's "initial value" field is the first sample of each signal and its checksum is
     * the sum of all samples mod 2^16 as a signed 16-bit number (header(5)): both must agree
     * with the decoded format-212 data.
     */
    @ParameterizedTest
    @CsvSource({"100, 995, -22131, 1011, 20052", "208, 1003, 8074, 1062, 20649", "117, 839, 31170, 930, 28083"})
    void decodesFormat212ToTheHeadersInitialValuesAndChecksums(String name, int init0, int sum0, int init1, int sum1)
            throws Exception {
        WfdbRecord r = WfdbRecord.read(EcgTestFiles.mitdb(), name, null);
        assertThat(r.adu()[0][0]).isEqualTo(init0);
        assertThat(r.adu()[1][0]).isEqualTo(init1);
        assertThat(checksum(r.adu()[0])).isEqualTo(sum0);
        assertThat(checksum(r.adu()[1])).isEqualTo(sum1);
    }

    private static int checksum(int[] s) {
        int sum = 0;
        for (int v : s) {
            sum += v;
        }
        return (short) sum;
    }

    /** Record 201 has atrial fibrillation episodes: rhythm-change annotations carry "(AFIB" and "(N" in AUX. */
    @Test
    void readsRhythmChangesFromAuxStrings() throws Exception {
        WfdbRecord r = WfdbRecord.read(EcgTestFiles.mitdb(), "201", "atr");
        List<String> rhythms = r.annotations().stream().filter(a -> a.code() == WfdbAnnotation.RHYTHM)
                .map(WfdbAnnotation::aux).distinct().toList();
        assertThat(rhythms).contains("(AFIB", "(N");
        assertThat(r.annotations().stream().filter(a -> a.code() == WfdbAnnotation.RHYTHM))
                .allSatisfy(a -> assertThat(a.symbol()).isEqualTo("+"));
    }

    /** MLII is the modified lead II of Holter placement; the converter maps it to II and the microvolts follow (adu − 1024)/200 mV. */
    @Test
    void convertsARecordToTheEcgModel() throws Exception {
        WfdbRecord r = WfdbRecord.read(EcgTestFiles.mitdb(), "100", null);
        Ecg ecg = r.toEcg();
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(360);
        assertThat(ecg.rhythm().leads()).extracting(l -> l.name()).containsExactly(LeadName.II, LeadName.V5);
        // first MLII sample 995 adu: (995 - 1024) / 200 mV = -0.145 mV = -145 µV
        assertThat(ecg.rhythm().leads().get(0).microvolts()[0]).isEqualTo(-145f);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "x 0 360 100; HZ-7003",
        "x; HZ-7002",
        "x 2 360 100\\nx.dat 212 200 11 1024; HZ-7002",
        "x/2 2 360; HZ-7004",
        "x 2 abc 100; HZ-7002",
    })
    void rejectsBadHeadersWithACode(String text, String code) {
        assertThatThrownBy(() -> WfdbHeader.parse(text.replace("\\n", "\n").getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith(code);
    }

    @Test
    void parsesGainWithBaselineAndUnits() throws Exception {
        WfdbHeader h = WfdbHeader.parse("r 1 500\r\nr.dat 212 400(12)/uV 12 0 0 0 0 Lead I\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(h.signals().get(0)).isEqualTo(new WfdbHeader.Signal("r.dat", 212, 400, 12, "uV", 0, "Lead I"));
        assertThat(h.frequencyHz()).isEqualTo(500);
    }

    /** A header that promises more samples than the signal file holds is truncated data, not a short record. */
    @Test
    void rejectsASignalFileShorterThanTheHeaderSays() {
        assertThatThrownBy(() -> WfdbRecord.decode212(new byte[30], 2, 100, "x"))
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7002");
    }

    @Test
    void rejectsAnnotationFilesWithTruncatedAux() {
        // one N beat at +5, then AUX of 10 bytes with only 2 present
        byte[] b = {5, 1 << 2, 10, (byte) (63 << 2), 'a', 'b'};
        assertThatThrownBy(() -> MitAnnotations.parse(b)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7002");
    }

    @Test
    void decodesSkipAndModifiers() throws Exception {
        // N at +10; SKIP +100000 (hi word first); V at +3 with SUB 2, CHN 1 and AUX "(VFL"
        byte[] b = {
            10, 1 << 2, // N dt=10
            0, (byte) (59 << 2), 0x01, 0x00, (byte) 0xA0, (byte) 0x86, // SKIP 0x0001_86A0 = 100000
            3, 5 << 2, // V dt=3
            2, (byte) (61 << 2), 1, (byte) (62 << 2), 4, (byte) (63 << 2), '(', 'V', 'F', 'L',
            0, 0,
        };
        List<WfdbAnnotation> a = MitAnnotations.parse(b);
        assertThat(a).containsExactly(new WfdbAnnotation(10, 1, 0, 0, 0, ""),
                new WfdbAnnotation(100_013, 5, 2, 1, 0, "(VFL"));
    }

    /**
     * The converter feeds the hub's analyzer: on the first 10 s of record 100 (sinus rhythm,
     * MLII + V5 at 360 Hz) the measured mean rate equals the rate of the reference annotations'
     * beats in the same 10 s (mean RR between the first and last annotated beat).
     */
    @Test
    void analyzerMeasuresTheAnnotatedRateOnAConvertedRecord() throws Exception {
        WfdbRecord r = WfdbRecord.read(EcgTestFiles.mitdb(), "100", "atr");
        Ecg whole = r.toEcg();
        int n = 3600;
        List<Lead> cut = whole.rhythm().leads().stream()
                .map(l -> new Lead(l.name(), l.label(), Arrays.copyOf(l.microvolts(), n), false))
                .toList();
        Ecg ten = new Ecg(whole.format(), null, null, null, new EcgWaveform(360, cut),
                Optional.empty(), null, List.of(), null);
        List<Long> beats = r.annotations().stream().filter(a -> a.isBeat() && a.sample() < n).map(WfdbAnnotation::sample)
                .toList();
        double refRate = 60.0 * 360 * (beats.size() - 1) / (beats.getLast() - beats.getFirst());
        var m = EcgAnalyzer.measure(ten);
        assertThat(m.qrsSamples()).hasSize(beats.size());
        assertThat(m.heartRateBpm()).isCloseTo(refRate, within(1.0));
        assertThat(m.qrsMs()).isBetween(60.0, 120.0);
    }

    static Path mitdb() {
        return EcgTestFiles.mitdb();
    }
}
