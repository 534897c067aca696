package org.huizhen.dicom.ecg.xml;

import static org.huizhen.dicom.ecg.xml.SafeXml.child;
import static org.huizhen.dicom.ecg.xml.SafeXml.children;
import static org.huizhen.dicom.ecg.xml.SafeXml.number;
import static org.huizhen.dicom.ecg.xml.SafeXml.path;
import static org.huizhen.dicom.ecg.xml.SafeXml.text;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32;
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
import org.w3c.dom.Element;

/**
 * Reads GE MUSE "RestingECG" XML exports (the {@code restecg.dtd} family; ISO-8859-1 encoded, the
 * DTD itself is never loaded — see {@link SafeXml}).
 *
 * <p>Waveforms: each {@code Waveform} element with {@code WaveformType} {@code Rhythm} (the
 * rhythm) or {@code Median} (the representative beat); sample rate = {@code SampleBase} ×
 * 10^{@code SampleExponent}; per {@code LeadData}: {@code WaveFormData} is base64 of
 * little-endian signed 16-bit samples, {@code LeadSampleCountTotal} samples, each ×
 * {@code LeadAmplitudeUnitsPerBit} in {@code LeadAmplitudeUnits} (MICROVOLTS, MILLIVOLTS);
 * {@code LeadDataCRC32}, when present, is the CRC-32 of the decoded bytes and is checked. MUSE
 * stores 8 leads (I, II, V1–V6); the four others are left for {@code DerivedLeads}, never computed
 * here, so that the model shows what the file carried.
 *
 * <p>Device measurements from {@code RestingECGMeasurements} (the possibly edited, final values;
 * {@code OriginalRestingECGMeasurements} only where those are absent): VentricularRate, PRInterval,
 * QRSDuration, QTInterval, QTCorrected, PAxis, RAxis, TAxis; RR from {@code QRSTimesTypes/GlobalRR}.
 * Statements: {@code Diagnosis/DiagnosisStatement/StmtText}. Patient from
 * {@code PatientDemographics}, acquisition time from {@code TestDemographics} (AcquisitionDate
 * MM-DD-YYYY, AcquisitionTime HH:MM:SS).
 *
 * <p>Stateless; thread-safe.
 */
public final class GeMuseXmlReader implements EcgFileReader {
    private static final String WHAT = "GE MUSE XML";

    @Override
    public EcgFormat format() {
        return EcgFormat.GE_MUSE_XML;
    }

    @Override
    public boolean accepts(byte[] head, String fileName) {
        return SafeXml.root(head).filter(r -> r.localName().equals("RestingECG")).isPresent();
    }

    @Override
    public Ecg read(byte[] file) throws EcgParseException {
        Element root = SafeXml.parse(file, WHAT).getDocumentElement();
        if (!SafeXml.name(root).equals("RestingECG")) {
            throw new EcgParseException("HZ-7001 not a GE MUSE ECG: the root element is <" + SafeXml.name(root)
                    + ">, <RestingECG> expected");
        }
        EcgWaveform rhythm = null;
        EcgWaveform median = null;
        for (Element w : children(root, "Waveform")) {
            String type = text(w, "WaveformType").orElse("");
            if (type.equalsIgnoreCase("Rhythm") && rhythm == null) {
                rhythm = waveform(w, "Rhythm");
            } else if (type.equalsIgnoreCase("Median") && median == null) {
                median = waveform(w, "Median");
            }
        }
        if (rhythm == null) {
            throw new EcgParseException("HZ-7002 " + WHAT + " has no Waveform of type Rhythm");
        }
        Element pd = child(root, "PatientDemographics").orElse(null);
        Element td = child(root, "TestDemographics").orElse(null);
        return new Ecg(EcgFormat.GE_MUSE_XML, acquired(td), patient(pd), device(root, td), rhythm,
                Optional.ofNullable(median), measurements(root), statements(root), null);
    }

