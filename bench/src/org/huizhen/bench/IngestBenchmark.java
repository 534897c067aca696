package org.huizhen.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Ingest throughput benchmark: sends one generated CT data set with DCMTK's {@code storescu} to the
 * hub (embedded H2 index, then PostgreSQL index), to DCMTK's {@code storescp} and to Orthanc, in one
 * run and on the same machine, over one association and over four concurrent associations, and
 * prints a table of instances/s and MB/s with the hub/peer ratios. Then it sends one multi-frame
 * instance larger than 1 GiB to the hub started with {@code -Xmx256m} and prints its peak RSS.
 *
 * <p>Why: the hub's DICOM stack is its own (DESIGN.md, "DICOM stack is our own"), so its ingest path
 * must be measured against the reference implementations people would otherwise deploy. Every
 * target is an external process started fresh (empty storage) for every variant, so the hub is
 * treated exactly like the peers and this program needs none of the hub's code.
 *
 * <p>Bounds: every process started here is registered in {@link Processes} and stopped at the end
 * (also on failure and on Ctrl-C); every wait has a timeout; all traffic goes to 127.0.0.1 on ports
 * chosen free at run time. A target that cannot start or fails is reported as a failed row with its
 * reason, and the other targets still run.
 *
 * <p>Threading: the main thread drives everything in sequence. The only concurrency is the external
 * {@code storescu} processes of the 4-association variant and the generator's parallel slices.
 */
public final class IngestBenchmark {

    static final String SCU_AE = "HZBENCH";
    static final String HUB_AE = "HUIZHEN";
    static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    /** Hub heap for the single large instance: far below the instance size, so it must stream. */
    static final String BIG_HUB_HEAP = "256m";
    /** Transfer throughput unit: 1 MB = 10^6 bytes. */
    static final double MB = 1_000_000.0;

    private final Options options;
    private final Processes processes;
    private final List<Result> results = new ArrayList<>();
    private final List<BigResult> bigResults = new ArrayList<>();

