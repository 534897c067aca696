package org.huizhen.hub.security;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The implementation behind {@link HttpAuth}: parses the {@code Authorization} header
 * (scheme names are case-insensitive, RFC 9110 11.1), delegates the check, writes the audit
 * line and the problem responses.
 *
 * <p>Stateless apart from its immutable collaborators; runs on the event loop.
 */
final class HttpAuthHandler implements HttpAuth {
    private static final Logger AUDIT = LoggerFactory.getLogger(HttpAuth.AUDIT_LOGGER);
    private static final String REALM = "huizhen";

    private final TokenVerifier tokens;
    private final ApiClients clients;

    HttpAuthHandler(TokenVerifier tokens, ApiClients clients) {
        this.tokens = tokens;
        this.clients = clients;
    }

    @Override
    public void handle(RoutingContext ctx) {
        List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.isEmpty()) {
            deny(ctx, "anonymous", "none", "HZ-6001", "authentication required: send a Bearer token or API client credentials", false);
            return;
        }
        if (headers.size() > 1) {
            deny(ctx, "anonymous", "none", "HZ-6012", "more than one Authorization header", true);
            return;
        }
        String value = headers.get(0).trim();
        int sp = value.indexOf(' ');
        String scheme = (sp < 0 ? value : value.substring(0, sp)).toLowerCase(Locale.ROOT);
        String credentials = sp < 0 ? "" : value.substring(sp + 1).trim();
        switch (scheme) {
            case "bearer" -> decide(ctx, "bearer", "token", tokens.verify(credentials));
            case "basic" -> basic(ctx, credentials);
            default -> deny(ctx, "anonymous", clean(scheme), "HZ-6012", "unsupported authorization scheme (use Bearer or Basic)", true);
        }
    }

    private void basic(RoutingContext ctx, String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            decoded = "";
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            deny(ctx, "anonymous", "basic", "HZ-6011", "malformed Basic credentials (RFC 7617: base64 of id:secret)", true);
            return;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        // Hold the body while the check runs off the loop; resume() only schedules delivery, so the
        // next handler installs its body handlers first.
        boolean pause = !ctx.request().isEnded();
        if (pause) {
            ctx.request().pause();
        }
        ctx.vertx().executeBlocking(() -> clients.verify(id, secret), false).onComplete(ar -> {
            if (pause) {
                ctx.request().resume();
            }
            if (ar.succeeded()) {
                decide(ctx, "basic", "client:" + clean(id), ar.result());
            } else {
                deny(ctx, "client:" + clean(id), "basic", "HZ-6011", "credentials could not be checked", true);
            }
        });
    }

    private void decide(RoutingContext ctx, String method, String claimed, AuthOutcome outcome) {
        switch (outcome) {
            case AuthOutcome.Accepted a -> {
                Principal p = a.principal();
                ctx.put(HttpAuth.PRINCIPAL, p);
                AUDIT.info("AUDIT http authn allow who={}@{} role={} via={} what={} {} from={}", clean(p.subject()), p.institution(),
                        p.role().claim(), method, ctx.request().method(), clean(ctx.normalizedPath()), from(ctx));
                ctx.next();
            }
            case AuthOutcome.Rejected r -> deny(ctx, claimed, method, r.code(), r.reason(), true);
        }
    }

    private static void deny(RoutingContext ctx, String who, String method, String code, String reason, boolean invalid) {
        AUDIT.info("AUDIT http authn deny who={} via={} what={} {} from={} code={} reason={}", who, method,
                ctx.request().method(), clean(ctx.normalizedPath()), from(ctx), code, reason);
        // RFC 6750 3: no error code when the request carried no credentials at all.
        String challenge = "Bearer realm=\"" + REALM + "\""
                + (invalid ? ", error=\"invalid_token\", error_description=\"" + code + "\"" : "");
        ctx.response().putHeader("WWW-Authenticate", challenge);
        problem(ctx, 401, "Unauthorized", code, reason);
    }

    /** Shared body of {@link HttpAuth#requireScope} and {@link HttpAuth#requireRole}. */
    static void authorise(RoutingContext ctx, Predicate<Principal> allowed, String code, String reason, String scope) {
        Principal p = ctx.get(HttpAuth.PRINCIPAL);
        if (p == null) {
            deny(ctx, "anonymous", "none", "HZ-6001", "authentication required: send a Bearer token or API client credentials", false);
            return;
        }
        if (allowed.test(p)) {
            AUDIT.info("AUDIT http authz allow who={}@{} role={} what={} {} from={}", clean(p.subject()), p.institution(),
                    p.role().claim(), ctx.request().method(), clean(ctx.normalizedPath()), from(ctx));
            ctx.next();
            return;
        }
        AUDIT.info("AUDIT http authz deny who={}@{} role={} what={} {} from={} code={} reason={}", clean(p.subject()), p.institution(),
                p.role().claim(), ctx.request().method(), clean(ctx.normalizedPath()), from(ctx), code, reason);
        if (scope != null) {
            // RFC 6750 3.1 insufficient_scope, naming the scope that would do.
            ctx.response().putHeader("WWW-Authenticate",
                    "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\", scope=\"" + scope + "\"");
        }
        problem(ctx, 403, "Forbidden", code, reason);
    }

    private static void problem(RoutingContext ctx, int status, String title, String code, String reason) {
        JsonObject body = new JsonObject()
                .put("type", "urn:huizhen:problem:" + code)
                .put("title", title)
                .put("status", status)
                .put("detail", code + " " + reason);
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .end(body.encode());
    }

    /** Caller-supplied text for a log line: no control characters (no forged lines), at most 200 characters. */
    static String clean(String s) {
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static String from(RoutingContext ctx) {
        SocketAddress a = ctx.request().remoteAddress();
        return a == null ? "unknown" : a.hostAddress() + ":" + a.port();
    }
}
