package org.huizhen.dicom.ecg.dicom;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomElement;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Value;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgDevice;
import org.huizhen.dicom.ecg.EcgFileReader;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.EcgValidator;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.TransferSyntax;

/**
 * Reads DICOM ECG waveform objects (12-Lead ECG PS3.3 A.34.3, General ECG A.34.4, and the other
 * ECG waveform classes such as Ambulatory ECG A.34.5) into the hub's {@link Ecg} model, with the
 * project's own Part 10 parser ({@link DicomReader}); Explicit, Implicit and Deflated syntaxes all
 * arrive here as the same {@link DataSet}.
 *
 * <p>What it reads (PS3.3 C.10.9 Waveform module): the multiplex groups of the Waveform
 * Sequence (5400,0100); the group labelled "RHYTHM" (else the ORIGINAL group with most channels)
 * becomes {@link Ecg#rhythm()}, a group labelled "MEDIAN"/"REPRESENTATIVE" (else another
 * DERIVED group) the representative beat. Samples become µV by C.10.9.1.4.2 and C.10.9.1.4.3:
 * {@code value = raw × ChannelSensitivity × ChannelSensitivityCorrectionFactor + ChannelBaseline},
 * converted from the Channel Sensitivity Units (UCUM) to µV. The baseline is "the offset of
 * encoded sample value 0 from actual 0" expressed in the sensitivity units, so it is added after
 * scaling, not to the raw value. Samples equal to Waveform Padding Value (5400,100A) become 0 µV.
 * Channel Sample Skew and the filter attributes are ignored (skews of a resting ECG cart are
 * microseconds). Lead names come from the Channel Source Sequence code (CID 3001: MDC
 * "2:n", SCPECG "5.6.3-9-n", else the code meaning or Channel Label text).
 *
 * <p>Device measurements and statements come from the Waveform Annotation Sequence (C.10.10):
 * items with a Numeric Value are matched by concept code (SCPECG, MDC, LOINC) or, failing that,
 * by code meaning; Unformatted Text Value items are the device's statements, in order.
 *
 * <p>Errors: a DICOM object of another SOP class → HZ-7001; a malformed or truncated file →
 * HZ-7002; inconsistent waveform attributes (channel count, data length, sample rate, zero
 * samples) → HZ-7003; unsupported encodings (bits allocated, units) → HZ-7004. No array is
 * allocated from a count in the file before the Waveform Data length has confirmed it.
 *
 * <p>Stateless and thread-safe.
 */
public final class DicomEcgReader implements EcgFileReader {

    /** SOP class UID prefix of the ECG waveform storage classes (PS3.4 B.5: …9.1.1 to …9.1.4). */
    static final String ECG_SOP_CLASS_PREFIX = "1.2.840.10008.5.1.4.1.1.9.1.";

    private static final byte[] ECG_PREFIX_BYTES = ECG_SOP_CLASS_PREFIX.getBytes(StandardCharsets.US_ASCII);

    /** Parser limits: nothing in an ECG file may be longer than the file itself may be. */
    private static final DecodeLimits LIMITS = DecodeLimits.DEFAULT.withMaxElementLength(EcgReaders.MAX_FILE_BYTES)
            .withMaxHeaderBytes(EcgReaders.MAX_FILE_BYTES).withMaxElements(200_000).withMaxSequenceDepth(16);

    @Override
    public EcgFormat format() {
        return EcgFormat.DICOM;
    }

    /**
     * A Part 10 file ("DICM" at byte 128, any SOP class, so that a CT sent as an ECG gets the
     * precise HZ-7001 from {@link #read}), or a bare data set that starts with a group 0008
     * element and names an ECG waveform SOP class within its first bytes.
     */
    @Override
    public boolean accepts(byte[] head, String fileName) {
        if (head.length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M') {
            return true;
        }
        return head.length >= 8 && head[0] == 0x08 && head[1] == 0x00 && indexOf(head, ECG_PREFIX_BYTES) >= 0;
    }

