package org.huizhen.dicom.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;

/**
 * File Meta Information of a Part 10 file (PS3.10 7.1): the group 0002 elements that say what
 * the file holds and how its data set is encoded.
 *
 * <p>{@link #write(OutputStream)} writes the 128-byte preamble, "DICM" and the group, always
 * Explicit VR Little Endian, with a correct (0002,0000) group length. The network layer uses it
 * to store a C-STORE data set as received behind a generated header.
 *
 * <p>Immutable; thread-safe.
 *
 * @param mediaStorageSopClassUid    (0002,0002)
 * @param mediaStorageSopInstanceUid (0002,0003)
 * @param transferSyntaxUid          (0002,0010)
 * @param implementationClassUid     (0002,0012)
 * @param implementationVersionName  (0002,0013), or null
 * @param sourceApplicationEntityTitle (0002,0016), or null
 */
public record FileMetaInfo(String mediaStorageSopClassUid, String mediaStorageSopInstanceUid, String transferSyntaxUid,
                           String implementationClassUid, String implementationVersionName,
                           String sourceApplicationEntityTitle) {

    /** Huizhen's Implementation Class UID. */
    public static final String IMPLEMENTATION_CLASS_UID = "1.2.826.0.1.3680043.10.1515.1";
    /** Huizhen's Implementation Version Name (at most 16 characters, PS3.7 D.3.3.2.3). */
    public static final String IMPLEMENTATION_VERSION_NAME = "HUIZHEN_010";

    public FileMetaInfo {
        Objects.requireNonNull(mediaStorageSopClassUid, "mediaStorageSopClassUid");
        Objects.requireNonNull(mediaStorageSopInstanceUid, "mediaStorageSopInstanceUid");
        Objects.requireNonNull(transferSyntaxUid, "transferSyntaxUid");
        Objects.requireNonNull(implementationClassUid, "implementationClassUid");
    }

    /** Meta information written by this implementation. */
    public static FileMetaInfo of(String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                                  String sourceAeTitle) {
        return new FileMetaInfo(sopClassUid, sopInstanceUid, transferSyntaxUid, IMPLEMENTATION_CLASS_UID,
                IMPLEMENTATION_VERSION_NAME, sourceAeTitle);
    }

    /**
     * Meta information for a data set: SOP Class/Instance UID taken from (0008,0016)/(0008,0018).
     *
     * @throws IllegalArgumentException if the data set lacks either UID
     */
    public static FileMetaInfo forDataSet(DataSet ds, TransferSyntax ts, String sourceAeTitle) {
        String cls = ds.getString(Tag.SOPClassUID).orElseThrow(
                () -> new IllegalArgumentException("HZ-1101 data set has no SOP Class UID (0008,0016)"));
        String inst = ds.getString(Tag.SOPInstanceUID).orElseThrow(
                () -> new IllegalArgumentException("HZ-1102 data set has no SOP Instance UID (0008,0018)"));
        return of(cls, inst, ts.uid(), sourceAeTitle);
    }

    /** The values of a meta group read from a file. */
    static FileMetaInfo fromDataSet(DataSet meta) {
        return new FileMetaInfo(meta.getString(Tag.MediaStorageSOPClassUID).orElse(""),
                meta.getString(Tag.MediaStorageSOPInstanceUID).orElse(""),
                meta.getString(Tag.TransferSyntaxUID).orElse(""),
                meta.getString(Tag.ImplementationClassUID).orElse(""),
                meta.getString(Tag.ImplementationVersionName).orElse(null),
                meta.getString(Tag.SourceApplicationEntityTitle).orElse(null));
    }

    /** The transfer syntax the data set is encoded in. */
    public TransferSyntax transferSyntax() {
        return TransferSyntax.of(transferSyntaxUid);
    }

    /** The Source AE Title, if present. */
    public Optional<String> sourceAeTitle() {
        return Optional.ofNullable(sourceApplicationEntityTitle);
    }

    /** Writes the preamble (128 zero bytes), "DICM" and the group 0002 elements (PS3.10 7.1). */
    public void write(OutputStream out) throws IOException {
        ByteArrayOutputStream group = new ByteArrayOutputStream(256);
        element(group, Tag.FileMetaInformationVersion, VR.OB, new byte[] {0, 1});
        element(group, Tag.MediaStorageSOPClassUID, VR.UI, ascii(mediaStorageSopClassUid));
        element(group, Tag.MediaStorageSOPInstanceUID, VR.UI, ascii(mediaStorageSopInstanceUid));
        element(group, Tag.TransferSyntaxUID, VR.UI, ascii(transferSyntaxUid));
        element(group, Tag.ImplementationClassUID, VR.UI, ascii(implementationClassUid));
        if (implementationVersionName != null) {
            element(group, Tag.ImplementationVersionName, VR.SH, ascii(implementationVersionName));
        }
        if (sourceApplicationEntityTitle != null) {
            element(group, Tag.SourceApplicationEntityTitle, VR.AE, ascii(sourceApplicationEntityTitle));
        }
        byte[] body = group.toByteArray();
        out.write(new byte[128]);
        out.write(new byte[] {'D', 'I', 'C', 'M'});
        ByteArrayOutputStream gl = new ByteArrayOutputStream(12);
        element(gl, Tag.FileMetaInformationGroupLength, VR.UL,
                new byte[] {(byte) body.length, (byte) (body.length >>> 8), (byte) (body.length >>> 16),
                    (byte) (body.length >>> 24)});
        gl.writeTo(out);
        out.write(body);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Explicit VR Little Endian element with even-length padding (PS3.5 7.1.2, 6.2). */
    private static void element(ByteArrayOutputStream out, int tag, VR vr, byte[] value) {
        int len = value.length + (value.length & 1);
        out.write(tag >>> 16);
        out.write(tag >>> 24);
        out.write(tag);
        out.write(tag >>> 8);
        out.write(vr.name().charAt(0));
        out.write(vr.name().charAt(1));
        if (vr.hasLongLength()) {
            out.write(0);
            out.write(0);
            out.write(len);
            out.write(len >>> 8);
            out.write(len >>> 16);
            out.write(len >>> 24);
        } else {
            out.write(len);
            out.write(len >>> 8);
        }
        out.write(value, 0, value.length);
        if ((value.length & 1) == 1) {
            out.write(vr.paddingByte());
        }
    }
}
