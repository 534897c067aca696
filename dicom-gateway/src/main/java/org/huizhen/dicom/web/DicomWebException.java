package org.huizhen.dicom.web;

import java.util.Objects;

/**
 * A request the DICOMweb layer refuses, carrying the HTTP status the client should see (400 for
 * malformed input, 413 when a limit is exceeded, 406/415 for negotiation failures) and a unique
 * code ({@code HZ-5xxx}) that starts the message so that it can be searched for.
 *
 * <p>Immutable; thread-safe.
 */
public final class DicomWebException extends RuntimeException {

    private final int status;
    private final String code;

    /**
     * @param status the HTTP status, e.g. 400 or 413
     * @param code   the unique error code, e.g. "HZ-5201"
     * @param detail what was wrong, for the client
     */
    public DicomWebException(int status, String code, String detail) {
        super(Objects.requireNonNull(code, "code") + " " + detail);
        this.status = status;
        this.code = code;
    }

    /** Same, with the cause. */
    public DicomWebException(int status, String code, String detail, Throwable cause) {
        super(Objects.requireNonNull(code, "code") + " " + detail, cause);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status: 400 bad request, 413 payload too large, 406 not acceptable, 415 unsupported media type. */
    public int status() {
        return status;
    }

    /** The unique error code, e.g. "HZ-5201". */
    public String code() {
        return code;
    }
}