    private static EcgWaveform waveform(Element w, String type) throws EcgParseException {
        String where = WHAT + " " + type + " waveform";
        double base = number(text(w, "SampleBase")).orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + where + ": SampleBase missing"));
        int exponent = number(text(w, "SampleExponent")).orElse(0.0).intValue();
        if (exponent < -3 || exponent > 3) {
            throw new EcgParseException("HZ-7003 " + where + ": SampleExponent " + exponent);
        }
        double rate = base * Math.pow(10, exponent);
        if (!(rate > 0)) {
            throw new EcgParseException("HZ-7003 " + where + ": sample rate " + rate + " Hz");
        }
        List<Lead> leads = new ArrayList<>();
        for (Element ld : children(w, "LeadData")) {
            leads.add(lead(ld, where));
            if (leads.size() > EcgValidator.MAX_LEADS) {
                throw new EcgParseException("HZ-7003 " + where + ": more than " + EcgValidator.MAX_LEADS + " leads");
            }
        }
        if (leads.isEmpty()) {
            throw new EcgParseException("HZ-7002 " + where + " has no LeadData");
        }
        int n = leads.get(0).length();
        for (Lead l : leads) {
            if (l.length() != n) {
                throw new EcgParseException("HZ-7003 " + where + ": lead " + l.label() + " has " + l.length()
                        + " samples, lead " + leads.get(0).label() + " has " + n);
            }
        }
        return new EcgWaveform(rate, leads);
    }

    private static Lead lead(Element ld, String where) throws EcgParseException {
        String id = text(ld, "LeadID").orElseThrow(() -> new EcgParseException("HZ-7002 " + where + ": LeadData without LeadID"));
        String w = where + " lead " + id;
        double perBit = number(text(ld, "LeadAmplitudeUnitsPerBit")).orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + w + ": LeadAmplitudeUnitsPerBit missing"));
        String units = text(ld, "LeadAmplitudeUnits").orElse("MICROVOLTS").toUpperCase(Locale.ROOT);
        double uvPerBit = switch (units) {
            case "MICROVOLTS" -> perBit;
            case "MILLIVOLTS" -> perBit * 1000;
            default -> throw new EcgParseException("HZ-7004 " + w + ": amplitude units " + units
                    + " (MICROVOLTS or MILLIVOLTS supported)");
        };
        if (!(uvPerBit > 0)) {
            throw new EcgParseException("HZ-7003 " + w + ": " + perBit + " " + units + " per bit");
        }
        int sampleSize = number(text(ld, "LeadSampleSize")).orElse(2.0).intValue();
        if (sampleSize != 2) {
            throw new EcgParseException("HZ-7004 " + w + ": " + sampleSize + "-byte samples (2 supported)");
        }
        byte[] b = XmlEcgFields.base64(text(ld, "WaveFormData").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + w + ": WaveFormData missing")), w);
        Optional<Double> crc = number(text(ld, "LeadDataCRC32"));
        if (crc.isPresent()) {
            CRC32 c = new CRC32();
            c.update(b);
            if (c.getValue() != crc.get().longValue()) {
                throw new EcgParseException("HZ-7002 " + w + ": CRC-32 of the samples is " + c.getValue() + ", the file says "
                        + crc.get().longValue() + " (corrupted data)");
            }
        }
        int declared = number(text(ld, "LeadSampleCountTotal")).orElse(b.length / 2.0).intValue();
        if (b.length % 2 != 0 || b.length / 2 != declared) {
            throw new EcgParseException("HZ-7002 " + w + ": " + b.length + " bytes of samples for " + declared
                    + " declared samples of 2 bytes");
        }
        float[] uv = new float[declared];
        for (int i = 0; i < declared; i++) {
            uv[i] = (float) ((short) ((b[2 * i] & 0xFF) | (b[2 * i + 1] << 8)) * uvPerBit);
        }
        return XmlEcgFields.lead(id, uv);
    }

    private static DeviceMeasurements measurements(Element root) {
        Element m = child(root, "RestingECGMeasurements").orElse(null);
        Element o = child(root, "OriginalRestingECGMeasurements").orElse(null);
        return new DeviceMeasurements(value(m, o, "VentricularRate"),
                number(text(root, "QRSTimesTypes", "GlobalRR")).orElse(null),
                value(m, o, "PRInterval"), value(m, o, "QRSDuration"), value(m, o, "QTInterval"),
                value(m, o, "QTCorrected"), value(m, o, "PAxis"), value(m, o, "RAxis"), value(m, o, "TAxis"));
    }

    private static Double value(Element m, Element original, String name) {
        return number(text(m, name)).or(() -> number(text(original, name))).orElse(null);
    }

    private static List<String> statements(Element root) {
        List<String> out = new ArrayList<>();
        Element d = child(root, "Diagnosis").orElse(null);
        if (d == null) {
            return out;
        }
        for (Element s : children(d, "DiagnosisStatement")) {
            text(s, "StmtText").ifPresent(out::add);
        }
        return out;
    }

    private static EcgPatient patient(Element pd) {
        if (pd == null) {
            return EcgPatient.UNKNOWN;
        }
        Integer age = null;
        if (text(pd, "AgeUnits").orElse("YEARS").equalsIgnoreCase("YEARS")) {
            age = number(text(pd, "PatientAge")).map(Double::intValue).orElse(null);
        }
        return new EcgPatient(text(pd, "PatientID").orElse(null),
                XmlEcgFields.personName(text(pd, "PatientLastName").orElse(null), text(pd, "PatientFirstName").orElse(null)),
                XmlEcgFields.sex(text(pd, "Gender").orElse(null)),
                text(pd, "DateofBirth").map(GeMuseXmlReader::usDate).orElse(null), age);
    }

    private static EcgDevice device(Element root, Element td) {
        String model = text(td, "AcquisitionDevice").orElse(null);
        String serial = text(td, "CartNumber").or(() -> text(root, "PharmaData", "PharmaCartID")).orElse(null);
        String software = text(td, "AcquisitionSoftwareVersion").orElse(null);
        // MUSE is GE's system; the export names no manufacturer of its own
        return new EcgDevice("GE Healthcare", model, serial, software);
    }

    private static LocalDateTime acquired(Element td) {
        LocalDate d = text(td, "AcquisitionDate").map(GeMuseXmlReader::usDate).orElse(null);
        if (d == null) {
            return null;
        }
        try {
            return text(td, "AcquisitionTime").map(t -> d.atTime(LocalTime.parse(t))).orElse(d.atStartOfDay());
        } catch (DateTimeException e) {
            return d.atStartOfDay();
        }
    }

    /** MUSE dates are MM-DD-YYYY. */
    static LocalDate usDate(String s) {
        String[] p = s.trim().split("[-/]");
        if (p.length != 3) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(p[2]), Integer.parseInt(p[0]), Integer.parseInt(p[1]));
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }
}
