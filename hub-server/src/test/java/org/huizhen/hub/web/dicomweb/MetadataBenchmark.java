package org.huizhen.hub.web.dicomweb;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import org.huizhen.hub.Hub;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.testing.CliRun;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.SourceInstances;

/**
 * Benchmark program (not a test): stores one study of N instances (default 1,000; copies of the
 * shared CT_small with new UIDs) into a real hub over DIMSE, then times WADO-RS
 * {@code GET /studies/{study}/metadata} over HTTP: cold (metadata cache emptied before each
 * request, so every instance is parsed and rendered from its blob) and warm (served from the
 * cache files), and prints p50/p99 of each. Run on demand, e.g.
 * <pre>
 * ./mvnw -q -pl hub-server test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp hub-server/target/test-classes:hub-server/target/classes:$(cat hub-server/target/cp.txt) \
 *      org.huizhen.hub.web.dicomweb.MetadataBenchmark ../shared/testdata /tmp/hz-wado-bench 1000
 * </pre>
 * Single-threaded client: one request at a time.
 */
public final class MetadataBenchmark {

    private static final int COLD_RUNS = 10;
    private static final int WARM_RUNS = 200;

    private MetadataBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path testdata = Path.of(args.length > 0 ? args[0] : "../shared/testdata");
        Path work = Path.of(args.length > 1 ? args[1] : "bench-work/wado");
        int n = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
        Files.createDirectories(work);
        Path files = Files.createTempDirectory(work, "src");
        var sources = SourceInstances.fromTemplate(testdata.resolve("dicom/CT_small.dcm"), files, 1, 1, n);
        String study = sources.get(0).studyUid();
        try (Hub hub = InteropHub.in(Files.createTempDirectory(work, "hub")).start()) {
            long t0 = System.nanoTime();
            CliRun r = CliRun.run("store", files.toString(), "--to", InteropHub.address(hub));
            if (r.exitCode() != 0) {
                throw new IllegalStateException(r.output());
            }
            System.out.printf(Locale.ROOT, "stored %d instances in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
            Vertx vertx = Vertx.vertx();
            try {
                Router router = Router.router(vertx);
                router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
                WadoRoutes.mount(router, hub.dicomWebContext(), WadoAccess.fromConfig(hub.config()));
                HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                WebClient client = WebClient.create(vertx);
                String token = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC())
                        .issue("bench", WadoAccess.DEMO, Role.READER, List.of("dicomweb.read"), Duration.ofHours(1));
                Path cache = hub.config().hub().dataDir().resolve("cache/metadata");
                String path = "/dicomweb/studies/" + study + "/metadata";

                double[] cold = new double[COLD_RUNS];
                int bytes = 0;
                for (int i = 0; i < COLD_RUNS; i++) {
                    deleteTree(cache);
                    long s = System.nanoTime();
                    HttpResponse<Buffer> resp = get(client, server.actualPort(), path, token);
                    cold[i] = (System.nanoTime() - s) / 1e6;
                    bytes = check(resp, n);
                }
                double[] warm = new double[WARM_RUNS];
                for (int i = 0; i < WARM_RUNS; i++) {
                    long s = System.nanoTime();
                    HttpResponse<Buffer> resp = get(client, server.actualPort(), path, token);
                    warm[i] = (System.nanoTime() - s) / 1e6;
                    check(resp, n);
                }
                System.out.printf(Locale.ROOT, "/metadata of %d instances (%d bytes of JSON)%n", n, bytes);
                System.out.printf(Locale.ROOT, "cold: p50 %.1f ms  p99 %.1f ms  (%d runs, cache emptied each time)%n",
                        pct(cold, 50), pct(cold, 99), COLD_RUNS);
                System.out.printf(Locale.ROOT, "warm: p50 %.1f ms  p99 %.1f ms  (%d runs)%n",
                        pct(warm, 50), pct(warm, 99), WARM_RUNS);
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static HttpResponse<Buffer> get(WebClient client, int port, String path, String token) throws Exception {
        return client.get(port, "127.0.0.1", path).putHeader("Authorization", "Bearer " + token).send()
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static int check(HttpResponse<Buffer> resp, int n) {
        if (resp.statusCode() != 200) {
            throw new IllegalStateException("status " + resp.statusCode() + ": " + resp.bodyAsString());
        }
        int size = resp.bodyAsJsonArray().size();
        if (size != n) {
            throw new IllegalStateException("expected " + n + " objects, got " + size);
        }
        return resp.body().length();
    }

    private static double pct(double[] v, int p) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }

    private static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
