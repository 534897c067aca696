package org.huizhen.hub.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.DicomValueException;
import org.huizhen.dicom.data.PersonName;
import org.huizhen.dicom.data.SpecificCharacterSet;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.DicomParseException;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.PatientData;
import org.huizhen.storage.index.PatientName;
import org.huizhen.storage.index.SeriesData;
import org.huizhen.storage.index.StudyData;

/**
 * Turns a stored Part 10 blob into an index record: reads its header (never Pixel Data; large
 * values stay in the file as references), checks it against the C-STORE command, and maps the
 * attributes later queries need (PS3.3 C.7.1.1 patient, C.7.2.1 study, C.7.3.1 series,
 * C.12.1 SOP common).
 *
 * <p>Stateless apart from its limits; thread-safe. Its methods do file I/O: call them off the
 * event loop.
 */
public final class InstanceIndexer {
    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    private final ReadOptions readOptions;
    private final Optional<SpecificCharacterSet> undeclaredCharset;

    /**
     * @param undeclaredCharset the repertoire assumed for text of data sets without Specific
     *                          Character Set (0008,0005), for indexing only (config
     *                          {@code dicom.default-character-set}); empty = default repertoire
     */
    public InstanceIndexer(DecodeLimits limits, Optional<SpecificCharacterSet> undeclaredCharset) {
        this.undeclaredCharset = undeclaredCharset;
        this.readOptions = ReadOptions.DEFAULT.withLimits(limits).withStopBeforePixelData(true)
                .withBulkDataReferences(ReadOptions.DEFAULT_BULK_DATA_THRESHOLD);
    }

    /** A parsed header, with a warning status when stored despite a mismatch. */
    public record Parsed(Part10File file, Optional<Warning> warning) {
    }

    /** A C-STORE warning (status B0xx, PS3.4 B.2.3) with its Error Comment. */
    public record Warning(Status status, String comment) {
    }

    /** The instance is not stored: status and Error Comment for the C-STORE-RSP. */
    public static final class Refusal extends Exception {
        private final Status status;

        Refusal(Status status, String message) {
            super(comment(message));
            this.status = status;
        }

        public Status status() {
            return status;
        }
    }

