package org.huizhen.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.NoSuchBlobException;
import org.huizhen.storage.StorageException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link BlobStore} contract, run against every implementation. File-system specifics
 * (layout, temp files, fsync) are in {@link FileSystemBlobStoreTest}.
 */
class BlobStoreTest {

    enum Kind {
        FILE_SYSTEM, FILE_SYSTEM_DIRECT, IN_MEMORY;

        BlobStore open(Path dir) throws StorageException {
            return switch (this) {
                case FILE_SYSTEM -> new FileSystemBlobStore(dir, Durability.FSYNC);
                case FILE_SYSTEM_DIRECT -> new FileSystemBlobStore(dir, Durability.FSYNC, FileSystemBlobStore.WriteMode.DIRECT);
                case IN_MEMORY -> new InMemoryBlobStore();
            };
        }
    }

    @TempDir
    Path dir;

    static byte[] randomBytes(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Independent SHA-256 of the test data: the id the store must return. */
    static BlobId sha256(byte[] data) throws Exception {
        return new BlobId(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
    }

    static BlobId put(BlobStore store, byte[] data) throws StorageException {
        try (BlobWriter writer = store.create()) {
            writer.write(data, 0, data.length);
            return writer.commit();
        }
    }

    static byte[] readAll(BlobStore store, BlobId id) throws StorageException {
        try (InputStream in = store.open(id)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void roundTripReturnsContentUnderItsSha256(Kind kind) throws Exception {
        byte[] data = randomBytes(1, 1_000_003);
        try (BlobStore store = kind.open(dir)) {
            BlobId id;
            try (BlobWriter writer = store.create()) {
                // Mix both write methods and odd chunk sizes, as a network sink would.
                int pos = 0;
                boolean useBuffer = false;
                while (pos < data.length) {
                    int n = Math.min(8191, data.length - pos);
                    if (useBuffer) {
                        ByteBuffer buffer = ByteBuffer.wrap(data, pos, n);
                        writer.write(buffer);
                        assertThat(buffer.hasRemaining()).isFalse();
                    } else {
                        writer.write(data, pos, n);
                    }
                    pos += n;
                    useBuffer = !useBuffer;
                }
                assertThat(writer.size()).isEqualTo(data.length);
                id = writer.commit();
            }
            assertThat(id).isEqualTo(sha256(data));
            assertThat(store.exists(id)).isTrue();
            assertThat(store.size(id)).isEqualTo(data.length);
            assertThat(readAll(store, id)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rangeReadsReturnExactlyTheRequestedSlice(Kind kind) throws Exception {
        byte[] data = randomBytes(2, 10_000);
        try (BlobStore store = kind.open(dir)) {
            BlobId id = put(store, data);
            long[][] ranges = {{0, 0}, {0, data.length}, {10, 100}, {data.length - 1, 1}, {data.length, 0},
                               {4096, 5000}};
            for (long[] r : ranges) {
                try (InputStream in = store.openRange(id, r[0], r[1])) {
                    byte[] expected = java.util.Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + r[1]));
                    assertThat(in.readAllBytes()).as("range %d+%d", r[0], r[1]).isEqualTo(expected);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void rangeOutsideTheBlobIsRejected(Kind kind) throws Exception {
        try (BlobStore store = kind.open(dir)) {
            BlobId id = put(store, randomBytes(3, 100));
            assertThatThrownBy(() -> store.openRange(id, 50, 51)).hasMessageStartingWith("HZ-2005");
            assertThatThrownBy(() -> store.openRange(id, 101, 0)).hasMessageStartingWith("HZ-2005");
            assertThatThrownBy(() -> store.openRange(id, -1, 10)).hasMessageStartingWith("HZ-2005");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void absentBlobIsReportedAsNoSuchBlob(Kind kind) throws Exception {
        BlobId absent = sha256("never stored".getBytes());
        try (BlobStore store = kind.open(dir)) {
            assertThat(store.exists(absent)).isFalse();
            assertThatThrownBy(() -> store.open(absent)).isInstanceOf(NoSuchBlobException.class)
                    .hasMessageStartingWith("HZ-2002");
            assertThatThrownBy(() -> store.size(absent)).isInstanceOf(NoSuchBlobException.class);
            assertThatThrownBy(() -> store.openRange(absent, 0, 0)).isInstanceOf(NoSuchBlobException.class);
            store.remove(absent); // idempotent: cleanup paths may remove twice
            assertThat(store.localPath(absent)).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void removeDeletesTheBlob(Kind kind) throws Exception {
        try (BlobStore store = kind.open(dir)) {
            BlobId id = put(store, randomBytes(4, 500));
            store.remove(id);
            assertThat(store.exists(id)).isFalse();
            assertThatThrownBy(() -> store.open(id)).isInstanceOf(NoSuchBlobException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void concurrentWritersEachStoreTheirBlob(Kind kind) throws Exception {
        int threads = 8;
        int perThread = 15;
        try (BlobStore store = kind.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<BlobId>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    List<BlobId> ids = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        byte[] data = randomBytes(thread * 1000L + i, 20_000 + i);
                        BlobId id = put(store, data);
                        assertThat(id).isEqualTo(sha256(data));
                        ids.add(id);
                    }
                    return ids;
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                List<BlobId> ids = futures.get(t).get();
                for (int i = 0; i < perThread; i++) {
                    assertThat(readAll(store, ids.get(i))).isEqualTo(randomBytes(t * 1000L + i, 20_000 + i));
                }
            }
            pool.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void identicalContentTwiceGivesTheSameId(Kind kind) throws Exception {
        byte[] data = randomBytes(5, 4_000);
        try (BlobStore store = kind.open(dir)) {
            BlobId first = put(store, data);
            BlobId second = put(store, data);
            assertThat(second).isEqualTo(first);
            assertThat(readAll(store, first)).isEqualTo(data);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void abortedWriteLeavesNothingVisible(Kind kind) throws Exception {
        byte[] data = randomBytes(6, 3_000);
        try (BlobStore store = kind.open(dir)) {
            BlobWriter writer = store.create();
            writer.write(data, 0, data.length);
            writer.close();
            assertThat(store.exists(sha256(data))).isFalse();
            assertThatThrownBy(writer::commit).hasMessageStartingWith("HZ-2006");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void writerCannotBeUsedAfterCommit(Kind kind) throws Exception {
        try (BlobStore store = kind.open(dir)) {
            BlobWriter writer = store.create();
            writer.write(new byte[] {1, 2, 3}, 0, 3);
            writer.commit();
            assertThatThrownBy(() -> writer.write(new byte[1], 0, 1)).hasMessageStartingWith("HZ-2006");
            assertThatThrownBy(writer::commit).hasMessageStartingWith("HZ-2006");
            writer.close(); // after commit: no effect
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void closedStoreRefusesWork(Kind kind) throws Exception {
        BlobStore store = kind.open(dir);
        store.close();
        assertThatThrownBy(store::create).hasMessageStartingWith("HZ-2007");
    }

    static Stream<String> malformedIds() {
        return Stream.of("", "abc", "A".repeat(64), "g".repeat(64), "0".repeat(63), "0".repeat(65));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("malformedIds")
    void malformedBlobIdsAreRejected(String hex) {
        assertThatThrownBy(() -> BlobId.parse(hex)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("HZ-2001");
    }

    @org.junit.jupiter.api.Test
    void blobIdParsesWhatItPrints() throws Exception {
        BlobId id = sha256(new byte[] {42});
        assertThat(BlobId.parse(id.hex())).isEqualTo(id);
        assertThat(id.toString()).isEqualTo(id.hex());
    }
}
