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

    private final BlobStore blobs;
    private final IngestJournal journal;
    private final BackgroundIndexer background;
    private final InstanceIndexer indexer;
    private final Executor workers;
    private final IngestStats stats = new IngestStats();

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

    @Override
    public StoreSink begin(StoreRequest rq) {
        AeRegistry.Caller caller = (AeRegistry.Caller) rq.association().attachment();
        return new Sink(rq, caller);
    }

    /** One instance on its way to disk. Fields touched only inside {@code lane} need no locking. */
    private final class Sink implements StoreSink {
        private final StoreRequest rq;
        private final AeRegistry.Caller caller;
        private final SerialLane lane = new SerialLane(workers);
        private final AtomicLong queued = new AtomicLong();
        private final AtomicBoolean paused = new AtomicBoolean();
        private final Instant receivedAt = Instant.now();
        private BlobWriter writer;
        private Exception failure;

        Sink(StoreRequest rq, AeRegistry.Caller caller) {
            this.rq = rq;
            this.caller = caller;
            lane.execute(this::open);
        }

        private void open() {
            try {
                writer = blobs.create();
                byte[] header = indexer.fileMetaHeader(rq.sopClassUid(), rq.sopInstanceUid(), rq.transferSyntaxUid());
                writer.write(header, 0, header.length);
            } catch (Exception e) {
                failure = e;
            }
        }

        /** Takes ownership of {@code data}; released once written (or dropped after a failure). */
        @Override
        public void data(ByteBuf data) {
            int n = data.readableBytes();
            if (queued.addAndGet(n) > HIGH_WATER && paused.compareAndSet(false, true)) {
                rq.flow().pause();
            }
            lane.execute(() -> {
                try {
                    if (failure == null) {
                        for (ByteBuffer nio : data.nioBuffers()) {
                            writer.write(nio);
                        }
                    }
                } catch (Exception e) {
                    failure = e;
                } finally {
                    data.release();
                    if (queued.addAndGet(-n) < LOW_WATER && paused.compareAndSet(true, false)) {
                        rq.flow().resume();
                    }
                }
            });
        }

        @Override
        public CompletionStage<StoreResult> end() {
            CompletableFuture<StoreResult> result = new CompletableFuture<>();
            lane.execute(() -> {
                StoreResult r;
                try {
                    r = finish();
                } catch (RuntimeException e) {
                    LOG.error("HZ-3004 unexpected failure storing {}", rq.sopInstanceUid(), e);
                    r = StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3004 internal error: " + e));
                }
                stats.count(r.status());
                result.complete(r);
            });
            return result;
        }

        @Override
        public void abort(Throwable cause) {
            lane.execute(() -> {
                if (writer != null) {
                    writer.close();
                }
                LOG.info("instance {} from {} discarded: association ended mid-transfer ({})",
                        rq.sopInstanceUid(), caller.aeTitle(), cause.toString());
            });
        }

        private StoreResult finish() {
            if (failure != null) {
                if (writer != null) {
                    writer.close();
                }
                LOG.warn("HZ-3002 could not write {}: {}", rq.sopInstanceUid(), failure.toString());
                return StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3002 could not write: " + failure.getMessage()));
            }
            long size = writer.size();
            BlobId id;
            try {
                id = writer.commit();
            } catch (StorageException e) {
                writer.close();
                LOG.warn("HZ-3002 could not commit {}: {}", rq.sopInstanceUid(), e.toString());
                return StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3002 could not write: " + e.getMessage()));
            }
            InstanceIndexer.Parsed parsed;
            try {
                parsed = indexer.parse(blobs, id, rq.sopClassUid(), rq.sopInstanceUid());
            } catch (InstanceIndexer.Refusal refusal) {
                removeQuietly(id);
                LOG.info("refused {} from {}: {}", rq.sopInstanceUid(), caller.aeTitle(), refusal.getMessage());
                return new StoreResult(refusal.status().code(), Optional.of(refusal.getMessage()), List.of());
            }
            var origin = new org.huizhen.storage.index.Origin(caller.institutionId(),
                    org.huizhen.storage.index.Protocol.DIMSE, rq.association().callingAe(),
                    rq.association().calledAe(), rq.association().remote().getAddress().getHostAddress(), receivedAt);
            InstanceRecord record = indexer.record(parsed, id, size, origin);
            try {
                journal.append(record);
            } catch (java.io.IOException e) {
                LOG.error("HZ-3005 journal write failed for {}", rq.sopInstanceUid(), e);
                return StoreResult.failure(Status.REFUSED_OUT_OF_RESOURCES, InstanceIndexer.comment("HZ-3005 could not record: " + e.getMessage()));
            }
            try {
                background.submit(record);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // journaled: the index row is written when the journal is replayed at the next start
            }
            return parsed.warning().map(w -> new StoreResult(w.status().code(), Optional.of(w.comment()), List.<Integer>of()))
                    .orElse(StoreResult.success());
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
