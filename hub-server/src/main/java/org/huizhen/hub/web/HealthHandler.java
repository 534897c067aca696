package org.huizhen.hub.web;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.Callable;

/**
 * {@code GET /health}: liveness and a few counters, as JSON. Carries no patient data, so it
 * is the one endpoint load balancers and probes may call without a token.
 *
 * <p>The counters come from a {@link Callable} that may touch the database: it runs on a
 * worker thread, never on the event loop. On success: 200 with
 * {@code {"status":"UP", ...}}; if the callable fails: 503 with {@code "status":"DOWN"} and
 * the reason.
 */
public interface HealthHandler extends Handler<RoutingContext> {

    static HealthHandler create(Callable<JsonObject> details) {
        return ctx -> ctx.vertx().<JsonObject>executeBlocking(details::call, false).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.response().putHeader("content-type", "application/json")
                        .end(new JsonObject().put("status", "UP").mergeIn(ar.result()).encode());
            } else {
                ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("status", "DOWN").put("reason", String.valueOf(ar.cause())).encode());
            }
        });
    }
}
