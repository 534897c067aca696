package org.huizhen.hub.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.huizhen.dicom.data.Tag;
import org.huizhen.dicom.io.Part10;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.hub.testing.DcmtkTools;
import org.huizhen.hub.testing.HubProcess;
import org.huizhen.hub.testing.SourceInstances;
import org.huizhen.hub.testing.SourceInstances.Source;
import org.huizhen.hub.testing.StoppedHubData;
import org.huizhen.storage.index.StoredInstance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability rule (DESIGN.md) tested for real: the hub runs as its own process, DCMTK's
 * {@code storescu} streams a few hundred instances into it, and the hub is killed with SIGKILL
 * mid-stream — no shutdown hook, no flush. After a restart on the same data directory, every
 * instance {@code storescu} saw acknowledged must be there with its exact data set bytes, and
 * nothing half-written may be visible: not in the index, not under a blob's final name, not as
 * a leftover temp file.
 *
 * <p>Acknowledgements are read from {@code storescu -v} as they happen: it logs
 * {@code Sending file: PATH} before each C-STORE-RQ and {@code Received Store Response (Success)}
 * when the C-STORE-RSP arrives (PS3.7 9.1.1), one instance at a time on one association, so each
 * response belongs to the file named last.
 */
class HubCrashDurabilityTest {
    private static final int STUDIES = 3;
    private static final int SERIES_PER_STUDY = 2;
    private static final int INSTANCES_PER_SERIES = 50;
    /**
     * Acknowledged responses after which the hub is killed (as soon as it starts writing the
     * next instance); well short of all 300.
     */
    private static final int KILL_AFTER = 100;
    private static final Duration STORESCU_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern SENDING = Pattern.compile("Sending file: (.+)$");
    private static final Pattern RESPONSE = Pattern.compile("Received Store Response \\((.+)\\)");

    @TempDir
    Path dir;

    @BeforeAll
    static void tools() {
        DcmtkTools.requireTool("storescu");
    }

