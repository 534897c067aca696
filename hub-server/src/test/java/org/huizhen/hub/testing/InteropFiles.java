package org.huizhen.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.StorageException;

/**
 * The shared DICOM test files as the interoperability tests use them, and the data-set digests
 * that compare a source file with what the hub stored.
 *
 * <p>The File Meta Information is walked here independently of the hub's own Part 10 reader
 * (PS3.10 7.1: 128-byte preamble, "DICM", group 0002 in Explicit VR Little Endian), so a bug
 * there cannot hide itself. Stateless; thread-safe.
 */
public final class InteropFiles {
    /** Explicit VR Little Endian VRs with a 4-byte length (PS3.5 7.1.2). */
    private static final Set<String> LONG_VRS =
            Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");

    /** Deflated Explicit VR Little Endian (PS3.5 A.5). */
    public static final String DEFLATED = "1.2.840.10008.1.2.1.99";

    private InteropFiles() {
    }

    /**
     * A Part 10 file: its meta information and where its data set starts.
     *
     * @param dataSetOffset bytes before the data set (preamble, "DICM", group 0002)
     * @param dataSetDigest SHA-256 of the data set bytes, hex
     * @param transmittedDigest SHA-256 of the data set as a conformant sender transmits it: the
     *                          same, plus one zero byte for a Deflated data set of odd length
     *                          (PS3.5 A.5: data sets have even length)
     */
    public record Part10(Path file, String sopClassUid, String sopInstanceUid, String transferSyntaxUid,
                         long dataSetOffset, String dataSetDigest, String transmittedDigest) {
        public String name() {
            return file.getFileName().toString();
        }
    }

    /**
     * Every file of {@code <testdata>/dicom} (recursive, without the DICOMDIR, which holds no SOP
     * instance) and {@code <testdata>/ecg/*.dcm}, sorted by path.
     */
    public static List<Path> sharedInstanceFiles() {
        Path data = DcmtkTools.testdata();
        List<Path> files = new ArrayList<>(filesUnder(data.resolve("dicom")).stream()
                .filter(p -> !p.getFileName().toString().equals("DICOMDIR")).toList());
        try (Stream<Path> s = Files.list(data.resolve("ecg"))) {
            s.filter(p -> p.getFileName().toString().endsWith(".dcm")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /** The DICOMDIR file-set's 31 images (each a distinct SOP instance). */
    public static List<Path> dicomdirImages() {
        return filesUnder(DcmtkTools.testdata().resolve("dicom/dicomdir-fileset")).stream()
                .filter(p -> !p.getFileName().toString().equals("DICOMDIR")).toList();
    }

    /** Regular files under {@code dir}, recursively, sorted. */
    public static List<Path> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a Part 10 file's meta information and digests its data set. */
    public static Part10 read(Path file) {
        try {
            return parse(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same for a stored blob (the hub stores each instance as a Part 10 file). */
    public static Part10 read(BlobStore blobs, BlobId id) {
        try (InputStream in = blobs.open(id)) {
            return parse(Path.of("blob:" + id.hex()), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Part10 parse(Path name, byte[] all) {
        if (all.length < 132 || all[128] != 'D' || all[129] != 'I' || all[130] != 'C' || all[131] != 'M') {
            throw new IllegalArgumentException(name + " is not a Part 10 file (no DICM at offset 128)");
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        int pos = 132;
        String sopClass = null;
        String sopInstance = null;
        String ts = null;
        while (pos + 8 <= all.length && b.getShort(pos) == 0x0002) {
            int element = b.getShort(pos + 2) & 0xFFFF;
            String vr = new String(all, pos + 4, 2, StandardCharsets.US_ASCII);
            long length;
            int header;
            if (LONG_VRS.contains(vr)) {
                length = b.getInt(pos + 8) & 0xFFFFFFFFL;
                header = 12;
            } else {
                length = b.getShort(pos + 6) & 0xFFFF;
                header = 8;
            }
            int value = pos + header;
            String text = new String(all, value, (int) length, StandardCharsets.US_ASCII).replace("\0", "").strip();
            switch (element) {
                case 0x0002 -> sopClass = text;
                case 0x0003 -> sopInstance = text;
                case 0x0010 -> ts = text;
                default -> { }
            }
            pos = (int) (value + length);
        }
        String digest = sha256(all, pos, false);
        boolean oddDeflated = DEFLATED.equals(ts) && ((all.length - pos) & 1) == 1;
        return new Part10(name, sopClass, sopInstance, ts, pos, digest, oddDeflated ? sha256(all, pos, true) : digest);
    }

    private static String sha256(byte[] all, int from, boolean padByte) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(all, from, all.length - from);
            if (padByte) {
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the file's data set holds the Data Set Trailing Padding tag (FFFC,FFFC) or an undefined length. */
    public static boolean hasUndefinedLengthOrPadding(Part10 p) {
        try {
            byte[] all = Files.readAllBytes(p.file());
            for (int i = (int) p.dataSetOffset(); i + 4 <= all.length; i++) {
                boolean undefined = all[i] == -1 && all[i + 1] == -1 && all[i + 2] == -1 && all[i + 3] == -1;
                boolean padding = all[i] == (byte) 0xFC && all[i + 1] == -1 && all[i + 2] == (byte) 0xFC && all[i + 3] == -1;
                if (undefined || padding) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Regular files under {@code dir} (recursively), e.g. to see that no blob was left behind. */
    public static long countFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        return filesUnder(dir).size();
    }
}
