package org.huizhen.storage.index.jdbc;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;

/**
 * Builds index records for tests. Each record's content is really written to the given blob
 * store first (the ingest order of DESIGN.md), so its blob id and SHA-256 are computed by the
 * store, not made up, and {@code verifyBlobs} sees every blob the tests did not remove.
 */
final class TestRecords {

    static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

    private TestRecords() {
    }

    /** A fresh UID under the UUID-derived root {@code 2.25} (PS3.5 B.2), at most 64 characters. */
    static String uid() {
        UUID u = UUID.randomUUID();
        BigInteger value = new BigInteger(1, java.nio.ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        return "2.25." + value;
    }

    /** A fresh institution code, so tests sharing a database do not see each other's rows. */
    static String institution() {
        return "inst-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Origin origin(String institution, Instant at) {
        return new Origin(institution, Protocol.DIMSE, "CT_SCANNER_1", "HUIZHEN", "10.1.2.3",
                at.truncatedTo(ChronoUnit.MICROS)); // both databases keep microseconds
    }

    static PatientData patient(String patientId) {
        return new PatientData(patientId, "HOSP-A",
                new PatientName("Wang^XiaoDong=王^小东=", "Wang^XiaoDong", "王^小东", null),
                LocalDate.of(1961, 3, 14), "M");
    }

    static StudyData study(String studyUid) {
        return new StudyData(studyUid, LocalDate.of(2026, 11, 2), LocalTime.of(9, 30, 15), "ACC" + studyUid.hashCode(),
                "S1", "CT 胸部平扫", "Li^Ming");
    }

    static SeriesData series(String seriesUid, String modality, int number) {
        return new SeriesData(seriesUid, modality, number, "CHEST", "Axial 5mm");
    }

    /** Writes {@code content} to {@code blobs} and describes it as instance {@code sopUid}. */
    static InstanceData instance(BlobStore blobs, String sopUid, int number, String content) throws StorageException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        BlobId id;
        try (BlobWriter writer = blobs.create()) {
            writer.write(bytes, 0, bytes.length);
            id = writer.commit();
        }
        return new InstanceData(sopUid, CT_IMAGE, number, EXPLICIT_LE, "ISO_IR 192", id, bytes.length, id.hex());
    }

    static InstanceRecord record(BlobStore blobs, String institution, String patientId, String studyUid,
                                 String seriesUid, String modality, String sopUid, String content)
            throws StorageException {
        return new InstanceRecord(origin(institution, Instant.now()), patient(patientId), study(studyUid),
                series(seriesUid, modality, 1), instance(blobs, sopUid, 1, content));
    }
}