    IngestBenchmark(Options options, Processes processes) {
        this.options = options;
        this.processes = processes;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("run-ingest: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Processes processes = new Processes();
        // Ctrl-C: stop the targets and clients, and remove a temporary work directory.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            processes.stopAll();
            if (options.deleteWorkAtEnd()) {
                deleteTree(options.work());
            }
        }, "bench-cleanup"));
        int exit;
        try {
            exit = new IngestBenchmark(options, processes).run();
        } catch (IOException | RuntimeException e) {
            if (!processes.closed()) {
                throw e;
            }
            // The shutdown hook stopped everything under the main thread's feet: not an error of its own.
            exit = 130;
        } finally {
            processes.stopAll();
            if (options.deleteWorkAtEnd()) {
                deleteTree(options.work());
            }
        }
        System.exit(exit);
    }

    /** The untimed warm-up data set, when {@code --warmup} is above 0. */
    private Optional<Dataset> warm = Optional.empty();

    int run() throws IOException, InterruptedException {
        Files.createDirectories(options.work());
        Path logs = Files.createDirectories(options.work().resolve("logs"));
        printMachineAndVersions();

        Dataset ct = Dataset.ensureCtSeries(options.work().resolve("data"), options.instances());
        checkWithDcmdump(ct.files().get(0), "(7fe0,0010) OW");
        System.out.printf(Locale.ROOT, "%nData set: %d CT instances, %d studies, %.1f MB (%s)%n",
                ct.files().size(), ct.studies(), ct.bytes() / MB, ct.root());
        ct.warmPageCache();
        warm = options.warmup() > 0
                ? Optional.of(Dataset.ensureCtSeries(options.work().resolve("data"), options.warmup(), 900, "ct-warmup-"))
                : Optional.empty();
        if (warm.isPresent()) {
            warm.get().warmPageCache();
            System.out.printf(Locale.ROOT, "Warm-up before each timed run: %d instances of other studies, one association, untimed%n",
                    options.warmup());
        }

        runThroughput(ct, logs);
        if (!options.skipBig()) {
            runBig(logs);
        }
        printTable();
        boolean allOk = results.stream().allMatch(Result::ok) && bigResults.stream().allMatch(BigResult::ok);
        return allOk ? 0 : 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Throughput runs

    /**
     * Runs every selected target and variant {@code --repeat} times, each time against a freshly
     * started, empty target; the repetitions are interleaved (round-robin over targets) so that a
     * drift in machine conditions affects all targets alike. A row reports the median time; its
     * first failed repetition fails it and it is not retried.
     */
    private void runThroughput(Dataset ct, Path logs) throws IOException, InterruptedException {
        /** One table row while its repetitions run; mutated by the main thread only. */
        final class Row {
            final Target target;
            final int associations;
            final List<Double> seconds = new ArrayList<>();
            String note;
            String failure;

            Row(Target target, int associations) {
                this.target = target;
                this.associations = associations;
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Target target : Target.values()) {
            if (options.targets().contains(target)) {
                for (int associations : new int[] {1, 4}) {
                    rows.add(new Row(target, associations));
                }
            }
        }
        for (int rep = 1; rep <= options.repeat(); rep++) {
            System.out.println("Run " + rep + " of " + options.repeat() + ":");
            for (Row row : rows) {
                if (row.failure != null) {
                    continue;
                }
                String label = row.target.id + "-" + row.associations + "-run" + rep;
                Attempt a = runOnce(row.target, row.associations, ct, logs, label);
                if (a.failure() != null) {
                    row.failure = (options.repeat() > 1 ? "run " + rep + ": " : "") + a.failure();
                    System.out.printf(Locale.ROOT, "  %-9s %d assoc  FAILED: %s%n", row.target.id,
                            row.associations, a.failure());
                } else {
                    row.seconds.add(a.seconds());
                    row.note = a.note();
                    System.out.printf(Locale.ROOT, "  %-9s %d assoc  %d instances in %.2f s (%s)%n",
                            row.target.id, row.associations, ct.files().size(), a.seconds(), a.note());
                }
            }
        }
        for (Row row : rows) {
            String variant = row.associations + " assoc";
            int instances = ct.files().size();
            if (row.failure != null) {
                results.add(Result.failed(row.target, variant, instances, row.failure));
                continue;
            }
            List<Double> sorted = row.seconds.stream().sorted().toList();
            int n = sorted.size();
            double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
            String note = n > 1 ? String.format(Locale.ROOT, "median of %d, %.2f-%.2f s; %s", n, sorted.get(0),
                    sorted.get(n - 1), row.note) : row.note;
            results.add(new Result(row.target, variant, instances, median, ct.bytes(), null, note));
        }
    }

    record Attempt(double seconds, String note, String failure) {
    }

    private Attempt runOnce(Target target, int associations, Dataset ct, Path logs, String label)
            throws IOException, InterruptedException {
        Path runDir = options.work().resolve("run-" + label);
        deleteTree(runDir);
        Files.createDirectories(runDir);
        // Flush the previous run's dirty pages now, so that their write-back does not land in this run.
        capture(Duration.ofSeconds(300), "sync");
        Server server = null;
        try {
            server = startServer(target, runDir, logs.resolve(label + "-server.log"), false);
            int warmed = 0;
            if (warm.isPresent()) {
                Dataset w = warm.get();
                ClientRun wr = sendWithStorescu(server, List.of(List.of("+sd", "+r", w.root().toString())),
                        Duration.ofSeconds(Math.max(120, w.files().size() / 4)), logs, label + "-warmup", 60);
                if (!wr.ok() || wr.stored() != w.files().size()) {
                    return new Attempt(0, null, "warm-up failed: " + (wr.ok() ? wr.stored() + " stored" : wr.failure()));
                }
                warmed = w.files().size();
            }
            List<List<String>> groups = new ArrayList<>();
            if (associations == 1) {
                groups.add(List.of("+sd", "+r", ct.root().toString()));
            } else {
                for (List<Path> quarter : split(ct.files(), associations)) {
                    groups.add(quarter.stream().map(Path::toString).toList());
                }
            }
            Duration timeout = Duration.ofSeconds(Math.max(120, ct.files().size() / 4));
            ClientRun run = sendWithStorescu(server, groups, timeout, logs, label, 60);
            if (!run.ok()) {
                return new Attempt(0, null, run.failure());
            }
            if (run.stored() != ct.files().size()) {
                return new Attempt(0, null, "storescu got " + run.stored() + " success responses of "
                        + ct.files().size());
            }
            Verification v = server.verify(warmed + ct.files().size());
            return v.ok() ? new Attempt(run.seconds(), v.note(), null) : new Attempt(0, null, v.note());
        } catch (TargetUnavailable e) {
            return new Attempt(0, null, e.getMessage());
        } finally {
            if (server != null) {
                server.close();
            }
            deleteTree(runDir);
        }
    }

    /**
     * Starts {@code groups.size()} storescu processes at once (one association each) and waits for
     * all of them; the time runs from the first start to the observed exit of the last.
     */
    private ClientRun sendWithStorescu(Server server, List<List<String>> groups, Duration timeout, Path logs,
            String label, int socketTimeoutSeconds) throws IOException, InterruptedException {
        List<Process> clients = new ArrayList<>();
        List<Path> clientLogs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < groups.size(); i++) {
            // -v: one "Received Store Response (<status>)" line per instance, counted below.
            List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aet", SCU_AE, "-aec", server.aeTitle(),
                    "-to", "10", "-ta", "30", "-td", String.valueOf(socketTimeoutSeconds),
                    "-ts", String.valueOf(socketTimeoutSeconds), "127.0.0.1", String.valueOf(server.dicomPort())));
            cmd.addAll(groups.get(i));
            Path log = logs.resolve(label + "-storescu" + i + ".log");
            clientLogs.add(log);
            clients.add(processes.start(cmd, Map.of(), log));
        }
        long deadline = t0 + timeout.toNanos();
        for (int i = 0; i < clients.size(); i++) {
            Process p = clients.get(i);
            long left = deadline - System.nanoTime();
            if (left <= 0 || !p.waitFor(left, TimeUnit.NANOSECONDS)) {
                clients.forEach(processes::stop);
                return ClientRun.failed("storescu did not finish within " + timeout.toSeconds() + " s");
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long stored = 0;
        for (int i = 0; i < clients.size(); i++) {
            int code = clients.get(i).exitValue();
            if (code != 0) {
                return ClientRun.failed("storescu #" + i + " exit " + code + ": " + lastLine(clientLogs.get(i)));
            }
            stored += storedResponses(clientLogs.get(i));
        }
        return new ClientRun(true, seconds, stored, null);
    }

    /**
     * Counts C-STORE responses with a Success or Warning status (PS3.4 B.2.3: a warning means
     * stored, possibly with coercion) in a {@code storescu -v} log.
     */
    static long storedResponses(Path log) throws IOException {
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains("Received Store Response (Success")
                    || l.contains("Received Store Response (Warning")).count();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The >= 1 GiB instance

    private void runBig(Path logs) throws IOException, InterruptedException {
        boolean hub = options.targets().contains(Target.HUB_H2) || options.targets().contains(Target.HUB_PG);
        boolean storescp = options.targets().contains(Target.STORESCP);
        if (!hub && !storescp) {
            return;
        }
        Path big = Dataset.ensureBigInstance(options.work().resolve("data"), options.bigFrames());
        checkWithDcmdump(big, "(7fe0,0010) OW");
        long bytes = Files.size(big);
        System.out.printf(Locale.ROOT, "%nBig instance: %d frames of 512x512x16 bit, %.1f MB (%s)%n",
                options.bigFrames(), bytes / MB, big);
        if (hub) {
            bigResults.add(runBigInto(Target.HUB_H2, big, bytes, logs));
        }
        if (storescp) {
            bigResults.add(runBigInto(Target.STORESCP, big, bytes, logs));
        }
    }

    private BigResult runBigInto(Target target, Path big, long bytes, Path logs)
            throws IOException, InterruptedException {
        String label = "big-" + target.id;
        Path runDir = options.work().resolve("run-" + label);
        deleteTree(runDir);
        Files.createDirectories(runDir);
        Server server = null;
        String heap = target.isHub() ? BIG_HUB_HEAP : null;
        capture(Duration.ofSeconds(300), "sync");
        try {
            server = startServer(target, runDir, logs.resolve(label + "-server.log"), true);
            ClientRun run = sendWithStorescu(server, List.of(List.of(big.toString())), Duration.ofSeconds(600),
                    logs, label, 300);
            OptionalLong peak = server.peakRssKb();
            if (!run.ok()) {
                return new BigResult(target, heap, bytes, 0, peak, run.failure());
            }
            if (run.stored() != 1) {
                return new BigResult(target, heap, bytes, 0, peak, "no success response from storescu");
            }
            Verification v = server.verify(1);
            return new BigResult(target, heap, bytes, run.seconds(), peak, v.ok() ? null : v.note());
        } catch (TargetUnavailable e) {
            return new BigResult(target, heap, bytes, 0, OptionalLong.empty(), e.getMessage());
        } finally {
            if (server != null) {
                server.close();
            }
            deleteTree(runDir);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Targets

    /** Starts a fresh target; {@code big}: the hub gets {@value #BIG_HUB_HEAP} heap, storescp one process. */
    private Server startServer(Target target, Path runDir, Path log, boolean big)
            throws IOException, InterruptedException, TargetUnavailable {
        String hubXmx = big ? BIG_HUB_HEAP : options.hubXmx();
        return switch (target) {
            // Single-process for the big instance, so that VmHWM is that of the process that received it.
            case STORESCP -> StorescpServer.start(processes, runDir, log, !big);
            case ORTHANC -> OrthancServer.start(processes, runDir, log);
            case HUB_H2 -> HubServer.start(processes, options, runDir, log, hubXmx, false);
            case HUB_PG -> HubServer.start(processes, options, runDir, log, hubXmx, true);
        };
    }

    enum Target {
        HUB_H2("hub-h2"), HUB_PG("hub-pg"), STORESCP("storescp"), ORTHANC("orthanc");

        final String id;

        Target(String id) {
            this.id = id;
        }

        boolean isHub() {
            return this == HUB_H2 || this == HUB_PG;
        }

        static Target byId(String id) {
            for (Target t : values()) {
                if (t.id.equals(id)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown target '" + id + "' (hub-h2, hub-pg, storescp, orthanc)");
        }
    }

    /** A started target; {@link #close()} stops it and releases what it holds (e.g. a PG schema). */
    interface Server extends AutoCloseable {
        String aeTitle();

        int dicomPort();

        /** Checks that {@code expected} instances arrived; the note says how it was counted. */
        Verification verify(int expected) throws IOException, InterruptedException;

        /** Peak resident set of the server process (VmHWM), read just before it is stopped. */
        OptionalLong peakRssKb();

        @Override
        void close();
    }

    record Verification(boolean ok, String note) {
    }

    /** A target could not be started; the message is the reason printed in its row. */
    static final class TargetUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        TargetUnavailable(String message) {
            super(message);
        }
    }

    /**
     * DCMTK storescp writing Part 10 files: {@code +xa} accepts every transfer syntax it supports,
     * {@code --fork} serves each association in its own process (otherwise concurrent associations
     * queue), {@code -dhl} avoids reverse DNS look-ups. It does not fsync, so it is an upper bound.
     */
    record StorescpServer(Processes processes, Process process, Path output, int dicomPort) implements Server {
        static StorescpServer start(Processes processes, Path runDir, Path log, boolean fork)
                throws IOException, InterruptedException, TargetUnavailable {
            Path output = Files.createDirectories(runDir.resolve("received"));
            int port = freePort();
            Process p = processes.start(List.of("storescp", fork ? "--fork" : "--single-process", "+xa", "-dhl",
                    "-aet", "STORESCP", "--output-directory", output.toString(), String.valueOf(port)), Map.of(), log);
            awaitEcho(p, "STORESCP", port, log);
            return new StorescpServer(processes, p, output, port);
        }

        @Override
        public String aeTitle() {
            return "STORESCP";
        }

        @Override
        public Verification verify(int expected) throws IOException, InterruptedException {
            long n = awaitCount(expected, () -> OptionalLong.of(countFiles(output)));
            return new Verification(n == expected, n == expected
                    ? n + " files in output directory" : "received " + n + " of " + expected + " files");
        }

        @Override
        public OptionalLong peakRssKb() {
            return vmHwmKb(process.pid());
        }

        @Override
        public void close() {
            processes.stop(process);
        }
    }

    /**
     * Orthanc from Debian with its own configuration: its own storage and SQLite index in the run
     * directory, free ports, any calling AE accepted, no plugins. Its defaults are kept otherwise
     * (notably {@code SyncStorageArea: true}, i.e. it fsyncs like the hub).
     */
    record OrthancServer(Processes processes, Process process, int dicomPort, int httpPort) implements Server {
        static OrthancServer start(Processes processes, Path runDir, Path log)
                throws IOException, InterruptedException, TargetUnavailable {
            int dicom = freePort();
            int http = freePort();
            Path storage = Files.createDirectories(runDir.resolve("storage"));
            Path index = Files.createDirectories(runDir.resolve("index"));
            String config = """
                    {
                      "Name": "HuizhenBenchOrthanc",
                      "StorageDirectory": "%s",
                      "IndexDirectory": "%s",
                      "StorageCompression": false,
                      "Plugins": [],
                      "HttpServerEnabled": true,
                      "HttpPort": %d,
                      "RemoteAccessAllowed": true,
                      "AuthenticationEnabled": false,
                      "OrthancExplorerEnabled": false,
                      "WebDavEnabled": false,
                      "DicomServerEnabled": true,
                      "DicomAet": "ORTHANC",
                      "DicomPort": %d,
                      "DicomCheckCalledAet": false,
                      "DicomAlwaysAllowStore": true,
                      "DicomAlwaysAllowEcho": true,
                      "DicomCheckModalityHost": false,
                      "SaveJobs": false
                    }
                    """.formatted(storage, index, http, dicom);
            Path configFile = runDir.resolve("orthanc.json");
            Files.writeString(configFile, config);
            Process p = processes.start(List.of("Orthanc", configFile.toString()), Map.of(), log);
            awaitEcho(p, "ORTHANC", dicom, log);
            return new OrthancServer(processes, p, dicom, http);
        }

        @Override
        public String aeTitle() {
            return "ORTHANC";
        }

        @Override
        public Verification verify(int expected) throws IOException, InterruptedException {
            long n = awaitCount(expected, () -> jsonNumber(httpGet(httpPort, "/statistics"), "CountInstances"));
            return new Verification(n == expected, n == expected
                    ? "REST /statistics CountInstances=" + n : "CountInstances=" + n + ", expected " + expected);
        }

        @Override
        public OptionalLong peakRssKb() {
            return vmHwmKb(process.pid());
        }

        @Override
        public void close() {
            processes.stop(process);
        }
    }

    /**
     * The hub as an external process ({@code java -jar huizhen.jar serve ...}), with a fresh data
     * directory and, for the PostgreSQL variant, a fresh schema in database {@code test} that is
     * dropped when it stops.
     */
    record HubServer(Processes processes, Process process, int dicomPort, int httpPort, Optional<String> pgSchema)
            implements Server {
        static HubServer start(Processes processes, Options options, Path runDir, Path log, String xmx,
                boolean postgres) throws IOException, InterruptedException, TargetUnavailable {
            if (options.hubUnavailable().isPresent()) {
                throw new TargetUnavailable(options.hubUnavailable().get());
            }
            if (!Files.isRegularFile(options.hubJar())) {
                throw new TargetUnavailable("hub jar not found: " + options.hubJar());
            }
            Optional<String> schema = Optional.empty();
            Map<String, String> env = Map.of();
            if (postgres) {
                String name = "hzbench_" + Long.toHexString(new SplittableRandom().nextLong() & 0xffffffffL);
                Psql.run("CREATE SCHEMA " + name);
                schema = Optional.of(name);
                env = Map.of("HUIZHEN_STORAGE_INDEX_KIND", "postgres",
                        "HUIZHEN_STORAGE_INDEX_URL", "jdbc:postgresql://127.0.0.1:5432/test",
                        "HUIZHEN_STORAGE_INDEX_USER", "postgres",
                        "HUIZHEN_STORAGE_INDEX_SCHEMA", name);
            }
            int dicom = freePort();
            int http = freePort();
            Process p = null;
            try {
                p = processes.start(List.of(javaBinary(), "-Xmx" + xmx, "-jar", options.hubJar().toString(), "serve",
                        "--data", Files.createDirectories(runDir.resolve("data")).toString(),
                        "--dicom-port", String.valueOf(dicom), "--http-port", String.valueOf(http),
                        "--ae-title", HUB_AE, "--accept-any-ae"), env, log);
                awaitEcho(p, HUB_AE, dicom, log);
                return new HubServer(processes, p, dicom, http, schema);
            } catch (IOException | InterruptedException | TargetUnavailable | RuntimeException e) {
                if (p != null) {
                    processes.stop(p);
                }
                schema.ifPresent(Psql::dropQuietly);
                throw e;
            }
        }

        @Override
        public String aeTitle() {
            return HUB_AE;
        }

        @Override
        public Verification verify(int expected) throws IOException, InterruptedException {
            if (!echo(HUB_AE, dicomPort)) {
                return new Verification(false, "no C-ECHO answer after the run");
            }
            OptionalLong health = health();
            if (health.isEmpty()) {
                return new Verification(true, "echo ok; no /health 'instances': counted storescu success responses");
            }
            long n = awaitCount(expected, this::health);
            return new Verification(n == expected, n == expected
                    ? "echo ok; /health instances=" + n : "/health instances=" + n + ", expected " + expected);
        }

        private OptionalLong health() {
            try {
                return jsonNumber(httpGet(httpPort, "/health"), "instances");
            } catch (IOException e) {
                return OptionalLong.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return OptionalLong.empty();
            }
        }

        @Override
        public OptionalLong peakRssKb() {
            return vmHwmKb(process.pid());
        }

        @Override
        public void close() {
            processes.stop(process);
            pgSchema.ifPresent(Psql::dropQuietly);
        }
    }

    /** PostgreSQL administration through the {@code psql} client (trust auth on 127.0.0.1). */
    static final class Psql {
        private Psql() {
        }

        static String run(String sql) throws IOException, InterruptedException, TargetUnavailable {
            Capture c = capture(Duration.ofSeconds(30), "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test",
                    "-v", "ON_ERROR_STOP=1", "-tA", "-c", sql);
            if (c.exit() != 0) {
                throw new TargetUnavailable("psql failed (" + sql + "): " + c.output().strip());
            }
            return c.output().strip();
        }

        static void dropQuietly(String schema) {
            try {
                run("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            } catch (IOException | TargetUnavailable e) {
                System.err.println("warning: could not drop schema " + schema + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Readiness, counts, small process helpers

    /** Polls C-ECHO until it succeeds; fails fast when the server process exits. */
    static void awaitEcho(Process server, String ae, int port, Path log)
            throws IOException, InterruptedException, TargetUnavailable {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new TargetUnavailable("exited with code " + server.exitValue() + " before it was ready: "
                        + lastLine(log));
            }
            if (echo(ae, port)) {
                return;
            }
            server.waitFor(250, TimeUnit.MILLISECONDS);
        }
        throw new TargetUnavailable("no C-ECHO answer within " + READY_TIMEOUT.toSeconds() + " s: " + lastLine(log));
    }

    static boolean echo(String ae, int port) throws IOException, InterruptedException {
        return capture(Duration.ofSeconds(15), "echoscu", "-aet", SCU_AE, "-aec", ae, "-to", "5", "-ta", "5",
                "127.0.0.1", String.valueOf(port)).exit() == 0;
    }

    interface CountSource {
        OptionalLong count() throws IOException, InterruptedException;
    }

    /** Reads a count until it reaches {@code expected} or 15 s pass; returns the last value (-1: none). */
    static long awaitCount(long expected, CountSource source) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long last = -1;
        while (true) {
            OptionalLong n = source.count();
            if (n.isPresent()) {
                last = n.getAsLong();
            }
            if (last == expected || System.nanoTime() > deadline) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    static long countFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /**
     * GET over HTTP/1.1, as every other request of the benchmarks. java.net.http's default would
     * offer an h2c upgrade (RFC 7540 3.2), which the hub (Vert.x) accepts: its first HTTP/2
     * connection loads Vert.x's and Netty's HTTP/2 classes, and the JIT then discards the compiled
     * HTTP/1.1 request path that assumed a single HttpServerRequest implementation (a wave of
     * "made not entrant" in -XX:+PrintCompilation). DicomWebBenchmark counts stored instances with
     * this just before the timed STOW-RS, which then paid for the recompilation.
     */
    static String httpGet(int port, String path) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode());
        }
        return r.body();
    }

    static OptionalLong jsonNumber(String json, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(\\d+)").matcher(json);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    static OptionalLong vmHwmKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    record Capture(int exit, String output) {
    }

    /** Runs a short command (TCP_NODELAY=1 like every DCMTK process here) and captures its output. */
    static Capture capture(Duration timeout, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Path out = Files.createTempFile("bench-capture", ".txt");
        try {
            pb.redirectOutput(out.toFile());
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                return new Capture(-1, command[0] + ": " + e.getMessage());
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Capture(-1, command[0] + " timed out after " + timeout.toSeconds() + " s");
            }
            return new Capture(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    static String lastLine(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    String l = lines.get(i).strip();
                    return l.length() > 200 ? l.substring(0, 200) + "..." : l;
                }
            }
            return "(empty log " + log.getFileName() + ")";
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static <T> List<List<T>> split(List<T> all, int parts) {
        List<List<T>> out = new ArrayList<>();
        int size = all.size();
        for (int i = 0; i < parts; i++) {
            out.add(all.subList(i * size / parts, (i + 1) * size / parts));
        }
        return out;
    }

    /** Deletes a tree; retried because a stopping process (or the shutdown hook) may still change it. */
    static void deleteTree(Path dir) {
        for (int attempt = 1; Files.exists(dir); attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 3) {
                    System.err.println("warning: could not delete " + dir + ": " + e.getMessage());
                    return;
                }
            }
        }
    }

    /**
     * Every long-running process this program starts. {@link #stop} sends SIGTERM, waits, then kills
     * the process and its descendants (storescp --fork children). Thread-safe: the shutdown hook may
     * run {@link #stopAll} while the main thread is starting processes.
     */
    static final class Processes {
        private final List<Process> started = new CopyOnWriteArrayList<>();
        private volatile boolean closed;

        boolean closed() {
            return closed;
        }

        Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
            if (closed) {
                throw new IOException("shutting down");
            }
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
            pb.environment().put("TCP_NODELAY", "1");
            pb.environment().putAll(env);
            Process p = pb.start();
            started.add(p);
            return p;
        }

        void stop(Process p) {
            List<ProcessHandle> children = p.descendants().toList();
            p.destroy();
            awaitStopped(p, children);
        }

        /** Stops everything (SIGTERM to all first, so that they wind down together); no new starts. */
        void stopAll() {
            closed = true;
            List<Process> all = List.copyOf(started);
            // Descendants are collected before the parents die: storescp's forked children get reparented.
            List<List<ProcessHandle>> children = all.stream().map(p -> p.descendants().toList()).toList();
            all.forEach(Process::destroy);
            for (int i = 0; i < all.size(); i++) {
                awaitStopped(all.get(i), children.get(i));
            }
        }

        private void awaitStopped(Process p, List<ProcessHandle> children) {
            try {
                if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.forEach(ProcessHandle::destroyForcibly);
            started.remove(p);
        }
    }

    /** storescu outcome: {@code stored} = Success/Warning responses over all associations. */
    record ClientRun(boolean ok, double seconds, long stored, String failure) {
        static ClientRun failed(String why) {
            return new ClientRun(false, 0, 0, why);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reporting

    record Result(Target target, String variant, int instances, double seconds, long bytes, String failure,
            String note) {
        static Result failed(Target target, String variant, int instances, String why) {
            return new Result(target, variant, instances, 0, 0, why, null);
        }

        boolean ok() {
            return failure == null;
        }

        double perSecond() {
            return instances / seconds;
        }

        double mbPerSecond() {
            return bytes / MB / seconds;
        }
    }

    record BigResult(Target target, String heap, long bytes, double seconds, OptionalLong peakRssKb, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private void printTable() {
        System.out.println();
        System.out.println("Ingest throughput (" + options.instances() + " instances, storescu client, 127.0.0.1)");
        String head = String.format(Locale.ROOT, "%-9s | %-8s | %9s | %8s | %11s | %8s | %10s | %11s | %s",
                "target", "variant", "instances", "seconds", "instances/s", "MB/s", "hub/Orthanc", "hub/storescp",
                "status");
        System.out.println(head);
        System.out.println("-".repeat(head.length() + 20));
        for (Result r : results) {
            if (r.ok()) {
                System.out.println(String.format(Locale.ROOT,
                        "%-9s | %-8s | %9d | %8.2f | %11.1f | %8.1f | %10s | %11s | ok (%s)", r.target().id,
                        r.variant(), r.instances(), r.seconds(), r.perSecond(), r.mbPerSecond(),
                        ratio(r, Target.ORTHANC), ratio(r, Target.STORESCP), r.note()));
            } else {
                System.out.println(String.format(Locale.ROOT, "%-9s | %-8s | %9s | %8s | %11s | %8s | %10s | %11s | FAILED: %s",
                        r.target().id, r.variant(), "-", "-", "-", "-", "-", "-", r.failure()));
            }
        }
        if (results.stream().anyMatch(r -> r.target().isHub())) {
            System.out.println();
            System.out.println("Goals: hub >= 2.0x Orthanc instances/s, hub >= 0.8x storescp instances/s");
            for (Result r : results) {
                if (r.target().isHub()) {
                    System.out.println("  " + r.target().id + " " + r.variant() + ": "
                            + verdict(r, Target.ORTHANC, 2.0) + "; " + verdict(r, Target.STORESCP, 0.8));
                }
            }
        }
        if (!bigResults.isEmpty()) {
            System.out.println();
            System.out.println("Single large instance (storescu, one association)");
            for (BigResult b : bigResults) {
                String who = b.target().id + (b.heap() != null ? " -Xmx" + b.heap() : "");
                String rss = b.peakRssKb().isPresent()
                        ? String.format(Locale.ROOT, "%.0f MB", b.peakRssKb().getAsLong() * 1024 / MB) : "n/a";
                if (b.ok()) {
                    System.out.println(String.format(Locale.ROOT,
                            "  %-20s %.1f MB: success in %.2f s, %.1f MB/s, server peak RSS (VmHWM) %s", who,
                            b.bytes() / MB, b.seconds(), b.bytes() / MB / b.seconds(), rss));
                } else {
                    System.out.println(String.format(Locale.ROOT, "  %-20s %.1f MB: FAILED: %s (peak RSS %s)", who,
                            b.bytes() / MB, b.failure(), rss));
                }
            }
        }
    }

    private Optional<Result> find(Target target, String variant) {
        return results.stream().filter(r -> r.target() == target && r.variant().equals(variant)).findFirst();
    }

    private String ratio(Result hub, Target peer) {
        if (!hub.target().isHub()) {
            return "";
        }
        return find(peer, hub.variant()).filter(Result::ok)
                .map(p -> String.format(Locale.ROOT, "%.2fx", hub.perSecond() / p.perSecond())).orElse("n/a");
    }

    private String verdict(Result hub, Target peer, double goal) {
        Optional<Result> p = find(peer, hub.variant()).filter(Result::ok);
        if (!hub.ok() || p.isEmpty()) {
            return "vs " + peer.id + " n/a";
        }
        double x = hub.perSecond() / p.get().perSecond();
        return String.format(Locale.ROOT, "%.2fx %s (%s)", x, peer.id, x >= goal ? "met" : "NOT met");
    }

    private void printMachineAndVersions() throws IOException, InterruptedException {
        System.out.println("Huizhen ingest benchmark");
        String cpu = "unknown";
        long memKb = 0;
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
            memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
        } catch (IOException e) {
            System.out.println("(could not read /proc: " + e.getMessage() + ")");
        }
        System.out.printf(Locale.ROOT, "Machine: %d cores (%s), %.1f GiB memory, %s %s%n",
                Runtime.getRuntime().availableProcessors(), cpu, memKb / 1024.0 / 1024.0,
                System.getProperty("os.name"), System.getProperty("os.version"));
        System.out.println("Bench JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version());
        System.out.println("storescu/storescp: " + firstLine(capture(Duration.ofSeconds(10), "storescp", "--version")));
        if (options.targets().contains(Target.ORTHANC)) {
            System.out.println("Orthanc: " + firstLine(capture(Duration.ofSeconds(10), "Orthanc", "--version")));
        }
        if (options.targets().contains(Target.HUB_PG)) {
            Capture pg = capture(Duration.ofSeconds(10), "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test",
                    "-tAc", "show server_version");
            System.out.println("PostgreSQL: " + (pg.exit() == 0 ? pg.output().strip() : "unavailable: " + firstLine(pg)));
        }
        if (options.targets().contains(Target.HUB_H2) || options.targets().contains(Target.HUB_PG)) {
            String hub;
            if (options.hubUnavailable().isPresent()) {
                hub = "unavailable: " + options.hubUnavailable().get();
            } else if (!Files.isRegularFile(options.hubJar())) {
                hub = "jar not found: " + options.hubJar();
            } else {
                hub = firstLine(capture(Duration.ofSeconds(30), javaBinary(), "-jar", options.hubJar().toString(),
                        "--version"));
            }
            System.out.println("Hub: " + hub + " (JVM " + javaBinary() + ")");
        }
        System.out.println("Work directory: " + options.work() + (options.deleteWorkAtEnd() ? " (deleted at exit)" : ""));
    }

    static String firstLine(Capture c) {
        return c.output().lines().filter(l -> !l.isBlank()).findFirst().orElse("(no output, exit " + c.exit() + ")")
                .replace("$", "").strip();
    }

    /** Checks a generated file with DCMTK's dcmdump: it must parse and contain {@code expect}. */
    static void checkWithDcmdump(Path file, String expect) throws IOException, InterruptedException {
        Capture c = capture(Duration.ofSeconds(60), "dcmdump", "-q", "-M", file.toString());
        if (c.exit() != 0 || !c.output().contains(expect)) {
            throw new IllegalStateException("dcmdump rejects generated file " + file + " (exit " + c.exit() + "): "
                    + c.output().lines().limit(5).toList());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Options

    record Options(int instances, boolean skipBig, Path work, boolean deleteWorkAtEnd, Set<Target> targets,
            Path hubJar, Optional<String> hubUnavailable, String hubXmx, int bigFrames, int repeat, int warmup,
            boolean help) {
        static final String USAGE = """
                usage: bench/run-ingest.sh [--instances N] [--skip-big] [--work DIR]
                                           [--targets hub-h2,hub-pg,storescp,orthanc] [--repeat N]
                                           [--hub-xmx SIZE] [--big-frames N] [--warmup N]
                  --instances N   CT instances in the data set (default 1000; 100 per study)
                  --skip-big      do not run the single >= 1 GiB instance
                  --work DIR      work directory; generated data is cached there between runs
                                  (default: a temporary directory deleted at exit)
                  --targets LIST  which targets to run (default all four)
                  --repeat N      runs per target and variant, each on a fresh target; the median is
                                  reported (default 3)
                  --hub-xmx SIZE  hub heap for the throughput runs (default 1g; the big instance always uses 256m)
                  --big-frames N  frames of the big instance (default 2048 = 1 GiB of pixel data)
                  --warmup N      instances of a separate data set (other UIDs) sent to every target over
                                  one association before the timed run, untimed, so a JVM target is
                                  measured warm as it runs in production (default 200; 0 = none)
                """;

        static Options parse(String[] args) throws IOException {
            int instances = 1000;
            boolean skipBig = false;
            Path work = null;
            Set<Target> targets = EnumSet.allOf(Target.class);
            Path hubJar = Path.of("hub-server/target/huizhen.jar");
            Optional<String> hubUnavailable = Optional.empty();
            String hubXmx = "1g";
            int bigFrames = 2048;
            int repeat = 3;
            int warmup = 200;
            boolean help = false;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--instances" -> instances = positive(a, value(args, ++i, a));
                    case "--skip-big" -> skipBig = true;
                    case "--work" -> work = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--targets" -> {
                        targets = EnumSet.noneOf(Target.class);
                        for (String t : value(args, ++i, a).split(",")) {
                            if (!t.isBlank()) {
                                targets.add(Target.byId(t.strip()));
                            }
                        }
                    }
                    case "--hub-jar" -> hubJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                    case "--hub-unavailable" -> hubUnavailable = Optional.of(value(args, ++i, a));
                    case "--hub-xmx" -> hubXmx = value(args, ++i, a);
                    case "--big-frames" -> bigFrames = positive(a, value(args, ++i, a));
                    case "--repeat" -> repeat = positive(a, value(args, ++i, a));
                    case "--warmup" -> warmup = Integer.parseInt(value(args, ++i, a));
                    case "-h", "--help" -> help = true;
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            boolean temp = work == null;
            if (temp && !help) {
                work = Files.createTempDirectory("huizhen-bench-");
            }
            return new Options(instances, skipBig, work, temp, targets, hubJar, hubUnavailable, hubXmx, bigFrames,
                    repeat, warmup, help);
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

    // ---------------------------------------------------------------------------------------------
    // Test data

    /** A generated data set on disk; cached in the work directory behind a completion marker. */
    record Dataset(Path root, List<Path> files, int studies, long bytes) {
        static final int PER_STUDY = 100;

        static Dataset ensureCtSeries(Path dataDir, int instances) throws IOException {
            return ensureCtSeries(dataDir, instances, 0, "ct-");
        }

        /**
         * @param firstStudy study number of the first study; data sets with different first studies
         *                   share no UID (the warm-up set uses studies from 900 on)
         */
        static Dataset ensureCtSeries(Path dataDir, int instances, int firstStudy, String prefix) throws IOException {
            return ensureCtSeries(dataDir, instances, firstStudy, prefix, SyntheticCt.SIZE);
        }

        /** As above with {@code size}×{@code size} slices (below 512: JIT warm-up instances, see writeSlice). */
        static Dataset ensureCtSeries(Path dataDir, int instances, int firstStudy, String prefix, int size)
                throws IOException {
            return ensureCtSeries(dataDir, instances, firstStudy, prefix, size, size != SyntheticCt.SIZE);
        }

        /** As above; {@code warmOnly}: patient, date and accession that no benchmark query matches. */
        static Dataset ensureCtSeries(Path dataDir, int instances, int firstStudy, String prefix, int size,
                                      boolean warmOnly) throws IOException {
            Path root = dataDir.resolve(prefix + instances);
            Path marker = dataDir.resolve(prefix + instances + ".complete");
            int studies = (instances + PER_STUDY - 1) / PER_STUDY;
            if (!Files.exists(marker) || !Files.readString(marker).equals(SyntheticCt.VERSION)) {
                deleteTree(root);
                long t0 = System.nanoTime();
                System.out.printf("%nGenerating %d CT instances into %s ...%n", instances, root);
                IntStream.range(0, instances).parallel().forEach(n -> {
                    int study = n / PER_STUDY;
                    int inStudy = Math.min(PER_STUDY, instances - study * PER_STUDY);
                    Path f = root.resolve(String.format("study-%02d/ct-%04d.dcm", study, n % PER_STUDY));
                    try {
                        Files.createDirectories(f.getParent());
                        SyntheticCt.writeSlice(f, firstStudy + study, n % PER_STUDY, inStudy, size, warmOnly);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Files.writeString(marker, SyntheticCt.VERSION);
                System.out.printf(Locale.ROOT, "Generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            List<Path> files;
            try (Stream<Path> s = Files.walk(root)) {
                files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
            }
            if (files.size() != instances) {
                throw new IllegalStateException("data set " + root + " has " + files.size() + " files, expected "
                        + instances + "; delete it to regenerate");
            }
            long bytes = 0;
            for (Path f : files) {
                bytes += Files.size(f);
            }
            return new Dataset(root, files, studies, bytes);
        }

        /** Reads every file once so that no target pays for the first read from disk. */
        void warmPageCache() throws IOException {
            byte[] buffer = new byte[1 << 16];
            for (Path f : files) {
                try (var in = Files.newInputStream(f)) {
                    while (in.read(buffer) >= 0) {
                        // reading is the point
                    }
                }
            }
        }

        static Path ensureBigInstance(Path dataDir, int frames) throws IOException {
            Path file = dataDir.resolve("big-" + frames + ".dcm");
            Path marker = dataDir.resolve("big-" + frames + ".complete");
            if (!Files.exists(marker) || !Files.readString(marker).equals(SyntheticCt.VERSION)) {
                Files.createDirectories(dataDir);
                long t0 = System.nanoTime();
                System.out.printf("%nGenerating the %d-frame instance into %s ...%n", frames, file);
                SyntheticCt.writeMultiFrame(file, frames);
                Files.writeString(marker, SyntheticCt.VERSION);
                System.out.printf(Locale.ROOT, "Generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            }
            return file;
        }
    }

    /**
     * Test-data fabricator: writes synthetic CT slices (CT Image Storage) and one multi-frame
     * grayscale word secondary capture volume as DICOM Part 10 files in Explicit VR Little Endian
     * (PS3.10 7.1 file meta information, PS3.5 7.1.2 element encoding, PS3.5 6.2 value padding).
     * The header is a fixed template with realistic values; the pixels are a noisy chest phantom
     * (air, fat, soft tissue, lungs, spine), stored unsigned 12 of 16 bits with rescale -1024.
     * UIDs are PS3.5 B.2 "2.25." UUID-derived, deterministic per data set position.
     */
    static final class SyntheticCt {
        static final String VERSION = "huizhen-bench-synthetic-ct-2";
        static final String CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2";
        static final String MF_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3";
        static final String EXPLICIT_VR_LE = "1.2.840.10008.1.2.1";
        static final String IMPLEMENTATION_UID = uid("implementation");
        static final int SIZE = 512;
        static final int FRAME_BYTES = SIZE * SIZE * 2;
        /** Patients: pinyin and ideographic groups of a PN in ISO_IR 192 (UTF-8). */
        static final String[][] PATIENTS = {
            {"WANG^FANG", "王^芳", "F"}, {"LI^WEI", "李^伟", "M"}, {"ZHANG^MIN", "张^敏", "F"},
            {"LIU^YANG", "刘^洋", "M"}, {"CHEN^JING", "陈^静", "F"}, {"YANG^LEI", "杨^磊", "M"},
            {"ZHAO^LI", "赵^丽", "F"}, {"HUANG^QIANG", "黄^强", "M"}, {"ZHOU^JUN", "周^军", "M"},
            {"WU^XIA", "吴^霞", "F"}};
        static final double SPACING_MM = 0.703125;
        static final double THICKNESS_MM = 2.5;

        private SyntheticCt() {
        }

        static String uid(String name) {
            UUID u = UUID.nameUUIDFromBytes(("huizhen-bench/" + name).getBytes(StandardCharsets.UTF_8));
            BigInteger v = new BigInteger(1, java.nio.ByteBuffer.allocate(16)
                    .putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
            return "2.25." + v;
        }

        static void writeSlice(Path file, int study, int index, int slices) throws IOException {
            writeSlice(file, study, index, slices, SIZE);
        }

        /**
         * One CT slice of {@code size}×{@code size} pixels. Below {@link #SIZE} it is a JIT warm-up
         * instance: the same header layout, zero pixels, and a patient, date and accession number
         * that no benchmark query matches (so it never changes an expected QIDO count).
         */
        static void writeSlice(Path file, int study, int index, int slices, int size) throws IOException {
            writeSlice(file, study, index, slices, size, size != SIZE);
        }

        /** As above; {@code warmOnly}: patient, date and accession that no benchmark query matches. */
        static void writeSlice(Path file, int study, int index, int slices, int size, boolean warmOnly)
                throws IOException {
            String sop = uid("study/" + study + "/sop/" + index);
            Element out = new Element();
            patientStudySeries(out, study, CT_IMAGE_STORAGE, sop, "CT", "AXIAL 2.5mm", warmOnly);
            double z = -index * THICKNESS_MM;
            out.str(0x00180015, "CS", "CHEST");
            out.str(0x00180050, "DS", "2.5");
            out.str(0x00180060, "DS", "120");
            out.str(0x00185100, "CS", "HFS");
            studySeriesIds(out, study);
            out.str(0x00200013, "IS", String.valueOf(index + 1));
            double origin = -SPACING_MM * size / 2;
            out.str(0x00200032, "DS", fmt(origin) + "\\" + fmt(origin) + "\\" + fmt(z));
            out.str(0x00200037, "DS", "1\\0\\0\\0\\1\\0");
            out.str(0x00200052, "UI", uid("study/" + study + "/frame-of-reference"));
            out.str(0x00201041, "DS", fmt(z));
            imagePixel(out, 1, size);
            out.str(0x00281050, "DS", "40");
            out.str(0x00281051, "DS", "400");
            out.str(0x00281052, "DS", "-1024");
            out.str(0x00281053, "DS", "1");
            out.str(0x00281054, "LO", "HU");
            out.header(0x7FE00010, "OW", size * size * 2);
            byte[] pixels = new byte[size * size * 2];
            if (size == SIZE) {
                phantom(pixels, slices <= 1 ? 0.5 : index / (double) (slices - 1), 31L * study + index);
            }
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                writeFileStart(os, CT_IMAGE_STORAGE, sop);
                out.writeTo(os);
                os.write(pixels);
            }
        }

        /** Streams a multi-frame volume to disk one frame at a time (never whole in memory). */
        static void writeMultiFrame(Path file, int frames) throws IOException {
            String sop = uid("big/" + frames + "/sop");
            Element out = new Element();
            patientStudySeries(out, 99, MF_GRAYSCALE_WORD_SC, sop, "CT", "VOLUME " + frames + " frames", false);
            out.str(0x00180015, "CS", "CHEST");
            out.str(0x00181063, "DS", "1");
            studySeriesIds(out, 99);
            out.str(0x00200013, "IS", "1");
            imagePixel(out, frames, SIZE);
            out.str(0x00281050, "DS", "40");
            out.str(0x00281051, "DS", "400");
            out.str(0x00281052, "DS", "-1024");
            out.str(0x00281053, "DS", "1");
            out.str(0x00281054, "LO", "US");
            long pixelBytes = (long) FRAME_BYTES * frames;
            if (pixelBytes > 0xFFFFFFFEL) {
                throw new IllegalArgumentException("pixel data of " + frames + " frames exceeds a 32-bit length");
            }
            out.header(0x7FE00010, "OW", pixelBytes);
            Path tmp = file.resolveSibling(file.getFileName() + ".part");
            byte[] frame = new byte[FRAME_BYTES];
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 1 << 20)) {
                writeFileStart(os, MF_GRAYSCALE_WORD_SC, sop);
                out.writeTo(os);
                for (int f = 0; f < frames; f++) {
                    phantom(frame, frames == 1 ? 0.5 : f / (double) (frames - 1), 7919L * f + 1);
                    os.write(frame);
                }
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        /** Preamble, "DICM" and the file meta group (PS3.10 7.1), always Explicit VR LE. */
        private static void writeFileStart(OutputStream os, String sopClass, String sop) throws IOException {
            Element meta = new Element();
            meta.bytes(0x00020001, "OB", new byte[] {0, 1});
            meta.str(0x00020002, "UI", sopClass);
            meta.str(0x00020003, "UI", sop);
            meta.str(0x00020010, "UI", EXPLICIT_VR_LE);
            meta.str(0x00020012, "UI", IMPLEMENTATION_UID);
            meta.str(0x00020013, "SH", "HZBENCH_1");
            Element group = new Element();
            group.ul(0x00020000, meta.length());
            os.write(new byte[128]);
            os.write("DICM".getBytes(StandardCharsets.US_ASCII));
            group.writeTo(os);
            meta.writeTo(os);
        }

        private static void patientStudySeries(Element out, int study, String sopClass, String sop, String modality,
                String seriesDescription, boolean warmOnly) {
            String[] patient = warmOnly ? new String[] {"JIT^WARMUP", "预^热", "O"} : PATIENTS[study % PATIENTS.length];
            String date = warmOnly ? "20250101" : String.format("202611%02d", 1 + study % 28);
            out.str(0x00080005, "CS", "ISO_IR 192");
            out.str(0x00080008, "CS", sopClass.equals(CT_IMAGE_STORAGE)
                    ? "ORIGINAL\\PRIMARY\\AXIAL" : "DERIVED\\SECONDARY");
            out.str(0x00080012, "DA", date);
            out.str(0x00080013, "TM", "093000");
            out.str(0x00080016, "UI", sopClass);
            out.str(0x00080018, "UI", sop);
            out.str(0x00080020, "DA", date);
            out.str(0x00080021, "DA", date);
            out.str(0x00080022, "DA", date);
            out.str(0x00080023, "DA", date);
            out.str(0x00080030, "TM", "091500");
            out.str(0x00080031, "TM", "092000");
            out.str(0x00080033, "TM", "093000");
            out.str(0x00080050, "SH", String.format(warmOnly ? "JIT%07d" : "ACC%07d", 2026000 + study));
            out.str(0x00080060, "CS", modality);
            if (!sopClass.equals(CT_IMAGE_STORAGE)) {
                out.str(0x00080064, "CS", "WSD");
            }
            out.str(0x00080070, "LO", "HUIZHEN BENCH PHANTOM");
            out.str(0x00080080, "LO", "Qingshan Township Health Centre");
            out.str(0x00080090, "PN", "SUN^HAO=孙^浩");
            out.str(0x00081030, "LO", "CT CHEST PLAIN");
            out.str(0x0008103E, "LO", seriesDescription);
            out.str(0x00100010, "PN", patient[0] + "=" + patient[1]);
            out.str(0x00100020, "LO", String.format("QS%06d", 100 + study));
            out.str(0x00100030, "DA", String.format("19%02d%02d%02d", 40 + study * 3 % 50, 1 + study % 12, 1 + study % 28));
            out.str(0x00100040, "CS", patient[2]);
        }

        private static void studySeriesIds(Element out, int study) {
            out.str(0x0020000D, "UI", uid("study/" + study));
            out.str(0x0020000E, "UI", uid("study/" + study + "/series/1"));
            out.str(0x00200010, "SH", String.valueOf(1000 + study));
            out.str(0x00200011, "IS", "1");
        }

        private static void imagePixel(Element out, int frames, int size) {
            out.us(0x00280002, 1);
            out.str(0x00280004, "CS", "MONOCHROME2");
            if (frames > 1) {
                out.str(0x00280008, "IS", String.valueOf(frames));
                out.tagValue(0x00280009, 0x00181063);
            }
            out.us(0x00280010, size);
            out.us(0x00280011, size);
            if (frames == 1) {
                out.str(0x00280030, "DS", fmt(SPACING_MM) + "\\" + fmt(SPACING_MM));
            }
            out.us(0x00280100, 16);
            out.us(0x00280101, 12);
            out.us(0x00280102, 11);
            out.us(0x00280103, 0);
        }

        private static String fmt(double v) {
            String s = String.format(Locale.ROOT, "%.6f", v).replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }

        /**
         * Fills one 512x512 frame (little-endian unsigned 16-bit, stored value = HU + 1024, clamped
         * to 12 bits) with a chest phantom at height {@code t} in [0,1] plus approximately Gaussian
         * noise (sum of four uniforms, σ 12 HU in the body, 4 HU in air).
         */
        static void phantom(byte[] out, double t, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            double lung = 0.25 + 0.75 * Math.sin(Math.PI * t);
            double heart = t > 0.3 && t < 0.8 ? 45 * Math.sin(Math.PI * (t - 0.3) / 0.5) : 0;
            int k = 0;
            for (int y = 0; y < SIZE; y++) {
                double dy = (y - 270) / 150.0;
                for (int x = 0; x < SIZE; x++) {
                    double dx = (x - 256) / 200.0;
                    double body = dx * dx + dy * dy;
                    int hu;
                    double sigma;
                    if (body > 1) {
                        hu = y >= 440 && y < 448 && Math.abs(x - 256) < 220 ? 150 : -1000;
                        sigma = 4;
                    } else {
                        sigma = 12;
                        hu = body > 0.8 ? -100 : 40;
                        double lx = (Math.abs(x - 256) - 85) / (60.0 * lung);
                        double ly = (y - 250) / (95.0 * lung);
                        if (lx * lx + ly * ly <= 1) {
                            hu = -850;
                        }
                        double hx = x - 280;
                        double hy = y - 235;
                        if (hx * hx + hy * hy <= heart * heart) {
                            hu = 50;
                        }
                        double sx = x - 256;
                        double sy = y - 375;
                        double s2 = sx * sx + sy * sy;
                        if (s2 <= 22 * 22) {
                            hu = s2 <= 8 * 8 ? 20 : 700;
                        }
                    }
                    long r = random.nextLong();
                    long sum = (r & 0xFFFF) + ((r >>> 16) & 0xFFFF) + ((r >>> 32) & 0xFFFF) + (r >>> 48);
                    // Sum of four uniform 16-bit values: mean 131070, standard deviation ~37837.
                    int v = (int) Math.round(hu + 1024 + (sum - 131070) * sigma / 37837.0);
                    v = Math.max(0, Math.min(4095, v));
                    out[k++] = (byte) v;
                    out[k++] = (byte) (v >>> 8);
                }
            }
        }
    }

    /**
     * Encodes data elements in Explicit VR Little Endian (PS3.5 7.1.2): 2-byte VR, then a 2-byte
     * length, or for OB/OW/OF/OD/OL/OV/SQ/UC/UR/UT/UN/SV/UV two reserved bytes and a 4-byte length.
     * Values are padded to even length, UI with NUL and text with a space (PS3.5 6.2). Tags must be
     * written in ascending order (PS3.5 7.1), which this class checks.
     */
    static final class Element {
        private static final Set<String> LONG_VRS =
                Set.of("OB", "OW", "OF", "OD", "OL", "OV", "SQ", "UC", "UR", "UT", "UN", "SV", "UV");
        private byte[] buf = new byte[2048];
        private int len;
        private long lastTag = -1;

        void str(int tag, String vr, String value) {
            byte[] b = value.getBytes(StandardCharsets.UTF_8);
            int padded = b.length + (b.length & 1);
            header(tag, vr, padded);
            put(b);
            if ((b.length & 1) != 0) {
                u8(vr.equals("UI") ? 0 : ' ');
            }
        }

        void us(int tag, int value) {
            header(tag, "US", 2);
            u16(value);
        }

        void ul(int tag, long value) {
            header(tag, "UL", 4);
            u32(value);
        }

        void tagValue(int tag, int value) {
            header(tag, "AT", 4);
            u16(value >>> 16);
            u16(value & 0xFFFF);
        }

        void bytes(int tag, String vr, byte[] value) {
            if ((value.length & 1) != 0) {
                throw new IllegalArgumentException("odd length binary value");
            }
            header(tag, vr, value.length);
            put(value);
        }

        void header(int tag, String vr, long length) {
            long unsigned = tag & 0xFFFFFFFFL;
            if (unsigned <= lastTag) {
                throw new IllegalStateException(String.format("tag %08X written after %08X", unsigned, lastTag));
            }
            lastTag = unsigned;
            u16(tag >>> 16);
            u16(tag & 0xFFFF);
            u8(vr.charAt(0));
            u8(vr.charAt(1));
            if (LONG_VRS.contains(vr)) {
                u16(0);
                u32(length);
            } else {
                if (length > 0xFFFF) {
                    throw new IllegalArgumentException(vr + " value too long: " + length);
                }
                u16((int) length);
            }
        }

        long length() {
            return len;
        }

        void writeTo(OutputStream os) throws IOException {
            os.write(buf, 0, len);
        }

        private void u8(int v) {
            ensure(1);
            buf[len++] = (byte) v;
        }

        private void u16(int v) {
            u8(v);
            u8(v >>> 8);
        }

        private void u32(long v) {
            u16((int) (v & 0xFFFF));
            u16((int) ((v >>> 16) & 0xFFFF));
        }

        private void put(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        private void ensure(int n) {
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            }
        }
    }
}
