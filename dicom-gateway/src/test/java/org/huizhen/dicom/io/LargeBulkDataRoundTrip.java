package org.huizhen.dicom.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.huizhen.dicom.data.BulkData;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.data.VR;

/**
 * Test helper run in a child JVM with a small heap: reads a Part 10 file with Pixel Data as a
 * reference and writes it to another file. Exits non-zero (OutOfMemoryError) if either side
 * ever holds the value in the heap.
 */
public final class LargeBulkDataRoundTrip {

    private LargeBulkDataRoundTrip() {
    }

    public static void main(String[] args) throws Exception {
        Path in = Path.of(args[0]);
        Path out = Path.of(args[1]);
        Part10File f = DicomReader.readFile(in, ReadOptions.DEFAULT.withBulkDataReferences(64 * 1024));
        if (f.dataSet().getBulkData(Tag.PixelData).isEmpty()) {
            throw new IllegalStateException("Pixel Data was not read as a reference");
        }
        Part10.write(out, f.dataSet(), TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null, WriteOptions.DEFAULT);
    }

    /** Deterministic pixel byte at position i. */
    static byte pixel(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    /** Writes a Part 10 file whose Pixel Data (OW) of {@code size} bytes is streamed from a raw file. */
    static void writeLargeFile(Path file, long size) throws IOException {
        Path raw = file.resolveSibling("raw.bin");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(raw)) {
            for (long done = 0; done < size; done += chunk.length) {
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = pixel(done + i);
                }
                o.write(chunk, 0, (int) Math.min(chunk.length, size - done));
            }
        }
        DataSet ds = DataSet.builder()
                .setString(Tag.SOPClassUID, VR.UI, UID.SecondaryCaptureImageStorage)
                .setString(Tag.SOPInstanceUID, VR.UI, "1.2.826.0.1.3680043.10.1515.99.1")
                .setInt(Tag.Rows, VR.US, 10240)
                .setInt(Tag.Columns, VR.US, (int) (size / 2 / 10240))
                .setInt(Tag.BitsAllocated, VR.US, 16)
                .set(Tag.PixelData, VR.OW, new BulkData(raw, 0, size, false))
                .build();
        Part10.write(file, ds, TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN, null, WriteOptions.DEFAULT);
        Files.delete(raw);
    }

    static String sha256(BulkData b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = b.openStream()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String expectedSha256(long size) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[1 << 20];
        for (long done = 0; done < size; done += chunk.length) {
            int n = (int) Math.min(chunk.length, size - done);
            for (int i = 0; i < n; i++) {
                chunk[i] = pixel(done + i);
            }
            md.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
