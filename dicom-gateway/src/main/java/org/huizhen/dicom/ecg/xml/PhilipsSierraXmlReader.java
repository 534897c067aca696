package org.huizhen.dicom.ecg.xml;

import static org.huizhen.dicom.ecg.xml.SafeXml.attr;
import static org.huizhen.dicom.ecg.xml.SafeXml.child;
import static org.huizhen.dicom.ecg.xml.SafeXml.children;
import static org.huizhen.dicom.ecg.xml.SafeXml.number;
import static org.huizhen.dicom.ecg.xml.SafeXml.path;
import static org.huizhen.dicom.ecg.xml.SafeXml.text;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
import org.w3c.dom.Element;

/**
 * Reads Philips PageWriter / HeartStart "Sierra ECG" XML ({@code restingecgdata}, schema versions
 * 1.03, 1.04 and 1.04.01, namespace {@code http://www3.medical.philips.com}).
 *
 * <p>Waveforms: {@code waveforms/parsedwaveforms}, base64 (or "Plain" decimal text), either
 * XLI-compressed ({@link XliDecoder}; v1.03 {@code compressflag="True" compressmethod="XLI"},
 * v1.04 {@code compression="XLI"}) or uncompressed little-endian 16-bit samples, channel after
 * channel (schema 1.04.01 documentation of {@code parsedwaveforms}). Lead order: v1.04's
 * {@code leadlabels} attribute, else the standard 12-lead order I, II, III, aVR, aVL, aVF, V1–V6 of
 * the STD-12 / 10-WIRE lead set; channels beyond {@code numberchannelsvalid} (allocated but unused,
 * all zero in the shared file) are dropped. Amplitude: raw × resolution (µV per bit;
 * {@code signalresolution} in v1.03, {@code @resolution} in v1.04) after subtracting
 * {@code signaloffset}.
 *
 * <p>Limb leads in XLI data: only I and II are stored as signals; III, aVR, aVL and aVF are stored
 * as small residuals against the Einthoven/Goldberger predictions, and are rebuilt as (sierra-ecg-tools
 * wiki, "Limb lead reconstruction"; C integer arithmetic, halving truncates toward zero):
 * III = II − I − r₃; aVR = −r_R − (I + II)/2; aVL = (I − III)/2 − r_L; aVF = (II + III)/2 − r_F,
 * with the rebuilt III used in aVL and aVF. In the shared file the residual of III is within ±2 bits
 * (±10 µV), i.e. the rebuilt leads obey Einthoven's law within that.
 *
 * <p>Calibration trailer: the shared file's channels are 11 s long (durationperchannel 11000 ms)
 * but the ECG ends at 10.53 s; after it every channel holds the same values — zeros and a 1 mV
 * rectangular calibration pulse. The reader drops such a trailing run in which all leads are
 * identical (when it is at least {@link #MIN_TRAILER_SECONDS} long and leaves at least half the
 * recording), so that QRS detection and screening never see the pulse as a beat; the renderer
 * draws its own calibration pulse.
 *
 * <p>Device measurements: the interpretation's global measurements ({@code interpretation/
 * globalmeasurements} in v1.04, {@code interpretationmeasurements} in v1.03), which the schema says
 * take precedence, else the internal ones ({@code internalmeasurements/crossleadmeasurements},
 * {@code measurements/globalmeasurements}). Statements: {@code interpretation/statement}
 * left statement with its right statement (the reason) in parentheses, then the severity line.
 *
 * <p>Stateless; thread-safe.
 */
public final class PhilipsSierraXmlReader implements EcgFileReader {
    /** The schema's namespace. */
    public static final String NAMESPACE = "http://www3.medical.philips.com";
    /** Shortest trailing run of identical channels that is treated as the calibration trailer. */
    public static final double MIN_TRAILER_SECONDS = 0.1;
    private static final List<String> STANDARD_ORDER =
            List.of("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
    private static final String WHAT = "Philips Sierra XML";

    @Override
    public EcgFormat format() {
        return EcgFormat.PHILIPS_SIERRA_XML;
    }

    @Override
    public boolean accepts(byte[] head, String fileName) {
        return SafeXml.root(head).filter(r -> r.localName().equals("restingecgdata")).isPresent();
    }

    @Override
    public Ecg read(byte[] file) throws EcgParseException {
        Element root = SafeXml.parse(file, WHAT).getDocumentElement();
        if (!SafeXml.name(root).equals("restingecgdata")) {
            throw new EcgParseException("HZ-7001 not a Philips Sierra ECG: the root element is <" + SafeXml.name(root)
                    + ">, <restingecgdata> expected");
        }
        Element acq = child(root, "dataacquisition").orElse(null);
        Element sig = path(root, "dataacquisition", "signalcharacteristics").orElse(null);
        Element pw = path(root, "waveforms", "parsedwaveforms").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + WHAT + " has no waveforms/parsedwaveforms element (no signal in the file)"));

