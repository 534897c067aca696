package org.huizhen.dicom.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.huizhen.dicom.data.DataSet;

/**
 * Convenience entry points for the application: read a Part 10 file's header, read or write a
 * whole file.
 *
 * <p>Stateless; thread-safe.
 */
public final class Part10 {

    private Part10() {
    }

    /**
     * Reads the File Meta Information and the data set up to (not including) Pixel Data, and
     * reports the byte offset where the data set begins. Stops reading at the Pixel Data header.
     */
    public static Part10File readHeader(Path file, DecodeLimits limits) throws IOException {
        return DicomReader.readFile(file, ReadOptions.DEFAULT.withLimits(limits).withStopBeforePixelData(true));
    }

    /** Reads a whole Part 10 file. */
    public static Part10File read(Path file, ReadOptions options) throws IOException {
        return DicomReader.readFile(file, options);
    }

    /**
     * Writes {@code ds} as a Part 10 file in {@code ts}, generating the File Meta Information
     * from the data set's SOP Class/Instance UID. The file appears atomically: it is written to
     * a temporary sibling and renamed.
     *
     * @param sourceAeTitle Source Application Entity Title (0002,0016), or null
     */
    public static void write(Path file, DataSet ds, TransferSyntax ts, String sourceAeTitle, WriteOptions options)
            throws IOException {
        FileMetaInfo meta = FileMetaInfo.forDataSet(ds, ts, sourceAeTitle);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                DicomWriter.writePart10(out, meta, ds, options);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
