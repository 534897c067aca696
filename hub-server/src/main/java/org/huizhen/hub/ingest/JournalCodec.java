package org.huizhen.hub.ingest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;

/**
 * Binary form of an {@link InstanceRecord} in the ingest journal: a version byte, then every
 * field in a fixed order; strings as a length (-1 = null) and UTF-8 bytes; dates and times as
 * ISO-8601 text. Stateless; thread-safe.
 */
final class JournalCodec {
    private static final int VERSION = 1;
    /** No journal string is longer than this (index values are short; a corrupt length must not allocate). */
    private static final int MAX_STRING = 1 << 20;

    private JournalCodec() {
    }

    static byte[] encode(InstanceRecord r) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            Origin o = r.origin();
            str(out, o.institutionId());
            str(out, o.protocol().name());
            str(out, o.callingAe());
            str(out, o.calledAe());
            str(out, o.remoteHost());
            out.writeLong(o.receivedAt().getEpochSecond());
            out.writeInt(o.receivedAt().getNano());
            PatientData p = r.patient();
            str(out, p.patientId());
            str(out, p.issuer());
            PatientName n = p.name();
            out.writeBoolean(n != null);
            if (n != null) {
                str(out, n.text());
                str(out, n.alphabetic());
                str(out, n.ideographic());
                str(out, n.phonetic());
            }
            str(out, p.birthDate() == null ? null : p.birthDate().toString());
            str(out, p.sex());
            StudyData s = r.study();
            str(out, s.studyInstanceUid());
            str(out, s.studyDate() == null ? null : s.studyDate().toString());
            str(out, s.studyTime() == null ? null : s.studyTime().toString());
            str(out, s.accessionNumber());
            str(out, s.studyId());
            str(out, s.description());
            str(out, s.referringPhysician());
            SeriesData se = r.series();
            str(out, se.seriesInstanceUid());
            str(out, se.modality());
            integer(out, se.seriesNumber());
            str(out, se.bodyPartExamined());
            str(out, se.description());
            InstanceData i = r.instance();
            str(out, i.sopInstanceUid());
            str(out, i.sopClassUid());
            integer(out, i.instanceNumber());
            str(out, i.transferSyntaxUid());
            str(out, i.specificCharacterSet());
            str(out, i.blobId().hex());
            out.writeLong(i.sizeBytes());
            str(out, i.sha256());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
    }

    /** @throws IOException when the bytes are not a record of this format */
    static InstanceRecord decode(byte[] payload) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IOException("HZ-3101 unknown journal record version " + version);
        }
        Origin origin = new Origin(str(in), Protocol.valueOf(str(in)), str(in), str(in), str(in),
                Instant.ofEpochSecond(in.readLong(), in.readInt()));
        String patientId = str(in);
        String issuer = str(in);
        PatientName name = in.readBoolean() ? new PatientName(str(in), str(in), str(in), str(in)) : null;
        String birth = str(in);
        PatientData patient = new PatientData(patientId, issuer, name, birth == null ? null : LocalDate.parse(birth), str(in));
        String studyUid = str(in);
        String studyDate = str(in);
        String studyTime = str(in);
        StudyData study = new StudyData(studyUid, studyDate == null ? null : LocalDate.parse(studyDate),
                studyTime == null ? null : LocalTime.parse(studyTime), str(in), str(in), str(in), str(in));
        SeriesData series = new SeriesData(str(in), str(in), integer(in), str(in), str(in));
        InstanceData instance = new InstanceData(str(in), str(in), integer(in), str(in), str(in),
                BlobId.parse(str(in)), in.readLong(), str(in));
        return new InstanceRecord(origin, patient, study, series, instance);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String str(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > MAX_STRING || n > in.available()) {
            throw new IOException("HZ-3102 corrupt journal record (string length " + n + ")");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void integer(DataOutputStream out, Integer v) throws IOException {
        out.writeBoolean(v != null);
        if (v != null) {
            out.writeInt(v);
        }
    }

    private static Integer integer(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readInt() : null;
    }
}
