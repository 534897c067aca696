package org.huizhen.hub.web.dicomweb;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A WADO request that cannot be answered: the HTTP status and a unique {@code HZ-54xx} code,
 * sent as an {@code application/problem+json} body (RFC 9457) whose {@code detail} starts with
 * the code, as the hub's other HTTP errors are.
 *
 * <p>Codes: HZ-5401 unknown or out-of-scope study/series/instance (404); HZ-5402 transfer
 * syntax conversion not possible (406); HZ-5403 no acceptable media type (406); HZ-5404 frame
 * number out of range (404); HZ-5405 malformed frame list (400); HZ-5406 no Pixel Data (404);
 * HZ-5407 frames not locatable in the fragments (501); HZ-5408 unknown bulk data path (404);
 * HZ-5409 malformed WADO-URI request (400); HZ-5410 WADO-URI contentType not offered (406);
 * HZ-5411 native pixel data frames not byte-aligned (501); HZ-5499 stored data unreadable (500).
 *
 * <p>Immutable.
 */
public final class WadoProblem extends RuntimeException {

    private final int status;
    private final String code;

    /**
     * @param status HTTP status
     * @param code   {@code HZ-54xx}
     * @param detail human-readable reason, without the code
     */
    public WadoProblem(int status, String code, String detail) {
        super(code + " " + detail);
        this.status = status;
        this.code = code;
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The HZ code. */
    public String code() {
        return code;
    }

    /** HZ-5401: nothing the caller may see under this name. */
    static WadoProblem notFound(String what) {
        return new WadoProblem(404, "HZ-5401", what + " not found");
    }

    /** Ends the response with this problem, unless headers were already sent (then resets it). */
    void send(RoutingContext ctx) {
        send(ctx, status, code, getMessage().substring(code.length() + 1));
    }

    /** Ends the response with a problem body, unless headers were already sent (then resets it). */
    static void send(RoutingContext ctx, int status, String code, String detail) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        JsonObject body = new JsonObject()
                .put("type", "urn:huizhen:problem:" + code)
                .put("title", title(status))
                .put("status", status)
                .put("detail", code + " " + detail);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(body.encode());
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 406 -> "Not Acceptable";
            case 501 -> "Not Implemented";
            default -> "Internal Server Error";
        };
    }
}
