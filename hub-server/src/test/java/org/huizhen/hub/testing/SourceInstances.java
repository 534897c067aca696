package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.huizhen.dicom.data.DataSet;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.data.VR;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.io.WriteOptions;

/**
 * Part 10 files that tests send to the hub, with what a test needs to recognise them again
 * after a round trip: their UIDs and the SHA-256 of their data set bytes (everything after the
 * File Meta Information, which the receiver regenerates and so never compares).
 *
 * <p>Stateless helpers; thread-safe.
 */
public final class SourceInstances {
    private SourceInstances() {
    }

    /**
     * One source file.
     *
     * @param dataSetSha256 SHA-256 (lowercase hex) of the bytes from the data set offset to the end of the file
     */
    public record Source(Path file, String studyUid, String seriesUid, String sopInstanceUid, String sopClassUid,
                         String transferSyntaxUid, String dataSetSha256) {
    }

    /** Describes an existing Part 10 file; empty-UID files give empty strings. */
    public static Source describe(Path file) {
        try {
            Part10File p = Part10.readHeader(file, DecodeLimits.DEFAULT);
            DataSet ds = p.dataSet();
            return new Source(file, ds.getString(Tag.StudyInstanceUID).orElse(""),
                    ds.getString(Tag.SeriesInstanceUID).orElse(""), ds.getString(Tag.SOPInstanceUID).orElse(""),
                    ds.getString(Tag.SOPClassUID).orElse(""), p.meta().transferSyntaxUid(),
                    sha256(file, p.dataSetOffset()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code studies × seriesPerStudy × instancesPerSeries} distinct instances into
     * {@code dir}, each a copy of {@code template} with a new Study, Series and SOP Instance UID
     * (UUID-derived, PS3.5 B.2) and its own Instance Number, in the template's transfer syntax.
     * Sequences are written with defined lengths and Data Set Trailing Padding (FFFC,FFFC) is
     * dropped, so that DCMTK's storescu sends the data set bytes unchanged (it re-encodes
     * undefined lengths and drops the padding).
     */
    public static List<Source> fromTemplate(Path template, Path dir, int studies, int seriesPerStudy,
                                            int instancesPerSeries) {
        try {
            Part10File t = Part10.read(template, ReadOptions.DEFAULT);
            Files.createDirectories(dir);
            List<Source> out = new ArrayList<>();
            for (int st = 0; st < studies; st++) {
                String studyUid = newUid();
                for (int se = 0; se < seriesPerStudy; se++) {
                    String seriesUid = newUid();
                    for (int i = 1; i <= instancesPerSeries; i++) {
                        String sopUid = newUid();
                        DataSet ds = t.dataSet().toBuilder()
                                .setString(Tag.StudyInstanceUID, VR.UI, studyUid)
                                .setString(Tag.SeriesInstanceUID, VR.UI, seriesUid)
                                .setString(Tag.SOPInstanceUID, VR.UI, sopUid)
                                .setString(Tag.InstanceNumber, VR.IS, Integer.toString(i))
                                .remove(Tag.DataSetTrailingPadding)
                                .build();
                        Path file = dir.resolve(String.format("st%d-se%d-%03d.dcm", st, se, i));
                        Part10.write(file, ds, t.transferSyntax(), "HZTEST",
                                WriteOptions.DEFAULT.withSequenceLength(WriteOptions.SequenceLength.DEFINED));
                        out.add(describe(file));
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A UID under the 2.25 root from a random UUID (PS3.5 B.2). */
    public static String newUid() {
        UUID u = UUID.randomUUID();
        BigInteger v = new BigInteger(1, ByteBuffer.allocate(16)
                .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        return "2.25." + v;
    }

    /** SHA-256 of a Part 10 file's data set: the bytes from its data set offset to its end. */
    public static String dataSetSha256(Path part10File) {
        try {
            return sha256(part10File, Part10.readHeader(part10File, DecodeLimits.DEFAULT).dataSetOffset());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 (lowercase hex) of {@code file} from byte {@code offset} to its end. */
    public static String sha256(Path file, long offset) {
        try (InputStream in = Files.newInputStream(file)) {
            in.skipNBytes(offset);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
