package org.huizhen.hub.ecg;

import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.dicom.DicomEcgIdentity;
import org.huizhen.dicom.ecg.dicom.DicomEcgWriter;

/**
 * The binding of {@link EcgDicomEncoder} to {@code dicom-gateway}'s {@link DicomEcgWriter}: the
 * one place where the hub calls it. The patient fields are left to the ECG file's own data (the
 * writer falls back to them); the UIDs and the institution are the hub's; Series Description
 * and Derivation Description say what the object was made from (PS3.3 C.7.3.1, C.10.8).
 *
 * <p>Stateless; thread-safe.
 */
final class StandardEcgDicomEncoder implements EcgDicomEncoder {
    static final StandardEcgDicomEncoder INSTANCE = new StandardEcgDicomEncoder();

    private StandardEcgDicomEncoder() {
    }

    @Override
    public byte[] encode(Ecg ecg, Identity ids) {
        return DicomEcgWriter.write(ecg, new DicomEcgIdentity(null, null, null, null, ids.studyInstanceUid(),
                ids.seriesInstanceUid(), ids.sopInstanceUid(), null, ids.institutionName(), null, null,
                "converted from " + ecg.format() + " by Huizhen Hub"));
    }
}
