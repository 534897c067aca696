package org.huizhen.dicom.ecg.xml;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.LeadName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Hl7AecgReaderTest {
    private static final String SUBJECT1 = "aecg_FDA_subject1_0.xml";
    private static final String MINIMUM = "aecg_FDA_minimum.xml";
    private final Hl7AecgReader reader = new Hl7AecgReader();

    @Test
    void readsTheFdaSampleRhythmAs12LeadsOf10sAt500Hz() throws Exception {
        Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(SUBJECT1));

        assertThat(ecg.format()).isEqualTo(EcgFormat.HL7_AECG);
        EcgWaveform r = ecg.rhythm();
        // increment 0.002 s -> 500 Hz; 5000 digits per lead -> 10 s; leads in the file's order
        assertThat(r.sampleRateHz()).isEqualTo(500.0);
        assertThat(r.labels()).containsExactly("I", "II", "V1", "V2", "V3", "V4", "V5", "V6", "III", "aVR", "aVL", "aVF");
        assertThat(r.samplesPerLead()).isEqualTo(5000);
        assertThat(r.durationSeconds()).isEqualTo(10.0);
        // an R wave of lead II is a few hundred µV to a few mV
        float peak = max(r.lead(LeadName.II).orElseThrow().microvolts(), true);
        assertThat(peak).isBetween(300f, 3000f);
    }

    @Test
    void readsTheRepresentativeBeatFromTheDerivedSeries() throws Exception {
        Ecg ecg = reader.read(EcgTestFiles.bytes(SUBJECT1));

        EcgWaveform beat = ecg.representativeBeat().orElseThrow();
        // REPRESENTATIVE_BEAT derivedSeries: GLIST_PQ increment 0.002 s, 599 digits per lead
        assertThat(beat.sampleRateHz()).isEqualTo(500.0);
        assertThat(beat.samplesPerLead()).isEqualTo(599);
        assertThat(beat.leads()).hasSize(12);
    }

    @Test
    void samplesAreTheDigitsTimesTheScale() throws Exception {
        String text = XmlTestFiles.text(SUBJECT1, UTF_8);
        // the first lead II sequence of the file is the rhythm's; read its scale and digits with plain string
        // handling, not with the reader
        String seq = XmlTestFiles.find(text, "code=\"MDC_ECG_LEAD_II\"(.*?)</sequence>");
        double scale = Double.parseDouble(XmlTestFiles.find(seq, "<scale value=\"([^\"]+)\" unit=\"uV\""));
        double origin = Double.parseDouble(XmlTestFiles.find(seq, "<origin value=\"([^\"]+)\" unit=\"uV\""));
        String[] digits = XmlTestFiles.find(seq, "<digits>([^<]*)</digits>").trim().split("\\s+");

        float[] ii = reader.read(EcgTestFiles.bytes(SUBJECT1)).rhythm().lead(LeadName.II).orElseThrow().microvolts();

        assertThat(ii).hasSize(digits.length);
        for (int i = 0; i < digits.length; i++) {
            assertThat(ii[i]).as("sample %d", i).isEqualTo((float) (origin + scale * Integer.parseInt(digits[i])));
        }
    }

    @Test
    void deviceMeasurementsAreTheAnnotationValuesOfTheFile() throws Exception {
        byte[] file = EcgTestFiles.bytes(SUBJECT1);
        DeviceMeasurements m = reader.read(file).deviceMeasurements();

        // the representative beat's annotation set carries the global values (per-beat ones sit inside MDC_ECG_BEAT)
        String set = "//*[local-name()='derivedSeries']/*[local-name()='subjectOf']/*[local-name()='annotationSet']"
                + "/*[local-name()='component']/*[local-name()='annotation'][*[local-name()='code']/@code='%s']"
                + "/*[local-name()='value']/@value";
        assertThat(m.prMs()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_TIME_PD_PR")));
        assertThat(m.qrsMs()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_TIME_PD_QRS")));
        assertThat(m.qtMs()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_TIME_PD_QT")));
        assertThat(m.qtcMs()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_TIME_PD_QTc")));
        assertThat(m.pAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_ANGLE_P_FRONT")));
        assertThat(m.qrsAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_ANGLE_QRS_FRONT")));
        assertThat(m.tAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, set.formatted("MDC_ECG_ANGLE_T_FRONT")));
        // the file has no heart-rate or RR annotation, so the device's values are absent, not invented
        assertThat(XmlTestFiles.xpath(file, "count(//*[@code='MDC_ECG_HEART_RATE'])")).isEqualTo("0");
        assertThat(m.heartRateBpm()).isNull();
        assertThat(m.rrMs()).isNull();
    }

    @Test
    void statementPatientDeviceAndTimeComeFromTheFile() throws Exception {
        Ecg ecg = reader.read(EcgTestFiles.bytes(SUBJECT1));

        // MDC_ECG_RHY annotation, displayName "Sinus Rhythm"
        assertThat(ecg.deviceStatements()).containsExactly("Sinus Rhythm");
        // effectiveTime/center 20021122091000
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2002, 11, 22, 9, 10, 0));
        // trialSubject id "subject1", name Clark, gender M, birthTime 19530508, reported age 46 a
        assertThat(ecg.patient().id()).isEqualTo("subject1");
        assertThat(ecg.patient().name()).isEqualTo("Clark");
        assertThat(ecg.patient().sex()).isEqualTo("M");
        assertThat(ecg.patient().birthDate()).isEqualTo(LocalDate.of(1953, 5, 8));
        assertThat(ecg.patient().ageYears()).isEqualTo(46);
        // rhythm series author: Mortara ELI250, software 5.3
        assertThat(ecg.device().manufacturer()).isEqualTo("Mortara Instrument, Inc.");
        assertThat(ecg.device().model()).isEqualTo("ELI250");
        assertThat(ecg.device().software()).isEqualTo("5.3");
    }

    @Test
    void readsTheMinimalExampleWithOneLeadOf13Samples() throws Exception {
        Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(MINIMUM));

        assertThat(ecg.rhythm().labels()).containsExactly("II");
        assertThat(ecg.rhythm().sampleRateHz()).isEqualTo(500.0);
        // "-2 -2 -2 -2 -3 -4 -3 -5 -5 -4 -6 -9 -9" × 2.5 µV
        assertThat(ecg.rhythm().leads().get(0).microvolts()).containsExactly(
                -5f, -5f, -5f, -5f, -7.5f, -10f, -7.5f, -12.5f, -12.5f, -10f, -15f, -22.5f, -22.5f);
        assertThat(ecg.representativeBeat()).isEmpty();
        assertThat(ecg.deviceMeasurements().isEmpty()).isTrue();
    }

    @Test
    void truncatedFileIsMalformed() {
        // the shared file is the minimal example cut at 1000 bytes: detected as aECG, then not well-formed
        assertThatThrownBy(() -> EcgReaders.read(EcgTestFiles.bad("bad-truncated-aecg_FDA_minimum.xml")))
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7002").hasMessageContaining("well-formed");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // a lead without scale cannot be converted to voltages
        "scale missing | <scale value=\"2.5\" unit=\"uV\"/> | | HZ-7002",
        "digit not a number | -2 -2 -2 -2 -3 | -2 -2 x2 -2 -3 | HZ-7002",
        "scale unit unknown | <scale value=\"2.5\" unit=\"uV\"/> | <scale value=\"2.5\" unit=\"furlong\"/> | HZ-7004",
        "value type not SLIST_PQ | xsi:type=\"SLIST_PQ\" | xsi:type=\"SLIST_INT\" | HZ-7004",
        // a zero or negative increment gives no sample rate at all
        "zero increment | <increment value=\"0.002\" unit=\"s\"/> | <increment value=\"0\" unit=\"s\"/> | HZ-7003",
        // 1 ns -> 1 GHz: parsed, then refused by the plausibility check
        "absurd sample rate | <increment value=\"0.002\" unit=\"s\"/> | <increment value=\"0.000000001\" unit=\"s\"/> | HZ-7003",
        "no time sequence | <code code=\"TIME_ABSOLUTE\" | <code code=\"SOMETHING_ELSE\" | HZ-7002",
        "wrong root | <AnnotatedECG xmlns | <AnnotatedEKG xmlns | HZ-7001",
        "wrong namespace | xmlns=\"urn:hl7-org:v3\" | xmlns=\"urn:example:other\" | HZ-7001",
        "not a rhythm series | <code code=\"RHYTHM\" | <code code=\"CONTINUOUS\" | HZ-7002",
    })
    void badVariantsOfTheMinimalFileFailWithTheirCode(String why, String from, String to, String code) {
        byte[] bad = XmlTestFiles.edit(MINIMUM, UTF_8, from, to == null ? "" : to);
        assertThatThrownBy(() -> EcgReaders.read(bad, "bad.xml")).as(why)
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith(code);
    }

    @Test
    void wellFormedDocumentWithAnotherRootIsNotAnAecg() {
        // both tags renamed, so the document is well-formed and only its root is wrong
        byte[] other = XmlTestFiles.editAll(MINIMUM, UTF_8, "AnnotatedECG", "ClinicalDocument");
        assertThat(reader.accepts(other, "x.xml")).isFalse();
        assertThatThrownBy(() -> reader.read(other)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7001").hasMessageContaining("ClinicalDocument");
    }

    @Test
    void leadsWithDifferentDigitCountsAreRefused() {
        // a second lead (V1) with 12 digits next to lead II's 13
        String second = "</component>\n<component><sequence><code code=\"MDC_ECG_LEAD_V1\"/>"
                + "<value xsi:type=\"SLIST_PQ\"><origin value=\"0\" unit=\"uV\"/><scale value=\"2.5\" unit=\"uV\"/>"
                + "<digits>1 2 3 4 5 6 7 8 9 10 11 12</digits></value></sequence></component>\n</sequenceSet>";
        byte[] bad = XmlTestFiles.edit(MINIMUM, UTF_8, "</component>\n\t\t\t\t</sequenceSet>", second);

        assertThatThrownBy(() -> reader.read(bad)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7003").hasMessageContaining("V1").hasMessageContaining("12");
    }

    @ParameterizedTest(name = "increment {0} {1} -> {2} Hz")
    @CsvSource({"0.002, s, 500", "2, ms, 500", "1, ms, 1000", "4000, us, 250"})
    void sampleRateIsTheInverseOfTheIncrementInItsUnit(String value, String unit, double hz) throws Exception {
        byte[] f = XmlTestFiles.edit(MINIMUM, UTF_8, "<increment value=\"0.002\" unit=\"s\"/>",
                "<increment value=\"" + value + "\" unit=\"" + unit + "\"/>");
        assertThat(reader.read(f).rhythm().sampleRateHz()).isCloseTo(hz, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void millivoltScaleAndOriginAreConvertedToMicrovolts() throws Exception {
        // SLIST: value = origin + scale × digit, here in mV: 0.1 mV + 0.005 mV × digit
        byte[] mv = XmlTestFiles.edit(MINIMUM, UTF_8, "<origin value=\"0\" unit=\"uV\"/>\n\t\t\t\t\t\t\t\t<scale value=\"2.5\" unit=\"uV\"/>",
                "<origin value=\"0.1\" unit=\"mV\"/><scale value=\"0.005\" unit=\"mV\"/>");
        float[] uv = reader.read(mv).rhythm().leads().get(0).microvolts();
        // first digit -2: 100 µV + 5 µV × -2
        assertThat(uv[0]).isCloseTo(90f, org.assertj.core.data.Offset.offset(1e-3f));
        assertThat(uv[12]).isCloseTo(100f - 45f, org.assertj.core.data.Offset.offset(1e-3f));
    }

    private static float max(float[] s, boolean positive) {
        float m = positive ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (float v : s) {
            m = positive ? Math.max(m, v) : Math.min(m, v);
        }
        return m;
    }

    @Test
    void digitsParserRefusesTokensThatAreNotIntegers() {
        assertThatThrownBy(() -> AecgDigits.parse("1 2 3.5 4", "t")).hasMessageStartingWith("HZ-7002").hasMessageContaining("3.5");
        assertThatThrownBy(() -> AecgDigits.parse("1 99999999999", "t")).hasMessageStartingWith("HZ-7002");
    }

    @Test
    void digitsParserReadsSignsAndAnyWhitespace() throws Exception {
        assertThat(AecgDigits.parse("\n  -2\t+3 0\r\n-2147483648 2147483647 ", "t"))
                .containsExactly(-2, 3, 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
        assertThat(AecgDigits.parse("   ", "t")).isEmpty();
        assertThat(Arrays.stream(AecgDigits.parse("5", "t")).sum()).isEqualTo(5);
    }
}
