package org.huizhen.hub.ecg;

import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * The binding of {@link EcgDicomEncoder} to {@code dicom-gateway}'s DICOM ECG writer
 * ({@code org.huizhen.dicom.ecg.dicom.DicomEcgWriter}, written in its own branch): the one place
 * where the hub calls it.
 *
 * <p>Stateless; thread-safe.
 */
final class StandardEcgDicomEncoder implements EcgDicomEncoder {
    static final StandardEcgDicomEncoder INSTANCE = new StandardEcgDicomEncoder();

    private StandardEcgDicomEncoder() {
    }

    @Override
    public byte[] encode(Ecg ecg, Identity ids) throws EcgParseException {
        // TODO(lead): bind to DicomEcgWriter once merged, e.g.
        // return DicomEcgWriter.write(ecg, ids.studyInstanceUid(), ids.seriesInstanceUid(), ids.sopInstanceUid(), ...);
        throw new UnsupportedOperationException("HZ-7090 the DICOM ECG writer is not bound yet (StandardEcgDicomEncoder)");
    }
}
