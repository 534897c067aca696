package org.huizhen.dicom.ecg.dicom;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.ecg.DeviceMeasurements;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgPatient;
import org.huizhen.dicom.ecg.EcgWaveform;
import org.huizhen.dicom.ecg.Lead;
import org.huizhen.dicom.ecg.LeadName;
import org.huizhen.dicom.io.DicomWriter;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.io.WriteOptions;

/**
 * Writes an {@link Ecg} as a DICOM ECG waveform object, so that every ECG the hub receives (SCP-ECG,
 * aECG, MUSE, Sierra …) can also be read by DICOM viewers and archives downstream.
 *
 * <p>SOP class ({@link #sopClassFor}): 12-Lead ECG Waveform Storage (PS3.3 A.34.3) when the
 * content meets A.34.3.4 — sampling frequency 200–1000 Hz, 1–13 channels per multiplex group and
 * at most 13 channels across all groups, at most 16384 samples per channel, at most 5 groups;
 * otherwise General ECG Waveform Storage (A.34.4: 1–4 groups, 1–24 channels each, 200–1000 Hz).
 * A rhythm of 12 leads plus a 12-lead median beat is 24 channels and so goes to General ECG.
 * Both IODs limit the sampling frequency to 200–1000 Hz (A.34.3.4.4, A.34.4.4.4); a recording
 * outside that range is still written as General ECG at its own rate rather than resampled —
 * the hub keeps the original file and a resampled copy would no longer be the device's data — so
 * such an object does not meet that one constraint, which strict receivers may report. The same
 * holds for a group of more than 24 channels (A.34.4.4.3); the hub's validator allows up to 64.
 *
 * <p>Modules written (A.34.3-1 / A.34.4-1): Patient, General Study, General Series (Modality
 * ECG), General Equipment, Waveform Identification, Waveform, Acquisition Context (empty, type 2),
 * Waveform Annotation (device measurements and statements, when present) and SOP Common. The
 * Synchronization module is optional (U) for both IODs and is not written: the object has no
 * other object to be synchronised with.
 *
 * <p>Waveform (C.10.9): multiplex group 1 is the rhythm ("RHYTHM", ORIGINAL), group 2 the
 * representative beat ("MEDIAN BEAT", DERIVED) when present. Only the leads the file recorded
 * are written, not leads the hub derived (III, aVR … from I and II), unless no recorded lead
 * exists. Channel sources use CID 3001 MDC codes ("2:1" "Lead I" …); samples are 16-bit SS
 * (A.34.3.4.7) in µV units with a per-channel Channel Sensitivity chosen by {@link #sensitivity}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DicomEcgWriter {

    /** A.34.3.4.4 and A.34.4.4.4: sampling frequency range of both ECG IODs, Hz. */
    public static final double MIN_RATE_HZ = 200;
    /** Upper end of the sampling frequency range, Hz. */
    public static final double MAX_RATE_HZ = 1000;
    /** A.34.3.4.3: channels per group, and in total, of a 12-lead object. */
    public static final int TWELVE_LEAD_MAX_CHANNELS = 13;
    /** A.34.3.4.5: samples per channel of a 12-lead object. */
    public static final int TWELVE_LEAD_MAX_SAMPLES = 16384;
    /** A.34.4.4.3: channels per group of a General ECG object. */
    public static final int GENERAL_MAX_CHANNELS = 24;

    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss.SSSSSS");
    private static final int SS_MAX = Short.MAX_VALUE;

    private DicomEcgWriter() {
    }

    /** The Part 10 file (Explicit VR Little Endian) of {@link #toDataSet}. */
    public static byte[] write(Ecg ecg, DicomEcgIdentity identity) {
        DataSet ds = toDataSet(ecg, identity);
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            DicomWriter.writePart10(out, FileMetaInfo.forDataSet(ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null), ds,
                    WriteOptions.DEFAULT);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /**
     * The ECG as a 12-Lead or General ECG data set. Missing UIDs in {@code identity} are generated;
     * the written SOP Instance UID is in the data set's (0008,0018).
     */
    public static DataSet toDataSet(Ecg ecg, DicomEcgIdentity identity) {
        DicomEcgIdentity id = (identity == null ? DicomEcgIdentity.NONE : identity).withGeneratedUids();
        EcgWaveform rhythm = recordedLeads(ecg.rhythm());
        Optional<EcgWaveform> beat = ecg.representativeBeat().map(DicomEcgWriter::recordedLeads);
        String sopClass = sopClassFor(rhythm, beat);
        EcgPatient p = ecg.patient();
        String patientName = first(id.patientName(), p.name());
        String patientId = first(id.patientId(), p.id());
        String sex = first(id.patientSex(), p.sex());
        LocalDate birth = id.patientBirthDate() != null ? id.patientBirthDate() : p.birthDate();
        LocalDateTime now = LocalDateTime.now();
        LocalDateTime acquired = ecg.acquired() != null ? ecg.acquired() : now;

        DataSet.Builder b = new DataSet.Builder();
        if (!ascii(patientName, patientId, id.institutionName(), ecg.device().manufacturer(), ecg.device().model(),
                id.sourceDescription()) || !ecg.deviceStatements().stream().allMatch(DicomEcgWriter::ascii)) {
            b.setString(Tag.SpecificCharacterSet, VR.CS, "ISO_IR 192"); // UTF-8 (PS3.3 C.12.1.1.2)
        }
        SpecificCharacterSet cs = b.charset();
        // SOP Common (C.12.1)
        b.setString(Tag.SOPClassUID, VR.UI, sopClass);
        b.setString(Tag.SOPInstanceUID, VR.UI, id.sopInstanceUid());
        b.setString(Tag.InstanceCreationDate, VR.DA, DA.format(now));
        b.setString(Tag.InstanceCreationTime, VR.TM, TM.format(now));
        // Patient (C.7.1.1): type 2 attributes are written empty when unknown.
        b.setString(Tag.PatientName, VR.PN, lo(patientName));
        b.setString(Tag.PatientID, VR.LO, lo(patientId));
        b.setString(Tag.PatientBirthDate, VR.DA, birth == null ? "" : DA.format(birth));
        b.setString(Tag.PatientSex, VR.CS, sex != null && sex.matches("[MFO]") ? sex : "");
        if (p.ageYears() != null && p.ageYears() >= 0 && p.ageYears() <= 999) {
            b.setString(Tag.PatientAge, VR.AS, String.format("%03dY", p.ageYears())); // Patient Study (C.7.2.2)
        }
        // General Study (C.7.2.1)
        b.setString(Tag.StudyInstanceUID, VR.UI, id.studyInstanceUid());
        b.setString(Tag.StudyDate, VR.DA, DA.format(acquired));
        b.setString(Tag.StudyTime, VR.TM, TM.format(acquired));
        b.setString(Tag.ReferringPhysicianName, VR.PN, "");
        b.setString(Tag.StudyID, VR.SH, "");
        b.setString(Tag.AccessionNumber, VR.SH, sh(id.accessionNumber()));
        // General Series (C.7.3.1); Modality fixed by A.34.3.4.1 / A.34.4.4.1.
        b.setString(Tag.Modality, VR.CS, "ECG");
        b.setString(Tag.SeriesInstanceUID, VR.UI, id.seriesInstanceUid());
        if (id.seriesNumber() != null) {
            b.setInt(Tag.SeriesNumber, VR.IS, id.seriesNumber());
        } else {
            b.setString(Tag.SeriesNumber, VR.IS, "");
        }
        if (id.sourceDescription() != null) {
            b.setString(Tag.SeriesDescription, VR.LO, lo(id.sourceDescription()));
        }
        // General Equipment (C.7.5.1)
        b.setString(Tag.Manufacturer, VR.LO, lo(ecg.device().manufacturer()));
        if (id.institutionName() != null) {
            b.setString(Tag.InstitutionName, VR.LO, lo(id.institutionName()));
        }
        if (ecg.device().model() != null) {
            b.setString(Tag.ManufacturerModelName, VR.LO, lo(ecg.device().model()));
        }
        if (ecg.device().serialNumber() != null) {
            b.setString(Tag.DeviceSerialNumber, VR.LO, lo(ecg.device().serialNumber()));
        }
        if (ecg.device().software() != null) {
            b.setString(Tag.SoftwareVersions, VR.LO, lo(ecg.device().software()));
        }
        // Waveform Identification (C.10.8): all type 1; the conversion time stands in when the
        // file gave no acquisition time.
        b.setInt(Tag.InstanceNumber, VR.IS, id.instanceNumber() != null ? id.instanceNumber() : 1);
        b.setString(Tag.ContentDate, VR.DA, DA.format(acquired));
        b.setString(Tag.ContentTime, VR.TM, TM.format(acquired));
        b.setString(Tag.AcquisitionDateTime, VR.DT, DA.format(acquired) + TM.format(acquired));
        // Acquisition Context (C.7.6.14): type 2, no context items known.
        b.setSequence(Tag.AcquisitionContextSequence, List.of());
        // Waveform (C.10.9)
        List<DataSet> groups = new ArrayList<>();
        groups.add(group(rhythm, "RHYTHM", "ORIGINAL", cs));
        beat.ifPresent(w -> groups.add(group(w, "MEDIAN BEAT", "DERIVED", cs)));
        b.setSequence(Tag.WaveformSequence, groups);
        // Waveform Annotation (C.10.10): only when there is something to annotate.
        List<DataSet> annotations = annotations(ecg, cs);
        if (!annotations.isEmpty()) {
            b.setSequence(Tag.WaveformAnnotationSequence, annotations);
        }
        return b.build();
    }

    /**
     * 12-Lead ECG Waveform Storage when the ECG meets A.34.3.4, else General ECG Waveform Storage
     * (see the class comment). Decided on the leads that would be written.
     */
    public static String sopClassFor(Ecg ecg) {
        return sopClassFor(recordedLeads(ecg.rhythm()), ecg.representativeBeat().map(DicomEcgWriter::recordedLeads));
    }

    private static String sopClassFor(EcgWaveform rhythm, Optional<EcgWaveform> beat) {
        List<EcgWaveform> groups = new ArrayList<>();
        groups.add(rhythm);
        beat.ifPresent(groups::add);
        int total = 0;
        boolean fits = true;
        for (EcgWaveform w : groups) {
            int channels = w.leads().size();
            total += channels;
            fits &= w.sampleRateHz() >= MIN_RATE_HZ && w.sampleRateHz() <= MAX_RATE_HZ
                    && channels <= TWELVE_LEAD_MAX_CHANNELS && w.samplesPerLead() <= TWELVE_LEAD_MAX_SAMPLES;
        }
        return fits && total <= TWELVE_LEAD_MAX_CHANNELS ? UID.TwelveLeadECGWaveformStorage
                : UID.GeneralECGWaveformStorage;
    }

    /** The leads the file carried; all leads when every one was derived. */
    static EcgWaveform recordedLeads(EcgWaveform w) {
        List<Lead> recorded = w.leads().stream().filter(l -> !l.derived()).toList();
        return recorded.isEmpty() ? w : new EcgWaveform(w.sampleRateHz(), recorded);
    }

    /**
     * Channel Sensitivity (µV per sample unit) for a lead whose largest magnitude is
     * {@code maxAbsMicrovolts}. Rule: 1 µV whenever the lead fits ±32767 µV at that step (any
     * real ECG: ±32 mV is ten times the largest QRS), which keeps the quantisation step at 1 µV,
     * five times finer than the 5 µV resolution diagnostic carts work to; a larger signal takes
     * the smallest step of the 1-2-5 series (2, 5, 10, 20 … µV) at which no sample clips.
     */
    static double sensitivity(double maxAbsMicrovolts) {
        double step = 1;
        int[] series = {2, 5, 10};
        int i = 0;
        double decade = 1;
        // A non-finite maximum (never in a validated ECG) stops at the largest step rather than looping.
        while (maxAbsMicrovolts / step > SS_MAX && step < 1e9) {
            step = series[i] * decade;
            if (++i == series.length) {
                i = 0;
                decade *= 10;
            }
        }
        return step;
    }

    private static DataSet group(EcgWaveform w, String label, String originality, SpecificCharacterSet cs) {
        List<Lead> leads = w.leads();
        int c = leads.size();
        int n = w.samplesPerLead();
        byte[] data = new byte[c * n * 2];
        List<DataSet> defs = new ArrayList<>(c);
        for (int ch = 0; ch < c; ch++) {
            Lead lead = leads.get(ch);
            float[] s = lead.microvolts();
            double max = 0;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, Math.abs(s[j]));
            }
            double step = sensitivity(max);
            for (int j = 0; j < n; j++) {
                long q = Math.round(s[j] / step);
                short v = (short) Math.max(-SS_MAX, Math.min(SS_MAX, q));
                int at = (j * c + ch) * 2; // interleaved: all channels of sample 1, then of sample 2 … (C.10.9.1.7)
                data[at] = (byte) v;
                data[at + 1] = (byte) (v >> 8);
            }
            defs.add(channel(lead, step, cs));
        }
        DataSet.Builder g = new DataSet.Builder(cs);
        g.setString(Tag.WaveformOriginality, VR.CS, originality);
        g.setInt(Tag.NumberOfWaveformChannels, VR.US, c);
        g.setInt(Tag.NumberOfWaveformSamples, VR.UL, n);
        g.setDouble(Tag.SamplingFrequency, VR.DS, w.sampleRateHz());
        g.setString(Tag.MultiplexGroupLabel, VR.SH, label);
        g.setSequence(Tag.ChannelDefinitionSequence, defs);
        g.setInt(Tag.WaveformBitsAllocated, VR.US, 16);
        g.setString(Tag.WaveformSampleInterpretation, VR.CS, "SS");
        g.setBytes(Tag.WaveformData, VR.OW, data);
        return g.build();
    }

    private static DataSet channel(Lead lead, double step, SpecificCharacterSet cs) {
        DataSet.Builder d = new DataSet.Builder(cs);
        LeadName name = lead.name();
        // CID 3001 (ECG Leads): MDC partition 2 term codes; a lead without a standard code is
        // "2:0" (unspecified lead) with its own label in Channel Label.
        DataSet source = name != LeadName.OTHER && name.mdcCode() > 0
                ? code("2:" + name.mdcCode(), "MDC", "Lead " + name.label(), cs)
                : code("2:0", "MDC", "Unspecified lead", cs);
        d.setString(Tag.ChannelLabel, VR.SH, sh(lead.label()));
        d.setSequence(Tag.ChannelSourceSequence, List.of(source));
        d.setDouble(Tag.ChannelSensitivity, VR.DS, step);
        d.setSequence(Tag.ChannelSensitivityUnitsSequence, List.of(code("uV", "UCUM", "microvolt", cs)));
        d.setDouble(Tag.ChannelSensitivityCorrectionFactor, VR.DS, 1);
        d.setDouble(Tag.ChannelBaseline, VR.DS, 0);
        d.setDouble(Tag.ChannelSampleSkew, VR.DS, 0);
        d.setInt(Tag.WaveformBitsStored, VR.US, 16);
        return d.build();
    }

    private static DataSet code(String value, String scheme, String meaning, SpecificCharacterSet cs) {
        DataSet.Builder c = new DataSet.Builder(cs);
        c.setString(Tag.CodeValue, VR.SH, value);
        c.setString(Tag.CodingSchemeDesignator, VR.SH, scheme);
        if (scheme.equals("SCPECG")) {
            // Coding Scheme Version is 1C (Code Sequence Macro, PS3.3 8.8): "SCPECG" alone does not
            // say which revision of the SCP-ECG draft the codes come from; PS3.16 names 1.3.
            c.setString(Tag.CodingSchemeVersion, VR.SH, "1.3");
        }
        c.setString(Tag.CodeMeaning, VR.LO, meaning);
        return c.build();
    }

    /** Device statements as text annotations, device measurements as coded numeric ones (C.10.10.1). */
    private static List<DataSet> annotations(Ecg ecg, SpecificCharacterSet cs) {
        List<DataSet> out = new ArrayList<>();
        for (String s : ecg.deviceStatements()) {
            DataSet.Builder a = new DataSet.Builder(cs);
            a.setString(Tag.UnformattedTextValue, VR.ST, s.length() > 1024 ? s.substring(0, 1024) : s);
            allChannels(a, 0);
            out.add(a.build());
        }
        DeviceMeasurements m = ecg.deviceMeasurements();
        // Concept codes as the Mortara ELI objects carry them (SCPECG, PS3.16 coding scheme
        // "SCPECG"), and LOINC 8867-4 for the heart rate, which SCPECG does not code globally.
        numeric(out, m.heartRateBpm(), code("8867-4", "LN", "Heart rate", cs), code("{beats}/min", "UCUM", "beats per minute", cs), cs);
        numeric(out, m.rrMs(), code("5.10.2.1-3", "SCPECG", "RR Interval", cs), ms(cs), cs);
        numeric(out, m.prMs(), code("5.13.5-7", "SCPECG", "PR Interval", cs), ms(cs), cs);
        numeric(out, m.qrsMs(), code("5.13.5-9", "SCPECG", "QRS Duration", cs), ms(cs), cs);
        numeric(out, m.qtMs(), code("5.13.5-11", "SCPECG", "QT Interval", cs), ms(cs), cs);
        numeric(out, m.qtcMs(), code("5.10.2.5-5", "SCPECG", "QTc Interval", cs), ms(cs), cs);
        numeric(out, m.pAxisDeg(), code("5.10.3-11", "SCPECG", "P Axis", cs), deg(cs), cs);
        numeric(out, m.qrsAxisDeg(), code("5.10.3-13", "SCPECG", "QRS Axis", cs), deg(cs), cs);
        numeric(out, m.tAxisDeg(), code("5.10.3-15", "SCPECG", "T Axis", cs), deg(cs), cs);
        return out;
    }

    private static DataSet ms(SpecificCharacterSet cs) {
        return code("ms", "UCUM", "millisecond", cs);
    }

    private static DataSet deg(SpecificCharacterSet cs) {
        return code("deg", "UCUM", "degree", cs);
    }

    private static void numeric(List<DataSet> out, Double value, DataSet concept, DataSet unit, SpecificCharacterSet cs) {
        if (value == null || !Double.isFinite(value)) {
            return;
        }
        DataSet.Builder a = new DataSet.Builder(cs);
        a.setSequence(Tag.ConceptNameCodeSequence, List.of(concept));
        a.setDouble(Tag.NumericValue, VR.DS, Math.round(value * 1000) / 1000.0);
        a.setSequence(Tag.MeasurementUnitsCodeSequence, List.of(unit));
        allChannels(a, 1);
        out.add(a.build());
    }

    /**
     * Referenced Waveform Channels (0040,A0B0) = (group 1, channel 0): channel 0 means the
     * annotation applies to every channel of the group (C.10.10.1.1).
     */
    private static void allChannels(DataSet.Builder a, int annotationGroup) {
        a.setInt(Tag.ReferencedWaveformChannels, VR.US, 1, 0);
        a.setInt(Tag.AnnotationGroupNumber, VR.US, annotationGroup);
    }

    private static String first(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }

    /** LO/PN value limited to 64 characters (PS3.5 Table 6.2-1); "" for null. */
    private static String lo(String s) {
        return s == null ? "" : s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** SH value limited to 16 characters. */
    private static String sh(String s) {
        return s == null ? "" : s.length() > 16 ? s.substring(0, 16) : s;
    }

    private static boolean ascii(String... values) {
        for (String v : values) {
            if (v != null && !StandardCharsets.US_ASCII.newEncoder().canEncode(v)) {
                return false;
            }
        }
        return true;
    }
}
