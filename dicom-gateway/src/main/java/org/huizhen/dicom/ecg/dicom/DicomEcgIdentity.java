package org.huizhen.dicom.ecg.dicom;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.Objects;
import java.util.UUID;

/**
 * Who and where a DICOM ECG object written by {@link DicomEcgWriter} belongs: the hub's patient
 * identity (overriding what the ECG file said), the study/series/instance it joins, and where it
 * came from. Modality is not a field: PS3.3 A.34.3.4.1 and A.34.4.4.1 fix it to "ECG".
 *
 * <p>Null patient fields fall back to the ECG's own patient data; null UIDs are generated
 * (see {@link #withGeneratedUids()}).
 *
 * @param patientId Patient ID (0010,0020) at the sending institution, or null
 * @param patientName Patient's Name (0010,0010) in DICOM PN form "Family^Given", or null
 * @param patientSex "M", "F", "O" or null
 * @param patientBirthDate date of birth or null
 * @param studyInstanceUid Study Instance UID, or null to generate one
 * @param seriesInstanceUid Series Instance UID, or null to generate one
 * @param sopInstanceUid SOP Instance UID, or null to generate one
 * @param accessionNumber Accession Number (0008,0050), or null (written empty, type 2)
 * @param institutionName Institution Name (0008,0080), or null
 * @param seriesNumber Series Number (0020,0011), or null (written empty, type 2)
 * @param instanceNumber Instance Number (0020,0013), or null (1 is written: type 1 in C.10.8)
 * @param sourceDescription what the object was made from, e.g. "converted from SCP-ECG by Huizhen";
 *     written as Series Description and Derivation Description; may be null
 */
public record DicomEcgIdentity(String patientId, String patientName, String patientSex, LocalDate patientBirthDate,
        String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid, String accessionNumber,
        String institutionName, Integer seriesNumber, Integer instanceNumber, String sourceDescription) {

    /** No overrides; every UID generated on {@link #withGeneratedUids()}. */
    public static final DicomEcgIdentity NONE = new DicomEcgIdentity(null, null, null, null, null, null, null, null,
            null, null, null, null);

    /** This identity with every missing UID replaced by a new one. */
    public DicomEcgIdentity withGeneratedUids() {
        return new DicomEcgIdentity(patientId, patientName, patientSex, patientBirthDate,
                studyInstanceUid != null ? studyInstanceUid : newUid(),
                seriesInstanceUid != null ? seriesInstanceUid : newUid(),
                sopInstanceUid != null ? sopInstanceUid : newUid(),
                accessionNumber, institutionName, seriesNumber, instanceNumber, sourceDescription);
    }

    /** A copy with these study, series and instance UIDs. */
    public DicomEcgIdentity withUids(String study, String series, String instance) {
        return new DicomEcgIdentity(patientId, patientName, patientSex, patientBirthDate, Objects.requireNonNull(study),
                Objects.requireNonNull(series), Objects.requireNonNull(instance), accessionNumber, institutionName,
                seriesNumber, instanceNumber, sourceDescription);
    }

    /**
     * A new UID under the "2.25" root from a random UUID (PS3.5 B.2: the UUID's 128 bits as one
     * decimal integer), so the hub needs no registered root to mint instance UIDs.
     */
    public static String newUid() {
        UUID u = UUID.randomUUID();
        ByteBuffer b = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "2.25." + new BigInteger(1, b.array());
    }
}