        double rate = number(attr(pw, "samplespersecond").or(() -> text(sig, "samplingrate")))
                .orElseThrow(() -> new EcgParseException("HZ-7002 " + WHAT + ": sampling rate missing"));
        double resolution = number(attr(pw, "resolution").or(() -> text(sig, "signalresolution")))
                .orElseThrow(() -> new EcgParseException("HZ-7002 " + WHAT + ": signal resolution (µV per bit) missing"));
        if (!(rate > 0) || !(resolution > 0)) {
            throw new EcgParseException("HZ-7003 " + WHAT + ": sampling rate " + rate + " Hz, resolution " + resolution
                    + " µV/bit (both must be positive)");
        }
        double offset = number(attr(pw, "signaloffset").or(() -> text(sig, "signaloffset"))).orElse(0.0);
        List<String> labels = labels(pw, sig);
        Double durationMs = number(attr(pw, "durationperchannel")).orElse(null);
        int maxSamples = EcgValidator.MAX_SAMPLES_PER_LEAD;
        if (durationMs != null && durationMs > 0 && rate <= EcgValidator.MAX_RATE_HZ) {
            // the declared length, with a little slack for rounding, caps what a channel may decode to
            maxSamples = (int) Math.min(maxSamples, Math.ceil(durationMs * rate / 1000.0) + 16);
        }

