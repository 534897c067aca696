package org.huizhen.dicom.ecg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads an ECG file of any supported format: detects the format from its first bytes, parses
 * it with that format's reader and checks the result with {@link EcgValidator}.
 *
 * <p>Stateless and thread-safe.
 */
public final class EcgReaders {
    /** Largest ECG file accepted (bytes); a 24 h Holter is out of scope of resting ECGs. */
    public static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

    private static final List<EcgFileReader> READERS = List.of(
            // each format's reader registers here, most specific detection first
            new org.huizhen.dicom.ecg.dicom.DicomEcgReader(),
            new org.huizhen.dicom.ecg.xml.Hl7AecgReader(),
            new org.huizhen.dicom.ecg.xml.GeMuseXmlReader(),
            new org.huizhen.dicom.ecg.xml.PhilipsSierraXmlReader(),
            new org.huizhen.dicom.ecg.scp.ScpEcgReader()
    );

    private EcgReaders() {
    }

    /** The registered readers. */
    public static List<EcgFileReader> readers() {
        return READERS;
    }

    /** The format the file looks like, from its first bytes and name. */
    public static Optional<EcgFormat> detect(byte[] file, String fileName) {
        byte[] head = Arrays.copyOf(file, Math.min(file.length, 4096));
        return READERS.stream().filter(r -> r.accepts(head, fileName)).map(EcgFileReader::format).findFirst();
    }

    /** Reads and validates a file from disk. */
    public static Ecg read(Path file) throws IOException, EcgParseException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new EcgParseException("HZ-7005 ECG file of " + size + " bytes is over the limit of " + MAX_FILE_BYTES);
        }
        return read(Files.readAllBytes(file), file.getFileName().toString());
    }

    /**
     * Reads and validates a file's bytes. {@code fileName} helps detection (may be null).
     *
     * @throws EcgParseException HZ-7001 when no reader recognises the file, or the reader's or
     *     validator's error
     */
    public static Ecg read(byte[] file, String fileName) throws EcgParseException {
        if (file.length == 0) {
            throw new EcgParseException("HZ-7002 empty file (0 bytes)");
        }
        if (file.length > MAX_FILE_BYTES) {
            throw new EcgParseException("HZ-7005 ECG file of " + file.length + " bytes is over the limit of " + MAX_FILE_BYTES);
        }
        byte[] head = Arrays.copyOf(file, Math.min(file.length, 4096));
        for (EcgFileReader r : READERS) {
            if (r.accepts(head, fileName)) {
                Ecg ecg = r.read(file);
                EcgValidator.validate(ecg);
                return ecg;
            }
        }
        throw new EcgParseException("HZ-7001 not a recognised ECG file (DICOM waveform, HL7 aECG, SCP-ECG, GE MUSE XML "
                + "or Philips Sierra XML expected)");
    }
}
