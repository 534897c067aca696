package org.huizhen.dicom.ecg.xml;

import static org.huizhen.dicom.ecg.xml.SafeXml.attr;
import static org.huizhen.dicom.ecg.xml.SafeXml.child;
import static org.huizhen.dicom.ecg.xml.SafeXml.children;
import static org.huizhen.dicom.ecg.xml.SafeXml.number;
import static org.huizhen.dicom.ecg.xml.SafeXml.path;
import static org.huizhen.dicom.ecg.xml.SafeXml.text;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFileReader;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.w3c.dom.Element;

/**
 * Reads HL7 v3 Annotated ECG ({@code AnnotatedECG} in {@code urn:hl7-org:v3}; ANSI/HL7 V3 ECG,
 * R1-2004 and the HL7 aECG Implementation Guide, final 21 March 2005).
 *
 * <p>What is read (IG section names):
 * <ul>
 *   <li>Series ("Series", "Derived Series"): the first {@code component/series} with code
 *       {@code RHYTHM} is the rhythm; the representative beat is a series or a
 *       {@code derivation/derivedSeries} with code {@code REPRESENTATIVE_BEAT}.</li>
 *   <li>Sequence set ("SequenceSet", "Sequence"): one time sequence, code {@code TIME_ABSOLUTE} or
 *       {@code TIME_RELATIVE} (also with the {@code MDC_ECG_} prefix some writers use), value
 *       {@code GLIST_TS} or {@code GLIST_PQ} whose {@code increment} (unit s, ms or us) gives the
 *       sample rate; lead sequences coded {@code MDC_ECG_LEAD_*} with {@code SLIST_PQ} values, each
 *       sample = origin + scale × digit (HL7 V3 data types, SLIST), origin and scale in uV, mV, V or
 *       nV. All leads of one set must have the same number of digits.</li>
 *   <li>Annotations ("AnnotationSet", "Annotation"): global measurements by MDC code
 *       ({@code MDC_ECG_HEART_RATE}, {@code MDC_ECG_TIME_PD_RR/PR/QRS/QT/QTc},
 *       {@code MDC_ECG_ANGLE_P/QRS/T_FRONT}), looked up first in the representative beat's
 *       annotation sets, then in the rhythm's; annotations inside a beat ({@code MDC_ECG_BEAT}) or a
 *       wave component ({@code MDC_ECG_WAVC*}) are per-beat and skipped. Statements: the text of
 *       {@code MDC_ECG_INTERPRETATION_STATEMENT}/{@code _SUMMARY} annotations and the display name
 *       of rhythm ({@code MDC_ECG_RHY}) annotations, in file order, without repeats.</li>
 *   <li>Acquisition time from the {@code effectiveTime} (center or low), patient from the trial
 *       subject ({@code subjectDemographicPerson}; age from the LOINC 21612-7 control variable),
 *       device from the rhythm series' author.</li>
 * </ul>
 *
 * <p>Stateless; thread-safe.
 */
public final class Hl7AecgReader implements EcgFileReader {
    /** The HL7 v3 namespace. */
    public static final String NAMESPACE = "urn:hl7-org:v3";
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";
    private static final String WHAT = "HL7 aECG";

    @Override
    public EcgFormat format() {
        return EcgFormat.HL7_AECG;
    }

    @Override
    public boolean accepts(byte[] head, String fileName) {
        return SafeXml.root(head).filter(r -> r.localName().equals("AnnotatedECG") && r.namespace().equals(NAMESPACE))
                .isPresent();
    }

