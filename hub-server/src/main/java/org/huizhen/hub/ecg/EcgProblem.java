package org.huizhen.hub.ecg;

import org.huizhen.dicom.ecg.EcgParseException;

/**
 * An ECG request that cannot be served: the HTTP status and a unique code, answered as an
 * {@code application/problem+json} body (RFC 9457) whose {@code detail} starts with the code,
 * like the hub's other HTTP errors.
 *
 * <p>Codes: the readers' HZ-7001..7005 (see {@link EcgParseException}: 7001 not a recognised ECG
 * → 415, 7002 truncated/malformed → 400, 7003 implausible content and 7004 unsupported variant →
 * 422, 7005 too big → 413); HZ-7010 unknown or out-of-scope ECG (404); HZ-7011 the generated
 * DICOM instance was refused by ingest (500); HZ-7012 bad request parameter (400); HZ-7013
 * unsupported media type of the body (415); HZ-7014 body over the limit (413); HZ-7015 the
 * multipart body has no file part (400); HZ-7017 a DICOM ECG whose SOP Instance UID another
 * institution's ECG already has (409); HZ-7099 internal error (500). A model the DICOM writer
 * cannot express is HZ-7004 (422).
 *
 * <p>Immutable.
 */
public final class EcgProblem extends Exception {
    private final int status;
    private final String code;

    public EcgProblem(int status, String code, String detail) {
        super(code + " " + detail);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** The detail without the code. */
    public String detail() {
        return getMessage().substring(code.length() + 1);
    }

    /** HZ-7010: nothing the caller may see under this id. */
    public static EcgProblem notFound(String id) {
        return new EcgProblem(404, "HZ-7010", "ECG " + id + " not found");
    }

    /** The answer to a file the readers refused: its own HZ-70xx code, status by what is wrong. */
    public static EcgProblem of(EcgParseException e) {
        String msg = String.valueOf(e.getMessage());
        String code = msg.matches("HZ-\\d{4}( .*)?") ? msg.substring(0, 7) : "HZ-7002";
        String detail = msg.startsWith(code) ? msg.substring(code.length()).strip() : msg;
        int status = switch (code) {
            case "HZ-7001" -> 415;
            case "HZ-7005" -> 413;
            case "HZ-7003", "HZ-7004" -> 422;
            default -> 400;
        };
        return new EcgProblem(status, code, detail);
    }
}