    /**
     * The 128-byte preamble, "DICM" and File Meta Information (PS3.10 7.1) put in front of a
     * received data set. Deterministic — no time or sender in it — so the same data set re-sent
     * by anyone gives the same blob and is recognised as a duplicate.
     */
    public byte[] fileMetaHeader(String sopClassUid, String sopInstanceUid, String transferSyntaxUid) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        FileMetaInfo.of(sopClassUid, sopInstanceUid, transferSyntaxUid, null).write(out);
        return out.toByteArray();
    }

    /**
     * Parses the blob's header and checks it against the command.
     *
     * @throws Refusal when the data set cannot be parsed (Cxxx), its SOP Instance UID differs
     *                 from the command's, or a UID the index needs is missing (A900)
     */
    public Parsed parse(BlobStore blobs, BlobId id, String commandSopClass, String commandSopInstance) throws Refusal {
        return parse(blobs, id, new byte[0], 0, -1, commandSopClass, commandSopInstance);
    }

    /**
     * {@link #parse(BlobStore, BlobId, String, String)} for a blob whose first {@code headLength}
     * bytes the caller still holds (the ingest path keeps a copy of what it wrote): those bytes
     * are parsed from memory and the blob is opened only if the header runs past them. Why: with
     * direct blob writes nothing of a new blob is in the page cache, and reading its first
     * block back from the disk was a twelfth of the hub's CPU in a STOW-RS profile.
     *
     * @param size the blob's size in bytes (used when {@code headLength} > 0)
     */
    public Parsed parse(BlobStore blobs, BlobId id, byte[] head, int headLength, long size, String commandSopClass,
            String commandSopInstance) throws Refusal {
        Part10File file;
        try {
            Optional<Path> local = blobs.localPath(id);
            if (headLength > 0) {
                try (InputStream in = new java.io.SequenceInputStream(
                        new java.io.ByteArrayInputStream(head, 0, headLength), new RestOfBlob(blobs, id, headLength, size))) {
                    file = local.isPresent() ? DicomReader.readFile(local.get(), in, size, readOptions)
                            : DicomReader.readPart10(in, size, readOptions);
                }
            } else if (local.isPresent()) {
                file = DicomReader.readFile(local.get(), readOptions);
            } else {
                try (InputStream in = blobs.open(id)) {
                    file = DicomReader.readPart10(in, readOptions);
                }
            }
        } catch (DicomParseException e) {
            throw new Refusal(Status.CANNOT_UNDERSTAND, e.code() + " cannot parse data set at offset " + e.offset());
        } catch (IOException | StorageException e) {
            throw new Refusal(Status.REFUSED_OUT_OF_RESOURCES, "HZ-3006 cannot read back stored data: " + e.getMessage());
        }
        DataSet ds = file.dataSet();
        try {
            String sopInstance = ds.getString(Tag.SOPInstanceUID).orElse("");
            if (!sopInstance.equals(commandSopInstance)) {
                throw new Refusal(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS, 
                        "HZ-3010 SOP Instance UID in data set differs from command");
            }
            for (int tag : new int[] {Tag.StudyInstanceUID, Tag.SeriesInstanceUID}) {
                if (ds.getString(tag).filter(s -> !s.isBlank()).isEmpty()) {
                    throw new Refusal(Status.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                            "HZ-3011 missing " + Tag.toString(tag) + " (Type 1)");
                }
            }
            String sopClass = ds.getString(Tag.SOPClassUID).orElse("");
            Optional<Warning> warning = sopClass.equals(commandSopClass) ? Optional.empty()
                    : Optional.of(new Warning(Status.WARNING_DATA_SET_DOES_NOT_MATCH_SOP_CLASS, "HZ-3012 SOP Class UID in data set differs from command"));
            return new Parsed(file, warning);
        } catch (DicomValueException e) {
            throw new Refusal(Status.CANNOT_UNDERSTAND, "HZ-3013 " + e.getMessage());
        }
    }

    /** Error Comment (0000,0902) is LO: at most 64 characters (PS3.7 Annex E). */
    public static String comment(String text) {
        return text.length() <= 64 ? text : text.substring(0, 64);
    }

    /** The index record for a parsed instance stored as blob {@code id} of {@code size} bytes. */
    public InstanceRecord record(Parsed parsed, BlobId id, long size, Origin origin) {
        DataSet ds = parsed.file().dataSet();
        PatientData patient = new PatientData(text(ds, Tag.PatientID).orElse(""), text(ds, Tag.IssuerOfPatientID).orElse(null),
                patientName(ds), date(ds, Tag.PatientBirthDate), text(ds, Tag.PatientSex).orElse(null));
        StudyData study = new StudyData(text(ds, Tag.StudyInstanceUID).orElseThrow(), date(ds, Tag.StudyDate),
                time(ds, Tag.StudyTime), text(ds, Tag.AccessionNumber).orElse(null), text(ds, Tag.StudyID).orElse(null),
                text(ds, Tag.StudyDescription).orElse(null), text(ds, Tag.ReferringPhysicianName).orElse(null));
        SeriesData series = new SeriesData(text(ds, Tag.SeriesInstanceUID).orElseThrow(), text(ds, Tag.Modality).orElse(null),
                integer(ds, Tag.SeriesNumber), text(ds, Tag.BodyPartExamined).orElse(null),
                text(ds, Tag.SeriesDescription).orElse(null));
        InstanceData instance = new InstanceData(text(ds, Tag.SOPInstanceUID).orElseThrow(),
                text(ds, Tag.SOPClassUID).filter(s -> !s.isBlank()).orElse(parsed.file().meta().mediaStorageSopClassUid()),
                integer(ds, Tag.InstanceNumber), parsed.file().meta().transferSyntaxUid(),
                ds.specificCharacterSet().toString(), id, size, id.hex());
        return new InstanceRecord(origin, patient, study, series, instance);
    }

    private Optional<String> text(DataSet ds, int tag) {
        try {
            Optional<String> value = ds.getString(tag);
            if (undeclaredCharset.isPresent() && !ds.contains(Tag.SpecificCharacterSet) && value.isPresent()
                    && ds.get(tag).map(e -> e.vr().isCharsetAffected()).orElse(false)) {
                byte[] raw = ds.getBytes(tag).orElseThrow();
                if (hasHighBit(raw)) {
                    value = Optional.of(undeclaredCharset.get().decode(raw, ds.get(tag).get().vr() == VR.PN));
                }
            }
            return value.map(String::strip).filter(s -> !s.isEmpty());
        } catch (DicomValueException e) {
            return Optional.empty();
        }
    }

    private static boolean hasHighBit(byte[] raw) {
        for (byte b : raw) {
            if (b < 0) {
                return true;
            }
        }
        return false;
    }

    /** Lenient: a malformed IS is indexed as absent rather than refusing the whole instance. */
    private Integer integer(DataSet ds, int tag) {
        try {
            return ds.getInt(tag).orElse(null);
        } catch (DicomValueException e) {
            return null;
        }
    }

    /** DA is YYYYMMDD (PS3.5 Table 6.2-1); the old ACR-NEMA form YYYY.MM.DD is accepted too. */
    private LocalDate date(DataSet ds, int tag) {
        return text(ds, tag).map(s -> s.replace(".", "")).map(s -> {
            try {
                return LocalDate.parse(s, DA);
            } catch (DateTimeParseException e) {
                return null;
            }
        }).orElse(null);
    }

    /** TM is HHMMSS.FFFFFF with trailing parts optional (PS3.5 Table 6.2-1); ACR-NEMA colons accepted. */
    private LocalTime time(DataSet ds, int tag) {
        return text(ds, tag).map(s -> s.replace(":", "")).map(s -> {
            try {
                int h = Integer.parseInt(s.substring(0, 2));
                int m = s.length() >= 4 ? Integer.parseInt(s.substring(2, 4)) : 0;
                int sec = s.length() >= 6 ? Integer.parseInt(s.substring(4, 6)) : 0;
                int nanos = 0;
                if (s.length() > 7 && s.charAt(6) == '.') {
                    String frac = (s.substring(7) + "000000").substring(0, 6);
                    nanos = Integer.parseInt(frac) * 1000;
                }
                return LocalTime.of(h, m, Math.min(sec, 59), nanos);
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
    }

    private PatientName patientName(DataSet ds) {
        return text(ds, Tag.PatientName).map(raw -> {
            // PatientName.text is the whole decoded value with its groups (storage's contract),
            // e.g. "Wang^XiaoDong=王^小东=", not the display form PersonName.formatted() gives
            String first = raw.split("\\\\", -1)[0].strip();
            PersonName pn = PersonName.parseLenient(first);
            return new PatientName(first,
                    pn.alphabetic().map(Object::toString).orElse(null),
                    pn.ideographic().map(Object::toString).orElse(null),
                    pn.phonetic().map(Object::toString).orElse(null));
        }).orElse(PatientName.of(""));
    }

    /** The bytes of a blob from {@code offset} to {@code size}, opened at the first read (buffered). */
    private static final class RestOfBlob extends InputStream {
        private final BlobStore blobs;
        private final BlobId id;
        private final long offset;
        private final long size;
        private InputStream in;

        RestOfBlob(BlobStore blobs, BlobId id, long offset, long size) {
            this.blobs = blobs;
            this.id = id;
            this.offset = offset;
            this.size = size;
        }

        private InputStream in() throws IOException {
            if (in == null) {
                try {
                    in = new java.io.BufferedInputStream(blobs.openRange(id, offset, size - offset), 64 * 1024);
                } catch (StorageException e) {
                    throw new IOException(e.getMessage(), e);
                }
            }
            return in;
        }

        @Override
        public int read() throws IOException {
            return in().read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : in().read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (in != null) {
                in.close();
            }
        }
    }
}
