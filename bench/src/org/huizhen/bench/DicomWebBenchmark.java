package org.huizhen.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.huizhen.bench.IngestBenchmark.Dataset;
import org.huizhen.bench.IngestBenchmark.Processes;
import org.huizhen.bench.IngestBenchmark.SyntheticCt;
import org.huizhen.bench.IngestBenchmark.TargetUnavailable;

/**
 * DICOMweb benchmark: the hub ({@code /dicomweb}) and Orthanc with its DICOMweb plugin
 * ({@code /dicom-web}) in one run, on the same machine, with the same generated CT data set
 * ({@link SyntheticCt} of {@link IngestBenchmark}) and the same Java {@link HttpClient}. For each
 * target, started fresh and empty, it first sends and reads back a separate warm-up data set
 * (other UIDs, untimed, {@code --warmup}) so that a JVM target is measured warm, then measures in
 * this order:
 * <ol>
 *   <li>STOW-RS (PS3.18 10.5): multipart/related bodies of {@code --batch} instances, {@code
 *       --concurrency} requests at once; instances/s and MB/s; then the stored count is checked on
 *       the target's own counter (hub {@code /health} "instances", Orthanc {@code /statistics}).</li>
 *   <li>QIDO-RS study search (PS3.18 10.6): PatientName prefix, StudyDate range and AccessionNumber
 *       queries in turn, one at a time; p50/p99 latency; every answer's study count is checked
 *       against the count the generator's rules give.</li>
 *   <li>WADO-RS metadata (PS3.18 10.4, {@code /metadata}) of one study: the first (cold) request,
 *       then p50/p99 over 20 warm requests; the instance count in the answer is checked.</li>
 *   <li>WADO-RS whole-study retrieval (PS3.18 10.4) with {@code Accept: multipart/related;
 *       type="application/dicom"; transfer-syntax=*}, every study 3 times; MB/s of the bodies; the
 *       part count of each answer is checked.</li>
 * </ol>
 * It prints a table with hub/Orthanc ratios and the issue's goals. It is a program, not a test.
 *
 * <p>Bounds: the targets are external processes registered in {@link Processes} and stopped at the
 * end (also on failure and Ctrl-C); every HTTP request and every wait has a timeout; all traffic
 * goes to 127.0.0.1 on free ports. A target that fails is reported with its reason and the other
 * target still runs.
 *
 * <p>Threading: the main thread drives everything in sequence; only the STOW phase uses a pool of
 * {@code --concurrency} platform threads, each sending one request at a time.
 */
public final class DicomWebBenchmark {

    static final double MB = 1_000_000.0;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final String DICOM_JSON = "application/dicom+json";
    static final int METADATA_WARM = 20;
    static final int WADO_REPEAT = 3;
    static final int QIDO_WARMUP = 20;
    /** Study number of the warm-up data set's first study: it shares no UID with the timed set. */
    static final int WARMUP_FIRST_STUDY = 900;

