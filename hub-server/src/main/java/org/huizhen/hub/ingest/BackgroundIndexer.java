package org.huizhen.hub.ingest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.InstanceVersion;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.StoreOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes journaled instances into the index behind the C-STORE responses. Records of one study
 * always go to the same lane, in order, so versions of one SOP Instance UID are indexed in the
 * order they were received; different studies are indexed in parallel. Each lane writes what has
 * queued up (up to {@link #MAX_BATCH} records; a busy lane first lingers up to {@link #LINGER_NANOS}
 * for more) in one transaction ({@code MetadataIndex.storeAll}). A failed store is
 * retried (back-off up to 5 s) and never dropped: the record stays in the journal until it is
 * indexed. {@link #awaitIdle} lets readers see everything acknowledged so far.
 *
 * <p>Thread-safe. {@link #submit} blocks while {@link #MAX_OUTSTANDING} records wait, which in
 * turn holds back C-STORE responses: the index can fall behind by a bounded amount only.
 */
public final class BackgroundIndexer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundIndexer.class);
    static final int MAX_OUTSTANDING = 2000;
    /**
     * Most records written in one index transaction. One commit per record cost more than the
     * rows themselves on H2 (each commit writes and syncs a chunk of every changed page); a
     * bounded batch keeps one transaction short enough not to hold row locks for long.
     */
    static final int MAX_BATCH = 64;
    /**
     * Longest a busy lane waits for more records before it writes a small batch. Under a steady
     * stream of instances (STOW-RS, C-STORE) records reach each lane a few per millisecond at most,
     * so without waiting nearly every transaction held one record, and on H2 every commit
     * serializes a chunk of every changed page. Measured with perf over a timed STOW-RS of 4,000
     * CT instances (bench/run-dicomweb.sh, direct blob writes): H2's MVStore.commit fell from 7.3 %
     * to 6.0 % of the machine's CPU (what remains is mostly leaf pages of the UID indexes, which
     * records of one batch rarely share). An idle lane (nothing stored within
     * {@link #BUSY_WINDOW_NANOS}) and a lane a reader waits on ({@link #awaitIdle}) write at once.
     */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(12);
    /** A lane whose previous batch ended within this long counts as busy and may linger. */
    static final long BUSY_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Object STOP = new Object();

    private final MetadataIndex index;
    private final IngestJournal journal;
    private final List<BlockingQueue<Object>> lanes;
    private final List<Thread> threads;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long outstanding;
    private volatile boolean closing;
    /** Readers inside {@link #awaitIdle}: while any waits, no lane lingers. */
    private final AtomicInteger waiting = new AtomicInteger();

    BackgroundIndexer(MetadataIndex index, IngestJournal journal, int laneCount) {
        this.index = index;
        this.journal = journal;
        this.lanes = java.util.stream.IntStream.range(0, laneCount)
                .mapToObj(i -> (BlockingQueue<Object>) new LinkedBlockingQueue<>()).toList();
        this.threads = java.util.stream.IntStream.range(0, laneCount)
                .mapToObj(i -> Thread.ofPlatform().daemon().name("indexer-" + i).unstarted(() -> run(lanes.get(i)))).toList();
        threads.forEach(Thread::start);
    }

    /**
     * Replays records recovered from the journal into the index, synchronously, at start-up. A
     * record whose exact content (SHA-256) is already among the versions of its SOP Instance UID
     * was indexed before the crash and is skipped, so a replay never turns an old version into
     * the current one.
     *
     * @return how many records were indexed now
     */
    static int replay(MetadataIndex index, List<InstanceRecord> records) throws StorageException {
        int done = 0;
        for (InstanceRecord r : records) {
            List<InstanceVersion> versions = index.versionsOf(r.instance().sopInstanceUid());
            if (versions.stream().anyMatch(v -> v.sha256().equals(r.instance().sha256()))) {
                continue;
            }
            index.store(r);
            done++;
        }
        return done;
    }

    /** Queues a journaled record; blocks while too many are outstanding. */
    void submit(InstanceRecord record) throws InterruptedException {
        lock.lock();
        try {
            while (outstanding >= MAX_OUTSTANDING && !closing) {
                changed.await();
            }
            outstanding++;
        } finally {
            lock.unlock();
        }
        int lane = Math.floorMod(record.study().studyInstanceUid().hashCode(), lanes.size());
        lanes.get(lane).add(record);
    }

    /** Waits until everything submitted so far is in the index (or the timeout passes). */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        waiting.incrementAndGet();
        lock.lock();
        try {
            while (outstanding > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
            waiting.decrementAndGet();
        }
    }

    private void run(BlockingQueue<Object> queue) {
        List<Object> taken = new ArrayList<>(MAX_BATCH);
        List<InstanceRecord> batch = new ArrayList<>(MAX_BATCH);
        long lastEnded = System.nanoTime() - 2 * BUSY_WINDOW_NANOS;
        while (true) {
            taken.clear();
            batch.clear();
            try {
                taken.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            // Whatever else has queued up meanwhile goes into the same transaction: under load the
            // batches grow by themselves, an idle hub still indexes each record at once.
            queue.drainTo(taken, MAX_BATCH - 1);
            if (System.nanoTime() - lastEnded < BUSY_WINDOW_NANOS && !closing) {
                try {
                    linger(queue, taken);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // what was taken is still stored below
                }
            }
            boolean stop = false;
            for (Object o : taken) {
                if (o == STOP) {
                    stop = true;
                } else {
                    batch.add((InstanceRecord) o);
                }
            }
            if (!batch.isEmpty()) {
                // Only a record that reached the index may leave the journal; one that did not is
                // replayed at the next start.
                int stored = storeUntilDone(batch);
                if (stored > 0) {
                    try {
                        journal.indexed(stored);
                    } catch (IOException e) {
                        LOG.warn("journal truncation failed (it is retried with the next record): {}", e.toString());
                    }
                }
                lock.lock();
                try {
                    outstanding -= batch.size();
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                lastEnded = System.nanoTime();
            }
            if (stop || Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    /**
     * Adds to {@code taken} what arrives within {@link #LINGER_NANOS}, until the batch is full, a
     * reader waits in {@link #awaitIdle}, the hub closes or the lane is told to stop.
     */
    private void linger(BlockingQueue<Object> queue, List<Object> taken) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER_NANOS;
        while (taken.size() < MAX_BATCH && waiting.get() == 0 && !closing && !taken.contains(STOP)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            // short polls, so that a reader arriving meanwhile is noticed within a quarter millisecond
            Object o = queue.poll(Math.min(left, 250_000), TimeUnit.NANOSECONDS);
            if (o != null) {
                taken.add(o);
                queue.drainTo(taken, MAX_BATCH - taken.size());
            }
        }
    }

    /**
     * Stores a batch in one transaction; if that fails, each record on its own (so one record the
     * index keeps refusing holds back only itself), each retried until stored.
     *
     * @return how many records are now in the index (fewer only when stopping or interrupted)
     */
    private int storeUntilDone(List<InstanceRecord> batch) {
        if (batch.size() > 1) {
            try {
                List<StoreOutcome> outcomes = index.storeAll(batch);
                for (int i = 0; i < outcomes.size(); i++) {
                    logNewVersion(batch.get(i), outcomes.get(i));
                }
                return batch.size();
            } catch (StorageException | RuntimeException e) {
                LOG.warn("HZ-3005 index write of {} records in one transaction failed, storing them one by one: {}",
                        batch.size(), e.toString());
            }
        }
        int stored = 0;
        for (InstanceRecord r : batch) {
            if (!storeUntilDone(r)) {
                break; // stopping: the rest stays in the journal as well
            }
            stored++;
        }
        return stored;
    }

    private static void logNewVersion(InstanceRecord r, StoreOutcome outcome) {
        if (outcome.kind() == StoreOutcome.Kind.NEW_VERSION) {
            LOG.info("{} re-sent with different content by {}: kept as version {}",
                    r.instance().sopInstanceUid(), r.origin().callingAe(), outcome.version());
        }
    }

    /** @return true once stored; false if stopping (or interrupted) first */
    private boolean storeUntilDone(InstanceRecord r) {
        long backoffMs = 10;
        while (true) {
            try {
                logNewVersion(r, index.store(r));
                return true;
            } catch (StorageException | RuntimeException e) {
                if (closing) {
                    LOG.error("HZ-3005 index write for {} failed while stopping; it stays in the journal and is replayed at next start: {}",
                            r.instance().sopInstanceUid(), e.toString());
                    return false;
                }
                LOG.error("HZ-3005 index write for {} failed, retrying in {} ms: {}", r.instance().sopInstanceUid(), backoffMs, e.toString());
                try {
                    TimeUnit.MILLISECONDS.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                backoffMs = Math.min(5000, backoffMs * 2);
            }
        }
    }

    /** Indexes what is queued (up to 60 s), then stops the lanes. */
    @Override
    public void close() throws InterruptedException {
        awaitIdle(Duration.ofSeconds(60));
        closing = true;
        lanes.forEach(q -> q.add(STOP));
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
