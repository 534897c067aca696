package org.huizhen.dicom.ecg;

/**
 * A file that is not a readable ECG. The message starts with a searchable code (HZ-70xx) and
 * says what is wrong, e.g. {@code HZ-7003 SCP-ECG section 6: lead 3 has 0 samples}.
 *
 * <p>Codes: HZ-7001 not a recognised ECG format; HZ-7002 truncated or malformed file;
 * HZ-7003 implausible content (lead count, sample rate, lengths); HZ-7004 unsupported variant
 * of a known format; HZ-7005 file over the size limit.
 */
public final class EcgParseException extends Exception {
    public EcgParseException(String message) {
        super(message);
    }

    public EcgParseException(String message, Throwable cause) {
        super(message, cause);
    }
}