    @Override
    public Ecg read(byte[] file) throws EcgParseException {
        DataSet ds = parse(file);
        try {
            return toEcg(ds);
        } catch (DicomValueException e) {
            throw new EcgParseException("HZ-7002 DICOM ECG: malformed attribute: " + e.getMessage(), e);
        }
    }

    /** The SOP class's name for messages, e.g. "CT Image Storage (1.2.840.10008.5.1.4.1.1.2)". */
    private static String describe(String sopClass) {
        return UID.nameOf(sopClass).map(n -> n + " (" + sopClass + ")").orElse(sopClass);
    }

    // ---------------------------------------------------------------- parsing

    private static DataSet parse(byte[] file) throws EcgParseException {
        ReadOptions options = ReadOptions.DEFAULT.withLimits(LIMITS);
        DataSet ds;
        String sopClassMeta = null;
        try {
            if (file.length >= 132 && file[128] == 'D' && file[129] == 'I' && file[130] == 'C' && file[131] == 'M') {
                Part10File p = DicomReader.readPart10(new ByteArrayInputStream(file), file.length, options);
                ds = p.dataSet();
                sopClassMeta = p.meta().mediaStorageSopClassUid();
            } else {
                // A bare data set: Explicit VR when bytes 4-5 of the first element are a VR code.
                boolean explicit = file.length >= 6 && VR.fromCode(file[4] & 0xFF, file[5] & 0xFF).isPresent();
                TransferSyntax ts = explicit ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN
                        : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
                ds = DicomReader.readDataSet(new ByteArrayInputStream(file), ts, options);
            }
        } catch (IOException e) {
            throw new EcgParseException("HZ-7002 DICOM ECG is truncated or malformed: " + e.getMessage(), e);
        } catch (DicomValueException | IllegalArgumentException e) {
            throw new EcgParseException("HZ-7002 DICOM ECG is malformed: " + e.getMessage(), e);
        }
        String sopClass;
        try {
            sopClass = ds.getString(Tag.SOPClassUID).orElse(sopClassMeta == null || sopClassMeta.isEmpty() ? null : sopClassMeta);
        } catch (DicomValueException e) {
            throw new EcgParseException("HZ-7002 DICOM ECG: malformed SOP Class UID: " + e.getMessage(), e);
        }
        if (sopClass == null) {
            throw new EcgParseException("HZ-7001 DICOM object has no SOP Class UID (0008,0016), so it is not an ECG waveform");
        }
        if (!sopClass.startsWith(ECG_SOP_CLASS_PREFIX)) {
            throw new EcgParseException("HZ-7001 DICOM object of SOP class " + describe(sopClass)
                    + " is not an ECG waveform");
        }
        return ds;
    }

    // ---------------------------------------------------------------- model

    private static Ecg toEcg(DataSet ds) throws EcgParseException {
        List<DataSet> groups = ds.getSequence(Tag.WaveformSequence).orElse(List.of());
        if (groups.isEmpty()) {
            throw new EcgParseException("HZ-7003 DICOM ECG has no multiplex group: Waveform Sequence (5400,0100) is "
                    + (ds.contains(Tag.WaveformSequence) ? "empty" : "absent"));
        }
        int rhythmIndex = chooseRhythm(groups);
        int beatIndex = chooseRepresentativeBeat(groups, rhythmIndex);
        EcgWaveform rhythm = readGroup(groups.get(rhythmIndex), rhythmIndex);
        Optional<EcgWaveform> beat = beatIndex < 0 ? Optional.empty()
                : Optional.of(readGroup(groups.get(beatIndex), beatIndex));
        Annotations ann = readAnnotations(ds);
        return new Ecg(EcgFormat.DICOM, acquired(ds), patient(ds), device(ds), rhythm, beat, ann.measurements(),
                ann.statements(), ds.getString(Tag.SOPInstanceUID).orElse(null));
    }

