package org.huizhen.hub.ingest;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.huizhen.dicom.net.dimse.Status;
import org.huizhen.dicom.net.service.FlowControl;
import org.huizhen.dicom.net.service.StoreHandler;
import org.huizhen.dicom.net.service.StoreRequest;
import org.huizhen.dicom.net.service.StoreResult;
import org.huizhen.dicom.net.service.StoreSink;
import org.huizhen.hub.security.AeRegistry;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * C-STORE ingest: streams each received data set into the blob store behind a generated
 * File Meta Information header, records it durably, and only then lets the C-STORE-RSP go out
 * (DESIGN.md durability rule).
 *
 * <p>Order per instance (CONVENTIONS "Storage"): blob (fdatasync, rename, directory fsync) →
 * parse header → index record appended to the {@link IngestJournal} (fdatasync, shared by
 * concurrent associations) → response. The index row itself is written just after by the
 * {@link BackgroundIndexer}; readers wait for it ({@code Hub.index()}), and after a crash the
 * journal is replayed into the index before the hub listens again — so an acknowledged
 * instance is never lost and never half visible. A data set that cannot be parsed, or whose
 * SOP Instance UID differs from the command's, is refused and its blob removed (no record can
 * ever point at it).
 *
 * <p>{@link #beginUpload} feeds a data set that arrived otherwise (STOW-RS) through the very same
 * sink, with that request's origin, and can refuse an instance of another study than required.
 *
 * <p>Threading: {@link #begin} and the sink's {@code data}/{@code end}/{@code abort} are
 * called on the association's event loop; every file and journal operation runs in a
 * per-instance {@link SerialLane} on the worker executor. The event loop is paused (autoRead
 * off) while more than {@link #HIGH_WATER} bytes wait to be written, so memory stays bounded
 * whatever the instance size.
 */
public final class IngestService implements StoreHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    /** Bytes queued for one instance before reading from its socket pauses. */
    static final long HIGH_WATER = 8L << 20;
    /** Queued bytes below which reading resumes. */
    static final long LOW_WATER = 2L << 20;
    /** Received bytes gathered per blob write (well below {@link #LOW_WATER}, so pausing still works). */
    static final long WRITE_BATCH = 256L << 10;
    /**
     * Bytes of each instance's start kept in memory while it is written, for the header parse
     * at the end (a CT or DR header with its File Meta Information is a few KiB; a longer one is
     * read on from the blob).
     */
    static final int HEAD_BYTES = 32 << 10;

    private final BlobStore blobs;
    private final IngestJournal journal;
    private final BackgroundIndexer background;
    private final InstanceIndexer indexer;
    private final Executor workers;
    private final IngestStats stats = new IngestStats();
    /** Told of each stored instance (see {@link #onStored}); replaced, never null. */
    private volatile java.util.function.Consumer<InstanceRecord> storedListener = r -> { };

    IngestService(BlobStore blobs, IngestJournal journal, BackgroundIndexer background, InstanceIndexer indexer,
                  Executor workers) {
        this.blobs = blobs;
        this.journal = journal;
        this.background = background;
        this.indexer = indexer;
        this.workers = workers;
    }

    public IngestStats stats() {
        return stats;
    }

    /**
     * Sets who is told of each instance once it is durable (journaled), whatever the protocol: the
     * ECG service uses it to measure and screen DICOM ECGs arriving by C-STORE/STOW-RS. Called on
     * an ingest worker thread before the instance is acknowledged, so it must only queue work,
     * never block; an exception it throws is logged and ignored.
     */
    public void onStored(java.util.function.Consumer<InstanceRecord> listener) {
        this.storedListener = java.util.Objects.requireNonNull(listener, "listener");
    }

    @Override
    public StoreSink begin(StoreRequest rq) {
        AeRegistry.Caller caller = (AeRegistry.Caller) rq.association().attachment();
        var assoc = rq.association();
        Incoming in = new Incoming(rq.sopClassUid(), rq.sopInstanceUid(), rq.transferSyntaxUid(),
                caller.institutionId(), org.huizhen.storage.index.Protocol.DIMSE, assoc.callingAe(), assoc.calledAe(),
                assoc.remote().getAddress().getHostAddress(), caller.aeTitle(), rq.flow(), Optional.empty());
        return new Sink(in);
    }

    /**
     * Starts receiving one instance that did not come over a DIMSE association (STOW-RS, PS3.18
     * 10.5): its data set bytes go through exactly the path of a C-STORE (generated File Meta
     * header, blob fdatasync, journal, index), recorded with the request's origin.
     *
     * <p>Call on any thread; feed the returned sink from one thread at a time.
     */
    public UploadSink beginUpload(UploadRequest rq) {
        Incoming in = new Incoming(rq.sopClassUid(), rq.sopInstanceUid(), rq.transferSyntaxUid(),
                rq.institutionId(), rq.protocol(), rq.callingAe().orElse(null), null, rq.remoteHost().orElse(null),
                rq.protocol() + " from " + rq.remoteHost().orElse("?"), rq.flow(), rq.requiredStudyInstanceUid());
        Sink sink = new Sink(in);
        return new UploadSink() {
            @Override
            public void data(ByteBuf data) {
                sink.data(data);
            }

            @Override
            public void dataComplete() {
                sink.syncEarly();
            }

            @Override
            public CompletionStage<UploadResult> end() {
                return sink.finishWithRecord();
            }

            @Override
            public void abort(Throwable cause) {
                sink.abort(cause);
            }
        };
    }

    /** What a sink needs to know about the instance it receives, whatever the protocol. */
    private record Incoming(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, String institutionId,
                            org.huizhen.storage.index.Protocol protocol, String callingAe, String calledAe,
                            String remoteHost, String sender, FlowControl flow, Optional<String> requiredStudy) {
    }

    /** One instance on its way to disk. Fields touched only inside {@code lane} need no locking. */
    private final class Sink implements StoreSink {
        private final Incoming rq;
        private final SerialLane lane = new SerialLane(workers);
        private final AtomicLong queued = new AtomicLong();
        private final AtomicBoolean paused = new AtomicBoolean();
        private final Instant receivedAt = Instant.now();
        private BlobWriter writer;
        private Exception failure;
        /** Received pieces not written yet, and their bytes (lane only). */
        private final java.util.ArrayDeque<ByteBuf> pending = new java.util.ArrayDeque<>();
        private long pendingBytes;
        /** A copy of the blob's first bytes, parsed at {@link #finish()} instead of reading them back (lane only). */
        private final byte[] head = new byte[HEAD_BYTES];
        private int headLength;

        Sink(Incoming rq) {
            this.rq = rq;
            lane.execute(this::open);
        }

        private void open() {
            try {
                writer = blobs.create();
                byte[] header = indexer.fileMetaHeader(rq.sopClassUid(), rq.sopInstanceUid(), rq.transferSyntaxUid());
                writer.write(header, 0, header.length);
                keepHead(ByteBuffer.wrap(header));
            } catch (Exception e) {
                failure = e;
            }
        }

        /**
         * Takes ownership of {@code data}; released once written (or dropped after a failure).
         * Pieces are gathered in the lane up to {@link #WRITE_BATCH} bytes and written with one
         * gathering write: a C-STORE data set arrives in P-DATA fragments of a PDU (16 KiB from
         * DCMTK by default), so one write per piece meant about 30 system calls per 0.5 MB.
         */
        @Override
        public void data(ByteBuf data) {
            int n = data.readableBytes();
            if (queued.addAndGet(n) > HIGH_WATER && paused.compareAndSet(false, true)) {
                rq.flow().pause();
            }
            lane.execute(() -> {
                pending.add(data);
                pendingBytes += n;
                if (pendingBytes >= WRITE_BATCH) {
                    flushPending();
                }
            });
        }

        /** Writes (or, after a failure, drops) the gathered pieces; lane only. */
        private void flushPending() {
            if (pending.isEmpty()) {
                return;
            }
            try {
                if (failure == null) {
                    List<ByteBuffer> nio = new java.util.ArrayList<>(pending.size());
                    for (ByteBuf b : pending) {
                        nio.addAll(List.of(b.nioBuffers()));
                    }
                    for (int i = 0; i < nio.size() && headLength < head.length; i++) {
                        keepHead(nio.get(i));
                    }
                    writer.write(nio.toArray(ByteBuffer[]::new));
                }
            } catch (Exception e) {
                failure = e;
            } finally {
                pending.forEach(ByteBuf::release);
                pending.clear();
                long n = pendingBytes;
                pendingBytes = 0;
                if (queued.addAndGet(-n) < LOW_WATER && paused.compareAndSet(true, false)) {
                    rq.flow().resume();
                }
            }
        }

        /** Copies what of {@code written} still fits into {@link #head} (its position unchanged). */
        private void keepHead(ByteBuffer written) {
            int n = Math.min(written.remaining(), head.length - headLength);
            written.get(written.position(), head, headLength, n);
            headLength += n;
        }

        @Override
        public CompletionStage<StoreResult> end() {
            return finishWithRecord().thenApply(UploadResult::result);
        }

        /**
         * Forces the blob's data now, in the lane after the writes queued so far; a failure is
         * kept and refuses the instance at {@code finish}, as a failed write does.
         */
        void syncEarly() {
            lane.execute(() -> {
                flushPending();
                try {
                    if (failure == null && writer != null) {
                        writer.sync();
                    }
                } catch (Exception e) {
                    failure = e;
                }
            });
        }

        CompletionStage<UploadResult> finishWithRecord() {
            CompletableFuture<UploadResult> result = new CompletableFuture<>();
            lane.execute(() -> {
                UploadResult r;
                try {
                    r = finish();
                } catch (RuntimeException e) {
                    LOG.error("HZ-3004 unexpected failure storing {}", rq.sopInstanceUid(), e);
                    r = new UploadResult(StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES,
                            InstanceIndexer.comment("HZ-3004 internal error: " + e)), Optional.empty());
                }
                stats.count(r.result().status());
                result.complete(r);
            });
            return result;
        }

        @Override
        public void abort(Throwable cause) {
            lane.execute(() -> {
                failure = failure != null ? failure : new java.io.IOException("aborted", cause);
                flushPending(); // releases the pieces without writing them
                if (writer != null) {
                    writer.close();
                }
                LOG.info("instance {} from {} discarded: the transfer ended before the instance was complete ({})",
                        rq.sopInstanceUid(), rq.sender(), cause.toString());
            });
        }

        private UploadResult finish() {
            flushPending();
            if (failure != null) {
                if (writer != null) {
                    writer.close();
                }
                LOG.warn("HZ-3002 could not write {}: {}", rq.sopInstanceUid(), failure.toString());
                return refused(StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3002 could not write: " + failure.getMessage())));
            }
            long size = writer.size();
            BlobId id;
            try {
                id = writer.commit();
            } catch (StorageException e) {
                writer.close();
                LOG.warn("HZ-3002 could not commit {}: {}", rq.sopInstanceUid(), e.toString());
                return refused(StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3002 could not write: " + e.getMessage())));
            }
            InstanceIndexer.Parsed parsed;
            try {
                parsed = indexer.parse(blobs, id, head, headLength, size, rq.sopClassUid(), rq.sopInstanceUid());
            } catch (InstanceIndexer.Refusal refusal) {
                removeQuietly(id);
                LOG.info("refused {} from {}: {}", rq.sopInstanceUid(), rq.sender(), refusal.getMessage());
                return refused(new StoreResult(refusal.status().code(), Optional.of(refusal.getMessage()), List.of()));
            }
            var origin = new org.huizhen.storage.index.Origin(rq.institutionId(), rq.protocol(), rq.callingAe(),
                    rq.calledAe(), rq.remoteHost(), receivedAt);
            InstanceRecord record = indexer.record(parsed, id, size, origin);
            if (rq.requiredStudy().isPresent() && !rq.requiredStudy().get().equals(record.study().studyInstanceUid())) {
                // PS3.18 10.5.3.1: an instance of another study than the target URI names is not stored
                removeQuietly(id);
                LOG.info("refused {} from {}: not in study {}", rq.sopInstanceUid(), rq.sender(), rq.requiredStudy().get());
                return refused(new StoreResult(UploadResult.WRONG_STUDY, Optional.of(
                        InstanceIndexer.comment("HZ-3014 instance is not in study " + rq.requiredStudy().get())), List.of()));
            }
            try {
                journal.append(record);
            } catch (java.io.IOException e) {
                LOG.error("HZ-3005 journal write failed for {}", rq.sopInstanceUid(), e);
                return refused(StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3005 could not record: " + e.getMessage())));
            }
            try {
                background.submit(record);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // journaled: the index row is written when the journal is replayed at the next start
            }
            try {
                storedListener.accept(record);
            } catch (RuntimeException e) {
                LOG.warn("stored-instance listener failed for {}: {}", rq.sopInstanceUid(), e.toString());
            }
            StoreResult ok = parsed.warning().map(w -> new StoreResult(w.status().code(), Optional.of(w.comment()), List.<Integer>of()))
                    .orElse(StoreResult.success());
            return new UploadResult(ok, Optional.of(record));
        }

        private static UploadResult refused(StoreResult r) {
            return new UploadResult(r, Optional.empty());
        }

        private void removeQuietly(BlobId id) {
            try {
                blobs.remove(id);
            } catch (StorageException e) {
                LOG.warn("could not remove refused blob {}: {}", id, e.toString());
            }
        }
    }
}