    @Test
    void everyAcknowledgedInstanceSurvivesSigkillAndNothingPartialIsVisible() throws Exception {
        Path template = Path.of(System.getProperty("hz.shared.testdata"), "dicom", "CT_small.dcm");
        List<Source> sources = SourceInstances.fromTemplate(template, dir.resolve("src"), STUDIES, SERIES_PER_STUDY,
                INSTANCES_PER_SERIES);
        Map<String, Source> byFile = sources.stream().collect(Collectors.toMap(s -> s.file().toString(), Function.identity()));
        Map<String, Source> bySop = sources.stream().collect(Collectors.toMap(Source::sopInstanceUid, Function.identity()));
        assertThat(bySop).hasSize(STUDIES * SERIES_PER_STUDY * INSTANCES_PER_SERIES);
        Path data = dir.resolve("data");

        List<Source> acknowledged = new ArrayList<>();
        Set<String> sent = new LinkedHashSet<>();
        List<String> otherResponses = new ArrayList<>();
        List<String> storescuOutput = new CopyOnWriteArrayList<>();
        Path tmp = Files.createDirectories(data.resolve("blobs").resolve("tmp"));
        try (WatchService tmpWatch = tmp.getFileSystem().newWatchService();
             HubProcess hub = HubProcess.start(data, Map.of(), "--accept-any-ae")) {
            tmp.register(tmpWatch, StandardWatchEventKinds.ENTRY_CREATE);
            Process storescu = startStorescu(hub, sources);
            BlockingQueue<String> lines = pump(storescu, storescuOutput);
            long deadline = System.nanoTime() + STORESCU_DEADLINE.toNanos();
            String current = null;
            boolean killed = false;
            while (true) {
                String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                assertThat(line).as("storescu output within %s; so far:\n%s", STORESCU_DEADLINE,
                        String.join("\n", storescuOutput)).isNotNull();
                if (line.equals(EOF)) {
                    break;
                }
                Matcher m = SENDING.matcher(line);
                if (m.find()) {
                    current = m.group(1).trim();
                    assertThat(byFile).as("storescu sends one of ours").containsKey(current);
                    sent.add(byFile.get(current).sopInstanceUid());
                    continue;
                }
                m = RESPONSE.matcher(line);
                if (m.find()) {
                    // every response storescu printed left the hub before it died: all count
                    if (m.group(1).equals("Success")) {
                        assertThat(byFile).as("file storescu named before the response").containsKey(current);
                        acknowledged.add(byFile.get(current));
                    } else {
                        otherResponses.add(current + ": " + line);
                    }
                }
                if (!killed && acknowledged.size() >= KILL_AFTER) {
                    awaitNewTempFile(tmpWatch);
                    hub.kill();
                    killed = true;
                }
            }
            assertThat(storescu.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(killed).as("hub killed after %d acknowledgements; storescu said:\n%s", KILL_AFTER,
                    String.join("\n", storescuOutput)).isTrue();
            // the kill interrupted the stream: storescu could not finish its files
            assertThat(storescu.exitValue()).as(String.join("\n", storescuOutput)).isNotZero();
        }
        assertThat(otherResponses).as("non-success responses before the kill").isEmpty();
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(KILL_AFTER).hasSizeLessThan(sources.size())
                .doesNotHaveDuplicates();
        int tempsAfterKill = StoppedHubData.tempFiles(data).size();

        // Restart on the same directory: start-up recovery runs, and the hub serves again.
        try (HubProcess hub = HubProcess.start(data, Map.of(), "--accept-any-ae")) {
            JsonNode health = health(hub);
            assertThat(health.path("instances").asLong()).as(health.toString()).isGreaterThanOrEqualTo(KILL_AFTER);
            if (tempsAfterKill > 0) {
                assertThat(hub.output()).as("recovery reported").anyMatch(l -> l.contains("start-up recovery: removed "
                        + tempsAfterKill + " temporary file(s)"));
            }
            int exit = hub.stop();
            assertThat(exit).as("orderly SIGTERM shutdown; output:\n%s", String.join("\n", hub.output()))
                    .isIn(0, 143);
        }

        assertThat(StoppedHubData.tempFiles(data)).as("temp files of the interrupted writes are gone").isEmpty();
        // No blob under its final name holds partial content: each hashes to its name.
        List<Path> blobFiles = StoppedHubData.blobFiles(data);
        assertThat(blobFiles).hasSizeGreaterThanOrEqualTo(KILL_AFTER)
                .allSatisfy(f -> assertThat(StoppedHubData.contentMatchesName(f)).as(f.toString()).isTrue());
        try (StoppedHubData stored = StoppedHubData.open(data)) {
            for (Source s : acknowledged) {
                Optional<StoredInstance> si = stored.index().findInstance(s.sopInstanceUid());
                assertThat(si).as("acknowledged %s (%s)", s.sopInstanceUid(), s.file()).isPresent();
                assertThat(SourceInstances.dataSetSha256(stored.blobFile(si.get())))
                        .as("data set bytes of %s", s.file()).isEqualTo(s.dataSetSha256());
            }
            List<StoredInstance> indexed = stored.instances();
            // every row is available: none was hidden for a missing blob
            assertThat(stored.index().instanceCount()).isEqualTo(indexed.size());
            assertThat(stored.index().verifyBlobs(stored.blobs()).clean()).isTrue();
            Set<String> indexedUids = new LinkedHashSet<>();
            for (StoredInstance si : indexed) {
                indexedUids.add(si.sopInstanceUid());
                Source s = bySop.get(si.sopInstanceUid());
                assertThat(s).as("indexed %s is one of ours", si.sopInstanceUid()).isNotNull();
                Path blob = stored.blobFile(si);
                assertThat(blob).exists();
                // parses completely, pixel data included, and is the instance that was sent
                Part10File parsed = Part10.read(blob, ReadOptions.DEFAULT);
                assertThat(parsed.dataSet().getString(Tag.SOPInstanceUID))
                        .contains(si.sopInstanceUid());
                assertThat(SourceInstances.dataSetSha256(blob)).as("indexed %s is complete", s.file())
                        .isEqualTo(s.dataSetSha256());
            }
            // the hub may have stored one more than was acknowledged (its response lost in the kill),
            // but never fewer, and never one that storescu had not begun to send
            assertThat(indexedUids).containsAll(acknowledged.stream().map(Source::sopInstanceUid).toList());
            assertThat(sent).containsAll(indexedUids);
            System.out.printf("crash test: %d acknowledged, %d indexed, %d temp file(s) after the kill%n",
                    acknowledged.size(), indexed.size(), tempsAfterKill);
        }
    }

    /**
     * Waits until the hub creates a new temp file, i.e. starts writing an instance, so that the
     * kill most likely interrupts a write; events from earlier writes are dropped first. Bounded:
     * if no write starts within the deadline the test fails (storescu stopped sending).
     */
    private static void awaitNewTempFile(WatchService watch) throws InterruptedException {
        WatchKey old;
        while ((old = watch.poll()) != null) {
            old.pollEvents();
            old.reset();
        }
        WatchKey key = watch.poll(20, TimeUnit.SECONDS);
        assertThat(key).as("the hub started writing another instance").isNotNull();
        key.pollEvents();
        key.reset();
    }

    private Process startStorescu(HubProcess hub, List<Source> sources) throws IOException {
        Path profile = dir.resolve("storescu.cfg");
        // One presentation context, CT Image Storage with only the files' own transfer syntax, so
        // storescu sends each data set as it is in the file (no conversion).
        String sopClass = sources.get(0).sopClassUid();
        String ts = sources.get(0).transferSyntaxUid();
        assertThat(sources).allSatisfy(s -> {
            assertThat(s.sopClassUid()).isEqualTo(sopClass);
            assertThat(s.transferSyntaxUid()).isEqualTo(ts);
        });
        Files.writeString(profile, """
                [[TransferSyntaxes]]
                [TS0]
                TransferSyntax1 = %s
                [[PresentationContexts]]
                [Contexts]
                PresentationContext1 = %s\\TS0
                [[Profiles]]
                [Files]
                PresentationContexts = Contexts
                """.formatted(ts, sopClass));
        List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", "CLINIC", "-aec", hub.aeTitle(),
                "-xf", profile.toString(), "Files", "127.0.0.1", String.valueOf(hub.dicomPort())));
        sources.forEach(s -> cmd.add(s.file().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        return pb.start();
    }

    private static final String EOF = "\u0000EOF";

    /** Lines of the process's merged output as they come, then {@link #EOF}; each also kept in {@code all}. */
    private static BlockingQueue<String> pump(Process p, List<String> all) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().name("storescu-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output closed: " + e + ")");
            } finally {
                lines.add(EOF);
            }
        });
        return lines;
    }

    private static JsonNode health(HubProcess hub) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + hub.httpPort() + "/health"))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(rsp.statusCode()).as(rsp.body()).isEqualTo(200);
            return new ObjectMapper().readTree(rsp.body());
        }
    }
}
