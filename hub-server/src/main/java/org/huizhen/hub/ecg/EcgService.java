package org.huizhen.hub.ecg;

import io.netty.buffer.Unpooled;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.huizhen.dicom.ecg.Ecg;
import org.huizhen.dicom.ecg.EcgFormat;
import org.huizhen.dicom.ecg.EcgParseException;
import org.huizhen.dicom.ecg.EcgReaders;
import org.huizhen.dicom.ecg.measure.CriticalRules;
import org.huizhen.dicom.ecg.render.EcgRenderer;
import org.huizhen.dicom.io.DicomReader;
import org.huizhen.dicom.io.FileMetaInfo;
import org.huizhen.dicom.io.Part10File;
import org.huizhen.dicom.io.ReadOptions;
import org.huizhen.dicom.net.service.FlowControl;
import org.huizhen.hub.config.HubConfig;
import org.huizhen.hub.ingest.IngestService;
import org.huizhen.hub.ingest.UploadRequest;
import org.huizhen.hub.ingest.UploadResult;
import org.huizhen.hub.ingest.UploadSink;
import org.huizhen.hub.security.HttpAuth;
import org.huizhen.hub.security.Principal;
import org.huizhen.hub.web.dicomweb.WadoAccess;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.EcgIndex;
import org.huizhen.storage.index.EcgQuery;
import org.huizhen.storage.index.EcgRecord;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.Origin;
import org.huizhen.storage.index.Protocol;
import org.huizhen.storage.index.StoredInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ECG as a first-class result of the hub: stores uploaded ECG files, keeps one
 * {@link EcgRecord} per ECG, and serves the model, its picture and the original back.
 *
 * <p><b>Every ECG is a DICOM instance in the archive.</b> An uploaded DICOM ECG goes into the
 * archive as received (the same ingest path as C-STORE/STOW-RS, origin {@link Protocol#UPLOAD});
 * any other format (HL7 aECG, SCP-ECG, GE MUSE XML, Philips XML) is kept as received in the
 * content-addressed blob store, and a DICOM 12-lead / General ECG instance generated from the model
 * ({@link EcgDicomEncoder}) goes through ingest, so viewers, Q/R and DICOMweb serve every ECG.
 *
 * <p><b>Upload order</b> (DESIGN.md "Durability rule"): parse and validate the whole file (a bad
 * file stores nothing) → measure and screen → generate the DICOM instance (still nothing stored)
 * → original blob (fsync) → DICOM instance through {@code IngestService.beginUpload} (blob fsync +
 * journal fsync = acknowledged) → ECG row (commit + fsync) → the caller's 201. A crash before the
 * row leaves at most an unreferenced original blob and a complete DICOM ECG instance in the
 * archive: never an ECG record pointing at missing data. The generated UIDs derive from the file's
 * SHA-256 and the institution ({@link EcgUids}), so the client's retry of the same file finds (or
 * completes) the first attempt instead of making a second study.
 *
 * <p><b>DICOM ECGs arriving by C-STORE or STOW-RS</b> get their record right after they are
 * journaled ({@link #instanceStored}, hooked into {@code IngestService}; measured on this service's
 * own single screening thread, so ingest never waits for it), or, if that queue was full or the
 * hub stopped first, on the first {@code GET /api/ecg/{sopInstanceUid}}.
 *
 * <p>Critical screening uses {@code ecg.critical.*}; a flagged ECG is STAT and one audit line per
 * ECG names its flags (logger {@value HttpAuth#AUDIT_LOGGER}).
 *
 * <p>Threading: thread-safe. Every method except {@link #instanceStored} blocks (JDBC, files,
 * CPU-heavy parsing/measuring/rendering): call them off the event loop.
 */
public final class EcgService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EcgService.class);
    private static final Logger AUDIT = LoggerFactory.getLogger(HttpAuth.AUDIT_LOGGER);
    /** 12-Lead ECG and General ECG Waveform Storage (PS3.4 B.5, PS3.3 A.34.3/A.34.4). */
    public static final Set<String> ECG_SOP_CLASSES = Set.of("1.2.840.10008.5.1.4.1.1.9.1.1", "1.2.840.10008.5.1.4.1.1.9.1.2");
    /** Most DICOM ECGs waiting for their record after C-STORE/STOW-RS; beyond, they get it at first GET. */
    static final int SCREEN_QUEUE = 10_000;
    private static final long INGEST_WAIT_SECONDS = 120;
    private static final FlowControl NO_FLOW = new FlowControl() {
        @Override
        public void pause() {
            // the whole file is already in memory: nothing to slow down
        }

        @Override
        public void resume() {
        }
    };

    private final HubConfig config;
    private final BlobStore blobs;
    private final MetadataIndex index;
    private final EcgIndex ecgs;
    private final IngestService ingest;
    private final EcgDicomEncoder encoder;
    private final CriticalRules rules;
    private final WadoAccess access;
    private final ThreadPoolExecutor screening;

    /**
     * @param index the index as readers see it (acknowledged instances included)
     */
    public EcgService(HubConfig config, BlobStore blobs, MetadataIndex index, EcgIndex ecgs, IngestService ingest,
                      EcgDicomEncoder encoder) {
        this.config = config;
        this.blobs = blobs;
        this.index = index;
        this.ecgs = ecgs;
        this.ingest = ingest;
        this.encoder = encoder;
        this.rules = EcgAnalysis.rules(config.ecg().critical());
        this.access = WadoAccess.fromConfig(config);
        this.screening = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(SCREEN_QUEUE),
                Thread.ofPlatform().daemon().name("ecg-screen").factory(),
                (task, pool) -> LOG.warn("ECG screening {}; the ECG gets its record at its first GET",
                        pool.isShutdown() ? "stopped" : "queue full"));
    }

    /** The critical rules in force. */
    public CriticalRules rules() {
        return rules;
    }

    /** Who may read what: a clinic its own ECGs, a lead hospital everything. */
    public WadoAccess access() {
        return access;
    }

    /**
     * An upload's result.
     *
     * @param record  the ECG record
     * @param created true if stored by this call, false if the same file had been stored before
     */
    public record Stored(EcgRecord record, boolean created) {
    }

    /**
     * Stores one uploaded ECG file (see the class comment for the order). Returns once the original,
     * the DICOM instance and the record are durable.
     *
     * @param fileName the sender's file name, helps format detection
     * @throws EcgProblem HZ-7001..7005 for a file the readers refuse (nothing stored), HZ-7011 when
     *     ingest refuses the DICOM instance, HZ-7004 when the DICOM writer cannot express it, HZ-7099 storage failure
     */
    public Stored upload(byte[] file, Optional<String> fileName, Principal who, Optional<String> remoteHost)
            throws EcgProblem {
        Ecg ecg;
        try {
            ecg = EcgReaders.read(file, fileName.orElse(null));
        } catch (EcgParseException e) {
            LOG.info("ECG upload {} from {}@{} refused: {}", fileName.orElse("(no name)"), who.subject(), who.institution(),
                    e.getMessage());
            throw EcgProblem.of(e);
        } catch (RuntimeException e) {
            // a reader bug must not become a 500 with a stack trace for the client, nor store anything
            LOG.error("HZ-7002 ECG reader failed on {} from {}", fileName.orElse("(no name)"), who.institution(), e);
            throw new EcgProblem(400, "HZ-7002", "the file could not be read: " + e);
        }
        EcgAnalysis analysis = EcgAnalysis.of(ecg, rules);
        try {
            return ecg.format() == EcgFormat.DICOM
                    ? storeDicom(file, analysis, who, remoteHost)
                    : storeOther(file, fileName, analysis, who, remoteHost);
        } catch (StorageException | IOException e) {
            LOG.error("HZ-7099 storing an ECG from {} failed", who.institution(), e);
            throw new EcgProblem(500, "HZ-7099", "could not store the ECG: " + e.getMessage());
        }
    }

    private Stored storeOther(byte[] file, Optional<String> fileName, EcgAnalysis analysis, Principal who,
                              Optional<String> remoteHost) throws EcgProblem, StorageException, IOException {
        BlobId originalId = BlobId.ofDigest(sha256(file));
        EcgDicomEncoder.Identity ids = EcgUids.forUpload(who.institution(), originalId, institutionName(who.institution()));
        Optional<EcgRecord> existing = ecgs.find(ids.sopInstanceUid());
        if (existing.isPresent()) {
            return new Stored(existing.get(), false);
        }
        byte[] part10;
        try {
            part10 = encoder.encode(analysis.ecg(), ids);
        } catch (EcgParseException e) {
            throw EcgProblem.of(e);
        } catch (IllegalArgumentException e) {
            // the model does not fit a DICOM ECG waveform (e.g. more channels than an IOD allows)
            throw new EcgProblem(422, "HZ-7004", "the ECG cannot be written as a DICOM ECG object: " + e.getMessage());
        }
        BlobId stored = writeBlob(file);
        InstanceRecord instance = ingestPart10(part10, who.institution(), remoteHost);
        EcgRecord r = record(analysis, instance.instance().sopInstanceUid(), instance.study().studyInstanceUid(),
                instance.series().seriesInstanceUid(), who.institution(), Optional.of(stored),
                Optional.of(analysis.ecg().format().mediaType()), fileName, Protocol.UPLOAD, Optional.of(who.subject()),
                remoteHost);
        return insert(r);
    }

    private Stored storeDicom(byte[] file, EcgAnalysis analysis, Principal who, Optional<String> remoteHost)
            throws EcgProblem, StorageException, IOException {
        InstanceRecord instance = ingestPart10(file, who.institution(), remoteHost);
        EcgRecord r = record(analysis, instance.instance().sopInstanceUid(), instance.study().studyInstanceUid(),
                instance.series().seriesInstanceUid(), who.institution(), Optional.empty(), Optional.empty(),
                Optional.empty(), Protocol.UPLOAD, Optional.of(who.subject()), remoteHost);
        Stored stored = insert(r);
        if (!stored.created() && !access.mayRead(who, stored.record().institutionId())) {
            // SOP Instance UIDs are global (PS3.5 9): the same instance already belongs to another
            // institution; its record is not this caller's to see
            throw new EcgProblem(409, "HZ-7017", "an ECG with SOP Instance UID " + r.id()
                    + " is already stored for another institution");
        }
        return stored;
    }

    private Stored insert(EcgRecord r) throws StorageException {
        boolean created = ecgs.insert(r);
        if (created) {
            audit(r);
        }
        return new Stored(created ? r : ecgs.find(r.id()).orElse(r), created);
    }

    /** Feeds a Part 10 file's data set through the C-STORE ingest path; returns once it is journaled. */
    private InstanceRecord ingestPart10(byte[] part10, String institution, Optional<String> remoteHost)
            throws EcgProblem, IOException {
        Part10File head = DicomReader.readPart10(new ByteArrayInputStream(part10), part10.length,
                ReadOptions.DEFAULT.withStopBeforePixelData(true));
        FileMetaInfo meta = head.meta();
        int offset = Math.toIntExact(head.dataSetOffset());
        UploadSink sink = ingest.beginUpload(new UploadRequest(meta.mediaStorageSopClassUid(),
                meta.mediaStorageSopInstanceUid(), meta.transferSyntaxUid(), institution, Protocol.UPLOAD,
                Optional.empty(), remoteHost, NO_FLOW, Optional.empty()));
        sink.data(Unpooled.wrappedBuffer(part10, offset, part10.length - offset));
        UploadResult result;
        try {
            result = sink.end().toCompletableFuture().get(INGEST_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EcgProblem(503, "HZ-7099", "interrupted while storing the DICOM instance");
        } catch (ExecutionException | TimeoutException e) {
            throw new EcgProblem(500, "HZ-7099", "storing the DICOM instance failed: " + e);
        }
        if (result.stored().isEmpty()) {
            String why = result.result().errorComment().orElse("status 0x" + Integer.toHexString(result.result().status()));
            LOG.error("HZ-7011 ingest refused the ECG's DICOM instance {}: {}", meta.mediaStorageSopInstanceUid(), why);
            throw new EcgProblem(500, "HZ-7011", "the archive refused the ECG's DICOM instance: " + why);
        }
        return result.stored().get();
    }

    private BlobId writeBlob(byte[] file) throws StorageException {
        BlobWriter w = blobs.create();
        try {
            w.write(file, 0, file.length);
            return w.commit();
        } finally {
            w.close();
        }
    }

    private EcgRecord record(EcgAnalysis a, String id, String study, String series, String institution,
                             Optional<BlobId> original, Optional<String> mediaType, Optional<String> fileName,
                             Protocol protocol, Optional<String> subject, Optional<String> remoteHost) {
        Ecg ecg = a.ecg();
        return new EcgRecord(id, study, series, institution, ecg.format().name(), original, mediaType,
                original.isPresent() ? fileName : Optional.empty(), Optional.ofNullable(ecg.acquired()),
                Optional.ofNullable(ecg.patient().id()).filter(s -> !s.isBlank()),
                Optional.ofNullable(ecg.patient().name()).filter(s -> !s.isBlank()), a.priority(),
                EcgJson.measurements(a).encode(), EcgJson.flags(a.flags()).encode(), capped(EcgJson.device(ecg)),
                // millisecond precision: what both databases keep, so the 201 answer equals every later GET
                EcgJson.summary(ecg).encode(), Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), protocol,
                subject, remoteHost);
    }

    /** The device's statements are free text of the device: keep the JSON within the column. */
    private static String capped(JsonObject device) {
        String s = device.encode();
        while (s.length() > EcgRecord.MAX_JSON_CHARS && !device.getJsonArray("statements").isEmpty()) {
            JsonArray st = device.getJsonArray("statements");
            st.remove(st.size() - 1);
            s = device.encode();
        }
        return s;
    }

    private void audit(EcgRecord r) {
        if (r.priority() == org.huizhen.storage.index.EcgPriority.STAT) {
            AUDIT.info("ecg-critical id={} institution={} patient={} origin={} by={} flags={}", r.id(), r.institutionId(),
                    r.patientId().orElse("-"), r.originProtocol(), r.originSubject().orElse("-"), r.criticalFlagsJson());
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * The record of ECG {@code id} if {@code who} may see it: the stored row, or for a DICOM ECG
     * that arrived by C-STORE/STOW-RS and has no row yet, one made now from its instance.
     *
     * @throws EcgProblem HZ-7010 (404) when unknown, out of the caller's scope, or not an ECG
     */
    public EcgRecord get(String id, Principal who) throws EcgProblem {
        try {
            Optional<EcgRecord> row = ecgs.find(id);
            if (row.isPresent()) {
                if (!access.mayRead(who, row.get().institutionId())) {
                    throw EcgProblem.notFound(id);
                }
                return row.get();
            }
            Optional<StoredInstance> si = index.findInstance(id);
            if (si.isEmpty() || !ECG_SOP_CLASSES.contains(si.get().sopClassUid())
                    || !access.mayRead(who, si.get().institutionId())) {
                throw EcgProblem.notFound(id);
            }
            StoredInstance s = si.get();
            return recordOfInstance(s.sopInstanceUid(), s.studyInstanceUid(), s.seriesInstanceUid(), s.institutionId(),
                    s.blobId(), s.origin());
        } catch (StorageException e) {
            throw new EcgProblem(500, "HZ-7099", "index unavailable: " + e.getMessage());
        }
    }

    /** Records matching {@code query}, newest first; the caller scopes the query. */
    public List<EcgRecord> list(EcgQuery query) throws EcgProblem {
        try {
            return ecgs.list(query);
        } catch (StorageException e) {
            throw new EcgProblem(500, "HZ-7099", "index unavailable: " + e.getMessage());
        }
    }

    /** The ECG model of a record, read again from the original (or, for DICOM input, the instance). */
    public Ecg model(EcgRecord r) throws EcgProblem {
        try {
            if (r.originalBlob().isPresent()) {
                return EcgReaders.read(readBlob(r.originalBlob().get()), r.originalFileName().orElse(null));
            }
            StoredInstance si = index.findInstance(r.id()).orElseThrow(() -> EcgProblem.notFound(r.id()));
            return EcgReaders.read(readBlob(si.blobId()), r.id() + ".dcm");
        } catch (EcgParseException e) {
            throw new EcgProblem(500, "HZ-7099", "the stored ECG can no longer be read: " + e.getMessage());
        } catch (StorageException | IOException e) {
            throw new EcgProblem(500, "HZ-7099", "stored ECG unreadable: " + e.getMessage());
        }
    }

    /** The 12-lead picture of a record: PNG when {@code png}, else SVG (UTF-8). */
    public byte[] render(EcgRecord r, boolean png) throws EcgProblem {
        Ecg ecg = model(r);
        List<String> header = EcgHeader.lines(ecg, new JsonObject(r.measurementsJson()), new JsonArray(r.criticalFlagsJson()),
                institutionName(r.institutionId()));
        return png ? EcgRenderer.png(ecg, header) : EcgRenderer.svg(ecg, header).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The file as received and its media type: the original blob, or for DICOM input the stored
     * instance (Part 10, with the hub's File Meta Information).
     */
    public Original original(EcgRecord r) throws EcgProblem {
        try {
            if (r.originalBlob().isPresent()) {
                return new Original(readBlob(r.originalBlob().get()), r.originalMediaType().orElse("application/octet-stream"),
                        r.originalFileName());
            }
            StoredInstance si = index.findInstance(r.id()).orElseThrow(() -> EcgProblem.notFound(r.id()));
            return new Original(readBlob(si.blobId()), "application/dicom", Optional.of(r.id() + ".dcm"));
        } catch (StorageException | IOException e) {
            throw new EcgProblem(500, "HZ-7099", "stored ECG unreadable: " + e.getMessage());
        }
    }

    /** A stored file: its bytes, media type and the sender's file name. */
    public record Original(byte[] bytes, String mediaType, Optional<String> fileName) {
    }

    /** The record as the API answers it (links relative to the hub's root). */
    public JsonObject json(EcgRecord r) {
        JsonObject summary = new JsonObject(r.summaryJson());
        JsonObject patient = summary.getJsonObject("patient", new JsonObject()).copy();
        patient.put("id", r.patientId().orElse(null)).put("name", r.patientName().orElse(null));
        String self = "/api/ecg/" + r.id();
        JsonObject links = new JsonObject()
                .put("self", self)
                .put("svg", self + "/render?format=svg")
                .put("png", self + "/render?format=png")
                .put("original", self + "/original")
                .put("dicom", "/dicomweb/studies/" + r.studyInstanceUid() + "/series/" + r.seriesInstanceUid()
                        + "/instances/" + r.id());
        return new JsonObject()
                .put("id", r.id())
                .put("studyInstanceUid", r.studyInstanceUid())
                .put("seriesInstanceUid", r.seriesInstanceUid())
                .put("institution", r.institutionId())
                .put("format", r.sourceFormat())
                .put("leads", summary.getJsonArray("leads"))
                .put("derivedLeads", summary.getJsonArray("derivedLeads"))
                .put("sampleRateHz", summary.getValue("sampleRateHz"))
                .put("durationSeconds", summary.getValue("durationSeconds"))
                .put("acquired", r.acquiredAt().map(Object::toString).orElse(null))
                .put("priority", r.priority().name())
                .put("patient", patient)
                .put("measurements", new JsonObject(r.measurementsJson()))
                .put("device", new JsonObject(r.deviceJson()))
                .put("criticalFlags", new JsonArray(r.criticalFlagsJson()))
                .put("createdAt", r.createdAt().toString())
                .put("origin", new JsonObject().put("protocol", r.originProtocol().name())
                        .put("subject", r.originSubject().orElse(null)).put("remoteHost", r.originRemoteHost().orElse(null)))
                .put("original", r.originalBlob().isEmpty() ? null : new JsonObject()
                        .put("mediaType", r.originalMediaType().orElse(null)).put("fileName", r.originalFileName().orElse(null)))
                .put("links", links);
    }

    // ---------------------------------------------------------------- DICOM ECGs from C-STORE / STOW-RS

    /**
     * Ingest listener: a DICOM ECG waveform that arrived by C-STORE or STOW-RS (not by this
     * service's own upload) is queued for measuring, screening and its record. Never blocks.
     */
    public void instanceStored(InstanceRecord r) {
        if (r.origin().protocol() == Protocol.UPLOAD || !ECG_SOP_CLASSES.contains(r.instance().sopClassUid())) {
            return;
        }
        screening.execute(() -> {
            try {
                recordOfInstance(r.instance().sopInstanceUid(), r.study().studyInstanceUid(), r.series().seriesInstanceUid(),
                        r.origin().institutionId(), r.instance().blobId(), r.origin());
            } catch (EcgProblem e) {
                LOG.warn("DICOM ECG {} from {} stored, but it is not a readable ECG: {}", r.instance().sopInstanceUid(),
                        r.origin().institutionId(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("HZ-7099 screening DICOM ECG {} failed", r.instance().sopInstanceUid(), e);
            }
        });
    }

    private EcgRecord recordOfInstance(String sopUid, String study, String series, String institution, BlobId blob,
                                       Origin origin) throws EcgProblem {
        try {
            Optional<EcgRecord> existing = ecgs.find(sopUid);
            if (existing.isPresent()) {
                return existing.get();
            }
            Ecg ecg;
            try {
                ecg = EcgReaders.read(readBlob(blob), sopUid + ".dcm");
            } catch (EcgParseException e) {
                throw new EcgProblem(422, EcgProblem.of(e).code(), "stored DICOM ECG " + sopUid + " cannot be read: "
                        + EcgProblem.of(e).detail());
            }
            EcgAnalysis a = EcgAnalysis.of(ecg, rules);
            String subject = origin.callingAe() != null ? origin.callingAe() : null;
            EcgRecord r = record(a, sopUid, study, series, institution, Optional.empty(), Optional.empty(), Optional.empty(),
                    origin.protocol(), Optional.ofNullable(subject), Optional.ofNullable(origin.remoteHost()));
            return insert(r).record();
        } catch (StorageException | IOException e) {
            throw new EcgProblem(500, "HZ-7099", "stored ECG unreadable: " + e.getMessage());
        }
    }

    private byte[] readBlob(BlobId id) throws StorageException, IOException {
        long size = blobs.size(id);
        if (size > EcgReaders.MAX_FILE_BYTES) {
            throw new IOException("HZ-7005 stored ECG of " + size + " bytes is over the limit of " + EcgReaders.MAX_FILE_BYTES);
        }
        try (InputStream in = blobs.open(id)) {
            return in.readAllBytes();
        }
    }

    /** The configured name of an institution, else its id. */
    public String institutionName(String institutionId) {
        return config.institutions().stream().filter(i -> i.id().equals(institutionId)).map(HubConfig.Institution::name)
                .filter(n -> n != null && !n.isBlank()).findFirst().orElse(institutionId);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Finishes queued screenings (up to 10 s), then stops the screening thread. */
    @Override
    public void close() throws InterruptedException {
        screening.shutdown();
        if (!screening.awaitTermination(10, TimeUnit.SECONDS)) {
            LOG.warn("ECG screening still running at stop; those ECGs get their record at their first GET");
            screening.shutdownNow();
        }
    }
}
