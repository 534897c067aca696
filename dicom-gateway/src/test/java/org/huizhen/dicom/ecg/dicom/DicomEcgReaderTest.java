package org.huizhen.dicom.ecg.dicom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;
import org.huizhen.dicom.net.NetTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DicomEcgReader} on the shared Mortara ELI 250 object in its three encodings (Explicit VR
 * LE as published, and the Implicit VR and Deflated copies DCMTK made of it), checked against
 * DCMTK's own parse of the same bytes, plus bad files and mutated objects.
 */
class DicomEcgReaderTest {

    static final List<String> SHARED = List.of("waveform_ecg.dcm", "waveform_ecg_DERIVED-implicitVR.dcm",
            "waveform_ecg_DERIVED-deflated.dcm");

    static Ecg readShared(String name) throws EcgParseException {
        return EcgReaders.read(EcgTestFiles.bytes(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"waveform_ecg.dcm", "waveform_ecg_DERIVED-implicitVR.dcm", "waveform_ecg_DERIVED-deflated.dcm"})
    void readsTheSharedMortaraEcgInEveryEncoding(String name) throws Exception {
        Ecg ecg = readShared(name);

        // Expected values are what `dcmdump waveform_ecg.dcm` shows for the file (MANIFEST: 12 ch x
        // 10000 samples @ 1000 Hz 'RHYTHM', 12 ch x 1200 samples 'MEDIAN BEAT').
        assertThat(ecg.format()).isEqualTo(EcgFormat.DICOM);
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(1000.0);
        assertThat(ecg.rhythm().samplesPerLead()).isEqualTo(10_000);
        assertThat(ecg.rhythm().leads()).extracting(Lead::name).containsExactlyElementsOf(LeadName.STANDARD_12);
        assertThat(ecg.rhythm().leads()).noneMatch(Lead::derived);
        assertThat(ecg.representativeBeat()).isPresent();
        EcgWaveform beat = ecg.representativeBeat().get();
        assertThat(beat.samplesPerLead()).isEqualTo(1200);
        assertThat(beat.sampleRateHz()).isEqualTo(1000.0);
        assertThat(beat.leads()).extracting(Lead::name).containsExactlyElementsOf(LeadName.STANDARD_12);

        // Waveform Annotation Sequence items with SCPECG concept codes and UCUM units.
        var m = ecg.deviceMeasurements();
        assertThat(m.rrMs()).isEqualTo(982.0);
        assertThat(m.prMs()).isEqualTo(161.0);
        assertThat(m.qrsMs()).isEqualTo(75.0);
        assertThat(m.qtMs()).isEqualTo(368.0);
        assertThat(m.qtcMs()).isEqualTo(370.0);
        assertThat(m.pAxisDeg()).isEqualTo(74.0);
        assertThat(m.qrsAxisDeg()).isEqualTo(52.0);
        assertThat(m.tAxisDeg()).isEqualTo(57.0);
        // The file states no rate; the device's RR of 982 ms is 61.1 beats/min.
        assertThat(m.heartRateBpm()).isCloseTo(60_000.0 / 982, within(1e-9));
        assertThat(ecg.deviceStatements()).containsExactly("RITMO SINUSALE", "ECG NORMALE");

        assertThat(ecg.patient().id()).isEqualTo("642341");
        assertThat(ecg.patient().name()).isEqualTo("Anonymous");
        assertThat(ecg.patient().sex()).isEqualTo("F");
        assertThat(ecg.patient().birthDate()).isEqualTo(LocalDate.of(1971, 1, 23));
        assertThat(ecg.patient().ageYears()).isEqualTo(42);
        assertThat(ecg.device().manufacturer()).isEqualTo("Mortara Instrument, Inc.");
        assertThat(ecg.device().model()).isEqualTo("el250");
        assertThat(ecg.device().serialNumber()).isNull(); // present but empty in the file
        assertThat(ecg.device().software()).isEqualTo("0.0.0");
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2013, 1, 25, 10, 59, 19));
        assertThat(ecg.sopInstanceUid()).isEqualTo("1.3.6.1.4.1.20029.40.20130125105919.5407.1.1");
    }

    @Test
    void theThreeEncodingsGiveIdenticalSamples() throws Exception {
        Ecg reference = readShared(SHARED.get(0));
        for (String other : SHARED.subList(1, 3)) {
            Ecg e = readShared(other);
            for (int i = 0; i < 12; i++) {
                assertThat(e.rhythm().leads().get(i).microvolts()).as(other + " lead " + i)
                        .containsExactly(reference.rhythm().leads().get(i).microvolts());
                assertThat(e.representativeBeat().get().leads().get(i).microvolts()).as(other + " beat lead " + i)
                        .containsExactly(reference.representativeBeat().get().leads().get(i).microvolts());
            }
        }
    }

    /**
     * Every sample of both multiplex groups equals DCMTK's reading of the same Waveform Data
     * words times DCMTK's reading of Channel Sensitivity (1.25 µV, baseline 0, correction 1 in
     * this file), so byte order, interleaving and scaling are checked by another parser.
     */
    @ParameterizedTest
    @ValueSource(strings = {"waveform_ecg.dcm", "waveform_ecg_DERIVED-implicitVR.dcm", "waveform_ecg_DERIVED-deflated.dcm"})
    void samplesEqualDcmtksReadingOfTheWaveformData(String name) throws Exception {
        NetTestSupport.requireTool("dcmdump");
        Path file = EcgTestFiles.ecg(name);
        List<short[]> words = dcmdumpWaveformWords(file);
        List<Double> sensitivities = dcmdumpDecimals(file, "003a,0210");
        assertThat(words).hasSize(2);
        assertThat(sensitivities).hasSize(24).containsOnly(1.25);
        Ecg ecg = readShared(name);
        // dcmdump's +P order is not file order: tell the groups apart by their sizes.
        short[] rhythm = words.stream().filter(w -> w.length == 12 * 10_000).findFirst().orElseThrow();
        short[] median = words.stream().filter(w -> w.length == 12 * 1200).findFirst().orElseThrow();
        assertGroupEquals(ecg.rhythm(), rhythm, sensitivities.get(0));
        assertGroupEquals(ecg.representativeBeat().get(), median, sensitivities.get(12));
    }

    private static void assertGroupEquals(EcgWaveform w, short[] interleaved, double sensitivity) {
        int c = w.leads().size();
        for (int ch = 0; ch < c; ch++) {
            float[] uv = w.leads().get(ch).microvolts();
            for (int s = 0; s < uv.length; s++) {
                float expected = (float) (interleaved[s * c + ch] * sensitivity);
                if (uv[s] != expected) {
                    throw new AssertionError("lead " + w.leads().get(ch).label() + " sample " + s + ": " + uv[s]
                            + " µV, DCMTK gives " + expected);
                }
            }
        }
    }

    @Test
    void amplitudesArePhysiological() throws Exception {
        // A resting ECG's largest deflection (R wave of lead II or a precordial lead) is 0.5-3 mV;
        // a wrong sensitivity or unit (mV vs µV) would miss this range by a factor of 1000.
        Ecg ecg = readShared(SHARED.get(0));
        float max = 0;
        for (Lead l : ecg.rhythm().leads()) {
            for (float v : l.microvolts()) {
                max = Math.max(max, Math.abs(v));
            }
        }
        assertThat(max).isBetween(500f, 3000f);
    }

    @Test
    void detectsPart10AndBareWaveformDataSets() throws Exception {
        assertThat(EcgReaders.detect(EcgTestFiles.bytes(SHARED.get(0)), null)).contains(EcgFormat.DICOM);
        // The same data set without preamble and meta group, as some gateways store it.
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        for (TransferSyntax ts : List.of(TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            DicomWriter.writeDataSet(out, ds, ts, WriteOptions.DEFAULT);
            byte[] bare = out.toByteArray();
            assertThat(EcgReaders.detect(bare, null)).as(ts.name()).contains(EcgFormat.DICOM);
            assertThat(EcgReaders.read(bare, null).rhythm().samplesPerLead()).isEqualTo(10_000);
        }
        assertThat(new DicomEcgReader().accepts("<?xml version=\"1.0\"?>".getBytes(StandardCharsets.US_ASCII), "a.xml"))
                .isFalse();
    }

    @Test
    void rejectsADicomImageAsNotAnEcg() {
        Path ct = EcgTestFiles.root().resolve("dicom").resolve("CT_small.dcm");
        assertThatThrownBy(() -> EcgReaders.read(ct)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7001 DICOM object of SOP class CT Image Storage (1.2.840.10008.5.1.4.1.1.2)")
                .hasMessageEndingWith("is not an ECG waveform");
    }

    @Test
    void rejectsTheTruncatedEcgAsMalformed() {
        // Cut inside the first Waveform Data (MANIFEST): the declared 240000 bytes are not there.
        assertThatThrownBy(() -> EcgReaders.read(EcgTestFiles.bad("bad-truncated-waveform_ecg.dcm")))
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7002")
                .hasMessageContaining("WaveformData");
    }

    static List<Arguments> implausibleGroups() {
        return List.of(
                Arguments.of("one channel more than defined", (UnaryOperator<DataSet.Builder>) g ->
                        g.setInt(Tag.NumberOfWaveformChannels, VR.US, 13),
                        "Number of Waveform Channels is 13 but the Channel Definition Sequence has 12 items"),
                Arguments.of("data shorter than declared", (UnaryOperator<DataSet.Builder>) g ->
                        g.setBytes(Tag.WaveformData, VR.OW, new byte[239_998]),
                        "Waveform Data has 239998 bytes but 12 channels × 10000 samples × 2 bytes = 240000 are declared"),
                Arguments.of("sampling frequency 0", (UnaryOperator<DataSet.Builder>) g ->
                        g.setString(Tag.SamplingFrequency, VR.DS, "0"), "sampling frequency 0.0 Hz is outside"),
                Arguments.of("absurd sampling frequency", (UnaryOperator<DataSet.Builder>) g ->
                        g.setString(Tag.SamplingFrequency, VR.DS, "1e9"), "sampling frequency 1.0E9 Hz is outside"),
                Arguments.of("zero samples", (UnaryOperator<DataSet.Builder>) g ->
                        g.setInt(Tag.NumberOfWaveformSamples, VR.UL, 0), "0 samples per channel"),
                Arguments.of("huge sample count", (UnaryOperator<DataSet.Builder>) g ->
                        g.setInt(Tag.NumberOfWaveformSamples, VR.UL, 0xFFFFFFFFL), "4294967295 samples per channel"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("implausibleGroups")
    void rejectsImplausibleWaveformAttributes(String what, UnaryOperator<DataSet.Builder> change, String message)
            throws Exception {
        byte[] file = mutateRhythmGroup(change);
        assertThatThrownBy(() -> EcgReaders.read(file, "x.dcm")).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7003").hasMessageContaining("'RHYTHM'").hasMessageContaining(message);
    }

    /**
     * Damage anywhere in the file (cut at 97 places, one byte changed at 200 places; fixed seed so
     * a failure repeats) must end as a readable ECG or an EcgParseException with an HZ-70xx code,
     * never another exception, an OOM or a hang.
     */
    @Test
    void damagedFilesFailWithAnHzCodeOrStillRead() {
        byte[] file = EcgTestFiles.bytes(SHARED.get(0));
        java.util.Random random = new java.util.Random(20261203);
        List<byte[]> variants = new ArrayList<>();
        for (int cut = 1; cut < file.length; cut += file.length / 97) {
            variants.add(java.util.Arrays.copyOf(file, cut));
        }
        for (int i = 0; i < 200; i++) {
            byte[] b = file.clone();
            // Most of the file is Waveform Data; bias the damage towards the header where it bites.
            int at = i % 2 == 0 ? random.nextInt(file.length) : random.nextInt(60_000);
            b[at] = (byte) random.nextInt(256);
            variants.add(b);
        }
        int rejected = 0;
        for (byte[] v : variants) {
            try {
                EcgReaders.read(v, "x.dcm");
            } catch (EcgParseException e) {
                assertThat(e.getMessage()).matches("HZ-700[1-5] .*");
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(97); // at least every cut file
    }

    @Test
    void rejectsAnObjectWithoutWaveformSequence() throws Exception {
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        byte[] file = part10(ds.toBuilder().remove(Tag.WaveformSequence).build());
        assertThatThrownBy(() -> EcgReaders.read(file, null)).hasMessageStartingWith("HZ-7003")
                .hasMessageContaining("Waveform Sequence (5400,0100) is absent");
    }

    /**
     * C.10.9.1.4.2/3 on a hand-made group: 8-bit signed samples, sensitivity 0.5 mV with a
     * correction factor of 1.1 and a baseline of 0.2 mV, padding value -128. µV = raw × 0.5 × 1.1
     * × 1000 + 200; padded samples are 0.
     */
    @Test
    void appliesSensitivityCorrectionBaselineUnitsAndPadding() throws Exception {
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        DataSet code = DataSet.builder().setString(Tag.CodeValue, VR.SH, "2:2").setString(Tag.CodingSchemeDesignator, VR.SH, "MDC")
                .setString(Tag.CodeMeaning, VR.LO, "Lead II").build();
        DataSet mv = DataSet.builder().setString(Tag.CodeValue, VR.SH, "mV").setString(Tag.CodingSchemeDesignator, VR.SH, "UCUM")
                .setString(Tag.CodeMeaning, VR.LO, "millivolt").build();
        DataSet def = DataSet.builder().setSequence(Tag.ChannelSourceSequence, List.of(code))
                .setString(Tag.ChannelSensitivity, VR.DS, "0.5").setSequence(Tag.ChannelSensitivityUnitsSequence, List.of(mv))
                .setString(Tag.ChannelSensitivityCorrectionFactor, VR.DS, "1.1").setString(Tag.ChannelBaseline, VR.DS, "0.2")
                .build();
        byte[] raw = {0, 1, -1, 100, -128, -100};
        DataSet group = DataSet.builder().setString(Tag.WaveformOriginality, VR.CS, "ORIGINAL")
                .setInt(Tag.NumberOfWaveformChannels, VR.US, 1).setInt(Tag.NumberOfWaveformSamples, VR.UL, raw.length)
                .setString(Tag.SamplingFrequency, VR.DS, "500").setSequence(Tag.ChannelDefinitionSequence, List.of(def))
                .setInt(Tag.WaveformBitsAllocated, VR.US, 8).setString(Tag.WaveformSampleInterpretation, VR.CS, "SB")
                .setBytes(Tag.WaveformPaddingValue, VR.OB, new byte[] {-128}).setBytes(Tag.WaveformData, VR.OB, raw).build();
        byte[] file = part10(ds.toBuilder().setSequence(Tag.WaveformSequence, List.of(group)).build());

        Ecg ecg = EcgReaders.read(file, null);

        Lead ii = ecg.rhythm().leads().get(0);
        assertThat(ii.name()).isEqualTo(LeadName.II);
        assertThat(ecg.representativeBeat()).isEmpty();
        float[] expected = new float[raw.length];
        for (int i = 0; i < raw.length; i++) {
            expected[i] = raw[i] == -128 ? 0f : (float) (raw[i] * 0.5 * 1.1 * 1000 + 200);
        }
        assertThat(ii.microvolts()).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-3f));
    }

    /**
     * Every integer Waveform Sample Interpretation of C.10.9.1.5, little-endian: the expected
     * values are the two's-complement / unsigned readings of the bytes, times 2 µV.
     */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource({
        "8, SB, 'ff 7f 80', '-1 127 -128'",
        "8, UB, 'ff 7f 80', '255 127 128'",
        "16, SS, 'ff ff 00 80 ff 7f', '-1 -32768 32767'",
        "16, US, 'ff ff 00 80 ff 7f', '65535 32768 32767'",
        "32, SL, 'ff ff ff ff 00 00 01 00 00 00 00 80', '-1 65536 -2147483648'",
        "32, UL, 'ff ff ff ff 00 00 01 00 00 00 00 80', '4294967295 65536 2147483648'"})
    void decodesEverySampleInterpretation(int bits, String interpretation, String hexBytes, String values)
            throws Exception {
        String[] h = hexBytes.split(" ");
        byte[] raw = new byte[h.length];
        for (int i = 0; i < h.length; i++) {
            raw[i] = (byte) Integer.parseInt(h[i], 16);
        }
        // The reader alone, without EcgReaders' validator: 4294967295 × 2 µV is outside its ±100 mV.
        Ecg ecg = new DicomEcgReader().read(oneChannelObject(bits, interpretation, raw, "2", "uV"));
        float[] uv = ecg.rhythm().leads().get(0).microvolts();
        String[] v = values.split(" ");
        assertThat(uv).hasSize(v.length);
        for (int i = 0; i < v.length; i++) {
            assertThat((double) uv[i]).isCloseTo(Long.parseLong(v[i]) * 2.0, org.assertj.core.data.Percentage.withPercentage(1e-5));
        }
    }

    @Test
    void expandsG711MuLawAndALaw() {
        // ITU-T G.711: µ-law 0x80/0x00 are the largest magnitudes ±8031 (14-bit), 0xFF is 0;
        // A-law 0xD5 is the smallest positive step (+1, 13-bit), 0x2A the largest negative (-4032).
        assertThat(SampleFormat.ulaw(0x80)).isEqualTo(8031);
        assertThat(SampleFormat.ulaw(0x00)).isEqualTo(-8031);
        assertThat(SampleFormat.ulaw(0xFF)).isZero();
        assertThat(SampleFormat.alaw(0xD5)).isEqualTo(1);
        assertThat(SampleFormat.alaw(0x55)).isEqualTo(-1);
        assertThat(SampleFormat.alaw(0xAA)).isEqualTo(4032);
        assertThat(SampleFormat.alaw(0x2A)).isEqualTo(-4032);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.840.10008.5.1.4.1.1.9.1.2", "1.2.840.10008.5.1.4.1.1.9.1.3"})
    void readsGeneralAndAmbulatoryEcgClassesToo(String sopClass) throws Exception {
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        byte[] file = part10(ds.toBuilder().setString(Tag.SOPClassUID, VR.UI, sopClass).build());
        assertThat(EcgReaders.read(file, null).rhythm().leads()).hasSize(12);
    }

    @Test
    void rejectsAnUnknownSensitivityUnit() throws Exception {
        byte[] file = oneChannelObject(16, "SS", new byte[] {1, 0}, "1", "mm[Hg]");
        assertThatThrownBy(() -> EcgReaders.read(file, null)).hasMessageStartingWith("HZ-7004")
                .hasMessageContaining("'mm[Hg]'");
    }

    @Test
    void rejectsBitsAllocatedThatContradictTheInterpretation() throws Exception {
        byte[] file = oneChannelObject(8, "SS", new byte[] {1, 0}, "1", "uV");
        assertThatThrownBy(() -> EcgReaders.read(file, null)).hasMessageStartingWith("HZ-7004")
                .hasMessageContaining("Waveform Bits Allocated 8 does not match sample interpretation SS");
    }

    /** The shared object's header with one single-channel lead II group of the given encoding. */
    private static byte[] oneChannelObject(int bits, String interpretation, byte[] raw, String sensitivity, String unit)
            throws IOException {
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        DataSet code = DataSet.builder().setString(Tag.CodeValue, VR.SH, "2:2").setString(Tag.CodingSchemeDesignator, VR.SH, "MDC")
                .setString(Tag.CodeMeaning, VR.LO, "Lead II").build();
        DataSet units = DataSet.builder().setString(Tag.CodeValue, VR.SH, unit).setString(Tag.CodingSchemeDesignator, VR.SH, "UCUM")
                .setString(Tag.CodeMeaning, VR.LO, unit).build();
        DataSet def = DataSet.builder().setSequence(Tag.ChannelSourceSequence, List.of(code))
                .setString(Tag.ChannelSensitivity, VR.DS, sensitivity).setSequence(Tag.ChannelSensitivityUnitsSequence, List.of(units))
                .build();
        DataSet group = DataSet.builder().setString(Tag.WaveformOriginality, VR.CS, "ORIGINAL")
                .setInt(Tag.NumberOfWaveformChannels, VR.US, 1).setInt(Tag.NumberOfWaveformSamples, VR.UL, raw.length / (bits / 8))
                .setString(Tag.SamplingFrequency, VR.DS, "500").setSequence(Tag.ChannelDefinitionSequence, List.of(def))
                .setInt(Tag.WaveformBitsAllocated, VR.US, bits).setString(Tag.WaveformSampleInterpretation, VR.CS, interpretation)
                .setBytes(Tag.WaveformData, bits == 8 ? VR.OB : VR.OW, raw).build();
        return part10(ds.toBuilder().setSequence(Tag.WaveformSequence, List.of(group)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"2:1|MDC|I", "2:61|MDC|III", "2:64|MDC|AVF", "2:8|MDC|V6", "5.6.3-9-62|SCPECG|AVR",
        "5.6.3-9-3|SCPECG|V1", "MDC_ECG_LEAD_AVL|MDC|AVL"})
    void mapsCid3001CodesToLeads(String spec) {
        String[] p = spec.split("\\|");
        assertThat(DicomEcgReader.leadFromCode(p[0], p[1])).contains(LeadName.valueOf(p[2]));
    }

    @Test
    void fallsBackToTheCodeMeaning() {
        assertThat(DicomEcgReader.leadFromText("Lead I (Einthoven)")).contains(LeadName.I);
        assertThat(DicomEcgReader.leadFromText("Lead aVR")).contains(LeadName.AVR);
        assertThat(DicomEcgReader.leadFromText("Esophageal")).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    static byte[] part10(DataSet ds) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomWriter.writePart10(out, FileMetaInfo.forDataSet(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null), ds,
                WriteOptions.DEFAULT);
        return out.toByteArray();
    }

    private static byte[] mutateRhythmGroup(UnaryOperator<DataSet.Builder> change) throws IOException {
        DataSet ds = DicomReader.readFile(EcgTestFiles.ecg(SHARED.get(0)), ReadOptions.DEFAULT).dataSet();
        List<DataSet> groups = new ArrayList<>(ds.getSequence(Tag.WaveformSequence).orElseThrow());
        groups.set(0, change.apply(groups.get(0).toBuilder()).build());
        return part10(ds.toBuilder().setSequence(Tag.WaveformSequence, groups).build());
    }

    private static final Pattern OW_LINE = Pattern.compile("^\\s*\\(5400,1010\\) OW (\\S+)");

    /** Every Waveform Data value in the file as DCMTK reads it ({@code dcmdump +L +P 5400,1010}). */
    static List<short[]> dcmdumpWaveformWords(Path file) throws IOException {
        List<short[]> out = new ArrayList<>();
        for (String line : dcmdump(file, "+L", "+P", "5400,1010").split("\n")) {
            Matcher m = OW_LINE.matcher(line);
            if (m.find()) {
                String[] hex = m.group(1).split("\\\\");
                short[] w = new short[hex.length];
                for (int i = 0; i < hex.length; i++) {
                    w[i] = (short) Integer.parseInt(hex[i], 16);
                }
                out.add(w);
            }
        }
        return out;
    }

    /** Every DS value of a tag as DCMTK prints it. */
    static List<Double> dcmdumpDecimals(Path file, String tag) throws IOException {
        List<Double> out = new ArrayList<>();
        Pattern p = Pattern.compile("^\\s*\\(" + tag + "\\) DS \\[([^\\]]*)\\]");
        for (String line : dcmdump(file, "+P", tag).split("\n")) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                out.add(Double.parseDouble(m.group(1)));
            }
        }
        return out;
    }

    static String dcmdump(Path file, String... options) {
        List<String> cmd = new ArrayList<>(List.of("dcmdump", "-q"));
        cmd.addAll(List.of(options));
        cmd.add(file.toString());
        NetTestSupport.Run run = NetTestSupport.run(cmd, Map.of(), 60);
        assertThat(run.exitCode()).as("dcmdump exit code; output: " + run.output().lines().limit(5).toList()).isZero();
        return run.output();
    }

    static Path temp(byte[] content, String suffix) throws IOException {
        Path p = Files.createTempFile("hz-ecg", suffix);
        Files.write(p, content);
        p.toFile().deleteOnExit();
        return p;
    }
}
