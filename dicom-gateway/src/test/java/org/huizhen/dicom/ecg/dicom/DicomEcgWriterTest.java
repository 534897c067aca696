package org.huizhen.dicom.ecg.dicom;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.ecg.DerivedLeads;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.net.NetTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DicomEcgWriter}: round trips through {@link DicomEcgReader}, the choice between the
 * 12-Lead and General ECG IODs, the sensitivity rule, and acceptance of the written files by
 * DCMTK ({@code dcmdump}) and dicom3tools ({@code dciodvfy}, which checks the IOD's modules).
 */
class DicomEcgWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"waveform_ecg.dcm", "waveform_ecg_DERIVED-implicitVR.dcm", "waveform_ecg_DERIVED-deflated.dcm"})
    void sharedEcgSurvivesAWriteAndReadWithinOneQuantisationStep(String name) throws Exception {
        Ecg original = DicomEcgReaderTest.readShared(name);

        byte[] written = DicomEcgWriter.write(original, DicomEcgIdentity.NONE);
        Ecg back = EcgReaders.read(written, "out.dcm");

        // 12 rhythm + 12 median channels are more than the 13 a 12-lead object may hold in total
        // (PS3.3 A.34.3.4.3), so the writer must choose General ECG.
        assertThat(sopClass(written)).isEqualTo(UID.GeneralECGWaveformStorage);
        assertSameWaveform(back.rhythm(), original.rhythm());
        assertSameWaveform(back.representativeBeat().orElseThrow(), original.representativeBeat().orElseThrow());
        assertThat(back.deviceMeasurements()).isEqualTo(roundedTo3Decimals(original.deviceMeasurements()));
        assertThat(back.deviceStatements()).isEqualTo(original.deviceStatements());
        assertThat(back.patient()).isEqualTo(original.patient());
        assertThat(back.device()).isEqualTo(original.device());
        assertThat(back.acquired()).isEqualTo(original.acquired());
    }

    /**
     * Every sample within half the written step (1 µV here: the shared ECG's largest sample is a
     * few mV): rounding to the nearest step is the only loss.
     */
    private static void assertSameWaveform(EcgWaveform back, EcgWaveform original) {
        assertThat(back.sampleRateHz()).isEqualTo(original.sampleRateHz());
        assertThat(back.leads()).extracting(Lead::name).containsExactlyElementsOf(
                original.leads().stream().map(Lead::name).toList());
        for (int i = 0; i < original.leads().size(); i++) {
            float[] a = original.leads().get(i).microvolts();
            float[] b = back.leads().get(i).microvolts();
            assertThat(b).hasSameSizeAs(a);
            for (int j = 0; j < a.length; j++) {
                if (Math.abs(a[j] - b[j]) > 0.5f + 1e-3f) {
                    throw new AssertionError("lead " + i + " sample " + j + ": " + b[j] + " µV written back, " + a[j]
                            + " µV read");
                }
            }
        }
    }

    private static DeviceMeasurements roundedTo3Decimals(DeviceMeasurements m) {
        // The writer keeps three decimals (the derived rate 61.09979… becomes 61.1).
        return new DeviceMeasurements(r(m.heartRateBpm()), r(m.rrMs()), r(m.prMs()), r(m.qrsMs()), r(m.qtMs()),
                r(m.qtcMs()), r(m.pAxisDeg()), r(m.qrsAxisDeg()), r(m.tAxisDeg()));
    }

    private static Double r(Double v) {
        return v == null ? null : Math.round(v * 1000) / 1000.0;
    }

    @Test
    void rhythmWithoutMedianBeatFitsTheTwelveLeadIod() throws Exception {
        Ecg shared = DicomEcgReaderTest.readShared("waveform_ecg.dcm");
        Ecg rhythmOnly = new Ecg(shared.format(), shared.acquired(), shared.patient(), shared.device(), shared.rhythm(),
                Optional.empty(), shared.deviceMeasurements(), shared.deviceStatements(), null);
        // 12 channels, 1000 Hz, 10000 samples: inside every A.34.3.4 limit.
        assertThat(DicomEcgWriter.sopClassFor(rhythmOnly)).isEqualTo(UID.TwelveLeadECGWaveformStorage);
    }

    @Test
    void synthetic500HzEcgBecomesATwelveLeadObjectWithOnlyTheRecordedLeads() throws Exception {
        Ecg ecg = synthetic(500, 5000, List.of(LeadName.I, LeadName.II, LeadName.V1, LeadName.V2, LeadName.V3,
                LeadName.V4, LeadName.V5, LeadName.V6)).withDerivedLeads();
        assertThat(ecg.rhythm().leads()).hasSize(12); // III, aVR, aVL, aVF derived by the hub

        byte[] written = DicomEcgWriter.write(ecg, DicomEcgIdentity.NONE);

        assertThat(sopClass(written)).isEqualTo(UID.TwelveLeadECGWaveformStorage);
        Ecg back = EcgReaders.read(written, null);
        assertThat(back.rhythm().leads()).extracting(Lead::name).containsExactly(LeadName.I, LeadName.II,
                LeadName.V1, LeadName.V2, LeadName.V3, LeadName.V4, LeadName.V5, LeadName.V6);
        assertThat(back.rhythm().sampleRateHz()).isEqualTo(500.0);
        assertSameWaveform(back.rhythm(), DicomEcgWriter.recordedLeads(ecg.rhythm()));
    }

    @ParameterizedTest(name = "{0} Hz, {1} leads, {2} samples -> {3}")
    @CsvSource({
        "500, 12, 5000, 1.2.840.10008.5.1.4.1.1.9.1.1",
        "1000, 13, 16384, 1.2.840.10008.5.1.4.1.1.9.1.1",
        "200, 1, 2000, 1.2.840.10008.5.1.4.1.1.9.1.1",
        // above 1000 Hz no ECG IOD conforms; the writer keeps the rate in a General ECG object
        "2000, 12, 20000, 1.2.840.10008.5.1.4.1.1.9.1.2",
        // more than 13 channels (A.34.3.4.3) but within General ECG's 24 (A.34.4.4.3)
        "500, 20, 5000, 1.2.840.10008.5.1.4.1.1.9.1.2",
        // more than 16384 samples (A.34.3.4.5)
        "1000, 12, 16385, 1.2.840.10008.5.1.4.1.1.9.1.2",
        "150, 12, 1500, 1.2.840.10008.5.1.4.1.1.9.1.2"})
    void choosesTheIodFromItsConstraints(double rate, int leads, int samples, String expectedSopClass) throws Exception {
        List<LeadName> names = new ArrayList<>();
        for (int i = 0; i < leads; i++) {
            names.add(i < 12 ? LeadName.STANDARD_12.get(i) : LeadName.OTHER);
        }
        Ecg ecg = synthetic(rate, samples, names);

        byte[] written = DicomEcgWriter.write(ecg, DicomEcgIdentity.NONE);

        assertThat(sopClass(written)).isEqualTo(expectedSopClass);
        Ecg back = EcgReaders.read(written, null);
        assertThat(back.rhythm().leads()).hasSize(leads);
        assertThat(back.rhythm().samplesPerLead()).isEqualTo(samples);
        assertThat(back.rhythm().sampleRateHz()).isEqualTo(rate);
    }

    @ParameterizedTest(name = "max {0} µV -> {1} µV per unit")
    @CsvSource({"0, 1", "2500, 1", "32767, 1", "32768, 2", "65534, 2", "65535, 5", "163835, 5", "163836, 10",
        "327671, 20"})
    void sensitivityIsOneMicrovoltUnlessTheSignalWouldClip(double maxAbs, double expected) {
        double step = DicomEcgWriter.sensitivity(maxAbs);
        assertThat(step).isEqualTo(expected);
        assertThat(maxAbs / step).isLessThanOrEqualTo(Short.MAX_VALUE); // no sample clips
    }

    @Test
    void largeSignalsAreNotClipped() throws Exception {
        // 90 mV is absurd for an ECG but inside the validator's ±100 mV: it must survive at a 5 µV step.
        float[] s = new float[1000];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (90_000 * Math.sin(i / 30.0));
        }
        Ecg ecg = new Ecg(EcgFormat.SCP_ECG, null, null, null, new EcgWaveform(500, List.of(Lead.of(LeadName.II, s))),
                Optional.empty(), null, null, null);
        Ecg back = EcgReaders.read(DicomEcgWriter.write(ecg, DicomEcgIdentity.NONE), null);
        float[] b = back.rhythm().leads().get(0).microvolts();
        for (int i = 0; i < s.length; i++) {
            assertThat(Math.abs(b[i] - s[i])).as("sample " + i).isLessThanOrEqualTo(2.5f + 1e-2f);
        }
    }

    @Test
    void identityOverridesThePatientAndSetsUidsAndText() throws Exception {
        Ecg ecg = synthetic(500, 5000, List.of(LeadName.I, LeadName.II));
        DicomEcgIdentity id = new DicomEcgIdentity("HZ0001", "王^小东", "M", LocalDate.of(1960, 5, 4), "1.2.3.4",
                "1.2.3.4.5", "1.2.3.4.5.6", "ACC42", "乡镇卫生院", 7, 3, "converted from SCP-ECG by Huizhen");

        byte[] written = DicomEcgWriter.write(ecg, id);

        DataSet ds = DicomReader.readPart10(new ByteArrayInputStream(written), ReadOptions.DEFAULT).dataSet();
        assertThat(ds.getString(Tag.SpecificCharacterSet)).contains("ISO_IR 192"); // Chinese text needs UTF-8
        assertThat(ds.getString(Tag.PatientName)).contains("王^小东");
        assertThat(ds.getString(Tag.PatientID)).contains("HZ0001");
        assertThat(ds.getString(Tag.PatientSex)).contains("M");
        assertThat(ds.getString(Tag.PatientBirthDate)).contains("19600504");
        assertThat(ds.getString(Tag.StudyInstanceUID)).contains("1.2.3.4");
        assertThat(ds.getString(Tag.SeriesInstanceUID)).contains("1.2.3.4.5");
        assertThat(ds.getString(Tag.SOPInstanceUID)).contains("1.2.3.4.5.6");
        assertThat(ds.getString(Tag.AccessionNumber)).contains("ACC42");
        assertThat(ds.getString(Tag.InstitutionName)).contains("乡镇卫生院");
        assertThat(ds.getString(Tag.Modality)).contains("ECG");
        assertThat(ds.getInt(Tag.SeriesNumber)).contains(7);
        assertThat(ds.getInt(Tag.InstanceNumber)).contains(3);
        assertThat(ds.getString(Tag.SeriesDescription)).contains("converted from SCP-ECG by Huizhen");
        Ecg back = EcgReaders.read(written, null);
        assertThat(back.sopInstanceUid()).isEqualTo("1.2.3.4.5.6");
        assertThat(back.patient().name()).isEqualTo("王^小东");
    }

    @Test
    void generatedUidsAreValidAndDistinct() {
        String a = DicomEcgIdentity.newUid();
        String b = DicomEcgIdentity.newUid();
        // PS3.5 9.1: digits and dots, at most 64 characters, no leading zero in a component.
        assertThat(a).matches("2\\.25\\.(0|[1-9][0-9]*)").hasSizeLessThanOrEqualTo(64).isNotEqualTo(b);
    }

    // ---------------------------------------------------------------- external validators

    @ParameterizedTest
    @ValueSource(strings = {"twelve-lead", "general-20-leads", "shared-round-trip"})
    void dcmtkReadsTheWrittenFileWithoutComplaint(String which) throws Exception {
        NetTestSupport.requireTool("dcmdump");
        Path file = writtenSample(which);
        NetTestSupport.Run run = NetTestSupport.run(List.of("dcmdump", "-q", "+L", file.toString()), Map.of(), 60);
        assertThat(run.exitCode()).isZero();
        // dcmdump prints parse problems as "E: …" and "W: …" lines.
        assertThat(run.output().lines().filter(l -> l.startsWith("E:") || l.startsWith("W:")).toList()).isEmpty();
        assertThat(run.output()).contains("(5400,1010) OW");
    }

    /**
     * dciodvfy (dicom3tools) checks every module of the IOD the SOP class names: mandatory
     * attributes, types, enumerated values, the A.34.3.4 / A.34.4.4 constraints it implements.
     */
    @ParameterizedTest
    @ValueSource(strings = {"twelve-lead", "general-20-leads", "shared-round-trip"})
    void dicom3toolsFindsNoIodErrors(String which) throws Exception {
        NetTestSupport.requireTool("dciodvfy");
        Path file = writtenSample(which);
        NetTestSupport.Run run = NetTestSupport.run(List.of("dciodvfy", file.toString()), Map.of(), 60);
        List<String> errors = run.output().lines().filter(l -> l.contains("Error")).toList();
        assertThat(errors).as(run.output()).isEmpty();
        assertThat(run.output()).contains(which.equals("twelve-lead") ? "TwelveLeadECG" : "GeneralECG");
    }

    private Path writtenSample(String which) throws Exception {
        Ecg ecg = switch (which) {
            case "twelve-lead" -> synthetic(500, 5000, LeadName.STANDARD_12);
            case "general-20-leads" -> {
                List<LeadName> names = new ArrayList<>(LeadName.STANDARD_12);
                names.addAll(List.of(LeadName.V7, LeadName.V8, LeadName.V9, LeadName.V3R, LeadName.V4R, LeadName.X,
                        LeadName.Y, LeadName.Z));
                yield synthetic(500, 5000, names);
            }
            default -> DicomEcgReaderTest.readShared("waveform_ecg.dcm");
        };
        Path file = dir.resolve(which + ".dcm");
        Files.write(file, DicomEcgWriter.write(ecg, new DicomEcgIdentity("P1", "Test^Patient", "F", null, null, null,
                null, "A1", "Clinic", 1, 1, "test")));
        return file;
    }

    // ---------------------------------------------------------------- helpers

    private static String sopClass(byte[] part10) throws Exception {
        return DicomReader.readPart10(new ByteArrayInputStream(part10), ReadOptions.DEFAULT).dataSet()
                .getString(Tag.SOPClassUID).orElseThrow();
    }

    /**
     * A synthetic ECG: per lead a 1 Hz train of Gaussian "QRS" spikes of a lead-specific height
     * (0.3-1.5 mV) on a slow sine, so each lead differs and values are not multiples of a step.
     */
    static Ecg synthetic(double rate, int samples, List<LeadName> names) {
        List<Lead> leads = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            float[] s = new float[samples];
            double height = 300 + 100 * k;
            for (int i = 0; i < samples; i++) {
                double t = i / rate;
                double phase = t % 1.0 - 0.5;
                s[i] = (float) (height * Math.exp(-phase * phase / (2 * 0.012 * 0.012)) + 80 * Math.sin(2 * Math.PI * 0.3 * t + k)
                        + 0.37 * k);
            }
            LeadName n = names.get(k);
            leads.add(new Lead(n, n == LeadName.OTHER ? "EXTRA" + k : n.label(), s, false));
        }
        return new Ecg(EcgFormat.HL7_AECG, LocalDateTime.of(2026, 3, 1, 8, 30, 5), new EcgPatient("42", "Li^Lei", "F",
                LocalDate.of(1980, 2, 3), null), new EcgDevice("Acme", "Cart 1", "SN1", "1.0"),
                new EcgWaveform(rate, leads), Optional.empty(),
                new DeviceMeasurements(72.0, 833.0, 150.0, 90.0, 380.0, 415.0, 40.0, 30.0, 20.0),
                List.of("Sinus rhythm", "Normal ECG"), null);
    }

    @Test
    void derivedOnlyWaveformIsWrittenWhole() {
        // An ECG whose every lead was derived (unusual, but the model allows it) keeps all of them.
        Ecg ecg = synthetic(500, 1000, List.of(LeadName.I, LeadName.II));
        EcgWaveform derived = DerivedLeads.complete(ecg.rhythm());
        EcgWaveform onlyDerived = new EcgWaveform(500, derived.leads().stream().filter(Lead::derived).toList());
        assertThat(DicomEcgWriter.recordedLeads(onlyDerived).leads()).hasSize(4);
    }
}
