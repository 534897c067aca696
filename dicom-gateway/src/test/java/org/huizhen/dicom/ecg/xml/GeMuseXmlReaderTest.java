package org.huizhen.dicom.ecg.xml;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Base64;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.LeadName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeMuseXmlReaderTest {
    private static final String MUSE = "muse_braveheart_example1.xml";
    private final GeMuseXmlReader reader = new GeMuseXmlReader();

    @Test
    void readsTheRhythmAsTheEightStoredLeadsOf10sAt500Hz() throws Exception {
        // through the registry: detection by root element, the DOCTYPE's restecg.dtd (not shipped) never fetched
        Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(MUSE));

        assertThat(ecg.format()).isEqualTo(EcgFormat.GE_MUSE_XML);
        // MUSE stores I, II, V1-V6; III, aVR, aVL, aVF are not in the file and are not derived by the reader
        assertThat(ecg.rhythm().labels()).containsExactly("I", "II", "V1", "V2", "V3", "V4", "V5", "V6");
        assertThat(ecg.rhythm().leads()).noneMatch(l -> l.derived());
        // SampleBase 500 × 10^0; LeadSampleCountTotal 5000
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(500.0);
        assertThat(ecg.rhythm().samplesPerLead()).isEqualTo(5000);
        assertThat(ecg.rhythm().durationSeconds()).isEqualTo(10.0);
        float peak = Float.NEGATIVE_INFINITY;
        for (float v : ecg.rhythm().lead(LeadName.II).orElseThrow().microvolts()) {
            peak = Math.max(peak, v);
        }
        assertThat(peak).isBetween(300f, 3000f);
        // Median waveform: 600 samples per lead at 500 Hz
        assertThat(ecg.representativeBeat().orElseThrow().samplesPerLead()).isEqualTo(600);
        assertThat(ecg.representativeBeat().orElseThrow().leads()).hasSize(8);
        // the model's DerivedLeads completes the 12 leads when asked
        assertThat(ecg.withDerivedLeads().rhythm().leads()).hasSize(12);
    }

    @Test
    void samplesAreTheLittleEndianInt16TimesUnitsPerBit() throws Exception {
        String text = XmlTestFiles.text(MUSE, ISO_8859_1);
        // decode lead II of the Rhythm waveform with a ByteBuffer, independently of the reader
        String rhythm = text.substring(text.indexOf("<WaveformType>Rhythm</WaveformType>"));
        String leadII = XmlTestFiles.find(rhythm, "(<LeadData>(?:(?!</LeadData>).)*<LeadID>II</LeadID>.*?</LeadData>)");
        double perBit = Double.parseDouble(XmlTestFiles.find(leadII, "<LeadAmplitudeUnitsPerBit>([^<]+)<"));
        ByteBuffer data = ByteBuffer.wrap(Base64.getMimeDecoder().decode(
                XmlTestFiles.find(leadII, "<WaveFormData>([^<]+)</WaveFormData>").trim())).order(ByteOrder.LITTLE_ENDIAN);

        float[] ii = reader.read(EcgTestFiles.bytes(MUSE)).rhythm().lead(LeadName.II).orElseThrow().microvolts();

        assertThat(ii).hasSize(data.remaining() / 2);
        for (int i = 0; i < ii.length; i++) {
            assertThat(ii[i]).as("sample %d", i).isEqualTo((float) (data.getShort() * perBit));
        }
    }

    @Test
    void deviceMeasurementsAreThoseOfRestingEcgMeasurements() throws Exception {
        byte[] file = EcgTestFiles.bytes(MUSE);
        DeviceMeasurements m = reader.read(file).deviceMeasurements();

        String p = "/RestingECG/RestingECGMeasurements/";
        assertThat(m.heartRateBpm()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "VentricularRate"));
        assertThat(m.prMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "PRInterval"));
        assertThat(m.qrsMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "QRSDuration"));
        assertThat(m.qtMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "QTInterval"));
        assertThat(m.qtcMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "QTCorrected"));
        assertThat(m.pAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "PAxis"));
        assertThat(m.qrsAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "RAxis"));
        assertThat(m.tAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p + "TAxis"));
        assertThat(m.rrMs()).isEqualTo(XmlTestFiles.xpathNumber(file, "/RestingECG/QRSTimesTypes/GlobalRR"));
    }

    @Test
    void demographicsAndDiagnosisAreRead() throws Exception {
        // the shared file was stripped of demographics upstream; put back the elements a MUSE export has
        String blocks = "<PatientDemographics><PatientID>HZ0001</PatientID><PatientAge>61</PatientAge>"
                + "<AgeUnits>YEARS</AgeUnits><DateofBirth>03-14-1957</DateofBirth><Gender>FEMALE</Gender>"
                + "<PatientLastName>WANG</PatientLastName><PatientFirstName>FANG</PatientFirstName></PatientDemographics>"
                + "<TestDemographics><AcquisitionDevice>MAC55</AcquisitionDevice><AcquisitionTime>15:21:27</AcquisitionTime>"
                + "<AcquisitionDate>11-12-2018</AcquisitionDate><CartNumber>7</CartNumber>"
                + "<AcquisitionSoftwareVersion>010A</AcquisitionSoftwareVersion></TestDemographics>"
                + "<Diagnosis><Modality>RESTING</Modality>"
                + "<DiagnosisStatement><StmtFlag>ENDSLINE</StmtFlag><StmtText>Sinus bradycardia</StmtText></DiagnosisStatement>"
                + "<DiagnosisStatement><StmtText>Otherwise normal ECG</StmtText></DiagnosisStatement></Diagnosis>"
                + "<RestingECGMeasurements>";
        Ecg ecg = reader.read(XmlTestFiles.edit(MUSE, ISO_8859_1, "<RestingECGMeasurements>", blocks));

        assertThat(ecg.patient().id()).isEqualTo("HZ0001");
        assertThat(ecg.patient().name()).isEqualTo("WANG^FANG");
        assertThat(ecg.patient().sex()).isEqualTo("F");
        // MUSE dates are MM-DD-YYYY
        assertThat(ecg.patient().birthDate()).isEqualTo(LocalDate.of(1957, 3, 14));
        assertThat(ecg.patient().ageYears()).isEqualTo(61);
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2018, 11, 12, 15, 21, 27));
        assertThat(ecg.device().model()).isEqualTo("MAC55");
        assertThat(ecg.device().serialNumber()).isEqualTo("7");
        assertThat(ecg.device().software()).isEqualTo("010A");
        assertThat(ecg.deviceStatements()).containsExactly("Sinus bradycardia", "Otherwise normal ECG");
    }

    @Test
    void latin1TextIsDecodedAsDeclared() throws Exception {
        // the file declares ISO-8859-1: byte 0xE9 is 'é', not a broken UTF-8 sequence
        byte[] file = XmlTestFiles.edit(MUSE, ISO_8859_1, "<RestingECGMeasurements>",
                "<Diagnosis><DiagnosisStatement><StmtText>Anomalie r\u00e9polarisation</StmtText></DiagnosisStatement>"
                        + "</Diagnosis><RestingECGMeasurements>");
        assertThat(reader.read(file).deviceStatements()).containsExactly("Anomalie r\u00e9polarisation");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // a changed sample no longer matches LeadDataCRC32
        "corrupted samples | AwACAAIAAQAB | AwADAAIAAQAB | HZ-7002",
        "sample count not the data's | <LeadSampleCountTotal>600</LeadSampleCountTotal> | <LeadSampleCountTotal>601</LeadSampleCountTotal> | HZ-7002",
        "unknown amplitude units | <LeadAmplitudeUnits>MICROVOLTS</LeadAmplitudeUnits> | <LeadAmplitudeUnits>FURLONGS</LeadAmplitudeUnits> | HZ-7004",
        "zero sample rate | <SampleBase>500</SampleBase> | <SampleBase>0</SampleBase> | HZ-7003",
        // 5 MHz: parsed, then refused by the plausibility check
        "absurd sample rate | <SampleBase>500</SampleBase> | <SampleBase>5000000</SampleBase> | HZ-7003",
        "not base64 | AwACAAIAAQAB | Aw*CAAIAAQAB | HZ-7002",
        "no rhythm | <WaveformType>Rhythm</WaveformType> | <WaveformType>Other</WaveformType> | HZ-7002",
    })
    void badVariantsFailWithTheirCode(String why, String from, String to, String code) {
        byte[] bad = XmlTestFiles.edit(MUSE, ISO_8859_1, from, to);
        assertThatThrownBy(() -> EcgReaders.read(bad, "bad.xml")).as(why)
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith(code);
    }

    @Test
    void leadsOfDifferentLengthsInOneWaveformAreRefused() {
        // V6 of the Rhythm waveform replaced by the Median's V6 (600 samples beside 5000); CRCs removed
        String text = XmlTestFiles.text(MUSE, ISO_8859_1).replaceAll("<LeadDataCRC32>\\d+</LeadDataCRC32>", "");
        int rhythm = text.indexOf("<WaveformType>Rhythm</WaveformType>");
        String medianV6 = XmlTestFiles.find(text.substring(0, rhythm),
                "(<LeadByteCountTotal>1200</LeadByteCountTotal>(?:(?!</LeadData>).)*<LeadID>V6</LeadID>.*?)</LeadData>");
        int v6 = text.indexOf("<LeadID>V6</LeadID>", rhythm);
        int start = text.lastIndexOf("<LeadData>", v6) + "<LeadData>".length();
        int end = text.indexOf("</LeadData>", v6);
        byte[] bad = (text.substring(0, start) + medianV6 + text.substring(end)).getBytes(ISO_8859_1);

        assertThatThrownBy(() -> reader.read(bad)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7003").hasMessageContaining("V6").hasMessageContaining("600");
    }
}