    @Override
    public Ecg read(byte[] file) throws EcgParseException {
        Element root = SafeXml.parse(file, WHAT).getDocumentElement();
        if (!SafeXml.name(root).equals("AnnotatedECG") || !NAMESPACE.equals(root.getNamespaceURI())) {
            throw new EcgParseException("HZ-7001 not an HL7 aECG: the root element is <" + SafeXml.name(root) + "> in namespace \""
                    + (root.getNamespaceURI() == null ? "" : root.getNamespaceURI()) + "\", <AnnotatedECG> in " + NAMESPACE
                    + " expected");
        }
        List<Element> series = new ArrayList<>();
        for (Element c : children(root, "component")) {
            for (Element s : children(c, "series")) {
                series.add(s);
                for (Element d : children(s, "derivation")) {
                    series.addAll(children(d, "derivedSeries"));
                }
            }
        }
        Element rhythmSeries = series.stream().filter(s -> seriesCode(s).equals("RHYTHM")).findFirst()
                .orElseThrow(() -> new EcgParseException("HZ-7002 " + WHAT + " has no series with code RHYTHM"));
        Optional<Element> beatSeries = series.stream().filter(s -> seriesCode(s).equals("REPRESENTATIVE_BEAT")).findFirst();

        EcgWaveform rhythm = waveform(rhythmSeries, "rhythm");
        Optional<EcgWaveform> beat = beatSeries.isPresent()
                ? Optional.of(waveform(beatSeries.get(), "representative beat")) : Optional.empty();

        Annotations notes = new Annotations();
        // measurements: representative beat first (the IG puts global measurements there), then rhythm
        beatSeries.ifPresent(s -> notes.measurementsFrom(s));
        notes.measurementsFrom(rhythmSeries);
        for (Element s : series) {
            notes.statementsFrom(s);
        }

        LocalDateTime acquired = path(root, "effectiveTime", "center").flatMap(e -> attr(e, "value"))
                .or(() -> path(root, "effectiveTime", "low").flatMap(e -> attr(e, "value")))
                .map(Hl7AecgReader::timestamp).orElse(null);
        return new Ecg(EcgFormat.HL7_AECG, acquired, patient(root), device(rhythmSeries), rhythm, beat,
                notes.measurements(), List.copyOf(notes.statements), null);
    }

    private static String seriesCode(Element series) {
        return child(series, "code").flatMap(c -> attr(c, "code")).orElse("");
    }

