package org.huizhen.hub.web.dicomweb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.huizhen.hub.testing.InteropFiles;
import org.huizhen.hub.testing.InteropHub;
import org.huizhen.hub.testing.InteropIndexCheck;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.blob.BlobCacheStats;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * WADO-RS from a hub with direct blob writes and its cache of recently stored blobs: parts are
 * sent from the store's memory on both paths (zero-copy HTTP/1.1 and streaming), byte for byte
 * the stored files, with their Content-Length; every pin is released once its bytes are sent or
 * the client has gone; evicted blobs, and answers mixing held and evicted ones, come from the
 * files with the same bytes. The shared test files are stored over DIMSE by {@code huizhen store}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WadoHeldBlobsTest {
    @TempDir
    static Path dir;
    Hub hub;
    FileSystemBlobStore blobs;
    Vertx vertx;
    HttpServer server;
    HttpServer streamingServer;
    WebClient client;
    String token;
    List<StoredInstance> instances;

    @BeforeAll
    void start() throws Exception {
        hub = InteropHub.in(dir.resolve("hub")).with("storage.blob-write", "direct").with("storage.blob-cache", "8m")
                .institutions("""
                  - id: lead
                    name: Lead hospital
                    role: lead-hospital
                    aes:
                      - ae-title: READING1
                  - id: clinic-a
                    name: Clinic A
                    role: clinic
                    aes:
                      - ae-title: CLINIC_A
                """).start();
        blobs = (FileSystemBlobStore) hub.blobs();
        assumeThat(blobs.writeMode()).as("O_DIRECT on the test directory's file system")
                .isEqualTo(FileSystemBlobStore.WriteMode.DIRECT);
        assertThat(blobs.cacheCapacity()).isEqualTo(8L << 20);
        List<InteropFiles.Part10> files = InteropFiles.sharedInstanceFiles().stream().map(InteropFiles::read)
                .filter(InteropIndexCheck::hasSopInstanceUid).toList();
        List<String> args = new ArrayList<>(List.of("store", "--to", InteropHub.address(hub), "--calling-ae", "CLINIC_A"));
        files.forEach(f -> args.add(f.file().toString()));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, StoredInstance> bySop = new LinkedHashMap<>();
        for (InteropFiles.Part10 f : files) {
            if (!bySop.containsKey(f.sopInstanceUid())) {
                bySop.put(f.sopInstanceUid(), hub.dicomWebContext().index().findInstance(f.sopInstanceUid()).orElseThrow());
            }
        }
        instances = List.copyOf(bySop.values());

        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        WadoRoutes.mount(router, hub.dicomWebContext(), WadoAccess.fromConfig(hub.config()));
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Router streamingRouter = Router.router(vertx);
        streamingRouter.route().handler(HttpAuth.create(hub.config(), HttpAuth.hubKeys(hub.config())));
        WadoRoutes.mount(streamingRouter, hub.dicomWebContext(), WadoAccess.fromConfig(hub.config()), false);
        streamingServer = vertx.createHttpServer().requestHandler(streamingRouter).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        client = WebClient.create(vertx);
        token = new TokenIssuer(hub.config().auth(), HttpAuth.hubKeys(hub.config()), Clock.systemUTC())
                .issue("reader1", "lead", Role.READER, List.of("dicomweb.read"), Duration.ofHours(1));
    }

    @AfterAll
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    private HttpResponse<Buffer> get(HttpServer target, String path) throws Exception {
        return client.get(target.actualPort(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + token)
                .send().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private byte[] file(StoredInstance i) throws Exception {
        return Files.readAllBytes(blobs.localPath(i.blobId()).orElseThrow());
    }

    private BlobCacheStats stats() {
        return blobs.cacheStats().orElseThrow();
    }

    /** Waits until no hold is left: releases follow the socket's writes, not the client's reads. */
    private void awaitNothingPinned() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stats().pinned() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stats().pinned()).as("holds left unreleased").isZero();
    }

    /** The instance's part of a study answer on each path, as (headers, body) pairs in order. */
    private void assertStudyAnswersAreTheFiles(String study) throws Exception {
        List<StoredInstance> of = hub.dicomWebContext().index().instancesOfStudy(study);
        HttpResponse<Buffer> zeroCopy = get(server, "/dicomweb/studies/" + study);
        HttpResponse<Buffer> streamed = get(streamingServer, "/dicomweb/studies/" + study);
        assertThat(zeroCopy.statusCode()).isEqualTo(200);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(zeroCopy.getHeader("Content-Length")).isEqualTo(Integer.toString(zeroCopy.body().length()));
        List<WadoRoutesTest.Part> a = WadoRoutesTest.parts(zeroCopy);
        List<WadoRoutesTest.Part> b = WadoRoutesTest.parts(streamed);
        assertThat(a).hasSize(of.size()).hasSameSizeAs(b);
        Map<String, byte[]> expected = new LinkedHashMap<>();
        for (StoredInstance i : of) {
            expected.put(WadoRoutesTest.path(i), file(i));
        }
        for (int k = 0; k < a.size(); k++) {
            String location = a.get(k).headers().contentLocation().orElseThrow();
            byte[] want = expected.get(location);
            assertThat(want).as("part %d at %s", k, location).isNotNull();
            assertThat(a.get(k).body()).as("zero-copy part %s", location).isEqualTo(want);
            assertThat(b.get(k).body()).as("streamed part %s", location).isEqualTo(want);
            assertThat(a.get(k).headers().get("Content-Length")).contains(Integer.toString(want.length));
            assertThat(b.get(k).headers()).isEqualTo(a.get(k).headers());
        }
    }

    /** Stores 10 MB of other blobs: more than the 8 MiB cache holds, so every instance is evicted. */
    private void evictEverything() throws Exception {
        for (int n = 0; n < 20; n++) {
            byte[] filler = new byte[500_000];
            ThreadLocalRandom.current().nextBytes(filler);
            try (BlobWriter w = blobs.create()) {
                w.write(filler, 0, filler.length);
                w.commit();
            }
        }
    }

    private List<String> studies() {
        return instances.stream().map(StoredInstance::studyInstanceUid).distinct().toList();
    }

    @Test
    @Order(1)
    void justStoredInstancesAreSentFromMemoryThenFromTheirFilesOnceEvicted() throws Exception {
        long max = blobs.cacheCapacity() / 8;
        List<StoredInstance> fits = instances.stream().filter(i -> i.sizeBytes() <= max).toList();
        assertThat(fits).isNotEmpty();
        for (StoredInstance i : fits) {
            assertThat(blobs.isHeld(i.blobId())).as("just stored: %s", i.sopInstanceUid()).isTrue();
        }
        long hits = stats().hits();
        for (StoredInstance i : instances) {
            byte[] want = file(i);
            for (HttpServer target : List.of(server, streamingServer)) {
                List<WadoRoutesTest.Part> parts = WadoRoutesTest.parts(get(target, WadoRoutesTest.path(i)));
                assertThat(parts).hasSize(1);
                assertThat(parts.get(0).body()).as("%s via port %d", i.sopInstanceUid(), target.actualPort())
                        .isEqualTo(want);
            }
        }
        assertThat(stats().hits() - hits).as("every held instance was sent from memory on both paths")
                .isGreaterThanOrEqualTo(2L * fits.size());
        awaitNothingPinned();
        for (String study : studies()) {
            assertStudyAnswersAreTheFiles(study);
        }
        awaitNothingPinned();

        // Blobs stored since push the studies out of the cache: the files are sent instead, the same bytes.
        evictEverything();
        for (StoredInstance i : instances) {
            assertThat(blobs.isHeld(i.blobId())).as("evicted: %s", i.sopInstanceUid()).isFalse();
        }
        long missesBefore = stats().misses();
        long hitsBefore = stats().hits();
        for (String study : studies()) {
            assertStudyAnswersAreTheFiles(study);
        }
        assertThat(stats().misses()).as("looked up, not found").isGreaterThan(missesBefore);
        assertThat(stats().hits()).as("nothing came from memory").isEqualTo(hitsBefore);
    }

    @Test
    @Order(2)
    void anAnswerMixingHeldAndEvictedInstancesIsTheFilesInOrder() throws Exception {
        Map<String, Long> counts = new LinkedHashMap<>();
        instances.forEach(i -> counts.merge(i.studyInstanceUid(), 1L, Long::sum));
        String study = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<StoredInstance> of = hub.dicomWebContext().index().instancesOfStudy(study);
        assertThat(of).hasSizeGreaterThan(WadoRoutes.FILE_WINDOW);
        // evict everything, then store one of the study's instances again: it alone is held
        evictEverything();
        StoredInstance again = of.get(of.size() / 2);
        try (BlobWriter w = blobs.create()) {
            byte[] b = file(again);
            w.write(b, 0, b.length);
            assertThat(w.commit()).isEqualTo(again.blobId()); // identical content: the same blob, now held
        }
        assertThat(blobs.isHeld(again.blobId())).isTrue();
        assertThat(of.stream().filter(i -> blobs.isHeld(i.blobId())).count()).isEqualTo(1);
        long hits = stats().hits();
        assertStudyAnswersAreTheFiles(study);
        assertThat(stats().hits() - hits).as("the held one, once per path").isEqualTo(2);
        awaitNothingPinned();
    }

    @Test
    @Order(3)
    void aClientThatLeavesMidAnswerLeavesNothingPinned() throws Exception {
        // store every instance again so they are held, then ask for each study and hang up at once
        for (StoredInstance i : instances) {
            try (BlobWriter w = blobs.create()) {
                byte[] b = file(i);
                w.write(b, 0, b.length);
                w.commit();
            }
        }
        for (String study : studies()) {
            for (HttpServer target : List.of(server, streamingServer)) {
                try (Socket s = new Socket("127.0.0.1", target.actualPort())) {
                    OutputStream out = s.getOutputStream();
                    out.write(("GET /dicomweb/studies/" + study + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                            + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    InputStream in = s.getInputStream();
                    assertThat(in.readNBytes(12)).asString(StandardCharsets.US_ASCII).isEqualTo("HTTP/1.1 200");
                    s.setSoLinger(true, 0); // reset, not a polite close
                }
            }
        }
        awaitNothingPinned();
        // and the hub still answers
        assertStudyAnswersAreTheFiles(studies().get(0));
        awaitNothingPinned();
    }
}
