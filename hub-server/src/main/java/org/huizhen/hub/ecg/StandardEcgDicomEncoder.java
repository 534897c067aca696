package org.huizhen.hub.ecg;

import java.util.Optional;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.dicom.DicomEcgIdentity;
import org.huizhen.dicom.ecg.dicom.DicomEcgWriter;

/**
 * The binding of {@link EcgDicomEncoder} to {@code dicom-gateway}'s {@link DicomEcgWriter}: the
 * one place where the hub calls it. The patient fields are left to the ECG file's own data (the
 * writer falls back to them); the UIDs and the institution are the hub's; Series Description
 * and Derivation Description say what the object was made from (PS3.3 C.7.3.1, C.10.8).
 *
 * <p>12-Lead ECG first: many DICOM ECG viewers and archives know 12-Lead ECG Waveform Storage
 * better than General ECG, and the issue asks for a 12-lead object. PS3.3 A.34.3.4 allows at most
 * 13 channels over all multiplex groups, so a rhythm of 8–12 leads plus the device's median beat
 * does not fit; when dropping the median beat makes the ECG fit, it is dropped from the generated
 * object (the original file, kept as received, still has it, and the hub computes its own median
 * beat from the rhythm). Otherwise (rates outside 200–1000 Hz, over 13 leads, over 16,384
 * samples) the writer's General ECG object carries everything.
 *
 * <p>Stateless; thread-safe.
 */
final class StandardEcgDicomEncoder implements EcgDicomEncoder {
    static final StandardEcgDicomEncoder INSTANCE = new StandardEcgDicomEncoder();

    private StandardEcgDicomEncoder() {
    }

    @Override
    public byte[] encode(Ecg ecg, Identity ids) {
        return DicomEcgWriter.write(preferTwelveLead(ecg), new DicomEcgIdentity(null, null, null, null, ids.studyInstanceUid(),
                ids.seriesInstanceUid(), ids.sopInstanceUid(), null, ids.institutionName(), null, null,
                "converted from " + ecg.format() + " by Huizhen Hub"));
    }

    /** The ECG as it will be written: without the median beat when that is what makes it a 12-Lead ECG object. */
    static Ecg preferTwelveLead(Ecg ecg) {
        if (ecg.representativeBeat().isEmpty()
                || UID.TwelveLeadECGWaveformStorage.equals(DicomEcgWriter.sopClassFor(ecg))) {
            return ecg;
        }
        Ecg rhythmOnly = new Ecg(ecg.format(), ecg.acquired(), ecg.patient(), ecg.device(), ecg.rhythm(), Optional.empty(),
                ecg.deviceMeasurements(), ecg.deviceStatements(), ecg.sopInstanceUid());
        return UID.TwelveLeadECGWaveformStorage.equals(DicomEcgWriter.sopClassFor(rhythmOnly)) ? rhythmOnly : ecg;
    }
}
