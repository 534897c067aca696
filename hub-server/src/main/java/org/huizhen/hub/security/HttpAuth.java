package org.huizhen.hub.security;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.huizhen.hub.config.HubConfig;

/**
 * Authentication for the hub's HTTP routes: accepts {@code Authorization: Bearer <JWT>}
 * (RFC 6750 2.1, checked by {@link TokenVerifier}) or {@code Authorization: Basic} with an
 * API client's id and secret (RFC 7617, checked by {@link ApiClients} on a worker thread), puts
 * the {@link Principal} on the routing context and calls the next handler. Otherwise it ends
 * the request with 401, {@code WWW-Authenticate: Bearer ...} (RFC 6750 3) and an
 * {@code application/problem+json} body (RFC 9457) whose {@code detail} starts with the
 * {@code HZ-60xx} code of the failure.
 *
 * <p>{@link #requireScope} and {@link #requireRole} are the per-route authorisation steps
 * that follow it: 403 with {@code error="insufficient_scope"} when the principal lacks them.
 *
 * <p>Every decision is logged at INFO on the logger {@value #AUDIT_LOGGER} as one line: the
 * outcome, who (subject@institution, role), what (method and path, never the query), from
 * where (remote address) and, for refusals, the code.
 *
 * <p>Handlers run on the event loop; only PBKDF2 for Basic runs on a worker thread.
 */
public interface HttpAuth extends Handler<RoutingContext> {
    /** Routing-context key of the {@link Principal}. */
    String PRINCIPAL = "huizhen.principal";
    /** Logger of the audit lines. */
    String AUDIT_LOGGER = "org.huizhen.hub.security.audit";

    /** A handler that accepts tokens checked by {@code tokens} and HTTP Basic of {@code clients}. */
    static HttpAuth create(TokenVerifier tokens, ApiClients clients) {
        return new HttpAuthHandler(tokens, clients);
    }

    /**
     * The handler for a hub: its own key plus {@code auth.trusted-issuers} and
     * {@code auth.api-clients} of {@code config}.
     *
     * @throws org.huizhen.hub.config.ConfigException if a trusted issuer's keys cannot be used
     */
    static HttpAuth create(HubConfig config, HubKeys keys) {
        return create(new TokenVerifier(config, keys, Clock.systemUTC()),
                new ApiClients(config.auth().apiClients(), Clock.systemUTC()));
    }

    /** The authenticated caller of {@code ctx}; empty before (or without) {@link HttpAuth}. */
    static Optional<Principal> principal(RoutingContext ctx) {
        return Optional.ofNullable(ctx.get(PRINCIPAL));
    }

    /**
     * A handler that lets the request through if the principal holds a scope covering at least
     * one of {@code anyOf} ({@link Scopes#covers}); otherwise 403 {@code HZ-6101}. Without a
     * principal (route not behind {@link HttpAuth}) it answers 401 {@code HZ-6001}.
     */
    static Handler<RoutingContext> requireScope(String... anyOf) {
        List<String> required = List.of(anyOf);
        required.forEach(Scopes::check);
        return ctx -> HttpAuthHandler.authorise(ctx, p -> required.stream().anyMatch(p::hasScope),
                "HZ-6101", "requires scope " + String.join(" or ", required), String.join(" ", required));
    }

    /** Like {@link #requireScope} for roles: 403 {@code HZ-6102} unless the principal has one of {@code anyOf}. */
    static Handler<RoutingContext> requireRole(Role... anyOf) {
        List<Role> roles = List.of(anyOf);
        return ctx -> HttpAuthHandler.authorise(ctx, p -> roles.contains(p.role()),
                "HZ-6102", "requires role " + String.join(" or ", roles.stream().map(Role::claim).toList()), null);
    }

    /** Loads (or creates) the hub's key under {@code <data-dir>/keys}, for callers wiring a hub. */
    static HubKeys hubKeys(HubConfig config) throws IOException {
        return HubKeys.loadOrCreate(config.hub().dataDir().resolve("keys"),
                JwsAlgorithm.valueOf(config.auth().signingAlgorithm()));
    }
}