    private static String label(DataSet g) {
        return g.getString(Tag.MultiplexGroupLabel).orElse("").toUpperCase(Locale.ROOT);
    }

    private static boolean original(DataSet g) {
        return "ORIGINAL".equalsIgnoreCase(g.getString(Tag.WaveformOriginality).orElse(""));
    }

    /** "RHYTHM" by label; else the ORIGINAL group with most channels, then most samples; else the first. */
    private static int chooseRhythm(List<DataSet> groups) {
        for (int i = 0; i < groups.size(); i++) {
            if (label(groups.get(i)).contains("RHYTHM")) {
                return i;
            }
        }
        int best = -1;
        long bestSize = -1;
        for (int i = 0; i < groups.size(); i++) {
            DataSet g = groups.get(i);
            if (!original(g)) {
                continue;
            }
            long channels = g.getLong(Tag.NumberOfWaveformChannels).orElse(0L);
            long samples = g.getLong(Tag.NumberOfWaveformSamples).orElse(0L);
            long size = channels * 1_000_000_000L + samples;
            if (size > bestSize) {
                best = i;
                bestSize = size;
            }
        }
        return best >= 0 ? best : 0;
    }

    /** "MEDIAN"/"REPRESENTATIVE" by label; else the first other DERIVED group; else none (-1). */
    private static int chooseRepresentativeBeat(List<DataSet> groups, int rhythm) {
        for (int i = 0; i < groups.size(); i++) {
            String l = label(groups.get(i));
            if (i != rhythm && (l.contains("MEDIAN") || l.contains("REPRESENTATIVE"))) {
                return i;
            }
        }
        for (int i = 0; i < groups.size(); i++) {
            if (i != rhythm && "DERIVED".equalsIgnoreCase(groups.get(i).getString(Tag.WaveformOriginality).orElse(""))) {
                return i;
            }
        }
        return -1;
    }

