package org.huizhen.hub.web.dicomweb;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.Set;

/**
 * CORS (Fetch standard, "CORS protocol") for the DICOMweb routes, so that browser viewers
 * (OHIF, Cornerstone) served from another origin can call them: any origin for now, the methods
 * DICOMweb uses, the {@code Authorization} header allowed (bearer tokens) and the response
 * headers a viewer reads exposed.
 *
 * <p>Mount it BEFORE the hub's {@code HttpAuth}: a preflight {@code OPTIONS} carries no
 * credentials and is answered here (204), and the headers it adds are then also on a 401.
 *
 * <p>Stateless; runs on the event loop.
 */
public final class DicomWebCors {
    private DicomWebCors() {
    }

    /** Adds the CORS handler for every path under {@code basePath}. */
    public static void mount(Router router, String basePath) {
        router.route(basePath + "/*").handler(CorsHandler.create()
                .addOrigin("*")
                .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE,
                        HttpMethod.OPTIONS))
                .allowedHeaders(Set.of("Authorization", "Content-Type", "Accept", "Accept-Charset"))
                .exposedHeaders(Set.of("Warning", "Content-Location", "Location", "WWW-Authenticate"))
                .maxAgeSeconds(3600));
    }
}