    /** The leads and sample rate of a series' first sequence set. */
    private static EcgWaveform waveform(Element series, String what) throws EcgParseException {
        Element set = path(series, "component", "sequenceSet").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + WHAT + " " + what + " series has no sequenceSet"));
        Double incrementS = null;
        List<Lead> leads = new ArrayList<>();
        for (Element comp : children(set, "component")) {
            Element seq = child(comp, "sequence").orElse(null);
            if (seq == null) {
                continue;
            }
            String code = child(seq, "code").flatMap(c -> attr(c, "code")).orElse("");
            Element value = child(seq, "value").orElse(null);
            if (code.endsWith("TIME_ABSOLUTE") || code.endsWith("TIME_RELATIVE")) {
                if (incrementS == null) {
                    incrementS = increment(value, what);
                }
            } else if (code.startsWith("MDC_ECG_LEAD_")) {
                leads.add(lead(code, value, what));
            }
        }
        if (incrementS == null) {
            throw new EcgParseException("HZ-7002 " + WHAT + " " + what + ": no TIME_ABSOLUTE or TIME_RELATIVE sequence "
                    + "(the sample interval is unknown)");
        }
        if (leads.isEmpty()) {
            throw new EcgParseException("HZ-7002 " + WHAT + " " + what + ": no MDC_ECG_LEAD_* sequence");
        }
        int n = leads.get(0).length();
        for (Lead l : leads) {
            if (l.length() != n) {
                throw new EcgParseException("HZ-7003 " + WHAT + " " + what + ": lead " + l.label() + " has " + l.length()
                        + " digits but lead " + leads.get(0).label() + " has " + n + " (all leads of a sequence set must "
                        + "be equally long)");
            }
        }
        return new EcgWaveform(1.0 / incrementS, leads);
    }

    /** The sample interval in seconds from a GLIST_TS / GLIST_PQ increment. */
    private static double increment(Element value, String what) throws EcgParseException {
        Element inc = child(value, "increment").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + WHAT + " " + what + ": time sequence without increment"));
        double v = number(attr(inc, "value")).orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + WHAT + " " + what + ": time increment without a numeric value"));
        String unit = attr(inc, "unit").orElse("s");
        double s = switch (unit) {
            case "s" -> v;
            case "ms" -> v / 1e3;
            case "us" -> v / 1e6;
            default -> throw new EcgParseException("HZ-7004 " + WHAT + " " + what + ": time increment unit \"" + unit
                    + "\" (s, ms or us supported)");
        };
        if (!(s > 0) || !Double.isFinite(1.0 / s)) {
            throw new EcgParseException("HZ-7003 " + WHAT + " " + what + ": time increment " + v + " " + unit
                    + " gives no plausible sample rate");
        }
        return s;
    }

    private static Lead lead(String code, Element value, String what) throws EcgParseException {
        String label = code.substring("MDC_ECG_LEAD_".length());
        String where = WHAT + " " + what + " lead " + label;
        if (value == null) {
            throw new EcgParseException("HZ-7002 " + where + ": sequence without value");
        }
        String type = xsiType(value);
        if (!type.equals("SLIST_PQ")) {
            throw new EcgParseException("HZ-7004 " + where + ": value type \"" + type + "\" (SLIST_PQ supported)");
        }
        Element scale = child(value, "scale").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + where + ": SLIST_PQ without scale (the digits cannot be turned into voltages)"));
        double scaleUv = microvolts(scale, where + " scale");
        double originUv = child(value, "origin").isPresent() ? microvolts(child(value, "origin").get(), where + " origin") : 0;
        if (scaleUv == 0) {
            throw new EcgParseException("HZ-7003 " + where + ": scale is 0");
        }
        Element digits = child(value, "digits").orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + where + ": SLIST_PQ without digits"));
        int[] d = AecgDigits.parse(digits.getTextContent(), where + " digits");
        float[] uv = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            uv[i] = (float) (originUv + scaleUv * d[i]);
        }
        return XmlEcgFields.lead(label, uv);
    }

    /** A PQ's value in µV. */
    private static double microvolts(Element pq, String where) throws EcgParseException {
        double v = number(attr(pq, "value")).orElseThrow(() -> new EcgParseException(
                "HZ-7002 " + where + " has no numeric value"));
        String unit = attr(pq, "unit").orElse("");
        double f = switch (unit) {
            case "uV", "µV" -> 1;
            case "mV" -> 1e3;
            case "V" -> 1e6;
            case "nV" -> 1e-3;
            default -> throw new EcgParseException("HZ-7004 " + where + " unit \"" + unit + "\" (uV, mV, V or nV supported)");
        };
        return v * f;
    }

    private static String xsiType(Element e) {
        String t = e.getAttributeNS(XSI, "type");
        int colon = t.indexOf(':');
        return colon >= 0 ? t.substring(colon + 1) : t;
    }

    /** HL7 TS "YYYYMMDDHHMMSS.UUUU[+|-ZZzz]" at any precision from the day on; null otherwise. */
    static LocalDateTime timestamp(String ts) {
        String s = ts.trim();
        int zone = Math.max(s.indexOf('+'), s.indexOf('-', 1));
        if (zone > 0) {
            s = s.substring(0, zone); // the local time of the device is what the model keeps
        }
        int dot = s.indexOf('.');
        String frac = dot >= 0 ? s.substring(dot + 1) : "";
        String main = dot >= 0 ? s.substring(0, dot) : s;
        if (main.length() < 8 || !main.chars().allMatch(Character::isDigit) || !frac.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            int y = Integer.parseInt(main.substring(0, 4));
            int mo = Integer.parseInt(main.substring(4, 6));
            int d = Integer.parseInt(main.substring(6, 8));
            int h = main.length() >= 10 ? Integer.parseInt(main.substring(8, 10)) : 0;
            int mi = main.length() >= 12 ? Integer.parseInt(main.substring(10, 12)) : 0;
            int se = main.length() >= 14 ? Integer.parseInt(main.substring(12, 14)) : 0;
            int nanos = frac.isEmpty() ? 0 : (int) Math.round(Double.parseDouble("0." + frac) * 1e9);
            return LocalDateTime.of(y, mo, d, h, mi, se, Math.min(nanos, 999_999_999));
        } catch (DateTimeException | NumberFormatException e) {
            return null;
        }
    }

    private static EcgPatient patient(Element root) {
        Element subject = path(root, "componentOf", "timepointEvent", "componentOf", "subjectAssignment", "subject",
                "trialSubject").orElse(null);
        Integer age = null;
        for (Element cv : children(root, "controlVariable")) {
            Element obs = child(cv, "relatedObservation").orElse(null);
            // LOINC 21612-7 "Reported age" (IG, "ControlVariable"), a PQ in years ("a")
            if (obs != null && child(obs, "code").flatMap(c -> attr(c, "code")).orElse("").equals("21612-7")) {
                Element v = child(obs, "value").orElse(null);
                if (v != null && attr(v, "unit").orElse("a").equals("a")) {
                    age = number(attr(v, "value")).map(Double::intValue).orElse(null);
                }
            }
        }
        if (subject == null) {
            return age == null ? EcgPatient.UNKNOWN : new EcgPatient(null, null, null, null, age);
        }
        String id = child(subject, "id").flatMap(i -> attr(i, "extension").or(() -> attr(i, "root"))).orElse(null);
        Element person = child(subject, "subjectDemographicPerson").orElse(null);
        String name = null;
        String sex = null;
        LocalDate birth = null;
        if (person != null) {
            Element n = child(person, "name").orElse(null);
            if (n != null) {
                Optional<String> family = text(n, "family");
                Optional<String> given = text(n, "given");
                name = family.isPresent() || given.isPresent()
                        ? XmlEcgFields.personName(family.orElse(null), given.orElse(null))
                        : n.getTextContent().trim();
                name = name == null || name.isEmpty() ? null : name;
            }
            sex = child(person, "administrativeGenderCode").flatMap(g -> attr(g, "code")).map(XmlEcgFields::sex).orElse(null);
            birth = child(person, "birthTime").flatMap(b -> attr(b, "value")).map(Hl7AecgReader::timestamp)
                    .map(LocalDateTime::toLocalDate).orElse(null);
        }
        return new EcgPatient(id, name, sex, birth, age);
    }

    private static EcgDevice device(Element series) {
        Element author = path(series, "author", "seriesAuthor").orElse(null);
        if (author == null) {
            return EcgDevice.UNKNOWN;
        }
        Element dev = child(author, "manufacturedSeriesDevice").orElse(null);
        return new EcgDevice(text(author, "manufacturerOrganization", "name").orElse(null),
                text(dev, "manufacturerModelName").orElse(null),
                child(dev, "id").flatMap(i -> attr(i, "extension")).orElse(null),
                text(dev, "softwareName").orElse(null));
    }

    /** Collects global measurements and statements from annotation sets (see the class comment). */
    private static final class Annotations {
        private Double heartRate;
        private Double rr;
        private Double pr;
        private Double qrs;
        private Double qt;
        private Double qtc;
        private Double qtcBazett;
        private Double pAxis;
        private Double qrsAxis;
        private Double tAxis;
        private final Set<String> statements = new LinkedHashSet<>();

        void measurementsFrom(Element series) {
            for (Element set : annotationSets(series)) {
                walk(set, true);
            }
        }

        void statementsFrom(Element series) {
            for (Element set : annotationSets(series)) {
                walk(set, false);
            }
        }

        private static List<Element> annotationSets(Element series) {
            List<Element> out = new ArrayList<>();
            for (Element s : children(series, "subjectOf")) {
                out.addAll(children(s, "annotationSet"));
            }
            return out;
        }

        private void walk(Element parent, boolean measurements) {
            for (Element comp : children(parent, "component")) {
                for (Element a : children(comp, "annotation")) {
                    String code = child(a, "code").flatMap(c -> attr(c, "code")).orElse("");
                    if (code.equals("MDC_ECG_BEAT") || code.startsWith("MDC_ECG_WAVC")) {
                        continue; // per-beat fiducials and values, not the ECG's global ones
                    }
                    Element value = child(a, "value").orElse(null);
                    if (value != null) {
                        if (measurements) {
                            measurement(code, value);
                        } else {
                            statement(code, value);
                        }
                    }
                    walk(a, measurements);
                }
            }
        }

        private void statement(String code, Element value) {
            String type = xsiType(value);
            if (code.startsWith("MDC_ECG_INTERPRETATION") && !code.equals("MDC_ECG_INTERPRETATION_SEVERITY")
                    && type.equals("ST")) {
                String t = value.getTextContent().trim();
                if (!t.isEmpty()) {
                    statements.add(t);
                }
            } else if (code.equals("MDC_ECG_RHY") && type.equals("CE")) {
                attr(value, "displayName").or(() -> attr(value, "code")).ifPresent(statements::add);
            }
        }

        private void measurement(String code, Element value) {
            Optional<Double> v = number(attr(value, "value"));
            if (v.isEmpty()) {
                return;
            }
            String unit = attr(value, "unit").orElse("");
            switch (code.toUpperCase(Locale.ROOT)) {
                case "MDC_ECG_HEART_RATE" -> heartRate = first(heartRate, rate(v.get(), unit));
                case "MDC_ECG_TIME_PD_RR" -> rr = first(rr, ms(v.get(), unit));
                case "MDC_ECG_TIME_PD_PR" -> pr = first(pr, ms(v.get(), unit));
                case "MDC_ECG_TIME_PD_QRS" -> qrs = first(qrs, ms(v.get(), unit));
                case "MDC_ECG_TIME_PD_QT" -> qt = first(qt, ms(v.get(), unit));
                case "MDC_ECG_TIME_PD_QTC" -> qtc = first(qtc, ms(v.get(), unit));
                case "MDC_ECG_TIME_PD_QTCB" -> qtcBazett = first(qtcBazett, ms(v.get(), unit));
                case "MDC_ECG_ANGLE_P_FRONT" -> pAxis = first(pAxis, deg(v.get(), unit));
                case "MDC_ECG_ANGLE_QRS_FRONT" -> qrsAxis = first(qrsAxis, deg(v.get(), unit));
                case "MDC_ECG_ANGLE_T_FRONT" -> tAxis = first(tAxis, deg(v.get(), unit));
                default -> {
                    // other annotations (filters, fiducials, vendor codes) are not device measurements here
                }
            }
        }

        private static Double first(Double had, Double v) {
            return had != null ? had : v;
        }

        private static Double ms(double v, String unit) {
            return switch (unit) {
                case "", "ms" -> v;
                case "s" -> v * 1e3;
                case "us" -> v / 1e3;
                default -> null;
            };
        }

        private static Double rate(double v, String unit) {
            return switch (unit) {
                case "", "bpm", "/min", "1/min", "{beats}/min", "{beat}/min" -> v;
                case "Hz", "/s" -> v * 60;
                default -> null;
            };
        }

        private static Double deg(double v, String unit) {
            return switch (unit) {
                case "", "deg" -> v;
                case "rad" -> Math.toDegrees(v);
                default -> null;
            };
        }

        DeviceMeasurements measurements() {
            return new DeviceMeasurements(heartRate, rr, pr, qrs, qt, qtc != null ? qtc : qtcBazett, pAxis, qrsAxis, tAxis);
        }
    }
}
