package org.huizhen.hub;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.huizhen.dicom.data.UID;
import org.huizhen.dicom.io.DecodeLimits;
import org.huizhen.dicom.io.TransferSyntax;
import org.huizhen.dicom.net.DicomServer;
import org.huizhen.dicom.net.DicomServerConfig;
import org.huizhen.dicom.net.TlsConfig;
import org.huizhen.dicom.net.assoc.AssociationDecision;
import org.huizhen.dicom.net.assoc.AssociationPolicy;
import org.huizhen.dicom.net.service.DicomServices;
import org.huizhen.hub.cli.VersionCommand;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.ecg.EcgDicomEncoder;
import org.huizhen.hub.ecg.EcgRoutes;
import org.huizhen.hub.ecg.EcgService;
import org.huizhen.hub.ingest.IngestPipeline;
import org.huizhen.hub.ingest.IngestService;
import org.huizhen.hub.ingest.InstanceIndexer;
import org.huizhen.hub.query.QueryRetrieveService;
import org.huizhen.hub.security.AeRegistry;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.HubKeys;
import org.huizhen.hub.security.Role;
import org.huizhen.hub.security.TokenIssuer;
import org.huizhen.hub.web.HealthHandler;
import org.huizhen.hub.web.ViewerRoutes;
import org.huizhen.hub.web.dicomweb.DicomWebContext;
import org.huizhen.hub.web.dicomweb.DicomWebCors;
import org.huizhen.hub.web.dicomweb.DicomWebResponses;
import org.huizhen.hub.web.dicomweb.QidoRoutes;
import org.huizhen.hub.web.dicomweb.RenderedRoutes;
import org.huizhen.hub.web.dicomweb.StowRoutes;
import org.huizhen.hub.web.dicomweb.WadoAccess;
import org.huizhen.hub.web.dicomweb.WadoRoutes;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.Durability;
import org.huizhen.storage.RecoveryReport;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.blob.FileSystemBlobStore;
import org.huizhen.storage.index.IntegrityReport;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcEcgIndex;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One hub node: wires storage, the DICOM listener(s) and HTTP together in an explicit order
 * and takes them down in the reverse order.
 *
 * <p>Start: lock the data directory (one node per directory) → blob store, recovering temp
 * files of interrupted writes → index (migrations) → ingest journal replayed into the index →
 * integrity check in the background →
 * ECG service (hooked into ingest) → Vert.x → DICOM listener (+ TLS listener) on Vert.x's event
 * loops → HTTP. Stop: DICOM listeners (in-flight operations finish) → HTTP → Vert.x → ECG
 * screening → ingest → worker pool → index → blobs → lock.
 *
 * <p>Thread-safe: {@link #close()} may be called from a shutdown hook while requests run.
 */
public final class Hub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);
    /** Verification SOP Class (PS3.4 A.4). */
    private static final String VERIFICATION = "1.2.840.10008.1.1";
    /** Root of the storage SOP classes in PS3.4 B.5; classes newer than our dictionary still fall here. */
    private static final String STORAGE_ROOT = "1.2.840.10008.5.1.4.1.1.";

    /** Patient Root and Study Root Q/R FIND, MOVE, GET (PS3.4 C.6.1, C.6.2). */
    private static final java.util.Set<String> QUERY_RETRIEVE = java.util.Set.of(
            UID.FINDPatientRootQueryRetrieveInformationModel, UID.MOVEPatientRootQueryRetrieveInformationModel,
            UID.GETPatientRootQueryRetrieveInformationModel, UID.FINDStudyRootQueryRetrieveInformationModel,
            UID.MOVEStudyRootQueryRetrieveInformationModel, UID.GETStudyRootQueryRetrieveInformationModel);

    private final HubConfig config;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Path dataDir;
    private BlobStore blobs;
    private MetadataIndex index;
    /** The index as readers see it: waits for acknowledged instances to be indexed. */
    private MetadataIndex readIndex;
    private IngestService ingest;
    private EcgService ecg;
    private DicomServer dicom;
    private DicomServer dicomTls;
    private HttpServer http;
    private Vertx vertx;
    private volatile boolean closed;
    /** Printed by {@link #describe()} in demo mode only. */
    private String demoToken;

    private Hub(HubConfig config) {
        this.config = config;
        this.dataDir = config.hub().dataDir().toAbsolutePath().normalize();
    }

    /**
     * Starts a node. On failure everything already started is stopped again and the exception
     * says what failed.
     */
    public static Hub start(HubConfig config) throws Exception {
        Hub hub = new Hub(config);
        try {
            hub.startAll();
            return hub;
        } catch (Exception | Error e) {
            hub.close();
            throw e;
        }
    }

    private void startAll() throws Exception {
        Files.createDirectories(dataDir);
        lockDataDir();
        Durability durability = config.storage().fsync() ? Durability.FSYNC : Durability.NONE;
        long cacheBytes = config.storage().directBlobWrites()
                ? config.storage().blobCacheBytes(MemoryLimits.physicalMemory(), MemoryLimits.maxDirectMemory()) : 0;
        FileSystemBlobStore fsBlobs = new FileSystemBlobStore(dataDir.resolve("blobs"), durability,
                config.storage().directBlobWrites() ? FileSystemBlobStore.WriteMode.DIRECT
                        : FileSystemBlobStore.WriteMode.BUFFERED, cacheBytes);
        blobs = fsBlobs;
        String mode = fsBlobs.writeMode().name().toLowerCase(java.util.Locale.ROOT);
        LOG.info("blob store {}: {} writes{}", fsBlobs.root(), mode, fsBlobs.cacheCapacity() > 0
                ? ", recently stored blobs held in up to " + (fsBlobs.cacheCapacity() >> 20)
                        + " MiB of memory (storage.blob-cache: " + config.storage().blobCache() + ")" : "");
        toClose.add(0, blobs);
        RecoveryReport recovered = blobs.recover();
        if (recovered.tempFilesDeleted() > 0) {
            LOG.warn("start-up recovery: removed {} temporary file(s) ({} bytes) of interrupted writes",
                    recovered.tempFilesDeleted(), recovered.bytesDeleted());
        }
        HubConfig.Index ic = config.storage().index();
        var dataSource = ic.isPostgres()
                ? IndexDatabase.postgres(ic.url(), ic.user(), ic.password(), ic.schema())
                : IndexDatabase.h2(dataDir.resolve("index"));
        JdbcMetadataIndex jdbcIndex = JdbcMetadataIndex.open(dataSource, durability);
        index = jdbcIndex;
        toClose.add(0, index);
        checkIntegrityInBackground();

        ExecutorService workers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ingest-", 0).factory());
        toClose.add(0, () -> {
            workers.shutdown();
            workers.awaitTermination(30, TimeUnit.SECONDS);
        });
        IngestPipeline pipeline = IngestPipeline.open(dataDir, config.storage().fsync(), blobs, index,
                new InstanceIndexer(DecodeLimits.DEFAULT, undeclaredCharset()), workers);
        toClose.add(0, pipeline);
        ingest = pipeline.service();
        readIndex = pipeline.readView();
        // ECG records live in the index's database; DICOM ECGs arriving by C-STORE/STOW-RS are
        // screened as soon as they are journaled. Closed before the pipeline (added after it).
        ecg = new EcgService(config, blobs, readIndex, JdbcEcgIndex.on(jdbcIndex), ingest, EcgDicomEncoder.standard());
        toClose.add(0, ecg);
        ingest.onStored(ecg::instanceStored);

        vertx = org.huizhen.hub.web.LargeReadTransport.vertx();
        toClose.add(0, () -> vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));

        AeRegistry registry = new AeRegistry(config.institutions(), config.dicom().acceptAnyAe());
        java.util.Map<String, org.huizhen.dicom.net.service.MoveDestination> destinations = new java.util.HashMap<>();
        for (HubConfig.MoveDestination d : config.dicom().moveDestinations()) {
            destinations.put(d.aeTitle().trim(), org.huizhen.dicom.net.service.MoveDestination.of(d.aeTitle().trim(), d.host(), d.port()));
        }
        QueryRetrieveService qr = new QueryRetrieveService(index(), blobs, destinations);
        DicomServices services = DicomServices.builder().store(ingest).find(qr).move(qr).get(qr).build();
        dicom = DicomServer.start(dicomConfig(registry, vertx, config.dicom().port(), Optional.empty()), services);
        toClose.add(0, dicom);
        HubConfig.Tls tls = config.dicom().tls();
        if (tls != null && tls.enabled()) {
            List<Path> trusted = tls.trustedCertificates() == null || tls.trustedCertificates().isBlank()
                    ? List.of() : List.of(Path.of(tls.trustedCertificates()));
            TlsConfig tlsConfig = TlsConfig.pem(Path.of(tls.certificate()), Path.of(tls.privateKey()), trusted, tls.requireClientAuth());
            dicomTls = DicomServer.start(dicomConfig(registry, vertx, tls.port(), Optional.of(tlsConfig)), services);
            toClose.add(0, dicomTls);
        }

        Router router = Router.router(vertx);
        router.get("/health").handler(HealthHandler.create(this::health));
        // The browser viewer's static files are public; the viewer sends the bearer token to DICOMweb.
        ViewerRoutes.mount(router);
        // So is the ECG reading page's; it sends the token to /api/ecg.
        ViewerRoutes.mountEcgPage(router);
        // CORS preflight for browser viewers must be answered before authentication (it carries no token).
        DicomWebCors.mount(router, "/dicomweb");
        // --- auth (hub.security): every route added after this line needs a Bearer token or API
        // client credentials; GET /health above is the only open one.
        HubKeys keys = HttpAuth.hubKeys(config);
        router.route().handler(HttpAuth.create(config, keys));
        if (config.dicom().acceptAnyAe()) {
            demoToken = new TokenIssuer(config.auth(), keys, java.time.Clock.systemUTC()).issue("demo-reader",
                    AeRegistry.DEMO_INSTITUTION, Role.READER, List.of("user/*.read", "dicomweb.read"), Duration.ofHours(12));
        }
        // --- end auth
        // DICOMweb (PS3.18): STOW-RS, QIDO-RS, WADO-RS/URI; no BodyHandler: STOW-RS streams the request.
        DicomWebContext dw = dicomWebContext();
        StowRoutes.mount(router, dw);
        QidoRoutes.mount(router, dw, DicomWebResponses.leadHospitals(config));
        // /rendered, /thumbnail, and WADO-URI image requests (before WADO's application/dicom handler on /wado)
        RenderedRoutes.mount(router, dw, RenderedRoutes.leadHospitals(config));
        WadoRoutes.mount(router, dw, WadoAccess.fromConfig(config));
        // Tele-ECG: upload, the ECG's JSON, its 12-lead picture, the original file, the list
        EcgRoutes.mount(router, ecg, config.ecg().maxUploadBytes());
        // One HTTP server per event loop (up to the core count), all on the same port: Vert.x
        // hands each new connection to the next server, so concurrent requests (STOW-RS bodies
        // being parsed, WADO-RS parts being sent) run on every core instead of on one loop.
        int loops = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        List<HttpServer> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
        vertx.deployVerticle(new HttpVerticle(router, config.http().port(), config.http().bind(), servers))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        http = servers.get(0);
        if (loops > 1) {
            // Vert.x shares one listening socket among servers given the same host and port (also
            // port 0: they then share the first one's free port).
            vertx.deployVerticle(() -> new HttpVerticle(router, config.http().port(), config.http().bind(), servers),
                            new io.vertx.core.DeploymentOptions().setInstances(loops - 1))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        toClose.add(0, () -> {
            for (HttpServer s : servers) {
                s.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        });
    }

    /** One HTTP listener on its own event loop (a verticle instance gets one). */
    private static final class HttpVerticle extends io.vertx.core.AbstractVerticle {
        private final io.vertx.ext.web.Router router;
        private final int port;
        private final String bind;
        private final List<HttpServer> servers;

        HttpVerticle(io.vertx.ext.web.Router router, int port, String bind, List<HttpServer> servers) {
            this.router = router;
            this.port = port;
            this.bind = bind;
            this.servers = servers;
        }

        @Override
        public void start(io.vertx.core.Promise<Void> started) {
            // Request bodies arrive in pieces as large as the transport's reads (256 KiB) instead of
            // Vert.x's 8 KiB default: a STOW-RS instance of 0.5 MB is then ~3 writes to its blob, not ~64.
            vertx.createHttpServer(new io.vertx.core.http.HttpServerOptions()
                            .setMaxChunkSize(org.huizhen.hub.web.LargeReadTransport.READ_MAX))
                    .requestHandler(router)
                    .listen(port, bind)
                    .onSuccess(s -> {
                        servers.add(s);
                        started.complete();
                    })
                    .onFailure(started::fail);
        }
    }

    private DicomServerConfig dicomConfig(AeRegistry registry, Vertx vertx, int port, Optional<TlsConfig> tls) {
        Predicate<String> syntaxes = uid -> VERIFICATION.equals(uid) || UID.storageSopClasses().contains(uid)
                || uid.startsWith(STORAGE_ROOT) || QUERY_RETRIEVE.contains(uid);
        AssociationPolicy policy = rq -> registry.identify(rq.callingAe(), rq.remote().getAddress())
                .<AssociationDecision>map(AssociationDecision.Accept::new)
                .orElseGet(() -> {
                    LOG.info("association from {} at {} rejected: calling AE title not configured",
                            rq.callingAe(), rq.remote());
                    return AssociationDecision.Reject.CALLING_AE_NOT_RECOGNIZED;
                });
        DicomServerConfig.Builder b = DicomServerConfig.builder(config.dicom().aeTitle().trim())
                .bindHost(config.dicom().bind())
                .port(port)
                .abstractSyntaxes(syntaxes)
                .transferSyntaxes(TransferSyntax.all().stream().map(TransferSyntax::uid).toList())
                .strictCalledAe(config.dicom().strictCalledAe())
                .policy(policy)
                .maxPduLength(config.dicom().maxPduLength())
                .artimTimeout(Duration.ofSeconds(config.dicom().artimTimeoutSeconds()))
                .eventLoopGroup(vertx.nettyEventLoopGroup());
        tls.ifPresent(b::tls);
        return b.build();
    }

    private Optional<org.huizhen.dicom.data.SpecificCharacterSet> undeclaredCharset() {
        String term = config.dicom().defaultCharacterSet();
        return term == null || term.isBlank() ? Optional.empty()
                : Optional.of(org.huizhen.dicom.data.SpecificCharacterSet.valueOf(term.trim()));
    }

    private void lockDataDir() throws IOException {
        FileChannel ch = FileChannel.open(dataDir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            ch.close();
            throw new IllegalStateException("HZ-4002 data directory " + dataDir + " is in use by another hub process");
        }
        toClose.add(0, () -> {
            lock.release();
            ch.close();
        });
    }

    private void checkIntegrityInBackground() {
        Thread.ofVirtual().name("integrity-check").start(() -> {
            try {
                IntegrityReport r = index.verifyBlobs(blobs);
                if (r.clean()) {
                    LOG.info("integrity check: {} instance(s), every blob present", r.checked());
                } else {
                    LOG.error("HZ-2900 integrity check: {} instance(s) whose blob is missing are not served: {}",
                            r.missing().size(), r.missing().stream().limit(20).toList());
                }
            } catch (StorageException e) {
                if (!closed) {
                    LOG.error("integrity check failed", e);
                }
            }
        });
    }

    private JsonObject health() throws StorageException {
        return new JsonObject()
                .put("node", config.hub().nodeName())
                .put("version", VersionCommand.version())
                .put("instances", readIndex.instanceCount())
                .put("ingest", new JsonObject()
                        .put("success", ingest.stats().successes())
                        .put("warning", ingest.stats().warnings())
                        .put("failure", ingest.stats().failures()));
    }

    public int dicomPort() {
        return dicom.port();
    }

    public Optional<Integer> dicomTlsPort() {
        return Optional.ofNullable(dicomTls).map(DicomServer::port);
    }

    public int httpPort() {
        return http.actualPort();
    }

    /** What the DICOMweb routes need from this node (PS3.18 services under {@code /dicomweb}). */
    public DicomWebContext dicomWebContext() {
        return new DicomWebContext(vertx, readIndex, blobs, ingest, dataDir, "/dicomweb");
    }

    public HubConfig config() {
        return config;
    }

    /** The index; each read first waits until every acknowledged instance is indexed. */
    public MetadataIndex index() {
        return readIndex;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** The tele-ECG service (records, upload, render). */
    public EcgService ecg() {
        return ecg;
    }

    /** The lines {@code serve} prints once ready; tests parse the DICOM and HTTP lines. */
    public String describe() {
        String aet = config.dicom().aeTitle().trim();
        StringBuilder sb = new StringBuilder();
        sb.append("Huizhen Hub ").append(VersionCommand.version()).append(" (node ").append(config.hub().nodeName())
                .append(") is ready.\n");
        sb.append("  DICOM      AE ").append(aet).append(" on ").append(config.dicom().bind()).append(':').append(dicomPort()).append('\n');
        dicomTlsPort().ifPresent(p -> sb.append("  DICOM-TLS  AE ").append(aet).append(" on ")
                .append(config.dicom().bind()).append(':').append(p).append('\n'));
        sb.append("  HTTP       http://").append(config.http().bind()).append(':').append(httpPort()).append("/  (health: /health)\n");
        sb.append("  data       ").append(dataDir).append("  (index: ")
                .append(config.storage().index().isPostgres() ? "PostgreSQL " + config.storage().index().url() : "embedded H2")
                .append(", fsync ").append(config.storage().fsync() ? "on" : "OFF").append(")\n");
        long aes = config.institutions().stream().mapToLong(i -> i.aes().size()).sum();
        sb.append("  callers    ").append(config.dicom().acceptAnyAe() ? "any AE title (demo mode)"
                : aes + " AE title(s) of " + config.institutions().size() + " institution(s)");
        if (demoToken != null) {
            sb.append("\n  demo token (reader at institution demo, 12 h; send as 'Authorization: Bearer ...'):\n  ")
                    .append(demoToken);
        }
        return sb.toString();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error while stopping: {}", e.toString());
            }
        }
        toClose.clear();
    }
}
