package org.huizhen.hub.web.dicomweb;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.Set;
import org.huizhen.dicom.web.DicomWebException;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;

/**
 * Error bodies and caller scoping shared by the STOW-RS and QIDO-RS routes: an error is an
 * {@code application/problem+json} body (RFC 9457) whose {@code detail} starts with its unique
 * {@code HZ-5xxx} code, like the hub's authentication errors; and the institution a caller's
 * queries are limited to (DESIGN.md "Security": a clinic sees its own data, a lead hospital all).
 *
 * <p>Stateless; call on the request's event loop.
 */
public final class DicomWebResponses {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DicomWebResponses.class);
    /** The institution of demo mode, which sees everything like a lead hospital. */
    public static final String DEMO_INSTITUTION = org.huizhen.hub.security.AeRegistry.DEMO_INSTITUTION;

    private DicomWebResponses() {
    }

    /** Ends the request with {@code status} and a problem body; does nothing if it has ended already. */
    public static void problem(RoutingContext ctx, int status, String code, String detail) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        // One line per refused request, so an operator can see why a sender's upload or query failed.
        LOG.info("{} {} from {} answered {}: {} {}", ctx.request().method(), ctx.request().path(),
                ctx.request().remoteAddress(), status, code, detail);
        JsonObject body = new JsonObject()
                .put("type", "urn:huizhen:problem:" + code)
                .put("title", title(status))
                .put("status", status)
                .put("detail", code + " " + detail);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(body.encode());
    }

    /** The problem body for a failure: a {@link DicomWebException}'s own status and code, else 500 {@code HZ-5690}. */
    public static void problem(RoutingContext ctx, Throwable failure) {
        if (failure instanceof DicomWebException e) {
            String detail = e.getMessage() != null && e.getMessage().startsWith(e.code())
                    ? e.getMessage().substring(e.code().length()).strip() : String.valueOf(e.getMessage());
            problem(ctx, e.status(), e.code(), detail);
        } else {
            problem(ctx, 500, "HZ-5690", "internal error: " + failure);
        }
    }

    /**
     * The institution whose data the caller may see, or empty when it sees every institution
     * (lead hospitals of {@code seesAll}, and {@value #DEMO_INSTITUTION}).
     */
    public static Optional<String> scope(RoutingContext ctx, Set<String> seesAll) {
        Principal p = HttpAuth.principal(ctx).orElseThrow(() ->
                new DicomWebException(401, "HZ-5691", "no authenticated caller: the route is not behind HttpAuth"));
        if (DEMO_INSTITUTION.equals(p.institution()) || seesAll.contains(p.institution())) {
            return Optional.empty();
        }
        return Optional.of(p.institution());
    }

    /** The ids of the institutions configured as {@code lead-hospital}: they see every institution's data. */
    /** Institutions whose callers see every institution's data: the consortium's lead hospitals. */
    public static Set<String> leadHospitals(HubConfig config) {
        return config.institutions().stream().filter(i -> "lead-hospital".equals(i.role()))
                .map(HubConfig.Institution::id).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
