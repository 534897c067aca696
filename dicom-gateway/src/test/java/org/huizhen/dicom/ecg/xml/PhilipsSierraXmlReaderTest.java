package org.huizhen.dicom.ecg.xml;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.LocalDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgTestFiles;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhilipsSierraXmlReaderTest {
    private static final String SIERRA = "philips_sierra_129DYPRG.XML";
    private static final List<String> TWELVE = List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
    private final PhilipsSierraXmlReader reader = new PhilipsSierraXmlReader();

    @Test
    void readsTheXliCompressedFileAsTwelveLeadsAt500Hz() throws Exception {
        Ecg ecg = EcgReaders.read(EcgTestFiles.ecg(SIERRA));

        assertThat(ecg.format()).isEqualTo(EcgFormat.PHILIPS_SIERRA_XML);
        EcgWaveform r = ecg.rhythm();
        assertThat(r.labels()).containsExactlyElementsOf(TWELVE);
        assertThat(r.sampleRateHz()).isEqualTo(500.0);
        // 16 chunks of 5500 samples (durationperchannel 11000 ms); numberchannelsvalid 12 keeps 12. The ECG ends at
        // sample 5264: from there every channel holds the same values (86 zeros, a 100-sample 1 mV calibration
        // pulse, 50 zeros), found by an independent Python decoding while writing the reader; that trailer is cut.
        assertThat(r.samplesPerLead()).isEqualTo(5264);
        assertThat(r.durationSeconds()).isEqualTo(10.528);
        float peak = Float.NEGATIVE_INFINITY;
        for (float v : r.lead(LeadName.II).orElseThrow().microvolts()) {
            peak = Math.max(peak, Math.abs(v));
        }
        assertThat(peak).isBetween(300f, 3000f);
        assertThat(ecg.representativeBeat()).isEmpty();
    }

    @ParameterizedTest(name = "{0}[{1}] = {2} µV")
    @CsvSource({
        // values from an independent Python decoding of the same file (LZW, byte halves, second-order deltas,
        // limb residuals), × 5 µV per bit (signalresolution)
        "I, 0, 240", "I, 1000, -55", "I, 4999, -85",
        "II, 0, 585", "II, 2345, -105", "II, 4999, -455",
        "III, 0, 345", "III, 1000, -35", "III, 4999, -370",
        "aVR, 0, -415", "aVR, 2345, 80", "aVR, 4999, 270",
        "aVL, 0, -50", "aVL, 2, -80", "aVL, 4999, 140",
        "aVF, 0, 465", "aVF, 1, 460", "aVF, 4999, -410",
        "V1, 0, 165", "V1, 4999, 225", "V1, 5263, 5",
    })
    void decodedSamplesMatchAnIndependentDecoding(String lead, int index, float microvolts) throws Exception {
        Lead l = reader.read(EcgTestFiles.bytes(SIERRA)).rhythm().lead(LeadName.fromLabel(lead).orElseThrow()).orElseThrow();
        assertThat(l.microvolts()[index]).isEqualTo(microvolts);
    }

    @Test
    void rebuiltLimbLeadsObeyEinthovenAndGoldberger() throws Exception {
        EcgWaveform r = reader.read(EcgTestFiles.bytes(SIERRA)).rhythm();
        float[] i = r.lead(LeadName.I).orElseThrow().microvolts();
        float[] ii = r.lead(LeadName.II).orElseThrow().microvolts();
        float[] iii = r.lead(LeadName.III).orElseThrow().microvolts();
        float[] avr = r.lead(LeadName.AVR).orElseThrow().microvolts();
        float[] avl = r.lead(LeadName.AVL).orElseThrow().microvolts();
        float[] avf = r.lead(LeadName.AVF).orElseThrow().microvolts();
        double maxE = 0;
        double sumE = 0;
        double maxG = 0;
        for (int k = 0; k < i.length; k++) {
            double e = Math.abs(iii[k] - (ii[k] - i[k]));
            maxE = Math.max(maxE, e);
            sumE += e;
            maxG = Math.max(maxG, Math.abs(avr[k] + avl[k] + avf[k]));
        }
        // Einthoven III = II − I: the stored residual of III is device noise of at most 2 bits (10 µV)
        assertThat(maxE).isLessThanOrEqualTo(10.0);
        assertThat(sumE / i.length).isLessThan(5.0);
        // Goldberger aVR + aVL + aVF = 0: three residuals of ±1 bit plus halving, a few bits at most
        assertThat(maxG).isLessThanOrEqualTo(25.0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // the device's own per-lead amplitudes (leadmeasurements, µV from the isoelectric line): the tracing's extremes
        // must be near the largest positive and most negative of P, Q, R, S and T. A sign or formula error in the
        // rebuilt limb leads moves them by hundreds of µV (III would peak at +900 instead of −930).
        "I", "II", "III", "aVR", "aVL", "aVF", "V1", "V6",
    })
    void leadExtremesMatchTheDevicesOwnWaveAmplitudes(String lead) throws Exception {
        byte[] file = EcgTestFiles.bytes(SIERRA);
        float[] s = reader.read(file).rhythm().lead(LeadName.fromLabel(lead).orElseThrow()).orElseThrow().microvolts();
        String m = "//*[local-name()='leadmeasurement'][@leadname='" + lead + "']/*[local-name()='%s']";
        double hi = 0;
        double lo = 0;
        for (String wave : new String[] {"pamp", "qamp", "ramp", "samp", "tamp", "tpamp", "ppamp"}) {
            String v = XmlTestFiles.xpath(file, m.formatted(wave)).trim();
            if (!v.isEmpty() && v.matches("-?\\d+")) {
                hi = Math.max(hi, Double.parseDouble(v));
                lo = Math.min(lo, Double.parseDouble(v));
            }
        }
        float max = Float.NEGATIVE_INFINITY;
        float min = Float.POSITIVE_INFINITY;
        for (float v : s) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        // beat-to-beat variation and baseline wander allow 150 µV
        assertThat((double) max).as("max of %s vs %s", lead, hi).isCloseTo(hi, org.assertj.core.data.Offset.offset(150.0));
        assertThat((double) min).as("min of %s vs %s", lead, lo).isCloseTo(lo, org.assertj.core.data.Offset.offset(150.0));
    }

    @Test
    void deviceMeasurementsAreTheInterpretationsGlobalValues() throws Exception {
        byte[] file = EcgTestFiles.bytes(SIERRA);
        DeviceMeasurements m = reader.read(file).deviceMeasurements();

        String p = "//*[local-name()='interpretation']/*[local-name()='interpretationmeasurements']/*[local-name()='%s']";
        assertThat(m.heartRateBpm()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("heartrate")));
        assertThat(m.prMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("meanprint")));
        assertThat(m.qrsMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("meanqrsdur")));
        assertThat(m.qtMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("meanqtint")));
        assertThat(m.qtcMs()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("meanqtc")));
        assertThat(m.pAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("pfrontaxis")));
        assertThat(m.qrsAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("qrsfrontaxis")));
        assertThat(m.tAxisDeg()).isEqualTo(XmlTestFiles.xpathNumber(file, p.formatted("tfrontaxis")));
        // v1.03 has no global RR element (only per-group meanrrint), so none is reported
        assertThat(m.rrMs()).isNull();
    }

    @Test
    void statementsPatientDeviceAndTimeComeFromTheFile() throws Exception {
        byte[] file = EcgTestFiles.bytes(SIERRA);
        Ecg ecg = reader.read(file);

        String stmt = "//*[local-name()='interpretation']/*[local-name()='statement'][%d]/*[local-name()='%s']";
        String first = XmlTestFiles.xpath(file, stmt.formatted(1, "leftstatement")) + " ("
                + XmlTestFiles.xpath(file, stmt.formatted(1, "rightstatement")) + ")";
        // four statements (the fourth without a right statement), then the severity line
        assertThat(ecg.deviceStatements()).hasSize(5);
        assertThat(ecg.deviceStatements().get(0)).isEqualTo(first).isEqualTo("Sinus bradycardia (rate< 50)");
        assertThat(ecg.deviceStatements().get(3)).isEqualTo(">>> Acute MI <<<");
        assertThat(ecg.deviceStatements().get(4)).isEqualTo("- ABNORMAL ECG -");
        assertThat(ecg.patient().id()).isEqualTo("1112010721168bdc");
        assertThat(ecg.patient().name()).isNull(); // lastname and firstname are empty
        assertThat(ecg.patient().sex()).isEqualTo("M");
        assertThat(ecg.patient().ageYears()).isEqualTo(50);
        assertThat(ecg.device().model()).isEqualTo("HeartstartMRx");
        assertThat(ecg.device().serialNumber()).isEqualTo("0001");
        // dataacquisition date="2011-12-01" time="07:27:34"
        assertThat(ecg.acquired()).isEqualTo(LocalDateTime.of(2011, 12, 1, 7, 27, 34));
    }

    // ---- synthetic files: known samples through the XLI encoder written in the test ----

    /** Twelve leads of a sinus-like signal with noise; III, aVR, aVL, aVF consistent with I and II up to ±2 bits. */
    private static int[][] trueLeads(int n, long seed) {
        Random rnd = new Random(seed);
        int[][] l = new int[12][n];
        for (int k = 0; k < n; k++) {
            double t = k / 500.0;
            l[0][k] = (int) Math.round(120 * Math.sin(2 * Math.PI * 1.2 * t) + rnd.nextInt(7) - 3);
            l[1][k] = (int) Math.round(180 * Math.sin(2 * Math.PI * 1.2 * t + 0.4) + rnd.nextInt(7) - 3);
            l[2][k] = l[1][k] - l[0][k] + rnd.nextInt(5) - 2;
            l[3][k] = -(l[0][k] + l[1][k]) / 2 + rnd.nextInt(3) - 1;
            l[4][k] = (l[0][k] - l[2][k]) / 2 + rnd.nextInt(3) - 1;
            l[5][k] = (l[1][k] + l[2][k]) / 2 + rnd.nextInt(3) - 1;
            for (int v = 6; v < 12; v++) {
                l[v][k] = (int) Math.round((40 + 30 * v) * Math.sin(2 * Math.PI * 1.2 * t + v) + rnd.nextInt(9) - 4);
            }
        }
        return l;
    }

    /** What an XLI writer stores: I, II and the precordial leads as they are, the other limb leads as residuals. */
    private static int[][] stored(int[][] l) {
        int[][] s = new int[12][];
        for (int c = 0; c < 12; c++) {
            s[c] = l[c].clone();
        }
        for (int k = 0; k < l[0].length; k++) {
            int i = l[0][k];
            int ii = l[1][k];
            int iii = l[2][k];
            s[2][k] = ii - i - iii;
            s[3][k] = -l[3][k] - (i + ii) / 2;
            s[4][k] = (i - iii) / 2 - l[4][k];
            s[5][k] = (ii + iii) / 2 - l[5][k];
        }
        return s;
    }

    private static byte[] withWaveforms(String parsedwaveforms) {
        String text = XmlTestFiles.text(SIERRA, UTF_8);
        Matcher m = Pattern.compile("<parsedwaveforms[^>]*>[^<]*</parsedwaveforms>").matcher(text);
        assertThat(m.find()).isTrue();
        return (text.substring(0, m.start()) + parsedwaveforms + text.substring(m.end())).getBytes(UTF_8);
    }

    @Test
    void xliRoundTripOfVersion103RebuildsEveryLeadExactly() throws Exception {
        int[][] truth = trueLeads(5000, 1);
        String b64 = Base64.getMimeEncoder().encodeToString(XliTestEncoder.encode(stored(truth)));
        byte[] file = withWaveforms("<parsedwaveforms compressflag=\"True\" compressmethod=\"XLI\" dataencoding=\"Base64\" "
                + "durationperchannel=\"10000\" nbitspersample=\"16\">" + b64 + "</parsedwaveforms>");

        EcgWaveform r = reader.read(file).rhythm();

        assertThat(r.samplesPerLead()).isEqualTo(5000);
        for (int c = 0; c < 12; c++) {
            float[] uv = r.leads().get(c).microvolts();
            for (int k = 0; k < 5000; k++) {
                // signalresolution 5 µV per bit
                assertThat(uv[k]).as("%s[%d]", TWELVE.get(c), k).isEqualTo(truth[c][k] * 5f);
            }
        }
    }

    @Test
    void xliRoundTripOfVersion104UsesTheWaveformAttributes() throws Exception {
        // 1.04 order and labels from leadlabels; rate and resolution from the parsedwaveforms attributes, which win
        // over dataacquisition's 500 Hz and 5 µV
        int[][] truth = trueLeads(2500, 2);
        int[][] s = stored(truth);
        int[] order = {6, 7, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11};
        int[][] reordered = new int[12][];
        StringBuilder labels = new StringBuilder();
        for (int c = 0; c < 12; c++) {
            reordered[c] = s[order[c]];
            labels.append(c == 0 ? "" : " ").append(TWELVE.get(order[c]));
        }
        String b64 = Base64.getMimeEncoder().encodeToString(XliTestEncoder.encode(reordered));
        byte[] file = withWaveforms("<parsedwaveforms dataencoding=\"Base64\" compression=\"XLI\" numberofleads=\"12\" "
                + "leadlabels=\"" + labels + "\" durationperchannel=\"10000\" samplespersecond=\"250\" resolution=\"2.5\" "
                + "signalsigned=\"True\" bitspersample=\"16\" hipass=\"0.05\" lowpass=\"150\" notchfiltered=\"False\">"
                + b64 + "</parsedwaveforms>");

        EcgWaveform r = reader.read(file).rhythm();

        assertThat(r.sampleRateHz()).isEqualTo(250.0);
        assertThat(r.labels()).containsExactly("V1", "V2", "I", "II", "III", "aVR", "aVL", "aVF", "V3", "V4", "V5", "V6");
        for (int c = 0; c < 12; c++) {
            float[] uv = r.lead(LeadName.fromLabel(TWELVE.get(c)).orElseThrow()).orElseThrow().microvolts();
            for (int k = 0; k < 2500; k++) {
                assertThat(uv[k]).as("%s[%d]", TWELVE.get(c), k).isEqualTo(truth[c][k] * 2.5f);
            }
        }
    }

    @Test
    void uncompressedBase64IsReadAsLittleEndianInt16ChannelAfterChannel() throws Exception {
        int[][] truth = trueLeads(5000, 3);
        ByteBuffer b = ByteBuffer.allocate(12 * 5000 * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] lead : truth) {
            for (int v : lead) {
                b.putShort((short) v);
            }
        }
        byte[] file = withWaveforms("<parsedwaveforms compressflag=\"False\" dataencoding=\"Base64\" "
                + "durationperchannel=\"10000\" nbitspersample=\"16\">" + Base64.getMimeEncoder().encodeToString(b.array())
                + "</parsedwaveforms>");

        EcgWaveform r = reader.read(file).rhythm();

        // no residuals in uncompressed data: every lead is taken as stored
        for (int c = 0; c < 12; c++) {
            float[] uv = r.leads().get(c).microvolts();
            assertThat(uv).hasSize(5000);
            for (int k = 0; k < 5000; k += 97) {
                assertThat(uv[k]).isEqualTo(truth[c][k] * 5f);
            }
        }
    }

    @Test
    void plainEncodedSamplesAreDecimalTextChannelAfterChannel() throws Exception {
        // schema 1.04.01: dataencoding "Plain" is sample values in ASCII, "10 20 35 ..."
        int[][] truth = trueLeads(600, 4);
        StringBuilder text = new StringBuilder();
        for (int[] lead : truth) {
            for (int v : lead) {
                text.append(v).append(text.length() % 80 == 0 ? "\n" : " ");
            }
        }
        byte[] file = withWaveforms("<parsedwaveforms compressflag=\"False\" dataencoding=\"Plain\" "
                + "durationperchannel=\"1200\" nbitspersample=\"16\">" + text + "</parsedwaveforms>");

        EcgWaveform r = reader.read(file).rhythm();

        assertThat(r.samplesPerLead()).isEqualTo(600);
        assertThat(r.lead(LeadName.V6).orElseThrow().microvolts()[599]).isEqualTo(truth[11][599] * 5f);
        assertThat(r.lead(LeadName.III).orElseThrow().microvolts()[17]).isEqualTo(truth[2][17] * 5f);
    }

    @Test
    void lzwCodeUsedBeforeItIsDefinedIsCorruptData() {
        XliTestEncoder.Bits bits = new XliTestEncoder.Bits();
        bits.put(65);
        bits.put(700); // the table holds 256 entries here; 700 cannot be known
        bits.put(1023);
        byte[] lzw = bits.bytes();
        byte[] chunk = ByteBuffer.allocate(8 + lzw.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(lzw.length).putShort((short) 1).putShort((short) 0).put(lzw).array();

        assertThatThrownBy(() -> XliDecoder.decode(chunk, 16, 10000)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7002").hasMessageContaining("700");
    }

    @Test
    void lzwOutputIsCappedWhileDecoding() {
        // 5000 equal bytes compress to about a hundred codes; with a cap of 100 samples (200 bytes) decoding stops
        byte[] lzw = XliTestEncoder.lzw(new byte[5000]);
        byte[] chunk = ByteBuffer.allocate(8 + lzw.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(lzw.length).putShort((short) 1).putShort((short) 0).put(lzw).array();

        assertThatThrownBy(() -> XliDecoder.decode(chunk, 16, 100)).isInstanceOf(EcgParseException.class)
                .hasMessageStartingWith("HZ-7002").hasMessageContaining("more than 200 bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unsupported compression | compressmethod=\"XLI\" | compressmethod=\"Huffman\" | HZ-7004",
        "not base64 | nbitspersample=\"16\"> | nbitspersample=\"16\">!!!! | HZ-7002",
        "zero sampling rate | <samplingrate>500</samplingrate> | <samplingrate>0</samplingrate> | HZ-7003",
        // 1 GHz: parsed, then refused by the plausibility check
        "absurd sampling rate | <samplingrate>500</samplingrate> | <samplingrate>1000000000</samplingrate> | HZ-7003",
        "resolution missing | <signalresolution>5</signalresolution> | | HZ-7002",
        "more valid channels than the lead set | <numberchannelsvalid>12</numberchannelsvalid> | <numberchannelsvalid>13</numberchannelsvalid> | HZ-7003",
        // the declared duration caps each channel: 1000 ms at 500 Hz is 500 samples, the chunks decode to 5500
        "longer than declared | durationperchannel=\"11000\" | durationperchannel=\"1000\" | HZ-7002",
        "no waveform | <parsedwaveforms | <otherwaveforms | HZ-7002",
    })
    void badVariantsFailWithTheirCode(String why, String from, String to, String code) {
        String text = XmlTestFiles.text(SIERRA, UTF_8);
        if (from.startsWith("<parsedwaveforms")) {
            text = text.replace("</parsedwaveforms>", "</otherwaveforms>");
        }
        byte[] bad = text.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to == null ? "" : to)).getBytes(UTF_8);
        assertThat(bad).isNotEqualTo(EcgTestFiles.bytes(SIERRA));
        assertThatThrownBy(() -> EcgReaders.read(bad, "bad.xml")).as(why)
                .isInstanceOf(EcgParseException.class).hasMessageStartingWith(code);
    }

    @Test
    void truncatedXliDataIsRefused() {
        String text = XmlTestFiles.text(SIERRA, UTF_8);
        Matcher m = Pattern.compile("(<parsedwaveforms[^>]*>)([^<]*)(</parsedwaveforms>)").matcher(text);
        assertThat(m.find()).isTrue();
        String b64 = m.group(2).replaceAll("\\s", "");
        // half of the data: a chunk header then announces more bytes than remain
        String cut = b64.substring(0, (b64.length() / 2) / 4 * 4);
        byte[] bad = (text.substring(0, m.start(2)) + cut + text.substring(m.end(2))).getBytes(UTF_8);

        assertThatThrownBy(() -> reader.read(bad)).isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7002");
    }

    @Test
    void wellFormedDocumentWithAnotherRootIsNotSierra() {
        byte[] other = XmlTestFiles.editAll(SIERRA, UTF_8, "restingecgdata", "restingecgarchive");
        assertThat(reader.accepts(other, "x.xml")).isFalse();
        assertThatThrownBy(() -> reader.read(other)).isInstanceOf(EcgParseException.class).hasMessageStartingWith("HZ-7001");
    }
}
