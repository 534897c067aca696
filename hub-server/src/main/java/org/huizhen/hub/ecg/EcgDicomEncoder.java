package org.huizhen.hub.ecg;

import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * Turns an ECG of any format into a DICOM ECG waveform instance (PS3.3 A.34.3 12-Lead ECG, or
 * A.34.4 General ECG when the leads do not fit the 12-lead IOD) so that every ECG in the hub is
 * a DICOM instance that viewers, Q/R and DICOMweb serve. The hub calls it for non-DICOM uploads
 * with the UIDs it chose; the writer itself lives in {@code dicom-gateway}
 * ({@code org.huizhen.dicom.ecg.dicom.DicomEcgWriter}); {@link #standard()} binds to it.
 *
 * <p>Implementations are stateless and thread-safe; {@link #encode} is CPU work (call it off the
 * event loop).
 */
@FunctionalInterface
public interface EcgDicomEncoder {

    /**
     * A complete Part 10 file (File Meta Information + data set) whose SOP Instance, Series and
     * Study Instance UIDs are those of {@code ids}, carrying the rhythm leads of {@code ecg} (and
     * its patient, device, acquisition time, device measurements and statements where the IOD has
     * a place for them).
     *
     * @throws EcgParseException HZ-70xx when the model cannot be expressed in a DICOM waveform
     * @throws IllegalArgumentException likewise (the writer's own refusal), answered as HZ-7004
     */
    byte[] encode(Ecg ecg, Identity ids) throws EcgParseException;

    /**
     * The UIDs and context of the instance to write.
     *
     * @param studyInstanceUid  (0020,000D)
     * @param seriesInstanceUid (0020,000E)
     * @param sopInstanceUid    (0008,0018)
     * @param institutionName   Institution Name (0008,0080), the sending institution's configured name
     */
    record Identity(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String institutionName) {
    }

    /** The hub's encoder: {@code dicom-gateway}'s DICOM ECG writer. */
    static EcgDicomEncoder standard() {
        return StandardEcgDicomEncoder.INSTANCE;
    }
}