    private final Options options;
    private final Processes processes;
    /** The untimed warm-up data set, when {@code --warmup} is above 0. */
    private Optional<Dataset> warm = Optional.empty();
    /** Study number of the JIT warm-up set's first study (small slices no query matches). */
    static final int JIT_FIRST_STUDY = 5000;
    /** Rows and columns of a JIT warm-up slice. */
    static final int JIT_SLICE_SIZE = 64;
    /** Study number of the JIT warm-up set's first full-size study. */
    static final int JIT_FULL_FIRST_STUDY = 7000;
    /** One full-size (512x512) slice among this many JIT warm-up instances, so that the branches of large instances are compiled too. */
    static final int JIT_FULL_EVERY = 20;
    /** Instances per JIT warm-up round; the hub's compiler threads' CPU is read after each. */
    static final int JIT_ROUND = 4000;
    /**
     * The JIT warm-up ends after a round in which the hub's compiler threads used less than this
     * share of one core (or when its instances are used up).
     */
    static final double JIT_QUIET = 0.10;
    /** At most this many rounds of {@link #wadoWarmUp}. */
    static final int WADO_WARMUP_ROUNDS = 6;
    /** The hub's untimed JIT warm-up data sets (small, then full-size), when {@code --jit-warmup} is above 0 and the hub is a target. */
    private Optional<Dataset> jitWarm = Optional.empty();
    private Optional<Dataset> jitWarmFull = Optional.empty();
    /** Full-size studies the JIT warm-up stored (UID, instances sent), read during the untimed warm-up's STOW-RS. */
    private final List<Map.Entry<String, Integer>> jitFullStudies = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    DicomWebBenchmark(Options options, Processes processes) {
        this.options = options;
        this.processes = processes;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("run-dicomweb: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Processes processes = new Processes();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processes.stopAll();
            if (options.deleteWorkAtEnd()) {
                IngestBenchmark.deleteTree(options.work());
            }
        }, "bench-cleanup"));
        int exit;
        try {
            exit = new DicomWebBenchmark(options, processes).run();
        } catch (IOException | RuntimeException e) {
            if (!processes.closed()) {
                throw e;
            }
            exit = 130;
        } finally {
            processes.stopAll();
            if (options.deleteWorkAtEnd()) {
                IngestBenchmark.deleteTree(options.work());
            }
        }
        System.exit(exit);
    }

    int run() throws IOException, InterruptedException {
        Files.createDirectories(options.work());
        Path logs = Files.createDirectories(options.work().resolve("logs"));
        System.out.println("Huizhen DICOMweb benchmark");
        System.out.printf(Locale.ROOT, "Machine: %d cores; bench JVM %s%n", Runtime.getRuntime().availableProcessors(),
                Runtime.version());
        System.out.println("Orthanc: " + IngestBenchmark.firstLine(IngestBenchmark.capture(Duration.ofSeconds(10),
                "Orthanc", "--version")) + ", DICOMweb plugin " + options.orthancPlugin());
        Dataset ct = Dataset.ensureCtSeries(options.work().resolve("data"), options.instances());
        IngestBenchmark.checkWithDcmdump(ct.files().get(0), "(7fe0,0010) OW");
        System.out.printf(Locale.ROOT, "Data set: %d CT instances, %d studies, %.1f MB (%s)%n", ct.files().size(),
                ct.studies(), ct.bytes() / MB, ct.root());
        System.out.println("Client for STOW-RS and WADO-RS: " + (options.client() == Client.JDK
                ? "java.net.http.HttpClient (--client jdk)" : "lean socket client, sendfile bodies (--client lean)")
                + "; QIDO-RS and metadata: java.net.http.HttpClient");
        System.out.printf(Locale.ROOT, "STOW: %d instances per request, %d concurrent requests; QIDO: %d queries "
                + "(+%d untimed); metadata: 1 cold + %d warm; WADO: each study %d times%n", options.batch(),
                options.concurrency(), options.queries(), QIDO_WARMUP, METADATA_WARM, WADO_REPEAT);
        ct.warmPageCache();
        if (options.warmup() > 0) {
            warm = Optional.of(Dataset.ensureCtSeries(options.work().resolve("data"), options.warmup(),
                    WARMUP_FIRST_STUDY, "ct-warmup-"));
            warm.get().warmPageCache();
            System.out.printf(Locale.ROOT, "Warm-up before the timed phases: %d instances of other studies, untimed%n",
                    options.warmup());
        }
        if (options.jitWarmup() > 0 && options.targets().contains(Kind.HUB)) {
            int full = Math.max(1, options.jitWarmup() / JIT_FULL_EVERY);
            jitWarm = Optional.of(Dataset.ensureCtSeries(options.work().resolve("data"), options.jitWarmup() - full,
                    JIT_FIRST_STUDY, "ct-jit" + JIT_SLICE_SIZE + "-", JIT_SLICE_SIZE));
            jitWarmFull = Optional.of(Dataset.ensureCtSeries(options.work().resolve("data"), full,
                    JIT_FULL_FIRST_STUDY, "ct-jitfull-", SyntheticCt.SIZE, true));
            System.out.printf(Locale.ROOT, "JIT warm-up of the hub first (a JVM compiles its hot code after ~10^4 "
                    + "calls; Orthanc is compiled ahead of time): up to %d CT slices (%d of them %dx%d, one in %d "
                    + "full-size) through STOW-RS, untimed, matched by no query, in rounds of %d, each followed by "
                    + "metadata + WADO-RS of one of its studies, until a round in which the hub's JIT compiler "
                    + "threads used under %.0f%% of a core%n", options.jitWarmup(), options.jitWarmup() - full,
                    JIT_SLICE_SIZE, JIT_SLICE_SIZE, JIT_FULL_EVERY, JIT_ROUND, JIT_QUIET * 100);
        }

        List<Map<Kind, TargetResult>> rounds = new ArrayList<>();
        for (int round = 1; round <= options.repeat(); round++) {
            if (options.repeat() > 1) {
                System.out.printf(Locale.ROOT, "%n##### Round %d of %d%n", round, options.repeat());
            }
            // every second round in the reverse order, so that a drift of the machine favours no target
            List<Kind> order = new ArrayList<>(options.targets());
            if (round % 2 == 0) {
                java.util.Collections.reverse(order);
            }
            Map<Kind, TargetResult> byKind = new LinkedHashMap<>();
            for (Kind kind : order) {
                System.out.println();
                System.out.println("== " + kind.label);
                byKind.put(kind, runTarget(kind, ct, logs));
            }
            Map<Kind, TargetResult> inOrder = new LinkedHashMap<>();
            for (Kind kind : options.targets()) {
                inOrder.put(kind, byKind.get(kind));
            }
            printTable(inOrder, ct);
            rounds.add(inOrder);
        }
        if (rounds.size() > 1) {
            printRounds(rounds);
        }
        Map<Kind, TargetResult> results = new LinkedHashMap<>();
        for (Map<Kind, TargetResult> r : rounds) {
            r.forEach((k, v) -> results.merge(k, v, (a, b) -> a.failure().isPresent() ? a : b));
        }
        boolean archivesOk = true;
        if (!options.archives().isEmpty()) {
            List<ArchiveResult> archives = new ArrayList<>();
            for (int n : options.archives()) {
                System.out.println();
                System.out.printf(Locale.ROOT, "== hub with an archive of %,d studies%n", n);
                archives.add(runArchive(n, ct, logs));
            }
            archivesOk = printArchiveTable(archives);
        }
        if (!options.big() && options.archives().isEmpty()) {
            System.out.println();
            System.out.println("Hub QIDO at 100,000 studies: not run (give --big). It is the index benchmark "
                    + "storage/src/test/java/org/huizhen/storage/bench/IndexLookupBenchmark.java (see bench/README.md).");
        }
        return results.values().stream().allMatch(r -> r.failure().isEmpty()) && archivesOk ? 0 : 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Archive mode: QIDO-RS and STOW-RS against a hub that already holds N studies

    /** Figures of one archive size; a failure leaves the rest empty. */
    record ArchiveResult(int studies, double seedSeconds, Map<String, Latency> qido, double stowPerSecond,
            Optional<String> failure) {
        static ArchiveResult failed(int studies, String why) {
            return new ArchiveResult(studies, 0, Map.of(), 0, Optional.of(why));
        }
    }

    /** The query kinds of archive mode, in table order. */
    static final List<String> ARCHIVE_QUERIES = List.of("name prefix", "patient ID", "7-day date range",
            "modality + 30-day range");
    /** Results per page, as a viewer's study list asks (QIDO-RS limit). */
    static final int ARCHIVE_PAGE = 100;
    /** Untimed QIDO-RS searches of each kind before the timed ones in archive mode. */
    static final int ARCHIVE_QIDO_WARMUP = 100;

    /**
     * One archive size: the hub's data directory is seeded with {@code studies} studies by
     * {@code ArchiveSeeder} (storage test sources: rows through MetadataIndex.storeAll into the
     * hub's own H2 index, one shared blob), the hub started on it, then warmed up as in the
     * normal run, then QIDO-RS study searches of four kinds timed over HTTP, then the CT data set
     * sent by STOW-RS as in the normal run.
     */
    private ArchiveResult runArchive(int studies, Dataset ct, Path logs) throws IOException, InterruptedException {
        if (options.seederClasspath().isEmpty()) {
            return ArchiveResult.failed(studies, "no --seeder-cp (run through bench/run-dicomweb.sh)");
        }
        if (options.hubUnavailable().isPresent()) {
            return ArchiveResult.failed(studies, options.hubUnavailable().get());
        }
        Path runDir = options.work().resolve("run-archive-" + studies);
        IngestBenchmark.deleteTree(runDir);
        Path data = Files.createDirectories(runDir.resolve("data"));
        Path seedLog = logs.resolve("archive-seed-" + studies + ".log");
        long t0 = System.nanoTime();
        Process seeder = processes.start(List.of(IngestBenchmark.javaBinary(), "-cp", options.seederClasspath().get(),
                "org.huizhen.storage.bench.ArchiveSeeder", data.toString(), Integer.toString(studies),
                ct.files().get(0).toString()), Map.of(), seedLog);
        if (!seeder.waitFor(30, TimeUnit.MINUTES) || seeder.exitValue() != 0) {
            processes.stop(seeder);
            return ArchiveResult.failed(studies, "seeding failed: " + IngestBenchmark.lastLine(seedLog));
        }
        double seedSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  seeded in %.1f s: %s%n", seedSeconds, IngestBenchmark.lastLine(seedLog));
        IngestBenchmark.capture(Duration.ofSeconds(300), "sync");
        Target target = null;
        try {
            target = startHub(runDir, logs.resolve("archive-hub-" + studies + ".log"));
            int expectedCount = studies + ct.files().size();
            if (warm.isPresent()) {
                warmUp(target, warm.get());
                expectedCount += warm.get().files().size();
            }
            // Untimed: ARCHIVE_QIDO_WARMUP queries of each kind (other parameters than the timed
            // ones), so that the percentiles are those of a hub that has served searches before,
            // not of its JIT compiling the query path in the first ones.
            Map<String, List<Query>> warmQueries = archiveQueries(studies, ARCHIVE_QIDO_WARMUP, 4242);
            for (List<Query> qs : warmQueries.values()) {
                for (Query q : qs) {
                    timedQido(target, q);
                }
            }
            Map<String, List<Query>> queries = archiveQueries(studies, options.queries(), 42);
            Map<String, Latency> latencies = new LinkedHashMap<>();
            for (var e : queries.entrySet()) {
                long[] nanos = new long[e.getValue().size()];
                for (int i = 0; i < nanos.length; i++) {
                    nanos[i] = timedQido(target, e.getValue().get(i));
                }
                latencies.put(e.getKey(), Latency.of(nanos));
                System.out.printf(Locale.ROOT, "  QIDO-RS %-24s %s (every answer had the expected study count)%n",
                        e.getKey() + ":", latencies.get(e.getKey()));
            }
            TargetResult r = new TargetResult();
            stow(target, ct, r);
            long stored = IngestBenchmark.awaitCount(expectedCount, target::instanceCount);
            if (stored != expectedCount) {
                return ArchiveResult.failed(studies, "after STOW the hub counts " + stored + " instances, expected "
                        + expectedCount);
            }
            System.out.println("  verified: hub /health instances = " + stored);
            return new ArchiveResult(studies, seedSeconds, latencies, r.stowPerSecond().orElse(0), Optional.empty());
        } catch (TargetUnavailable | BenchFailure e) {
            return ArchiveResult.failed(studies, e.getMessage());
        } finally {
            if (target != null) {
                processes.stop(target.process());
            }
            IngestBenchmark.deleteTree(runDir);
        }
    }

    /**
     * {@code perKind} queries of each kind over an archive of {@code studies} seeded studies, with
     * the study count each must return, from ArchiveSeeder's rules (see its class comment): study
     * s has patient p = s / 2, Patient ID ARC&lt;p&gt;, name Q&lt;abc&gt;^P&lt;p&gt; with &lt;abc&gt; = p mod 17576
     * in letters, date 2016-01-01 + (s × 7919) mod 3650 days, modality {CT, MR, DX, US, CR}[s mod
     * 5]. Every query asks for one page of {@value #ARCHIVE_PAGE}, so it expects min(matches, page).
     * The same pseudo-random sequence for every archive size (the timed queries use seed 42).
     */
    static Map<String, List<Query>> archiveQueries(int studies, int perKind, long seed) {
        java.util.Random random = new java.util.Random(seed);
        int patients = Math.max(1, (studies + 1) / 2);
        int[] day = new int[studies];
        for (int s = 0; s < studies; s++) {
            day[s] = (int) ((s * 7919L) % 3650);
        }
        String[] modalities = {"CT", "MR", "DX", "US", "CR"};
        java.time.LocalDate first = java.time.LocalDate.of(2016, 1, 1);
        java.time.format.DateTimeFormatter da = java.time.format.DateTimeFormatter.BASIC_ISO_DATE;
        Map<String, List<Query>> out = new LinkedHashMap<>();
        ARCHIVE_QUERIES.forEach(k -> out.put(k, new ArrayList<>()));
        for (int i = 0; i < perKind; i++) {
            int p = random.nextInt(patients);
            int code = p % 17_576;
            int byName = 0;
            int byPatient = 0;
            for (int s = 0; s < studies; s++) {
                if ((s / 2) % 17_576 == code) {
                    byName++;
                }
                if (s / 2 == p) {
                    byPatient++;
                }
            }
            String letters = "" + (char) ('A' + code / 676) + (char) ('A' + code / 26 % 26) + (char) ('A' + code % 26);
            out.get("name prefix").add(new Query("PatientName=" + enc("Q" + letters + "*") + "&limit=" + ARCHIVE_PAGE,
                    Math.min(byName, ARCHIVE_PAGE)));
            out.get("patient ID").add(new Query("PatientID=ARC" + p + "&limit=" + ARCHIVE_PAGE,
                    Math.min(byPatient, ARCHIVE_PAGE)));
            int from = random.nextInt(3650 - 7);
            int byDate = 0;
            for (int s = 0; s < studies; s++) {
                if (day[s] >= from && day[s] < from + 7) {
                    byDate++;
                }
            }
            out.get("7-day date range").add(new Query("StudyDate=" + da.format(first.plusDays(from)) + "-"
                    + da.format(first.plusDays(from + 6)) + "&limit=" + ARCHIVE_PAGE, Math.min(byDate, ARCHIVE_PAGE)));
            int m = random.nextInt(modalities.length);
            int from30 = random.nextInt(3650 - 30);
            int byModality = 0;
            for (int s = 0; s < studies; s++) {
                if (s % 5 == m && day[s] >= from30 && day[s] < from30 + 30) {
                    byModality++;
                }
            }
            out.get("modality + 30-day range").add(new Query("ModalitiesInStudy=" + modalities[m] + "&StudyDate="
                    + da.format(first.plusDays(from30)) + "-" + da.format(first.plusDays(from30 + 29)) + "&limit="
                    + ARCHIVE_PAGE, Math.min(byModality, ARCHIVE_PAGE)));
        }
        return out;
    }

    private boolean printArchiveTable(List<ArchiveResult> archives) {
        System.out.println();
        System.out.println("Hub by archive size (embedded H2; archive seeded through MetadataIndex.storeAll, one blob;"
                + " QIDO-RS over HTTP, limit=" + ARCHIVE_PAGE + ", one at a time; STOW-RS of the CT data set as above)");
        String fmt = "%-10s | %-33s | %8s | %8s | %8s%n";
        String head = String.format(Locale.ROOT, fmt, "studies", "measure", "p50 ms", "p99 ms", "max ms");
        System.out.print(head);
        System.out.println("-".repeat(head.length() + 4));
        boolean ok = true;
        for (ArchiveResult a : archives) {
            String n = String.format(Locale.ROOT, "%,d", a.studies());
            if (a.failure().isPresent()) {
                System.out.printf(Locale.ROOT, "%-10s | FAILED: %s%n", n, a.failure().get());
                ok = false;
                continue;
            }
            for (var e : a.qido().entrySet()) {
                Latency l = e.getValue();
                System.out.printf(Locale.ROOT, fmt, n, "QIDO-RS " + e.getKey(), String.format(Locale.ROOT, "%.1f",
                        l.p50Ms()), String.format(Locale.ROOT, "%.1f", l.p99Ms()), String.format(Locale.ROOT, "%.1f",
                        l.maxMs()));
            }
            System.out.printf(Locale.ROOT, "%-10s | %-33s | %8.1f instances/s (seeding took %.0f s, untimed)%n", n,
                    "STOW-RS", a.stowPerSecond(), a.seedSeconds());
        }
        for (ArchiveResult a : archives) {
            if (a.failure().isEmpty()) {
                double worst = a.qido().values().stream().mapToDouble(Latency::p99Ms).max().orElse(0);
                System.out.printf(Locale.ROOT, "  QIDO-RS p99 < 50 ms at %,d studies (worst kind): %.1f ms (%s)%n",
                        a.studies(), worst, worst < 50 ? "met" : "NOT met");
            }
        }
        return ok;
    }

    // ---------------------------------------------------------------------------------------------
    // One target

    private TargetResult runTarget(Kind kind, Dataset ct, Path logs) throws IOException, InterruptedException {
        TargetResult r = new TargetResult();
        Path runDir = options.work().resolve("run-dicomweb-" + kind.id);
        IngestBenchmark.deleteTree(runDir);
        Files.createDirectories(runDir);
        IngestBenchmark.capture(Duration.ofSeconds(300), "sync");
        Target target = null;
        try {
            target = kind == Kind.HUB ? startHub(runDir, logs.resolve("dicomweb-hub.log"))
                    : startOrthanc(runDir, logs.resolve("dicomweb-orthanc.log"));
            int expectedCount = ct.files().size();
            jitFullStudies.clear(); // of this target only: filled by its JIT warm-up
            if (kind == Kind.HUB && jitWarm.isPresent()) {
                expectedCount += jitWarmUp(target, jitWarm.get(), jitWarmFull.orElseThrow());
            }
            if (warm.isPresent()) {
                warmUp(target, warm.get());
                expectedCount += warm.get().files().size();
            }
            // The warm-ups are indexed before the timed phase starts (the hub indexes in the
            // background; a backlog would be indexed during, and charged to, the timed STOW-RS), and
            // their dirty pages and inodes are written back now, not during it.
            long warmCount = expectedCount - ct.files().size();
            long warmIndexed = IngestBenchmark.awaitCount(warmCount, target::instanceCount);
            if (warmIndexed != warmCount) {
                System.out.printf(Locale.ROOT, "  note: the warm-ups are not all indexed after 15 s (%d of %d)%n",
                        warmIndexed, warmCount);
            }
            IngestBenchmark.capture(Duration.ofSeconds(300), "sync");
            stow(target, ct, r);
            long stored = IngestBenchmark.awaitCount(expectedCount, target::instanceCount);
            if (stored != expectedCount) {
                r.fail("after STOW the target counts " + stored + " instances, expected " + expectedCount);
                return r;
            }
            r.notes.add(target.countSource() + "=" + stored);
            System.out.println("  verified: " + target.countSource() + " = " + stored);
            qido(target, ct, r);
            metadata(target, ct, r);
            wado(target, ct, r);
        } catch (TargetUnavailable | BenchFailure e) {
            r.fail(e.getMessage());
        } catch (IOException e) {
            r.fail(e.toString());
        } finally {
            if (target != null) {
                processes.stop(target.process());
            }
            IngestBenchmark.deleteTree(runDir);
        }
        r.failure().ifPresent(f -> System.out.println("  FAILED: " + f));
        return r;
    }

    /**
     * Untimed: the warm-up data set (other UIDs) through STOW-RS, with one metadata request of each
     * study of its first half and rounds of WADO-RS of those ({@link #wadoWarmUp}), so that a JVM
     * target is measured warm, as it runs in production. The timed studies stay untouched, so the
     * first metadata request is still cold for its study.
     */
    private void warmUp(Target t, Dataset w) throws IOException, InterruptedException, BenchFailure {
        long t0 = System.nanoTime();
        // The set's first half of studies, then metadata + WADO-RS of those, then the second half:
        // the STOW-RS halves run while (on the hub) full-size JIT warm-up studies are read in
        // another thread (see stowWhileReading), so the timed STOW-RS follows mixed load, as in
        // production, not a read-only phase.
        int half = Math.max(1, w.studies() / 2);
        List<Path> first = new ArrayList<>();
        List<Path> second = new ArrayList<>();
        for (Path f : w.files()) {
            String dir = f.getParent().getFileName().toString();
            (Integer.parseInt(dir.substring(dir.indexOf('-') + 1)) < half ? first : second).add(f);
        }
        int reads = stowWhileReading(t, first);
        int studies = Math.min(half, w.studies());
        for (int s = 0; s < studies; s++) {
            String uid = SyntheticCt.uid("study/" + (WARMUP_FIRST_STUDY + s));
            timedMetadata(t, "/studies/" + uid + "/metadata", instancesOf(w, s));
        }
        int wadoRounds = wadoWarmUp(t, w, studies);
        reads += stowWhileReading(t, second);
        System.out.printf(Locale.ROOT, "  warm-up (untimed): STOW of %d other instances, metadata of %d of their %d "
                + "studies and %d round(s) of WADO-RS of them, %d reads of JIT warm-up studies during the STOW-RS, "
                + "in %.1f s%n", w.files().size(), studies, w.studies(), wadoRounds, reads,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Untimed: rounds of WADO-RS of the warm-up's first {@code studies} studies (full-size instances),
     * each study {@value #WADO_REPEAT} times as in the timed phase, until a round in which the target's
     * JIT compiler threads used under {@link #JIT_QUIET} of a core, at most {@link #WADO_WARMUP_ROUNDS}
     * rounds (one round for a target that is not a JVM). Why: the JIT warm-up's reads are of small
     * studies, a few thousand parts in all, fewer than C2 needs to compile the per-part send path
     * (Netty's file-region write, the hub's part pump); without these rounds the hub's C2 threads
     * took about 45% of the hub's CPU during the timed WADO-RS (perf, 16,000-instance JIT warm-up).
     * Returns the rounds run.
     */
    private int wadoWarmUp(Target t, Dataset w, int studies) throws IOException, InterruptedException, BenchFailure {
        int round = 0;
        while (round < WADO_WARMUP_ROUNDS) {
            long jit0 = compilerCpuMillis(t.process());
            long t0 = System.nanoTime();
            for (int rep = 0; rep < WADO_REPEAT; rep++) {
                for (int s = 0; s < studies; s++) {
                    retrieve(t, SyntheticCt.uid("study/" + (WARMUP_FIRST_STUDY + s)), instancesOf(w, s), s);
                }
            }
            round++;
            double seconds = (System.nanoTime() - t0) / 1e9;
            long jit = compilerCpuMillis(t.process()) - jit0;
            if (t.kind() != Kind.HUB || jit < 0) {
                break;
            }
            double share = jit / 1e3 / seconds;
            System.out.printf(Locale.ROOT, "  WADO-RS warm-up (untimed) round %d: %d study retrievals in %.1f s, the "
                    + "hub's JIT compiler threads %.1f s (%.0f%% of a core)%n", round, WADO_REPEAT * studies, seconds,
                    jit / 1e3, share * 100);
            if (share < JIT_QUIET) {
                break;
            }
        }
        return round;
    }

    /**
     * Untimed STOW-RS of {@code files} while, where the JIT warm-up stored full-size studies (the
     * hub), one thread reads them (metadata, then WADO-RS, study after study) until the STOW-RS
     * ends. A server in production takes uploads and serves viewers at once; a JVM that saw one
     * kind of request at a time recompiles shared code (Netty's write path, H2's MVMap and SQL
     * tokenizer) when the other kind arrives: without this, the hub's compiler threads used
     * 0.3-0.4 ms of CPU per instance during the timed STOW-RS after a quiet JIT warm-up.
     * Returns the studies read.
     */
    private int stowWhileReading(Target t, List<Path> files) throws InterruptedException, BenchFailure {
        AtomicBoolean stowing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Exception> readFailure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread reader = null;
        if (!jitFullStudies.isEmpty()) {
            reader = Thread.ofPlatform().name("warm-up-reader").start(() -> {
                try {
                    for (int i = 0; stowing.get(); i++) {
                        Map.Entry<String, Integer> study = jitFullStudies.get(i % jitFullStudies.size());
                        timedMetadata(t, "/studies/" + study.getKey() + "/metadata", study.getValue());
                        retrieve(t, study.getKey(), study.getValue(), i);
                        reads.incrementAndGet();
                    }
                } catch (Exception e) {
                    readFailure.set(e);
                }
            });
        }
        try {
            sendConcurrently(t, files, new AtomicLong());
        } finally {
            stowing.set(false);
            if (reader != null) {
                reader.join();
            }
        }
        if (readFailure.get() != null) {
            throw new BenchFailure("warm-up reads during STOW-RS: " + readFailure.get().getMessage());
        }
        return reads.get();
    }

    /**
     * Untimed, hub only: the JIT warm-up sets, interleaved (one full-size slice in
     * {@link #JIT_FULL_EVERY}), in rounds of {@link #JIT_ROUND} instances, each followed by metadata and
     * WADO-RS of a study it completed, until a round in which the hub's compiler threads used under
     * {@link #JIT_QUIET} of a core. On 2 cores HotSpot's C2 otherwise keeps one core busy for the first
     * minutes of load (seen with JFR: about 1 s of compiling per second for 45 s), which is a JVM
     * that has just started, not the hub as it runs in production. Returns the instances sent.
     */
    private int jitWarmUp(Target t, Dataset small, Dataset full) throws IOException, InterruptedException,
            BenchFailure {
        List<Path> files = new ArrayList<>(small.files().size() + full.files().size());
        int f = 0;
        for (int i = 0; i < small.files().size(); i++) {
            files.add(small.files().get(i));
            if ((i + 1) % (JIT_FULL_EVERY - 1) == 0 && f < full.files().size()) {
                files.add(full.files().get(f++));
            }
        }
        files.addAll(full.files().subList(f, full.files().size()));
        long start = System.nanoTime();
        int sent = 0;
        int round = 0;
        double share = Double.NaN;
        while (sent < files.size()) {
            List<Path> part = files.subList(sent, Math.min(files.size(), sent + JIT_ROUND));
            long jit0 = compilerCpuMillis(t.process());
            long t0 = System.nanoTime();
            sendConcurrently(t, part, new AtomicLong());
            sent += part.size();
            round++;
            // metadata + WADO-RS of the study of the round's middle instance, and of a full-size one
            Path middle = part.get(part.size() / 2);
            for (Path of : List.of(middle, part.stream().filter(p -> p.startsWith(full.root())).findFirst()
                    .orElse(middle))) {
                Dataset d = of.startsWith(full.root()) ? full : small;
                int first = d == full ? JIT_FULL_FIRST_STUDY : JIT_FIRST_STUDY;
                String dir = of.getParent().getFileName().toString();
                int study = Integer.parseInt(dir.substring(dir.indexOf('-') + 1));
                int expected = (int) files.subList(0, sent).stream().filter(p -> p.getParent().equals(of.getParent()))
                        .count();
                String uid = SyntheticCt.uid("study/" + (first + study));
                timedMetadata(t, "/studies/" + uid + "/metadata", expected);
                retrieve(t, uid, expected, study);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long jit = compilerCpuMillis(t.process()) - jit0;
            share = jit / 1e3 / seconds;
            System.out.printf(Locale.ROOT, "  JIT warm-up (untimed) round %d: %d instances in %.1f s, the hub's JIT "
                    + "compiler threads %.1f s (%.0f%% of a core)%n", round, part.size(), seconds, jit / 1e3,
                    share * 100);
            if (share < JIT_QUIET) {
                break;
            }
        }
        Map<Path, Integer> fullSent = new java.util.TreeMap<>();
        for (Path p : files.subList(0, sent)) {
            if (p.startsWith(full.root())) {
                fullSent.merge(p.getParent(), 1, Integer::sum);
            }
        }
        fullSent.forEach((dir, n) -> {
            String name = dir.getFileName().toString();
            int study = Integer.parseInt(name.substring(name.indexOf('-') + 1));
            jitFullStudies.add(Map.entry(SyntheticCt.uid("study/" + (JIT_FULL_FIRST_STUDY + study)), n));
        });
        System.out.printf(Locale.ROOT, "  JIT warm-up (untimed): %d instances in %.1f s, %s%n", sent,
                (System.nanoTime() - start) / 1e9, share < JIT_QUIET ? "the JIT quiet"
                        : String.format(Locale.ROOT, "instances used up with the JIT still at %.0f%% of a core "
                                + "(give a larger --jit-warmup)", share * 100));
        return sent;
    }


    static int instancesOf(Dataset d, int study) {
        String dir = String.format("study-%02d", study);
        return (int) d.files().stream().filter(f -> f.getParent().getFileName().toString().equals(dir)).count();
    }

    /** STOW-RS: the data set in bodies of {@code batch} instances, {@code concurrency} at a time. */
    private void stow(Target t, Dataset ct, TargetResult r) throws InterruptedException, BenchFailure {
        AtomicLong sentBytes = new AtomicLong();
        long cpu0 = ownCpuNanos();
        long targetCpu0 = processCpuMillis(t.process());
        long jit0 = compilerCpuMillis(t.process());
        long t0 = System.nanoTime();
        sendConcurrently(t, ct.files(), sentBytes);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double clientCpuMs = (ownCpuNanos() - cpu0) / 1e6;
        r.stowTargetCpuMs = cpuSince(t.process(), targetCpu0);
        long jit1 = compilerCpuMillis(t.process());
        r.stowTargetJitCpuMs = jit0 < 0 || jit1 < 0 ? -1 : jit1 - jit0;
        r.stowSeconds = seconds;
        r.stowInstances = ct.files().size();
        r.stowBytes = ct.bytes();
        System.out.printf(Locale.ROOT, "  STOW-RS: %d instances (%.1f MB file content, %.1f MB bodies) in %.2f s: "
                + "%.1f instances/s, %.1f MB/s (CPU per instance: target %.2f ms, this program %.2f ms)%n",
                ct.files().size(), ct.bytes() / MB, sentBytes.get() / MB, seconds, ct.files().size() / seconds,
                ct.bytes() / MB / seconds, (double) r.stowTargetCpuMs / ct.files().size(),
                clientCpuMs / ct.files().size());
        if (t.kind() == Kind.HUB && r.stowTargetJitCpuMs >= 0) {
            System.out.printf(Locale.ROOT, "    of the hub's CPU, its JIT compiler threads: %.2f ms per instance "
                    + "(%.1f s in the %.1f s)%n", (double) r.stowTargetJitCpuMs / ct.files().size(),
                    r.stowTargetJitCpuMs / 1e3, seconds);
        }
    }

    /** Stows {@code files} in bodies of {@code batch} instances, {@code concurrency} requests at a time. */
    private void sendConcurrently(Target t, List<Path> files, AtomicLong sentBytes)
            throws InterruptedException, BenchFailure {
        List<List<Path>> batches = new ArrayList<>();
        for (int i = 0; i < files.size(); i += options.batch()) {
            batches.add(files.subList(i, Math.min(files.size(), i + options.batch())));
        }
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrency());
        List<Future<Void>> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            for (int w = 0; w < options.concurrency(); w++) {
                workers.add(pool.submit(() -> {
                    for (int b; (b = next.getAndIncrement()) < batches.size(); ) {
                        sentBytes.addAndGet(stowOne(t, batches.get(b)));
                    }
                    return null;
                }));
            }
            long deadline = t0 + TimeUnit.SECONDS.toNanos(Math.max(120, files.size() / 2));
            for (Future<Void> f : workers) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new BenchFailure("STOW did not finish in time");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new BenchFailure("STOW: " + e.getCause().getMessage());
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Sends one multipart/related body (PS3.18 8.6.1.2) and requires 200 and every SOP referenced. */
    private long stowOne(Target t, List<Path> files) throws IOException, InterruptedException {
        if (options.client() == Client.LEAN) {
            return leanStowOne(t, files);
        }
        String boundary = "hzbench-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            byte[] body = Files.readAllBytes(f);
            parts.add(head);
            parts.add(body);
            parts.add("\r\n".getBytes(StandardCharsets.US_ASCII));
            total += head.length + body.length + 2;
        }
        byte[] tail = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        parts.add(tail);
        total += tail.length;
        HttpRequest req = t.request("/studies")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .header("Accept", DICOM_JSON)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts)).build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("STOW answered " + resp.statusCode() + ": " + abbreviate(resp.body()));
        }
        // Referenced SOP Sequence items (PS3.18 10.5.3) carry the Referenced SOP Instance UID 00081155.
        int referenced = count(resp.body(), "\"00081155\"");
        if (referenced != files.size()) {
            throw new IOException("STOW response references " + referenced + " of " + files.size() + " instances");
        }
        return total;
    }

    /** QIDO-RS study searches in turn: PatientName prefix, StudyDate range, AccessionNumber. */
    private void qido(Target t, Dataset ct, TargetResult r) throws IOException, InterruptedException, BenchFailure {
        List<Integer> stored = new ArrayList<>();
        for (int s = 0; s < ct.studies(); s++) {
            stored.add(s);
        }
        warm.ifPresent(w -> {
            for (int s = 0; s < w.studies(); s++) {
                stored.add(WARMUP_FIRST_STUDY + s);
            }
        });
        List<Query> queries = queries(stored, ct.studies());
        for (int i = 0; i < QIDO_WARMUP; i++) {
            timedQido(t, queries.get(i % queries.size()));
        }
        long[] nanos = new long[options.queries()];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = timedQido(t, queries.get(i % queries.size()));
        }
        r.qido = Optional.of(Latency.of(nanos));
        System.out.printf(Locale.ROOT, "  QIDO-RS: %d study searches at %d studies (every answer had the expected "
                + "study count): %s%n", nanos.length, ct.studies(), r.qido.get());
    }

    private long timedQido(Target t, Query q) throws IOException, InterruptedException, BenchFailure {
        HttpRequest req = t.request("/studies?" + q.params()).header("Accept", DICOM_JSON).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        int studies = resp.statusCode() == 204 ? 0 : count(resp.body(), "\"0020000D\"");
        if ((resp.statusCode() != 200 && resp.statusCode() != 204) || studies != q.expected()) {
            throw new BenchFailure("QIDO " + q.params() + " answered " + resp.statusCode() + " with " + studies
                    + " studies, expected " + q.expected() + ": " + abbreviate(resp.body()));
        }
        return nanos;
    }

    /**
     * The query mix over the first {@code studies} studies and the study count each must return
     * from the {@code stored} study numbers (timed and warm-up data sets), by the generator's rules
     * ({@link SyntheticCt}: study s has patient {@code PATIENTS[s % 10]}, date 202611(1 + s % 28),
     * accession ACC(2026000 + s)).
     */
    static List<Query> queries(List<Integer> stored, int studies) {
        List<Query> out = new ArrayList<>();
        for (int s = 0; s < studies; s++) {
            String family = SyntheticCt.PATIENTS[s % SyntheticCt.PATIENTS.length][0].split("\\^")[0];
            String prefix = family.substring(0, Math.min(3, family.length()));
            int byName = 0;
            for (int o : stored) {
                if (SyntheticCt.PATIENTS[o % SyntheticCt.PATIENTS.length][0].startsWith(prefix)) {
                    byName++;
                }
            }
            out.add(new Query("PatientName=" + enc(prefix + "*"), byName));
            int from = 1 + s % 28;
            int to = Math.min(28, from + 2);
            int byDate = 0;
            for (int o : stored) {
                int day = 1 + o % 28;
                if (day >= from && day <= to) {
                    byDate++;
                }
            }
            out.add(new Query(String.format(Locale.ROOT, "StudyDate=202611%02d-202611%02d", from, to), byDate));
            out.add(new Query("AccessionNumber=" + String.format(Locale.ROOT, "ACC%07d", 2026000 + s), 1));
        }
        return out;
    }

    /** {@code /metadata} of the last study: first request (cold), then {@value #METADATA_WARM} warm. */
    private void metadata(Target t, Dataset ct, TargetResult r) throws IOException, InterruptedException, BenchFailure {
        int study = ct.studies() - 1;
        int expected = instancesOf(ct, study);
        String path = "/studies/" + SyntheticCt.uid("study/" + study) + "/metadata";
        long cold = timedMetadata(t, path, expected);
        long[] warm = new long[METADATA_WARM];
        for (int i = 0; i < warm.length; i++) {
            warm[i] = timedMetadata(t, path, expected);
        }
        r.metadataCold = cold;
        r.metadataInstances = expected;
        r.metadataWarm = Optional.of(Latency.of(warm));
        System.out.printf(Locale.ROOT, "  metadata: study of %d instances: cold %.1f ms; warm %s%n", expected,
                cold / 1e6, r.metadataWarm.get());
    }

    private long timedMetadata(Target t, String path, int expected) throws IOException, InterruptedException,
            BenchFailure {
        HttpRequest req = t.request(path).header("Accept", DICOM_JSON).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        long nanos = System.nanoTime() - t0;
        int instances = count(resp.body(), "\"00080018\"");
        if (resp.statusCode() != 200 || instances != expected) {
            throw new BenchFailure("metadata answered " + resp.statusCode() + " with " + instances
                    + " instances, expected " + expected + ": " + abbreviate(resp.body()));
        }
        return nanos;
    }

    /** Parts the lean client counted, and of those the parts it stepped over by their Content-Length. */
    private final AtomicLong leanParts = new AtomicLong();
    private final AtomicLong leanPartsByLength = new AtomicLong();

    /** WADO-RS whole-study retrieval, every study {@value #WADO_REPEAT} times, in turn. */
    private void wado(Target t, Dataset ct, TargetResult r) throws IOException, InterruptedException, BenchFailure {
        long bytes = 0;
        long nanos = 0;
        int retrievals = 0;
        long cpu0 = ownCpuNanos();
        long targetCpu0 = processCpuMillis(t.process());
        leanParts.set(0);
        leanPartsByLength.set(0);
        for (int rep = 0; rep < WADO_REPEAT; rep++) {
            for (int s = 0; s < ct.studies(); s++) {
                long t0 = System.nanoTime();
                long got = retrieve(t, SyntheticCt.uid("study/" + s), instancesOf(ct, s), s);
                nanos += System.nanoTime() - t0;
                bytes += got;
                retrievals++;
            }
        }
        r.wadoBytes = bytes;
        r.wadoSeconds = nanos / 1e9;
        r.wadoTargetCpuMs = cpuSince(t.process(), targetCpu0);
        System.out.printf(Locale.ROOT, "  WADO-RS: %d study retrievals, %.1f MB in %.2f s: %.1f MB/s "
                + "(every answer had the study's instance count; CPU per MB: target %.2f ms, this program %.2f ms)%n",
                retrievals, bytes / MB, r.wadoSeconds, bytes / MB / r.wadoSeconds, r.wadoTargetCpuMs / (bytes / MB),
                (ownCpuNanos() - cpu0) / 1e6 / (bytes / MB));
        if (options.client() == Client.LEAN) {
            System.out.printf(Locale.ROOT, "    parts with a Content-Length (stepped over, not scanned): %d of %d%n",
                    leanPartsByLength.get(), leanParts.get());
        }
    }

    /**
     * Retrieves one whole study (PS3.18 10.4.1.1.1) and reads the body to its end; checks the part
     * count. Returns the body bytes.
     */
    private long retrieve(Target t, String studyUid, int expected, int s) throws IOException, InterruptedException,
            BenchFailure {
        if (options.client() == Client.LEAN) {
            return leanRetrieve(t, studyUid, expected, s);
        }
        String accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
        HttpRequest req = t.request("/studies/" + studyUid).header("Accept", accept).GET().build();
        HttpResponse<InputStream> resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() != 200) {
            String body;
            try (InputStream in = resp.body()) {
                body = new String(in.readNBytes(400), StandardCharsets.UTF_8);
            }
            throw new BenchFailure("WADO-RS study " + s + " answered " + resp.statusCode() + ": " + abbreviate(body));
        }
        String boundary = boundary(resp.headers().firstValue("Content-Type").orElse(""))
                .orElseThrow(() -> new BenchFailure("WADO-RS answer without a multipart boundary: "
                        + resp.headers().firstValue("Content-Type").orElse("(no Content-Type)")));
        PartCounter counter = new PartCounter(("--" + boundary).getBytes(StandardCharsets.US_ASCII));
        long got = 0;
        try (InputStream in = resp.body()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                counter.feed(buf, n);
                got += n;
            }
        }
        // One delimiter before each part plus the closing one (RFC 2046 5.1.1); the server chooses
        // a boundary that does not occur in the parts.
        int parts = counter.matches() - 1;
        if (parts != expected) {
            throw new BenchFailure("WADO-RS study " + s + " returned " + parts + " parts, expected " + expected);
        }
        return got;
    }

    // ---------------------------------------------------------------------------------------------
    // The lean client (--client lean)

    /** Which HTTP client sends STOW-RS bodies and reads WADO-RS answers. */
    enum Client {
        /** java.net.http.HttpClient (the default; the figures of earlier runs). */
        JDK,
        /** {@link LeanHttp}: a plain socket, file bodies sent with transferTo, answers walked part by part. */
        LEAN
    }

    /** STOW-RS of one batch through {@link LeanHttp}; the same body and the same checks as {@link #stowOne}. */
    private long leanStowOne(Target t, List<Path> files) throws IOException {
        String boundary = "hzbench-" + UUID.randomUUID();
        List<Object> parts = new ArrayList<>();
        long total = 0;
        for (Path f : files) {
            byte[] head = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            parts.add(head);
            parts.add(f);
            parts.add("\r\n".getBytes(StandardCharsets.US_ASCII));
            total += head.length + Files.size(f) + 2;
        }
        byte[] tail = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        parts.add(tail);
        total += tail.length;
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary);
        headers.put("Accept", DICOM_JSON);
        t.writeToken().ifPresent(tk -> headers.put("Authorization", "Bearer " + tk));
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        LeanHttp.Response resp = LeanHttp.exchange(t.httpPort(), "POST", t.root() + "/studies", headers, parts, total,
                (b, off, len) -> LeanHttp.copyTo(answer, b, off, len));
        String body = answer.toString(StandardCharsets.UTF_8);
        if (resp.status() != 200) {
            throw new IOException("STOW answered " + resp.status() + ": " + abbreviate(body));
        }
        int referenced = count(body, "\"00081155\"");
        if (referenced != files.size()) {
            throw new IOException("STOW response references " + referenced + " of " + files.size() + " instances");
        }
        return total;
    }

    /** WADO-RS of one study through {@link LeanHttp}; the same request and checks as {@link #retrieve}. */
    private long leanRetrieve(Target t, String studyUid, int expected, int s) throws IOException, BenchFailure {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "multipart/related; type=\"application/dicom\"; transfer-syntax=*");
        t.readToken().ifPresent(tk -> headers.put("Authorization", "Bearer " + tk));
        PartWalker[] walker = new PartWalker[1];
        java.io.ByteArrayOutputStream error = new java.io.ByteArrayOutputStream();
        long[] got = new long[1];
        LeanHttp.Response resp = LeanHttp.exchange(t.httpPort(), "GET", t.root() + "/studies/" + studyUid, headers,
                List.of(), 0, new LeanHttp.Sink() {
                    @Override
                    public void start(LeanHttp.Response r) {
                        if (r.status() == 200) {
                            boundary(r.header("content-type")).ifPresent(b -> walker[0] = new PartWalker(b));
                        }
                    }

                    @Override
                    public void feed(java.nio.ByteBuffer b, int off, int len) throws IOException {
                        got[0] += len;
                        if (walker[0] != null) {
                            walker[0].feed(b, off, len);
                        } else if (error.size() < 400) {
                            LeanHttp.copyTo(error, b, off, Math.min(len, 400));
                        }
                    }
                });
        if (resp.status() != 200) {
            throw new BenchFailure("WADO-RS study " + s + " answered " + resp.status() + ": "
                    + abbreviate(error.toString(StandardCharsets.UTF_8)));
        }
        if (walker[0] == null) {
            throw new BenchFailure("WADO-RS answer without a multipart boundary: " + resp.header("content-type"));
        }
        int parts = walker[0].parts();
        if (parts != expected) {
            throw new BenchFailure("WADO-RS study " + s + " returned " + (parts < 0 ? "a body without its closing "
                    + "delimiter" : parts + " parts") + ", expected " + expected);
        }
        leanParts.addAndGet(parts);
        leanPartsByLength.addAndGet(walker[0].partsByLength());
        return got[0];
    }

    /**
     * A minimal HTTP/1.1 client for the throughput phases, so that the client's own costs do not
     * cap what is measured (java.net.http spends about 3 ms of CPU per MB read on this kind of
     * machine, more than a sendfile-based server): one connection per exchange to 127.0.0.1,
     * request bodies of byte arrays and files (files go with {@code FileChannel.transferTo}, i.e.
     * sendfile), answers read in 256 KiB pieces into a direct buffer and framed by Content-Length, chunked encoding or
     * the connection's end (RFC 9112 6). Not a general client: no redirects, no TLS, no 1xx.
     */
    static final class LeanHttp {
        /** Receives the answer: its head, then its body in pieces. */
        interface Sink {
            default void start(Response r) {
            }

            /** {@code len} bytes of {@code b} from index {@code off} (absolute; b's position and limit are not the piece's). */
            void feed(java.nio.ByteBuffer b, int off, int len) throws IOException;
        }

        /** Appends {@code len} bytes of {@code b} from index {@code off} to {@code out}. */
        static void copyTo(java.io.ByteArrayOutputStream out, java.nio.ByteBuffer b, int off, int len) {
            byte[] a = new byte[len];
            b.get(off, a, 0, len);
            out.write(a, 0, len);
        }

        record Response(int status, Map<String, String> headers) {
            String header(String name) {
                return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
            }
        }

        private final java.nio.channels.SocketChannel ch;
        /**
         * The read buffer: direct, so that a read is the kernel's one copy into it (into a heap
         * array the JDK reads through a temporary direct buffer and copies once more).
         */
        private final java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(256 * 1024);
        private int pos;
        private int lim;

        private LeanHttp(java.nio.channels.SocketChannel ch) {
            this.ch = ch;
        }

        static Response exchange(int port, String method, String path, Map<String, String> headers, List<Object> body,
                                 long length, Sink sink) throws IOException {
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
                    new java.net.InetSocketAddress("127.0.0.1", port))) {
                ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                ch.socket().setSoTimeout((int) REQUEST_TIMEOUT.toMillis());
                return new LeanHttp(ch).run(method, path, headers, body, length, sink);
            }
        }

        private Response run(String method, String path, Map<String, String> headers, List<Object> body, long length,
                             Sink sink) throws IOException {
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1\r\nConnection: close\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            if (!method.equals("GET")) {
                head.append("Content-Length: ").append(length).append("\r\n");
            }
            head.append("\r\n");
            writeFully(java.nio.ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1)));
            for (Object o : body) {
                if (o instanceof byte[] b) {
                    writeFully(java.nio.ByteBuffer.wrap(b));
                } else {
                    try (java.nio.channels.FileChannel f = java.nio.channels.FileChannel.open((Path) o)) {
                        long n = f.size();
                        for (long done = 0; done < n; ) {
                            done += f.transferTo(done, n - done, ch);
                        }
                    }
                }
            }
            Response r = readHead();
            sink.start(r);
            String te = r.header("transfer-encoding").toLowerCase(Locale.ROOT);
            if (te.contains("chunked")) {
                while (true) {
                    long size = Long.parseLong(line().split(";", 2)[0].strip(), 16);
                    if (size == 0) {
                        while (!line().isEmpty()) {
                            // trailer fields, ignored
                        }
                        break;
                    }
                    copy(size, sink);
                    line(); // the CRLF after the chunk
                }
            } else if (!r.header("content-length").isEmpty()) {
                copy(Long.parseLong(r.header("content-length").strip()), sink);
            } else {
                copy(Long.MAX_VALUE, sink); // to the connection's end
            }
            return r;
        }

        private void writeFully(java.nio.ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }

        /** Reads more into the buffer; false at the connection's end. */
        private boolean fill() throws IOException {
            if (pos == lim) {
                pos = 0;
                lim = 0;
            }
            if (lim == bb.capacity()) {
                bb.put(0, bb, pos, lim - pos);
                lim -= pos;
                pos = 0;
            }
            bb.limit(bb.capacity()).position(lim);
            int n = ch.read(bb);
            if (n < 0) {
                return false;
            }
            lim += n;
            return true;
        }

        private String line() throws IOException {
            while (true) {
                for (int i = pos; i + 1 < lim; i++) {
                    if (bb.get(i) == '\r' && bb.get(i + 1) == '\n') {
                        byte[] line = new byte[i - pos];
                        bb.get(pos, line, 0, line.length);
                        String s = new String(line, StandardCharsets.ISO_8859_1);
                        pos = i + 2;
                        return s;
                    }
                }
                if (!fill()) {
                    throw new IOException("connection closed inside a header line");
                }
            }
        }

        private Response readHead() throws IOException {
            String status = line();
            String[] f = status.split(" ", 3);
            if (f.length < 2 || !f[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x answer: " + status);
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l; !(l = line()).isEmpty(); ) {
                int colon = l.indexOf(':');
                if (colon > 0) {
                    headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
                }
            }
            return new Response(Integer.parseInt(f[1]), headers);
        }

        private void copy(long n, Sink sink) throws IOException {
            long left = n;
            while (left > 0) {
                if (pos == lim && !fill()) {
                    if (n == Long.MAX_VALUE) {
                        return;
                    }
                    throw new IOException("connection closed " + left + " bytes before the body's end");
                }
                int k = (int) Math.min(left, lim - pos);
                sink.feed(bb, pos, k);
                pos += k;
                left -= k;
            }
        }
    }

    /** The boundary parameter of a multipart Content-Type (RFC 2046 5.1.1), quoted or not. */
    static Optional<String> boundary(String contentType) {
        Matcher m = Pattern.compile("(?i)boundary=(\"([^\"]+)\"|[^;\\s]+)").matcher(contentType);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(m.group(2) != null ? m.group(2) : m.group(1));
    }

    /**
     * Counts the parts of a multipart body fed in pieces (RFC 2046 5.1.1) by walking its
     * structure: delimiter, part head, body, and so on to the closing delimiter. A part whose head
     * has a Content-Length is stepped over without reading its bytes, and the walk then checks that
     * the next delimiter follows at exactly that offset; from the first part without one (or
     * anything else than a delimiter where one must be, such as a preamble) the rest of the body is
     * scanned for the delimiter with {@link PartCounter#feedFast}. Either way every part is
     * counted; stepping over saves the client a search through every byte (0.15-0.2 ms of CPU per
     * MB, which on 2 cores competes with the server measured). Not thread-safe.
     */
    static final class PartWalker {
        private static final int MAX_HEAD = 16 * 1024;
        private final byte[] delimiter;
        private final byte[] crlfDelimiter;
        /** Where the walk is. */
        private enum State {
            /** matching {@link #expect}: the first delimiter, or CRLF + delimiter after a body */
            DELIMITER,
            /** after a delimiter: "--" (the close) or CRLF, maybe after transport padding */
            AFTER_DELIMITER,
            /** a part head, to its empty line */
            HEAD,
            /** a body of known length, stepped over */
            BODY,
            /** after the close delimiter: the epilogue, ignored */
            CLOSED
        }

        /** The delimiter literal being matched in {@link State#DELIMITER}, and how much of it has matched. */
        private byte[] expect;
        private int expectAt;
        private State state = State.DELIMITER;
        private int afterDashes;
        private final java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        /** The head's last four bytes, the latest lowest. */
        private int last4;
        private long skip;
        private int parts;
        private int byLength;
        private PartCounter scan;

        PartWalker(String boundary) {
            delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
            crlfDelimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
            expect = delimiter;
        }

        void feed(java.nio.ByteBuffer b, int off, int len) throws IOException {
            int i = off;
            int end = off + len;
            while (i < end) {
                if (scan != null) {
                    byte[] rest = new byte[end - i];
                    b.get(i, rest);
                    scan.feedFast(rest, 0, rest.length);
                    return;
                }
                switch (state) {
                    case DELIMITER -> {
                        if (b.get(i) == expect[expectAt]) {
                            i++;
                            if (++expectAt == expect.length) {
                                state = State.AFTER_DELIMITER;
                                afterDashes = 0;
                            }
                        } else if (parts == 0) {
                            // not a delimiter at the body's start (a preamble): scan from here
                            scan = new PartCounter(delimiter);
                            scan.feedFast(expect, 0, expectAt);
                        } else {
                            throw new IOException("multipart body: no delimiter right after a part of "
                                    + "Content-Length bytes (part " + parts + ")");
                        }
                    }
                    case AFTER_DELIMITER -> {
                        byte x = b.get(i++);
                        if (x == '-' && ++afterDashes == 2) {
                            state = State.CLOSED;
                        } else if (x == '\n' && afterDashes == 0) {
                            state = State.HEAD;
                            head.reset();
                            last4 = 0;
                        } else if (x != '\r' && x != ' ' && x != '\t' && x != '-') {
                            throw new IOException("multipart body: unexpected byte after a delimiter (part " + parts + ")");
                        }
                    }
                    case HEAD -> {
                        byte x = b.get(i++);
                        head.write(x);
                        last4 = last4 << 8 | (x & 0xFF);
                        if (head.size() > MAX_HEAD) {
                            throw new IOException("multipart body: a part head over " + MAX_HEAD + " bytes");
                        }
                        if (headEnded()) {
                            parts++;
                            long length = contentLength(head.toString(StandardCharsets.ISO_8859_1));
                            if (length >= 0) {
                                byLength++;
                                skip = length;
                                state = State.BODY;
                            } else {
                                scan = new PartCounter(delimiter);
                            }
                        }
                    }
                    case BODY -> {
                        int n = (int) Math.min(skip, end - i);
                        i += n;
                        skip -= n;
                        if (skip == 0) {
                            state = State.DELIMITER;
                            expect = crlfDelimiter;
                            expectAt = 0;
                        }
                    }
                    case CLOSED -> i = end;
                }
            }
        }

        /** Whether the part head ends here: an empty head (CRLF) or the CRLF CRLF after its fields. */
        private boolean headEnded() {
            return (head.size() == 2 && last4 == 0x0d0a) || (head.size() >= 4 && last4 == 0x0d0a0d0a);
        }

        private static long contentLength(String head) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase("Content-Length")) {
                    return Long.parseLong(line.substring(colon + 1).strip());
                }
            }
            return -1;
        }

        /** The parts counted, or -1 if the closing delimiter was not seen on a walked body. */
        int parts() {
            if (scan != null) {
                // delimiters after the part being scanned: one per later part, plus the close
                return parts + scan.matches() - 1;
            }
            return state == State.CLOSED ? parts : -1;
        }

        /** The parts stepped over by their Content-Length. */
        int partsByLength() {
            return byLength;
        }
    }

    /**
     * Counts occurrences of a byte pattern in a stream fed in chunks (Knuth-Morris-Pratt, so a
     * match across chunk borders counts). Not thread-safe.
     */
    static final class PartCounter {
        private final byte[] pattern;
        private final int[] fail;
        private int state;
        private int matches;

        PartCounter(byte[] pattern) {
            this.pattern = pattern;
            this.fail = new int[pattern.length];
            for (int i = 1, k = 0; i < pattern.length; i++) {
                while (k > 0 && pattern[i] != pattern[k]) {
                    k = fail[k - 1];
                }
                if (pattern[i] == pattern[k]) {
                    k++;
                }
                fail[i] = k;
            }
        }

        void feed(byte[] buf, int n) {
            int k = state;
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                while (k > 0 && b != pattern[k]) {
                    k = fail[k - 1];
                }
                if (b == pattern[k]) {
                    k++;
                }
                if (k == pattern.length) {
                    matches++;
                    k = fail[k - 1];
                }
            }
            state = k;
        }

        int matches() {
            return matches;
        }

        /** Horspool shift per byte value, made on first use of {@link #feedFast}. */
        private int[] shift;
        /** The last pattern.length - 1 bytes fed (fewer at the start), which may begin a match. */
        private byte[] carry = new byte[0];

        /**
         * As {@link #feed}, much faster for the long boundaries of multipart answers: the bytes are
         * scanned with Boyer-Moore-Horspool, and a match across pieces is found through the last
         * pattern.length - 1 bytes kept from the previous piece. Do not mix with {@link #feed}.
         * Counts non-overlapping matches, as the delimiters of a multipart body are.
         */
        void feedFast(byte[] b, int off, int len) {
            int m = pattern.length;
            if (shift == null) {
                shift = new int[256];
                java.util.Arrays.fill(shift, m);
                for (int i = 0; i < m - 1; i++) {
                    shift[pattern[i] & 0xFF] = m - 1 - i;
                }
            }
            int start = off;
            if (carry.length > 0) {
                // matches that begin in the carried bytes and end in this piece
                int take = Math.min(len, m - 1);
                byte[] join = new byte[carry.length + take];
                System.arraycopy(carry, 0, join, 0, carry.length);
                System.arraycopy(b, off, join, carry.length, take);
                int i = search(join, 0, join.length);
                if (i >= 0 && i < carry.length) {
                    matches++;
                    start = off + (i + m - carry.length); // continue after that match
                }
            }
            int end = off + len;
            for (int i = search(b, start, end); i >= 0; i = search(b, i + m, end)) {
                matches++;
                start = i + m;
            }
            // Keep the unmatched tail (at most m - 1 bytes) for a match that the next piece completes.
            byte[] tail;
            if (start > off) {
                tail = java.util.Arrays.copyOfRange(b, Math.max(start, end - (m - 1)), end);
            } else {
                int fromPiece = Math.min(len, m - 1);
                int fromCarry = Math.min(carry.length, m - 1 - fromPiece);
                tail = new byte[fromCarry + fromPiece];
                System.arraycopy(carry, carry.length - fromCarry, tail, 0, fromCarry);
                System.arraycopy(b, end - fromPiece, tail, fromCarry, fromPiece);
            }
            carry = tail;
        }

        private int search(byte[] a, int from, int to) {
            int m = pattern.length;
            byte last = pattern[m - 1];
            for (int i = from; i <= to - m; ) {
                byte x = a[i + m - 1];
                if (x == last) {
                    int j = m - 2;
                    while (j >= 0 && a[i + j] == pattern[j]) {
                        j--;
                    }
                    if (j < 0) {
                        return i;
                    }
                }
                i += shift[x & 0xFF];
            }
            return -1;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Targets

    enum Kind {
        HUB("hub", "hub"), ORTHANC("orthanc", "Orthanc + DICOMweb plugin");

        final String id;
        final String label;

        Kind(String id, String label) {
            this.id = id;
            this.label = label;
        }
    }

    /** A started target: its DICOMweb root, how to authorise and how it counts stored instances. */
    record Target(Kind kind, Process process, int httpPort, String root, Optional<String> writeToken,
            Optional<String> readToken) {
        HttpRequest.Builder request(String path) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + root + path))
                    .timeout(REQUEST_TIMEOUT);
            // STOW needs dicomweb.write; reads use the demo token the hub prints (dicomweb.read).
            Optional<String> token = path.equals("/studies") ? writeToken : readToken;
            token.ifPresent(tk -> b.header("Authorization", "Bearer " + tk));
            return b;
        }

        OptionalLong instanceCount() {
            try {
                return kind == Kind.HUB
                        ? IngestBenchmark.jsonNumber(IngestBenchmark.httpGet(httpPort, "/health"), "instances")
                        : IngestBenchmark.jsonNumber(IngestBenchmark.httpGet(httpPort, "/statistics"), "CountInstances");
            } catch (IOException e) {
                return OptionalLong.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            }
        }

        String countSource() {
            return kind == Kind.HUB ? "hub /health instances" : "Orthanc /statistics CountInstances";
        }
    }

    /**
     * The hub in demo mode with a fresh data directory: a write token ({@code dicomweb.read} and
     * {@code dicomweb.write}, institution demo) is issued with {@code huizhen token} against that
     * directory before {@code serve} starts, so both use the same signing key in {@code keys/};
     * the read token is the demo token {@code serve} prints.
     */
    private Target startHub(Path runDir, Path log) throws IOException, InterruptedException, TargetUnavailable {
        if (options.hubUnavailable().isPresent()) {
            throw new TargetUnavailable(options.hubUnavailable().get());
        }
        if (!Files.isRegularFile(options.hubJar())) {
            throw new TargetUnavailable("hub jar not found: " + options.hubJar());
        }
        Path data = Files.createDirectories(runDir.resolve("data"));
        String java = IngestBenchmark.javaBinary();
        String writeToken = stdoutOf(Duration.ofSeconds(60), List.of(java, "-jar", options.hubJar().toString(),
                "token", "--data", data.toString(), "--institution", "demo", "--role", "reader",
                "--scope", "dicomweb.read", "--scope", "dicomweb.write", "--accept-any-ae"));
        int dicom = IngestBenchmark.freePort();
        int httpPort = IngestBenchmark.freePort();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + options.hubXmx()));
        command.addAll(options.hubJavaOpts());
        command.addAll(List.of("-jar", options.hubJar().toString(), "serve", "--data", data.toString(),
                "--dicom-port", String.valueOf(dicom), "--http-port", String.valueOf(httpPort),
                "--ae-title", IngestBenchmark.HUB_AE, "--accept-any-ae"));
        Process p = processes.start(command,
                // Loopback only (the defaults bind 0.0.0.0); environment overrides of dicom.bind / http.bind.
                Map.of("HUIZHEN_DICOM_BIND", "127.0.0.1", "HUIZHEN_HTTP_BIND", "127.0.0.1"), log);
        try {
            IngestBenchmark.awaitEcho(p, IngestBenchmark.HUB_AE, dicom, log);
            String demo = awaitDemoToken(p, log);
            System.out.println("  hub started (fresh data directory, -Xmx" + options.hubXmx()
                    + "); write token from 'huizhen token', read token = serve's demo token");
            return new Target(Kind.HUB, p, httpPort, "/dicomweb", Optional.of(writeToken), Optional.of(demo));
        } catch (IOException | InterruptedException | TargetUnavailable | RuntimeException e) {
            processes.stop(p);
            throw e;
        }
    }

    /** The line after "demo token" in serve's output. */
    private static String awaitDemoToken(Process p, Path log) throws IOException, InterruptedException,
            TargetUnavailable {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).contains("demo token") && !lines.get(i + 1).isBlank()) {
                    return lines.get(i + 1).strip();
                }
            }
            if (!p.isAlive()) {
                break;
            }
            p.waitFor(200, TimeUnit.MILLISECONDS);
        }
        throw new TargetUnavailable("serve printed no demo token: " + IngestBenchmark.lastLine(log));
    }

    /** Runs a short command; returns its standard output stripped, or fails with its standard error. */
    private static String stdoutOf(Duration timeout, List<String> command) throws IOException, InterruptedException,
            TargetUnavailable {
        Path out = Files.createTempFile("bench-out", ".txt");
        Path err = Files.createTempFile("bench-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new TargetUnavailable(command.get(3) + " timed out");
            }
            String stdout = Files.readString(out).strip();
            if (p.exitValue() != 0 || stdout.isEmpty() || stdout.contains("\n")) {
                throw new TargetUnavailable("'huizhen " + command.get(3) + "' exit " + p.exitValue() + ": "
                        + abbreviate(Files.readString(err).strip()));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Debian's Orthanc with the DICOMweb plugin loaded and enabled under {@code /dicom-web/}, its
     * own storage and SQLite index in the run directory, no authentication, loopback callers only
     * ({@code RemoteAccessAllowed: false}), DICOM server off (only
     * HTTP is measured); everything else at its defaults (notably {@code SyncStorageArea: true}: it
     * fsyncs, like the hub).
     */
    private Target startOrthanc(Path runDir, Path log) throws IOException, InterruptedException, TargetUnavailable {
        if (!Files.isRegularFile(options.orthancPlugin())) {
            throw new TargetUnavailable("Orthanc DICOMweb plugin not found: " + options.orthancPlugin()
                    + " (install orthanc-dicomweb)");
        }
        int httpPort = IngestBenchmark.freePort();
        Path storage = Files.createDirectories(runDir.resolve("storage"));
        Path index = Files.createDirectories(runDir.resolve("index"));
        String config = """
                {
                  "Name": "HuizhenBenchOrthanc",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "StorageCompression": false,
                  "Plugins": ["%s"],
                  "HttpServerEnabled": true,
                  "HttpPort": %d,
                  "RemoteAccessAllowed": false,
                  "AuthenticationEnabled": false,
                  "OrthancExplorerEnabled": false,
                  "WebDavEnabled": false,
                  "DicomServerEnabled": false,
                  "SaveJobs": false,
                  "DicomWeb": {"Enable": true, "Root": "/dicom-web/", "EnableWado": false}
                }
                """.formatted(storage, index, options.orthancPlugin(), httpPort);
        Path configFile = runDir.resolve("orthanc.json");
        Files.writeString(configFile, config);
        Process p = processes.start(List.of("Orthanc", configFile.toString()), Map.of(), log);
        try {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new TargetUnavailable("Orthanc exited with code " + p.exitValue() + ": "
                            + IngestBenchmark.lastLine(log));
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                            + "/dicom-web/studies")).timeout(Duration.ofSeconds(5)).header("Accept", DICOM_JSON)
                            .GET().build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        System.out.println("  Orthanc started (fresh storage and index), DICOMweb plugin answering");
                        return new Target(Kind.ORTHANC, p, httpPort, "/dicom-web", Optional.empty(), Optional.empty());
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                p.waitFor(250, TimeUnit.MILLISECONDS);
            }
            throw new TargetUnavailable("Orthanc DICOMweb did not answer within " + READY_TIMEOUT.toSeconds() + " s: "
                    + IngestBenchmark.lastLine(log));
        } catch (InterruptedException | TargetUnavailable | RuntimeException e) {
            processes.stop(p);
            throw e;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Results

    /** A failed phase; the message is printed in the target's row. */
    static final class BenchFailure extends Exception {
        private static final long serialVersionUID = 1L;

        BenchFailure(String message) {
            super(message);
        }
    }

    record Query(String params, int expected) {
    }

    /** Latency percentiles (nearest rank) of one series of requests. */
    record Latency(int n, double p50Ms, double p99Ms, double maxMs) {
        static Latency of(long[] nanos) {
            long[] s = nanos.clone();
            java.util.Arrays.sort(s);
            return new Latency(s.length, rank(s, 0.50) / 1e6, rank(s, 0.99) / 1e6, s[s.length - 1] / 1e6);
        }

        private static long rank(long[] sorted, double p) {
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50Ms, p99Ms, maxMs, n);
        }
    }

    /** What one target achieved; filled in phase by phase by the main thread. */
    static final class TargetResult {
        double stowSeconds;
        int stowInstances;
        long stowBytes;
        Optional<Latency> qido = Optional.empty();
        long metadataCold = -1;
        int metadataInstances;
        Optional<Latency> metadataWarm = Optional.empty();
        long wadoBytes;
        double wadoSeconds;
        /** CPU time (user + system) of the target process during the phase, ms; -1 unknown. */
        long stowTargetCpuMs = -1;
        /** CPU of the target's JIT compiler threads in the timed STOW-RS, ms (0 for Orthanc; -1 unknown). */
        long stowTargetJitCpuMs = -1;
        long wadoTargetCpuMs = -1;
        final List<String> notes = new ArrayList<>();
        private String failure;

        void fail(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        Optional<String> failure() {
            return Optional.ofNullable(failure);
        }

        OptionalDouble stowPerSecond() {
            return stowSeconds > 0 ? OptionalDouble.of(stowInstances / stowSeconds) : OptionalDouble.empty();
        }

        OptionalDouble stowMbPerSecond() {
            return stowSeconds > 0 ? OptionalDouble.of(stowBytes / MB / stowSeconds) : OptionalDouble.empty();
        }

        OptionalDouble stowCpuPerInstance() {
            return stowTargetCpuMs >= 0 && stowInstances > 0 ? OptionalDouble.of((double) stowTargetCpuMs / stowInstances)
                    : OptionalDouble.empty();
        }

        OptionalDouble stowJitCpuPerInstance() {
            return stowTargetJitCpuMs >= 0 && stowInstances > 0
                    ? OptionalDouble.of((double) stowTargetJitCpuMs / stowInstances) : OptionalDouble.empty();
        }

        OptionalDouble wadoCpuPerMb() {
            return wadoTargetCpuMs >= 0 && wadoBytes > 0 ? OptionalDouble.of(wadoTargetCpuMs / (wadoBytes / MB))
                    : OptionalDouble.empty();
        }

        OptionalDouble wadoMbPerSecond() {
            return wadoSeconds > 0 ? OptionalDouble.of(wadoBytes / MB / wadoSeconds) : OptionalDouble.empty();
        }
    }

    private void printTable(Map<Kind, TargetResult> results, Dataset ct) {
        TargetResult hub = results.getOrDefault(Kind.HUB, new TargetResult());
        TargetResult orthanc = results.getOrDefault(Kind.ORTHANC, new TargetResult());
        System.out.println();
        System.out.printf(Locale.ROOT, "DICOMweb (%d CT instances in %d studies, %.1f MB; Java HttpClient, 127.0.0.1)%n",
                ct.files().size(), ct.studies(), ct.bytes() / MB);
        String fmt = "%-34s | %10s | %10s | %11s | %s%n";
        String head = String.format(Locale.ROOT, fmt, "measure", "hub", "Orthanc", "hub/Orthanc", "better");
        System.out.print(head);
        System.out.println("-".repeat(head.length() + 4));
        row(fmt, "STOW-RS instances/s", hub.stowPerSecond(), orthanc.stowPerSecond(), "higher");
        row(fmt, "STOW-RS MB/s", hub.stowMbPerSecond(), orthanc.stowMbPerSecond(), "higher");
        row(fmt, "QIDO-RS p50 ms", hub.qido.map(Latency::p50Ms), orthanc.qido.map(Latency::p50Ms), "lower");
        row(fmt, "QIDO-RS p99 ms", hub.qido.map(Latency::p99Ms), orthanc.qido.map(Latency::p99Ms), "lower");
        String mi = " (" + Math.max(hub.metadataInstances, orthanc.metadataInstances) + " inst)";
        row(fmt, "metadata cold ms" + mi, cold(hub), cold(orthanc), "lower");
        row(fmt, "metadata warm p50 ms" + mi, hub.metadataWarm.map(Latency::p50Ms),
                orthanc.metadataWarm.map(Latency::p50Ms), "lower");
        row(fmt, "metadata warm p99 ms" + mi, hub.metadataWarm.map(Latency::p99Ms),
                orthanc.metadataWarm.map(Latency::p99Ms), "lower");
        row(fmt, "WADO-RS study retrieval MB/s", hub.wadoMbPerSecond(), orthanc.wadoMbPerSecond(), "higher");
        row(fmt, "STOW-RS target CPU ms/instance", hub.stowCpuPerInstance(), orthanc.stowCpuPerInstance(), "lower");
        row(fmt, "  of which JIT compiler ms/inst", hub.stowJitCpuPerInstance(), orthanc.stowJitCpuPerInstance(),
                "lower");
        row(fmt, "WADO-RS target CPU ms/MB", hub.wadoCpuPerMb(), orthanc.wadoCpuPerMb(), "lower");
        for (Map.Entry<Kind, TargetResult> e : results.entrySet()) {
            System.out.println("  " + e.getKey().label + ": " + e.getValue().failure().map(f -> "FAILED: " + f)
                    .orElse("ok, " + String.join("; ", e.getValue().notes)));
        }
        System.out.println();
        System.out.println("Goals (issue):");
        System.out.println("  STOW-RS throughput hub >= 2x Orthanc: " + ratioVerdict(hub.stowPerSecond(),
                orthanc.stowPerSecond()));
        System.out.println("  WADO-RS throughput hub >= 2x Orthanc: " + ratioVerdict(hub.wadoMbPerSecond(),
                orthanc.wadoMbPerSecond()));
        System.out.println("  QIDO-RS p99 < 50 ms (hub, " + ct.studies() + " studies): " + hub.qido
                .map(q -> String.format(Locale.ROOT, "%.1f ms (%s)", q.p99Ms(), q.p99Ms() < 50 ? "met" : "NOT met"))
                .orElse("n/a") + "; at 100,000 studies: " + (options.big() ? "see the index benchmark below"
                        : "not run (--big)"));
        System.out.println("  metadata warm < 200 ms for 1,000 instances: " + hub.metadataWarm
                .map(q -> String.format(Locale.ROOT, "not measured at 1,000; at %d instances hub p99 %.1f ms "
                        + "(%s for this size)", hub.metadataInstances, q.p99Ms(), q.p99Ms() < 200 ? "under" : "OVER"))
                .orElse("n/a"));
    }

    private static OptionalDouble cold(TargetResult r) {
        return r.metadataCold >= 0 ? OptionalDouble.of(r.metadataCold / 1e6) : OptionalDouble.empty();
    }

    private static void row(String fmt, String name, Optional<Double> hub, Optional<Double> orthanc, String better) {
        row(fmt, name, hub.map(OptionalDouble::of).orElse(OptionalDouble.empty()),
                orthanc.map(OptionalDouble::of).orElse(OptionalDouble.empty()), better);
    }

    private static void row(String fmt, String name, OptionalDouble hub, OptionalDouble orthanc, String better) {
        String ratio = hub.isPresent() && orthanc.isPresent() && orthanc.getAsDouble() > 0
                ? String.format(Locale.ROOT, "%.2fx", hub.getAsDouble() / orthanc.getAsDouble()) : "n/a";
        System.out.printf(Locale.ROOT, fmt, name, num(hub), num(orthanc), ratio, better);
    }

    private static String num(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.1f", v.getAsDouble()) : "-";
    }

    /**
     * With {@code --repeat}: STOW-RS and WADO-RS throughput of every round side by side, and the
     * median of the per-round hub/Orthanc ratios (one run varies by tens of percent on 2 cores).
     */
    private static void printRounds(List<Map<Kind, TargetResult>> rounds) {
        System.out.println();
        System.out.println("Rounds (each with freshly started targets)");
        System.out.println("round | STOW hub | STOW Orthanc | ratio | WADO MB/s hub | WADO Orthanc | ratio"
                + " | STOW CPU ms/inst hub | Orthanc");
        List<Double> stow = new ArrayList<>();
        List<Double> wado = new ArrayList<>();
        for (int i = 0; i < rounds.size(); i++) {
            TargetResult h = rounds.get(i).get(Kind.HUB);
            TargetResult o = rounds.get(i).get(Kind.ORTHANC);
            if (h == null || o == null) {
                continue;
            }
            OptionalDouble sr = ratio(h.stowPerSecond(), o.stowPerSecond());
            OptionalDouble wr = ratio(h.wadoMbPerSecond(), o.wadoMbPerSecond());
            sr.ifPresent(stow::add);
            wr.ifPresent(wado::add);
            System.out.printf(Locale.ROOT, "%5d | %8s | %12s | %5s | %13s | %12s | %5s | %20s | %7s%n", i + 1,
                    fmt(h.stowPerSecond()), fmt(o.stowPerSecond()), fmt(sr), fmt(h.wadoMbPerSecond()),
                    fmt(o.wadoMbPerSecond()), fmt(wr), fmt(h.stowCpuPerInstance()), fmt(o.stowCpuPerInstance()));
        }
        System.out.println("Median of the rounds' ratios:");
        System.out.println("  STOW-RS throughput hub >= 2x Orthanc: " + medianVerdict(stow));
        System.out.println("  WADO-RS throughput hub >= 2x Orthanc: " + medianVerdict(wado));
    }

    private static OptionalDouble ratio(OptionalDouble hub, OptionalDouble orthanc) {
        return hub.isPresent() && orthanc.isPresent() && orthanc.getAsDouble() > 0
                ? OptionalDouble.of(hub.getAsDouble() / orthanc.getAsDouble()) : OptionalDouble.empty();
    }

    private static String fmt(OptionalDouble v) {
        return v.isPresent() ? String.format(Locale.ROOT, "%.2f", v.getAsDouble()) : "n/a";
    }

    private static String medianVerdict(List<Double> ratios) {
        if (ratios.isEmpty()) {
            return "n/a";
        }
        List<Double> sorted = ratios.stream().sorted().toList();
        int n = sorted.size();
        double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return String.format(Locale.ROOT, "median %.2fx of %d rounds, range %.2fx-%.2fx (%s)", median, n,
                sorted.get(0), sorted.get(n - 1), median >= 2.0 ? "met" : "NOT met");
    }

    private static String ratioVerdict(OptionalDouble hub, OptionalDouble orthanc) {
        if (hub.isEmpty() || orthanc.isEmpty()) {
            return "n/a";
        }
        double x = hub.getAsDouble() / orthanc.getAsDouble();
        return String.format(Locale.ROOT, "%.2fx (%s)", x, x >= 2.0 ? "met" : "NOT met");
    }

    /**
     * CPU time (user + system, all threads) of a target process so far, in ms, from
     * {@code /proc/<pid>/stat} (fields 14 and 15, in clock ticks of 1/100 s on Linux); -1 where
     * that cannot be read. The target is the process the program started (Orthanc, or the hub's JVM).
     */
    static long processCpuMillis(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** CPU ms of {@code p} since {@code before} (a {@link #processCpuMillis} reading), or -1 if either is unknown. */
    static long cpuSince(Process p, long before) {
        long now = processCpuMillis(p);
        return now < 0 || before < 0 ? -1 : now - before;
    }

    /**
     * CPU time of a JVM target's JIT compiler threads (HotSpot names them "C1 CompilerThreadN" and
     * "C2 CompilerThreadN"; Linux shows the first 15 characters) so far, in ms, from
     * {@code /proc/<pid>/task/<tid>/stat}; 0 for a process without such threads (Orthanc), -1 where
     * {@code /proc} cannot be read.
     */
    static long compilerCpuMillis(Process p) {
        Path tasks = Path.of("/proc/" + p.pid() + "/task");
        long sum = 0;
        try (var dirs = Files.list(tasks)) {
            for (Path task : (Iterable<Path>) dirs::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String comm = stat.substring(open + 1, close);
                    if (comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre")) {
                        String[] f = stat.substring(close + 2).split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended while the list was read
                }
            }
            return sum;
        } catch (IOException e) {
            return -1;
        }
    }

    /** CPU time of this program (the client), all threads, in ns; 0 where the JVM cannot tell. */
    static long ownCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + needle.length())) {
            n++;
        }
        return n;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ").strip();
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    // ---------------------------------------------------------------------------------------------
    // Options

    record Options(int instances, int batch, int concurrency, int queries, int warmup, Path work, boolean deleteWorkAtEnd,
            List<Kind> targets, Path hubJar, Optional<String> hubUnavailable, String hubXmx, Path orthancPlugin,
            boolean big, List<Integer> archives, Optional<String> seederClasspath, Client client, List<String> hubJavaOpts,
            int jitWarmup, int repeat, boolean help) {
        static final String USAGE = """
                usage: bench/run-dicomweb.sh [--instances N] [--batch N] [--concurrency N] [--queries N]
                                             [--warmup N] [--work DIR] [--targets hub,orthanc]
                                             [--hub-xmx SIZE] [--big]
                  --instances N    CT instances, 100 per study (default 500 = 5 studies)
                  --batch N        instances per STOW-RS request (default 10)
                  --concurrency N  concurrent STOW-RS requests (default 4)
                  --queries N      timed QIDO-RS study searches (default 200)
                  --warmup N       instances of other studies sent and read back untimed before the
                                   timed phases, so a JVM target is measured warm (default 100; 0 = none)
                  --work DIR       work directory; generated data is cached there (shared with run-ingest.sh)
                                   (default: a temporary directory deleted at exit)
                  --targets LIST   hub, orthanc or both (default both)
                  --hub-xmx SIZE   hub heap (default 1g)
                  --big            also run the hub's index lookup benchmark at 100,000 studies
                  --archive LIST   also measure the hub holding archives of these sizes (e.g. 1000,100000):
                                   QIDO-RS latency by query kind over HTTP and STOW-RS rate, hub only
                  --client C       jdk (default: java.net.http) or lean (a plain socket, file bodies by
                                   sendfile, answers walked part by part) for STOW-RS and WADO-RS
                  --jit-warmup N   at most N instances (1 in 20 full-size, the rest 64x64) STOWed to the hub,
                                   untimed, before the warm-up, in rounds of 4000 until one in which its JIT
                                   compiler threads used under 10% of a core (default 80000; 0 = none)
                  --repeat N       run every target N times (fresh each time, order reversed every second
                                   round) and print each round and the median hub/Orthanc ratios (default 1)
                  --hub-java-opt O one more JVM option for the hub's serve process (repeatable), e.g.
                                   -XX:StartFlightRecording:filename=hub.jfr to profile it
                """;

        static Options parse(String[] args) throws IOException {
            int instances = 500;
            int batch = 10;
            int concurrency = 4;
            int queries = 200;
            int warmup = 100;
            Path work = null;
            List<Kind> targets = List.of(Kind.HUB, Kind.ORTHANC);
            Path hubJar = Path.of("hub-server/target/huizhen.jar").toAbsolutePath();
            Optional<String> hubUnavailable = Optional.empty();
            String hubXmx = "1g";
            Path plugin = Path.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");
            boolean big = false;
            List<Integer> archives = List.of();
            Optional<String> seederCp = Optional.empty();
            Client client = Client.JDK;
            List<String> hubJavaOpts = new ArrayList<>();
            int jitWarmup = 80000;
            int repeat = 1;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--instances" -> instances = positive(a, value(args, ++i, a));
                    case "--batch" -> batch = positive(a, value(args, ++i, a));
                    case "--concurrency" -> concurrency = positive(a, value(args, ++i, a));
                    case "--queries" -> queries = positive(a, value(args, ++i, a));
                    case "--warmup" -> warmup = Math.max(0, Integer.parseInt(value(args, ++i, a)));
                    case "--work" -> work = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--targets" -> {
                        List<Kind> t = new ArrayList<>();
                        for (String s : value(args, ++i, a).split(",")) {
                            switch (s.strip()) {
                                case "hub" -> t.add(Kind.HUB);
                                case "orthanc" -> t.add(Kind.ORTHANC);
                                case "" -> { }
                                default -> throw new IllegalArgumentException("unknown target '" + s
                                        + "' (hub, orthanc)");
                            }
                        }
                        targets = List.copyOf(t);
                    }
                    case "--hub-jar" -> hubJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--hub-unavailable" -> hubUnavailable = Optional.of(value(args, ++i, a));
                    case "--hub-xmx" -> hubXmx = value(args, ++i, a);
                    case "--orthanc-plugin" -> plugin = Path.of(value(args, ++i, a));
                    case "--big" -> big = true;
                    case "--archive" -> {
                        List<Integer> sizes = new ArrayList<>();
                        for (String n : value(args, ++i, a).split(",")) {
                            sizes.add(positive(a, n.strip().replace("_", "")));
                        }
                        archives = List.copyOf(sizes);
                    }
                    case "--seeder-cp" -> seederCp = Optional.of(value(args, ++i, a));
                    case "--client" -> {
                        String c = value(args, ++i, a);
                        client = switch (c) {
                            case "jdk" -> Client.JDK;
                            case "lean" -> Client.LEAN;
                            default -> throw new IllegalArgumentException("unknown client '" + c + "' (jdk, lean)");
                        };
                    }
                    case "--hub-java-opt" -> hubJavaOpts.add(value(args, ++i, a));
                    case "--jit-warmup" -> jitWarmup = Math.max(0, Integer.parseInt(value(args, ++i, a)));
                    case "--repeat" -> repeat = positive(a, value(args, ++i, a));
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            boolean temp = work == null;
            if (temp && !help) {
                work = Files.createTempDirectory("huizhen-dwbench-");
            }
            return new Options(instances, batch, concurrency, queries, warmup, work, temp, targets, hubJar, hubUnavailable,
                    hubXmx, plugin, big, archives, seederCp, client, List.copyOf(hubJavaOpts), jitWarmup, repeat, help);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int positive(String option, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " needs a positive integer, got '" + v + "'");
        }
    }
}
