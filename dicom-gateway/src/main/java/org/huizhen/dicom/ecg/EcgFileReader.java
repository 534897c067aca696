package org.huizhen.dicom.ecg;

/**
 * A reader for one ECG file format. Implementations are stateless and thread-safe; they parse
 * from a byte array because ECG files are small (a 10 s 12-lead at 1000 Hz is ~300 KB) and
 * {@link EcgReaders} caps the size before reading. XML readers must not resolve external DTDs
 * or entities.
 */
public interface EcgFileReader {
    /** The format this reader reads. */
    EcgFormat format();

    /**
     * Whether the file looks like this format, from its first bytes (at most 4 KiB) and the
     * file name (may be null). Cheap; no full parse.
     */
    boolean accepts(byte[] head, String fileName);

    /**
     * Parses a whole file. On success the ECG has at least one lead with samples; on any
     * defect a {@link EcgParseException} whose message starts with its HZ-70xx code.
     */
    Ecg read(byte[] file) throws EcgParseException;
}
