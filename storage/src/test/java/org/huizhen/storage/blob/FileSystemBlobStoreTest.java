package org.huizhen.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.huizhen.storage.blob.BlobStoreTest.put;
import static org.huizhen.storage.blob.BlobStoreTest.randomBytes;
import static org.huizhen.storage.blob.BlobStoreTest.sha256;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.NoSuchBlobException;
import org.huizhen.storage.RecoveryReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-system specifics of {@link FileSystemBlobStore}: layout, temp files, recovery, fsync. */
class FileSystemBlobStoreTest {

    @TempDir
    Path root;

    /** Regular files under the root outside {@code tmp}: the committed blobs. */
    private List<Path> blobFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).filter(p -> !p.getParent().equals(root.resolve("tmp"))).toList();
        }
    }

    private List<Path> tempFiles() throws IOException {
        try (Stream<Path> list = Files.list(root.resolve("tmp"))) {
            return list.toList();
        }
    }

    @Test
    void blobsAreLaidOutByHashPrefix() throws Exception {
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.NONE)) {
            BlobId id = put(store, randomBytes(1, 100));
            Path expected = root.resolve(id.hex().substring(0, 2)).resolve(id.hex().substring(2, 4)).resolve(id.hex());
            assertThat(store.localPath(id)).contains(expected.toAbsolutePath());
            assertThat(blobFiles()).containsExactly(expected);
        }
    }

    @Test
    void identicalContentIsStoredAsOneFile() throws Exception {
        byte[] data = randomBytes(2, 50_000);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            // Several writers of the same content committing at once must end with one file.
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<BlobId>> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(pool.submit(() -> {
                    start.await();
                    return put(store, data);
                }));
            }
            start.countDown();
            for (Future<BlobId> id : ids) {
                assertThat(id.get()).isEqualTo(sha256(data));
            }
            put(store, data);
            pool.shutdown();
            assertThat(blobFiles()).hasSize(1);
            assertThat(Files.readAllBytes(blobFiles().get(0))).isEqualTo(data);
            assertThat(tempFiles()).isEmpty();
        }
    }

    @Test
    void abortedWriteLeavesNoFile() throws Exception {
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            BlobWriter writer = store.create();
            writer.write(randomBytes(3, 10_000), 0, 10_000);
            assertThat(tempFiles()).hasSize(1);
            writer.close();
            assertThat(tempFiles()).isEmpty();
            assertThat(blobFiles()).isEmpty();
        }
    }

    @Test
    void recoverRemovesTempsOfInterruptedWritesButNotOpenOnes() throws Exception {
        // Files left in tmp by a process that died mid-write (their writers no longer exist).
        Files.createDirectories(root.resolve("tmp"));
        Files.write(root.resolve("tmp").resolve("dead-1.part"), new byte[1234]);
        Files.write(root.resolve("tmp").resolve("dead-2.part"), new byte[66]);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            byte[] data = randomBytes(4, 777);
            BlobWriter open = store.create();
            open.write(data, 0, data.length);

            RecoveryReport report = store.recover();

            assertThat(report.tempFilesDeleted()).isEqualTo(2);
            assertThat(report.bytesDeleted()).isEqualTo(1234 + 66);
            assertThat(tempFiles()).hasSize(1); // the open writer's temp file survives
            assertThat(open.commit()).isEqualTo(sha256(data));
            assertThat(tempFiles()).isEmpty();
            assertThat(store.recover()).isEqualTo(RecoveryReport.NOTHING);
        }
    }

    @Test
    void readerNeverSeesPartialContent() throws Exception {
        byte[] data = randomBytes(5, 2_000_000);
        BlobId id = sha256(data);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger completeReads = new AtomicInteger();
            AtomicInteger absentReads = new AtomicInteger();
            CountDownLatch readerRunning = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            // The reader polls the final id while the writer streams; any read that succeeds must be whole.
            Future<?> reader = pool.submit(() -> {
                readerRunning.countDown();
                while (!done.get() || completeReads.get() == 0) {
                    try (InputStream in = store.open(id)) {
                        assertThat(in.readAllBytes()).isEqualTo(data);
                        completeReads.incrementAndGet();
                    } catch (NoSuchBlobException e) {
                        absentReads.incrementAndGet();
                    }
                }
                return null;
            });
            readerRunning.await();
            try (BlobWriter writer = store.create()) {
                for (int pos = 0; pos < data.length; pos += 4096) {
                    writer.write(data, pos, Math.min(4096, data.length - pos));
                    if (pos == data.length / 2) {
                        assertThat(store.exists(id)).isFalse();
                        assertThat(store.localPath(id)).isEmpty();
                    }
                }
                assertThat(store.exists(id)).isFalse(); // everything written, not yet committed
                writer.commit();
            }
            done.set(true);
            reader.get();
            pool.shutdown();
            assertThat(completeReads.get()).isPositive();
        }
    }

    @Test
    void fsyncDurabilityForcesFileAndDirectory() throws Exception {
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            put(store, randomBytes(6, 1000));
            // first blob: the file, the new directories ab and ab/cd (via their parents), the final directory
            assertThat(store.fsyncCount()).isGreaterThanOrEqualTo(4);
            long before = store.fsyncCount();
            BlobId second = put(store, randomBytes(7, 1000));
            // at least the file and the directory that received the new name
            assertThat(store.fsyncCount() - before).isGreaterThanOrEqualTo(2);
            assertThat(store.exists(second)).isTrue();
        }
    }

    @Test
    void aLargeBlobIsForcedWhileBeingWrittenAndCommitForcesOnlyTheTail() throws Exception {
        byte[] piece = randomBytes(11, 1 << 20);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC);
             BlobWriter w = store.create()) {
            long before = store.fsyncCount();
            for (int i = 0; i < 20; i++) {
                w.write(piece, 0, piece.length);
            }
            // 20 MiB in 1 MiB writes: forced after 8 and after 16 MiB (SYNC_EVERY_BYTES), the last
            // 4 MiB wait for the commit.
            assertThat(FileSystemBlobStore.SYNC_EVERY_BYTES).isEqualTo(8L << 20);
            assertThat(store.fsyncCount() - before).isEqualTo(2);
            BlobId id = w.commit();
            assertThat(store.size(id)).isEqualTo(20L << 20);
            try (var in = store.open(id)) {
                assertThat(in.readNBytes(piece.length)).isEqualTo(piece);
            }
        }
    }

    @Test
    void aGatheringWriteStoresTheBuffersInOrderUnderTheHashOfTheirConcatenation() throws Exception {
        byte[] all = randomBytes(14, 300_000);
        // Pieces of uneven sizes, one of them direct, as the ingest lanes hand them over.
        int[] cuts = {0, 1, 16_384, 16_385, 100_000, 250_000, 300_000};
        java.nio.ByteBuffer[] pieces = new java.nio.ByteBuffer[cuts.length - 1];
        for (int i = 0; i + 1 < cuts.length; i++) {
            pieces[i] = java.nio.ByteBuffer.wrap(all, cuts[i], cuts[i + 1] - cuts[i]);
        }
        java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(pieces[3].remaining());
        direct.put(pieces[3].duplicate()).flip();
        pieces[3] = direct;
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            BlobId id;
            try (BlobWriter w = store.create()) {
                w.write(pieces);
                assertThat(w.size()).isEqualTo(all.length);
                id = w.commit();
            }
            assertThat(pieces).allMatch(b -> !b.hasRemaining());
            assertThat(id).isEqualTo(sha256(all));
            assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
        }
    }

    @Test
    void commitAfterSyncForcesOnlyTheDirectory() throws Exception {
        byte[] content = randomBytes(12, 5000);
        byte[] other = randomBytes(13, 5000);
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.FSYNC)) {
            // The blobs' directories exist already, so each commit forces exactly one directory.
            for (byte[] c : List.of(content, other)) {
                String hex = sha256(c).hex();
                Files.createDirectories(root.resolve(hex.substring(0, 2)).resolve(hex.substring(2, 4)));
            }
            BlobWriter synced = store.create();
            synced.write(content, 0, content.length);
            long before = store.fsyncCount();
            synced.sync();
            synced.sync(); // nothing new written: nothing to force
            assertThat(store.fsyncCount() - before).isEqualTo(1);
            before = store.fsyncCount();
            BlobId id = synced.commit();
            assertThat(store.fsyncCount() - before).as("the directory only").isEqualTo(1);
            assertThat(store.localPath(id)).isPresent();

            BlobWriter plain = store.create();
            plain.write(other, 0, other.length);
            before = store.fsyncCount();
            plain.commit();
            assertThat(store.fsyncCount() - before).as("the file and the directory").isEqualTo(2);
        }
    }

    @Test
    void noneDurabilityNeverForces() throws Exception {
        try (FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.NONE)) {
            BlobId id = put(store, randomBytes(8, 1000));
            assertThat(store.exists(id)).isTrue();
            assertThat(store.fsyncCount()).isZero();
        }
    }

    @Test
    void constructorTouchesNothingUntilTheFirstWrite() throws Exception {
        Path fresh = root.resolve("not-yet");
        try (FileSystemBlobStore store = new FileSystemBlobStore(fresh, Durability.FSYNC)) {
            assertThat(fresh).doesNotExist();
            assertThat(store.recover()).isEqualTo(RecoveryReport.NOTHING);
            assertThat(store.exists(sha256(new byte[0]))).isFalse();
            BlobId id = put(store, randomBytes(10, 10));
            assertThat(store.localPath(id)).isPresent();
        }
    }

    @Test
    void closedStoreRefusesReads() throws Exception {
        FileSystemBlobStore store = new FileSystemBlobStore(root, Durability.NONE);
        BlobId id = put(store, randomBytes(9, 10));
        store.close();
        assertThatThrownBy(() -> store.open(id)).hasMessageStartingWith("HZ-2007");
    }
}