        String encoding = attr(pw, "dataencoding").orElse("Base64");
        boolean xli = isXli(pw);
        List<int[]> channels;
        if (xli) {
            byte[] data = payload(pw, encoding);
            channels = XliDecoder.decode(data, EcgValidator.MAX_LEADS * 2, maxSamples);
        } else {
            channels = uncompressed(pw, encoding, labels.size(), maxSamples);
        }
        if (channels.size() < labels.size()) {
            throw new EcgParseException("HZ-7002 " + WHAT + ": " + labels.size() + " leads declared but the waveform data holds "
                    + channels.size() + " channels (truncated?)");
        }
        channels = new ArrayList<>(channels.subList(0, labels.size()));
        int n = channels.get(0).length;
        for (int i = 1; i < channels.size(); i++) {
            if (channels.get(i).length != n) {
                throw new EcgParseException("HZ-7003 " + WHAT + ": lead " + labels.get(i) + " has " + channels.get(i).length
                        + " samples, lead " + labels.get(0) + " has " + n);
            }
        }
        if (xli) {
            reconstructLimbLeads(labels, channels);
        }
        int keep = withoutCalibrationTrailer(channels, rate);
        List<Lead> leads = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            int[] raw = channels.get(i);
            float[] uv = new float[keep];
            for (int j = 0; j < keep; j++) {
                uv[j] = (float) ((raw[j] - offset) * resolution);
            }
            leads.add(XmlEcgFields.lead(labels.get(i), uv));
        }
        EcgWaveform rhythm = new EcgWaveform(rate, leads);

        LocalDateTime acquired = acq == null ? null
                : XmlEcgFields.isoDateTime(attr(acq, "date").orElse(null), attr(acq, "time").orElse(null));
        if (acquired == null) {
            Element ri = child(root, "reportinfo").orElse(null);
            acquired = ri == null ? null : XmlEcgFields.isoDateTime(attr(ri, "date").orElse(null), attr(ri, "time").orElse(null));
        }
        return new Ecg(EcgFormat.PHILIPS_SIERRA_XML, acquired, patient(root), device(acq), rhythm, Optional.empty(),
                measurements(root), statements(root), null);
    }

    private static boolean isXli(Element pw) throws EcgParseException {
        Optional<String> compression = attr(pw, "compression");
        boolean flag = attr(pw, "compressflag").map(s -> s.equalsIgnoreCase("true")).orElse(false);
        Optional<String> method = compression.isPresent() ? compression : flag ? attr(pw, "compressmethod") : Optional.empty();
        if (method.isEmpty()) {
            return false;
        }
        if (method.get().equalsIgnoreCase("XLI")) {
            return true;
        }
        throw new EcgParseException("HZ-7004 " + WHAT + ": waveform compression \"" + method.get()
                + "\" is not supported (XLI or none expected)");
    }

    private static byte[] payload(Element pw, String encoding) throws EcgParseException {
        if (!encoding.equalsIgnoreCase("Base64")) {
            throw new EcgParseException("HZ-7004 " + WHAT + ": XLI data in \"" + encoding + "\" encoding (Base64 expected)");
        }
        return XmlEcgFields.base64(pw.getTextContent(), WHAT + " parsedwaveforms");
    }

    /** Uncompressed data: Base64 little-endian int16 or "Plain" decimal text, all of channel 1, then channel 2, … */
    private static List<int[]> uncompressed(Element pw, String encoding, int channels, int maxSamples)
            throws EcgParseException {
        int[] all;
        if (encoding.equalsIgnoreCase("Base64")) {
            byte[] b = XmlEcgFields.base64(pw.getTextContent(), WHAT + " parsedwaveforms");
            int bits = number(attr(pw, "bitspersample").or(() -> attr(pw, "nbitspersample"))).orElse(16.0).intValue();
            if (bits != 16) {
                throw new EcgParseException("HZ-7004 " + WHAT + ": " + bits + " bits per sample (16 supported)");
            }
            if (b.length % 2 != 0) {
                throw new EcgParseException("HZ-7002 " + WHAT + ": odd number of waveform bytes (" + b.length + ")");
            }
            all = new int[b.length / 2];
            for (int i = 0; i < all.length; i++) {
                all[i] = (short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8));
            }
        } else if (encoding.equalsIgnoreCase("Plain")) {
            all = AecgDigits.parse(pw.getTextContent(), WHAT + " parsedwaveforms");
        } else {
            throw new EcgParseException("HZ-7004 " + WHAT + ": waveform encoding \"" + encoding + "\" (Base64 or Plain supported)");
        }
        if (all.length == 0 || all.length % channels != 0) {
            throw new EcgParseException("HZ-7003 " + WHAT + ": " + all.length + " samples do not divide into " + channels
                    + " equal channels");
        }
        int n = all.length / channels;
        if (n > maxSamples) {
            throw new EcgParseException("HZ-7003 " + WHAT + ": " + n + " samples per channel, more than the " + maxSamples
                    + " the declared duration allows");
        }
        List<int[]> out = new ArrayList<>(channels);
        for (int c = 0; c < channels; c++) {
            out.add(Arrays.copyOfRange(all, c * n, (c + 1) * n));
        }
        return out;
    }

    private static List<String> labels(Element pw, Element sig) throws EcgParseException {
        Optional<String> declared = attr(pw, "leadlabels");
        if (declared.isPresent()) {
            List<String> l = List.of(declared.get().trim().split("\\s+"));
            if (l.size() > EcgValidator.MAX_LEADS) {
                throw new EcgParseException("HZ-7003 " + WHAT + ": " + l.size() + " lead labels");
            }
            return l;
        }
        String leadset = text(sig, "leadset").or(() -> text(sig, "acquisitiontype")).orElse("STD-12").toUpperCase(Locale.ROOT);
        if (!leadset.equals("STD-12") && !leadset.equals("10-WIRE")) {
            throw new EcgParseException("HZ-7004 " + WHAT + ": lead set " + leadset
                    + " without leadlabels (only the standard 12-lead order is known)");
        }
        int valid = number(text(sig, "numberchannelsvalid")).orElse(12.0).intValue();
        if (valid < 1 || valid > STANDARD_ORDER.size()) {
            throw new EcgParseException("HZ-7003 " + WHAT + ": " + valid + " valid channels for lead set " + leadset);
        }
        return STANDARD_ORDER.subList(0, valid);
    }

    /** Rebuilds III, aVR, aVL and aVF from I, II and the stored residuals (see the class comment). */
    static void reconstructLimbLeads(List<String> labels, List<int[]> ch) {
        int i = indexOf(labels, LeadName.I);
        int ii = indexOf(labels, LeadName.II);
        int iii = indexOf(labels, LeadName.III);
        int avr = indexOf(labels, LeadName.AVR);
        int avl = indexOf(labels, LeadName.AVL);
        int avf = indexOf(labels, LeadName.AVF);
        if (i < 0 || ii < 0 || iii < 0 || avr < 0 || avl < 0 || avf < 0) {
            return;
        }
        int[] a = ch.get(i);
        int[] b = ch.get(ii);
        int[] c = ch.get(iii);
        int[] r = ch.get(avr);
        int[] l = ch.get(avl);
        int[] f = ch.get(avf);
        for (int j = 0; j < a.length; j++) {
            c[j] = b[j] - a[j] - c[j];
            r[j] = -r[j] - (a[j] + b[j]) / 2;
            l[j] = (a[j] - c[j]) / 2 - l[j];
            f[j] = (b[j] + c[j]) / 2 - f[j];
        }
    }

    private static int indexOf(List<String> labels, LeadName name) {
        for (int k = 0; k < labels.size(); k++) {
            if (LeadName.fromLabel(labels.get(k)).orElse(LeadName.OTHER) == name) {
                return k;
            }
        }
        return -1;
    }

    /** The number of samples to keep: all but a trailing run where every channel holds the same value. */
    static int withoutCalibrationTrailer(List<int[]> ch, double rate) {
        int n = ch.get(0).length;
        if (ch.size() < 2) {
            return n;
        }
        int k = n;
        while (k > 0 && allEqual(ch, k - 1)) {
            k--;
        }
        boolean trailer = n - k >= MIN_TRAILER_SECONDS * rate && k >= n / 2;
        return trailer ? k : n;
    }

    private static boolean allEqual(List<int[]> ch, int j) {
        int v = ch.get(0)[j];
        for (int c = 1; c < ch.size(); c++) {
            if (ch.get(c)[j] != v) {
                return false;
            }
        }
        return true;
    }

    private static EcgPatient patient(Element root) {
        Element g = path(root, "patient", "generalpatientdata").orElse(null);
        if (g == null) {
            return EcgPatient.UNKNOWN;
        }
        Integer age = number(text(g, "age", "years")).map(Double::intValue).orElse(null);
        LocalDate dob = text(g, "age", "dateofbirth").map(XmlEcgFields::isoDate).orElse(null);
        return new EcgPatient(text(g, "patientid").orElse(null),
                XmlEcgFields.personName(text(g, "name", "lastname").orElse(null), text(g, "name", "firstname").orElse(null)),
                XmlEcgFields.sex(text(g, "sex").orElse(null)), dob, age);
    }

    private static EcgDevice device(Element acq) {
        Element m = child(acq, "machine").orElse(null);
        if (m == null) {
            return new EcgDevice("Philips", null, null, null);
        }
        // @detaildescription is "MFG:MODEL:SW_REV" by the schema's convention (v1.03 revision notes)
        String[] detail = attr(m, "detaildescription").map(s -> s.split(":", -1)).orElse(new String[0]);
        String software = detail.length >= 3 && !detail[2].isBlank() ? detail[2].trim() : null;
        String maker = detail.length >= 1 && !detail[0].isBlank() ? detail[0].trim() : "Philips";
        String model = m.getTextContent().trim();
        return new EcgDevice(maker, model.isEmpty() ? null : model, attr(m, "machineid").orElse(null), software);
    }

    private static DeviceMeasurements measurements(Element root) {
        Element interp = path(root, "interpretations", "interpretation").orElse(null);
        Element primary = child(interp, "globalmeasurements").or(() -> child(interp, "interpretationmeasurements")).orElse(null);
        Element internal = path(root, "internalmeasurements", "crossleadmeasurements")
                .or(() -> path(root, "measurements", "globalmeasurements")).orElse(null);
        Double rr = value(primary, internal, "rrint", "meanrrint");
        return new DeviceMeasurements(value(primary, internal, "heartrate", "meanventrate"), rr,
                value(primary, internal, "print", "meanprint"), value(primary, internal, "qrsdur", "meanqrsdur"),
                value(primary, internal, "qtint", "meanqtint"), value(primary, internal, "qtcb", "meanqtc"),
                value(primary, internal, "pfrontaxis"), value(primary, internal, "qrsfrontaxis"),
                value(primary, internal, "tfrontaxis"));
    }

    /** The first of {@code names} with a number, in the interpretation's measurements, then in the internal ones. */
    private static Double value(Element primary, Element internal, String... names) {
        for (Element scope : new Element[] {primary, internal}) {
            if (scope == null) {
                continue;
            }
            for (String n : names) {
                Optional<Double> v = number(text(scope, n));
                if (v.isPresent()) {
                    return v.get();
                }
            }
        }
        return null;
    }

    private static List<String> statements(Element root) {
        Element interp = path(root, "interpretations", "interpretation").orElse(null);
        List<String> out = new ArrayList<>();
        if (interp == null) {
            return out;
        }
        for (Element s : children(interp, "statement")) {
            String left = text(s, "leftstatement").orElse("");
            String right = text(s, "rightstatement").orElse("");
            if (left.isEmpty() && right.isEmpty()) {
                continue;
            }
            out.add(left.isEmpty() ? right : right.isEmpty() ? left : left + " (" + right + ")");
        }
        text(interp, "severity").ifPresent(out::add);
        return out;
    }
}