    /** One multiplex group (C.10.9.1) → leads in µV. */
    private static EcgWaveform readGroup(DataSet g, int index) throws EcgParseException {
        String where = "multiplex group " + (index + 1) + (label(g).isEmpty() ? "" : " '" + label(g) + "'");
        long channels = required(g, Tag.NumberOfWaveformChannels, "Number of Waveform Channels (003A,0005)", where);
        long samples = required(g, Tag.NumberOfWaveformSamples, "Number of Waveform Samples (003A,0010)", where);
        if (channels < 1 || channels > EcgValidator.MAX_LEADS) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + ": " + channels + " channels (1.."
                    + EcgValidator.MAX_LEADS + " expected)");
        }
        if (samples < 1 || samples > EcgValidator.MAX_SAMPLES_PER_LEAD) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + ": " + samples + " samples per channel (1.."
                    + EcgValidator.MAX_SAMPLES_PER_LEAD + " expected)");
        }
        double rate = g.getDouble(Tag.SamplingFrequency).orElseThrow(() -> new EcgParseException(
                "HZ-7003 DICOM ECG " + where + ": Sampling Frequency (003A,001A) is missing"));
        if (!(rate >= EcgValidator.MIN_RATE_HZ && rate <= EcgValidator.MAX_RATE_HZ)) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + ": sampling frequency " + rate + " Hz is outside "
                    + EcgValidator.MIN_RATE_HZ + ".." + EcgValidator.MAX_RATE_HZ + " Hz");
        }
        List<DataSet> defs = g.getSequence(Tag.ChannelDefinitionSequence).orElse(List.of());
        if (defs.size() != channels) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + ": Number of Waveform Channels is " + channels
                    + " but the Channel Definition Sequence has " + defs.size() + " items");
        }
        int bits = (int) required(g, Tag.WaveformBitsAllocated, "Waveform Bits Allocated (5400,1004)", where);
        String interp = g.getString(Tag.WaveformSampleInterpretation).orElseThrow(() -> new EcgParseException(
                "HZ-7003 DICOM ECG " + where + ": Waveform Sample Interpretation (5400,1006) is missing"));
        SampleFormat fmt = SampleFormat.of(bits, interp, where);
        DicomElement dataElement = g.get(Tag.WaveformData).orElseThrow(() -> new EcgParseException(
                "HZ-7003 DICOM ECG " + where + ": Waveform Data (5400,1010) is missing"));
        if (!(dataElement.value() instanceof Value.Bytes data)) {
            throw new EcgParseException("HZ-7002 DICOM ECG " + where + ": Waveform Data is not an inline value");
        }
        byte[] raw = data.unsafeArray();
        long expected = channels * samples * fmt.bytes();
        // OB data of odd length carries one padding byte (PS3.5 7.1.1); anything else must match exactly.
        if (raw.length != expected && !(raw.length == expected + 1 && (expected & 1) == 1)) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + ": Waveform Data has " + raw.length
                    + " bytes but " + channels + " channels × " + samples + " samples × " + fmt.bytes()
                    + " bytes = " + expected + " are declared");
        }
        Long padding = paddingValue(g, fmt);
        int c = (int) channels;
        int n = (int) samples;
        double[] scale = new double[c];
        double[] baseline = new double[c];
        float[][] uv = new float[c][n];
        for (int ch = 0; ch < c; ch++) {
            DataSet def = defs.get(ch);
            scale[ch] = scaleToMicrovolts(def, where, ch);
            baseline[ch] = def.getDouble(Tag.ChannelBaseline).orElse(0.0) * unitFactor(def, where, ch);
        }
        // Samples are interleaved (C.10.9.1.7): walk the data once, in order.
        long pad = padding == null ? Long.MIN_VALUE : padding;
        int i = 0;
        for (int s = 0; s < n; s++) {
            for (int ch = 0; ch < c; ch++) {
                long v = fmt.sample(raw, i++);
                uv[ch][s] = padding != null && v == pad ? 0f : (float) (v * scale[ch] + baseline[ch]);
            }
        }
        List<Lead> leads = new ArrayList<>(c);
        for (int ch = 0; ch < c; ch++) {
            leads.add(lead(defs.get(ch), ch, uv[ch]));
        }
        return new EcgWaveform(rate, leads);
    }

    private static long required(DataSet g, int tag, String name, String where) throws EcgParseException {
        return g.getLong(tag).orElseThrow(() -> new EcgParseException("HZ-7003 DICOM ECG " + where + ": " + name
                + " is missing"));
    }

    /** The padding sample value, or null when the group has none (C.10.9.1.6). */
    private static Long paddingValue(DataSet g, SampleFormat fmt) {
        Optional<byte[]> b = g.contains(Tag.WaveformPaddingValue) ? g.getBytes(Tag.WaveformPaddingValue) : Optional.empty();
        if (b.isEmpty() || b.get().length < fmt.bytes()) {
            return null;
        }
        return fmt.sample(b.get(), 0);
    }

    /** µV per raw unit: Channel Sensitivity × Correction Factor × unit factor (C.10.9.1.4.2). */
    private static double scaleToMicrovolts(DataSet def, String where, int ch) throws EcgParseException {
        double sensitivity = def.getDouble(Tag.ChannelSensitivity).orElse(1.0);
        double correction = def.getDouble(Tag.ChannelSensitivityCorrectionFactor).orElse(1.0);
        double scale = sensitivity * correction * unitFactor(def, where, ch);
        if (!(Double.isFinite(scale) && scale > 0 && scale < 1e6)) {
            throw new EcgParseException("HZ-7003 DICOM ECG " + where + " channel " + (ch + 1) + ": channel sensitivity "
                    + sensitivity + " × correction " + correction + " is not a plausible µV scale");
        }
        return scale;
    }

    /** UCUM voltage units to µV (CID 3082). Absent units: the samples are taken as µV. */
    private static final Map<String, Double> MICROVOLTS_PER_UNIT = Map.of(
            "uV", 1.0, "mV", 1000.0, "V", 1e6, "nV", 1e-3, "10.uV", 10.0, "10uV", 10.0, "cV", 1e4, "dV", 1e5);

    private static double unitFactor(DataSet def, String where, int ch) throws EcgParseException {
        List<DataSet> units = def.getSequence(Tag.ChannelSensitivityUnitsSequence).orElse(List.of());
        if (units.isEmpty()) {
            return 1.0;
        }
        String code = units.get(0).getString(Tag.CodeValue).orElse("");
        Double f = MICROVOLTS_PER_UNIT.get(code);
        if (f == null) {
            throw new EcgParseException("HZ-7004 DICOM ECG " + where + " channel " + (ch + 1)
                    + ": channel sensitivity unit '" + code + "' is not a voltage unit this reader knows (uV, mV, V, nV)");
        }
        return f;
    }

    private static Lead lead(DataSet def, int ch, float[] uv) {
        List<DataSet> src = def.getSequence(Tag.ChannelSourceSequence).orElse(List.of());
        String meaning = null;
        Optional<LeadName> name = Optional.empty();
        if (!src.isEmpty()) {
            DataSet code = src.get(0);
            meaning = code.getString(Tag.CodeMeaning).orElse(null);
            name = leadFromCode(code.getString(Tag.CodeValue).orElse(""), code.getString(Tag.CodingSchemeDesignator).orElse(""));
            if (name.isEmpty()) {
                name = leadFromText(meaning);
            }
        }
        String channelLabel = def.getString(Tag.ChannelLabel).orElse(null);
        if (name.isEmpty()) {
            name = leadFromText(channelLabel);
        }
        if (name.isPresent()) {
            return new Lead(name.get(), name.get().label(), uv, false);
        }
        // The device's own Channel Label names an unknown lead more precisely than a generic code meaning.
        String label = channelLabel != null ? channelLabel : meaning != null ? meaning : "channel " + (ch + 1);
        return new Lead(LeadName.OTHER, label, uv, false);
    }

    /** CID 3001 codes: MDC "2:n" (ISO/IEEE 11073-10101 partition 2), legacy SCPECG "5.6.3-9-n". */
    static Optional<LeadName> leadFromCode(String value, String scheme) {
        try {
            if (value.startsWith("2:") && (scheme.equals("MDC") || scheme.isEmpty())) {
                int code = Integer.parseInt(value.substring(2));
                for (LeadName n : LeadName.values()) {
                    if (n != LeadName.OTHER && n.mdcCode() == code) {
                        return Optional.of(n);
                    }
                }
            } else if (value.startsWith("5.6.3-9-")) {
                return LeadName.fromScpCode(Integer.parseInt(value.substring("5.6.3-9-".length())));
            } else if (value.startsWith("MDC_ECG_LEAD_")) {
                return LeadName.fromLabel(value);
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** "Lead I (Einthoven)", "Lead aVR", "V1": the text before any parenthesis. */
    static Optional<LeadName> leadFromText(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int paren = text.indexOf('(');
        return LeadName.fromLabel(paren >= 0 ? text.substring(0, paren) : text);
    }

    // ---------------------------------------------------------------- annotations

    private record Annotations(DeviceMeasurements measurements, List<String> statements) {
    }

    private enum Measure { HR, RR, PR, QRS, QT, QTC, P_AXIS, QRS_AXIS, T_AXIS }

    /** Concept codes of global ECG measurements as devices write them (SCPECG codes as in the Mortara ELI files). */
    private static final Map<String, Measure> MEASURE_CODES = Map.ofEntries(
            Map.entry("5.10.2.1-3", Measure.RR), Map.entry("5.13.5-7", Measure.PR), Map.entry("5.13.5-9", Measure.QRS),
            Map.entry("5.13.5-11", Measure.QT), Map.entry("5.10.2.5-5", Measure.QTC),
            Map.entry("5.10.3-11", Measure.P_AXIS), Map.entry("5.10.3-13", Measure.QRS_AXIS),
            Map.entry("5.10.3-15", Measure.T_AXIS),
            Map.entry("8867-4", Measure.HR), // LOINC Heart rate
            Map.entry("2:16770", Measure.HR)); // MDC_ECG_HEART_RATE

    private static Annotations readAnnotations(DataSet ds) {
        Double[] v = new Double[Measure.values().length];
        List<String> statements = new ArrayList<>();
        for (DataSet item : ds.getSequence(Tag.WaveformAnnotationSequence).orElse(List.of())) {
            Optional<String> text = item.getString(Tag.UnformattedTextValue);
            if (text.isPresent() && !text.get().isBlank()) {
                statements.add(text.get().strip());
                continue;
            }
            if (item.contains(Tag.ReferencedSamplePositions) || item.contains(Tag.ReferencedTimeOffsets)) {
                continue; // a fiducial point (P onset, QRS offset …), not a global measurement
            }
            Optional<Double> num = numeric(item);
            List<DataSet> concept = item.getSequence(Tag.ConceptNameCodeSequence).orElse(List.of());
            if (num.isEmpty() || concept.isEmpty()) {
                continue;
            }
            String code = concept.get(0).getString(Tag.CodeValue).orElse("");
            String meaning = concept.get(0).getString(Tag.CodeMeaning).orElse("");
            Measure m = MEASURE_CODES.get(code);
            if (m == null) {
                m = byMeaning(meaning);
            }
            if (m == null || v[m.ordinal()] != null) {
                continue;
            }
            double value = num.get();
            String unit = item.getSequence(Tag.MeasurementUnitsCodeSequence).orElse(List.of()).stream().findFirst()
                    .flatMap(u -> u.getString(Tag.CodeValue)).orElse("");
            if (unit.equals("s")) {
                value *= 1000; // intervals in seconds → ms
            }
            // A value of 0 for an interval or rate means "not measured" in device exports (e.g. PP 0 ms).
            boolean axis = m == Measure.P_AXIS || m == Measure.QRS_AXIS || m == Measure.T_AXIS;
            if (!axis && value <= 0) {
                continue;
            }
            v[m.ordinal()] = value;
        }
        // The device's rate as beats/min from its own RR interval when it states no rate itself.
        if (v[Measure.HR.ordinal()] == null && v[Measure.RR.ordinal()] != null) {
            v[Measure.HR.ordinal()] = 60_000.0 / v[Measure.RR.ordinal()];
        }
        DeviceMeasurements dm = new DeviceMeasurements(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
        return new Annotations(dm, statements);
    }

    private static Optional<Double> numeric(DataSet item) {
        try {
            return item.getDouble(Tag.NumericValue);
        } catch (DicomValueException e) {
            return Optional.empty(); // one unreadable measurement must not reject the tracing
        }
    }

    private static Measure byMeaning(String meaning) {
        String m = meaning.toUpperCase(Locale.ROOT).replace("-", " ");
        if (m.contains("QTC")) {
            return Measure.QTC;
        }
        if (m.contains("AXIS")) {
            return m.contains("QRS") ? Measure.QRS_AXIS : m.startsWith("P ") ? Measure.P_AXIS
                    : m.startsWith("T ") ? Measure.T_AXIS : null;
        }
        if (m.contains("HEART RATE") || m.contains("VENTRICULAR RATE")) {
            return Measure.HR;
        }
        if (m.startsWith("RR INTERVAL")) {
            return Measure.RR;
        }
        if (m.startsWith("PR INTERVAL") || m.startsWith("PQ INTERVAL")) {
            return Measure.PR;
        }
        if (m.startsWith("QRS DURATION")) {
            return Measure.QRS;
        }
        if (m.startsWith("QT INTERVAL")) {
            return Measure.QT;
        }
        return null;
    }

    // ---------------------------------------------------------------- patient, device, time

    private static EcgPatient patient(DataSet ds) {
        return new EcgPatient(text(ds, Tag.PatientID), text(ds, Tag.PatientName), text(ds, Tag.PatientSex),
                date(text(ds, Tag.PatientBirthDate)), age(text(ds, Tag.PatientAge)));
    }

    private static EcgDevice device(DataSet ds) {
        String software = ds.getStrings(Tag.SoftwareVersions).map(l -> String.join(" ", l)).filter(s -> !s.isBlank())
                .orElse(null);
        return new EcgDevice(text(ds, Tag.Manufacturer), text(ds, Tag.ManufacturerModelName),
                text(ds, Tag.DeviceSerialNumber), software);
    }

    private static String text(DataSet ds, int tag) {
        try {
            return ds.getString(tag).filter(s -> !s.isBlank()).orElse(null);
        } catch (DicomValueException e) {
            return null;
        }
    }

    /** Acquisition DateTime (0008,002A); else Acquisition, Content, then Study date and time. */
    private static LocalDateTime acquired(DataSet ds) {
        LocalDateTime dt = dateTime(text(ds, Tag.AcquisitionDateTime));
        if (dt != null) {
            return dt;
        }
        int[][] pairs = {{Tag.AcquisitionDate, Tag.AcquisitionTime}, {Tag.ContentDate, Tag.ContentTime},
            {Tag.StudyDate, Tag.StudyTime}};
        for (int[] p : pairs) {
            LocalDate d = date(text(ds, p[0]));
            if (d != null) {
                LocalTime t = time(text(ds, p[1]));
                return d.atTime(t == null ? LocalTime.MIDNIGHT : t);
            }
        }
        return null;
    }

    /** DA "YYYYMMDD" (PS3.5 6.2); null when absent or invalid. */
    static LocalDate date(String s) {
        if (s == null || s.length() < 8) {
            return null;
        }
        try {
            return LocalDate.of(Integer.parseInt(s.substring(0, 4)), Integer.parseInt(s.substring(4, 6)),
                    Integer.parseInt(s.substring(6, 8)));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** TM "HH[MM[SS[.F]]]"; null when absent or invalid. */
    static LocalTime time(String s) {
        if (s == null || s.length() < 2) {
            return null;
        }
        try {
            int h = Integer.parseInt(s.substring(0, 2));
            int m = s.length() >= 4 ? Integer.parseInt(s.substring(2, 4)) : 0;
            int sec = s.length() >= 6 ? Integer.parseInt(s.substring(4, 6)) : 0;
            int nano = 0;
            if (s.length() > 7 && s.charAt(6) == '.') {
                String f = (s.substring(7) + "000000").substring(0, 6);
                nano = Integer.parseInt(f.replaceAll("[^0-9]", "0")) * 1000;
            }
            return LocalTime.of(h, m, sec, nano);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** DT "YYYYMMDDHHMMSS.FFFFFF&ZZXX": local time of the device; the UTC offset is dropped. */
    static LocalDateTime dateTime(String s) {
        if (s == null) {
            return null;
        }
        int zone = Math.max(s.indexOf('+', 8), s.indexOf('-', 8));
        String local = zone > 0 ? s.substring(0, zone) : s;
        LocalDate d = date(local);
        if (d == null) {
            return null;
        }
        LocalTime t = local.length() > 8 ? time(local.substring(8)) : LocalTime.MIDNIGHT;
        return t == null ? d.atStartOfDay() : d.atTime(t);
    }

    /** AS "nnnY|M|W|D" → whole years. */
    static Integer age(String s) {
        if (s == null || s.length() != 4) {
            return null;
        }
        try {
            int n = Integer.parseInt(s.substring(0, 3));
            return switch (Character.toUpperCase(s.charAt(3))) {
                case 'Y' -> n;
                case 'M' -> n / 12;
                case 'W' -> n / 52;
                case 'D' -> n / 365;
                default -> null;
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
