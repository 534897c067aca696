package org.huizhen.hub.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.huizhen.storage.Durability;
import org.huizhen.storage.StorageException;
import org.huizhen.storage.index.InstanceData;
import org.huizhen.storage.index.InstanceRecord;
import org.huizhen.storage.index.MetadataIndex;
import org.huizhen.storage.index.StudyData;
import org.huizhen.storage.index.jdbc.IndexDatabase;
import org.huizhen.storage.index.jdbc.JdbcMetadataIndex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background indexer behind the ingest journal, on a real H2 index: what queues up while the
 * index is busy is written in few transactions, in the order received, and leaves the journal
 * only once indexed; a batch the index refuses as a whole is still indexed record by record.
 */
class BackgroundIndexerTest {
    @TempDir
    Path dir;

    /** Index writes as seen by the indexer: the size of each transaction's list (1 for store). */
    private final List<Integer> transactions = new CopyOnWriteArrayList<>();

    /**
     * The real index, with its write calls recorded; the first write waits for {@code firstWrite}
     * so that the test can queue records behind it; storeAll fails when {@code refuseBatches}.
     */
    private MetadataIndex observed(JdbcMetadataIndex index, CountDownLatch firstWrite, AtomicBoolean refuseBatches) {
        return (MetadataIndex) Proxy.newProxyInstance(MetadataIndex.class.getClassLoader(),
                new Class<?>[] {MetadataIndex.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("store") || name.equals("storeAll")) {
                        firstWrite.await(30, TimeUnit.SECONDS);
                        if (name.equals("storeAll") && refuseBatches.get()) {
                            throw new StorageException("HZ-2101 refused by the test");
                        }
                        transactions.add(name.equals("store") ? 1 : ((List<?>) args[0]).size());
                    }
                    try {
                        return method.invoke(index, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Record {@code n} of study {@code n % 7}, as IngestJournalTest builds them. */
    private static InstanceRecord record(int n, String sopUid, char content) {
        InstanceRecord r = IngestJournalTest.record(sopUid, IngestJournalTest.sha(content), "Wang^XiaoDong");
        StudyData s = r.study();
        String study = "1.2.3." + (n % 7);
        InstanceData i = r.instance();
        return new InstanceRecord(r.origin(), r.patient(), new StudyData(study, s.studyDate(), s.studyTime(),
                s.accessionNumber(), s.studyId(), s.description(), s.referringPhysician()),
                new org.huizhen.storage.index.SeriesData(study + ".1", "CT", 1, null, null), i);
    }

    private static String sha(int n) {
        return String.format("%064x", n + 1);
    }

    private List<InstanceRecord> records(int count) {
        List<InstanceRecord> out = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            InstanceRecord r = record(n, "1.2.9." + n, 'a');
            InstanceData i = r.instance();
            out.add(new InstanceRecord(r.origin(), r.patient(), r.study(), r.series(), new InstanceData(
                    i.sopInstanceUid(), i.sopClassUid(), n, i.transferSyntaxUid(), i.specificCharacterSet(),
                    org.huizhen.storage.BlobId.parse(sha(n)), i.sizeBytes(), sha(n))));
        }
        return out;
    }

    @Test
    void recordsQueuedBehindABusyIndexAreWrittenInFewTransactionsInOrder() throws Exception {
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(dir.resolve("index")), Durability.FSYNC);
             IngestJournal journal = IngestJournal.open(dir, true)) {
            journal.recover();
            CountDownLatch firstWrite = new CountDownLatch(1);
            BackgroundIndexer indexer = new BackgroundIndexer(observed(index, firstWrite, new AtomicBoolean()), journal, 1);
            List<InstanceRecord> all = records(150);
            // Two contents of one SOP Instance UID, the corrected one received later.
            InstanceRecord first = record(3, "1.2.9.v", 'b');
            InstanceRecord corrected = record(3, "1.2.9.v", 'c');
            all.add(40, first);
            all.add(90, corrected);
            for (InstanceRecord r : all) {
                journal.append(r); // acknowledged order: journal first, then the indexer (IngestService)
                indexer.submit(r);
            }
            firstWrite.countDown();
            assertThat(indexer.awaitIdle(Duration.ofSeconds(60))).isTrue();
            indexer.close();

            assertThat(index.instanceCount()).isEqualTo(151);
            assertThat(index.findInstance("1.2.9.v").orElseThrow().sha256()).as("the later content is current")
                    .isEqualTo(IngestJournalTest.sha('c'));
            assertThat(index.versionsOf("1.2.9.v")).hasSize(2);
            // The first write took one record; the 151 others queued meanwhile go at most 64 a
            // transaction (BackgroundIndexer.MAX_BATCH), so 1 + ceil(151 / 64) = 4 transactions.
            assertThat(transactions.stream().mapToInt(Integer::intValue).sum()).isEqualTo(152);
            assertThat(transactions).hasSizeLessThanOrEqualTo(4).allMatch(n -> n <= BackgroundIndexer.MAX_BATCH);
            assertThat(journal.pending()).isZero();
            journal.close();
            assertThat(Files.size(dir.resolve("journal/ingest.wal"))).as("everything indexed, closed").isZero();
        }
    }

    @Test
    void aBatchTheIndexRefusesIsIndexedRecordByRecord() throws Exception {
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(dir.resolve("index")), Durability.FSYNC);
             IngestJournal journal = IngestJournal.open(dir, true)) {
            journal.recover();
            CountDownLatch firstWrite = new CountDownLatch(1);
            BackgroundIndexer indexer = new BackgroundIndexer(observed(index, firstWrite, new AtomicBoolean(true)),
                    journal, 1);
            List<InstanceRecord> all = records(30);
            for (InstanceRecord r : all) {
                journal.append(r);
                indexer.submit(r);
            }
            firstWrite.countDown();
            assertThat(indexer.awaitIdle(Duration.ofSeconds(60))).isTrue();
            indexer.close();

            assertThat(index.instanceCount()).isEqualTo(30);
            // Every record that reached the index went through store, one per transaction.
            assertThat(transactions).hasSize(30).containsOnly(1);
            assertThat(journal.pending()).isZero();
        }
    }

    @Test
    void aSteadyStreamOfRecordsIsGatheredIntoBatchesWhileALoneRecordIsWrittenAtOnce() throws Exception {
        try (JdbcMetadataIndex index = JdbcMetadataIndex.open(IndexDatabase.h2(dir.resolve("index")), Durability.FSYNC);
             IngestJournal journal = IngestJournal.open(dir, true)) {
            journal.recover();
            CountDownLatch open = new CountDownLatch(0);
            BackgroundIndexer indexer = new BackgroundIndexer(observed(index, open, new AtomicBoolean()), journal, 1);
            // A lone record on an idle lane: its own transaction, and readers see it.
            List<InstanceRecord> all = records(241);
            journal.append(all.get(0));
            indexer.submit(all.get(0));
            assertThat(indexer.awaitIdle(Duration.ofSeconds(30))).isTrue();
            assertThat(transactions).containsExactly(1);
            transactions.clear();
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BackgroundIndexer.BUSY_WINDOW_NANOS) * 3); // the lane is idle again
            // 240 records about 0.3 ms apart, as a STOW-RS of CT instances delivers them: one per
            // transaction would be 240 transactions; a busy lane gathers what arrives while it lingers.
            for (InstanceRecord r : all.subList(1, all.size())) {
                journal.append(r);
                indexer.submit(r);
                long until = System.nanoTime() + 300_000;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }
            assertThat(indexer.awaitIdle(Duration.ofSeconds(60))).isTrue();
            indexer.close();
            assertThat(index.instanceCount()).isEqualTo(241);
            assertThat(transactions.stream().mapToInt(Integer::intValue).sum()).isEqualTo(240);
            assertThat(transactions).as("transactions for 240 streamed records").hasSizeLessThan(60)
                    .allMatch(n -> n <= BackgroundIndexer.MAX_BATCH);
            assertThat(journal.pending()).isZero();
        }
    }
}
