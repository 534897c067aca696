package org.huizhen.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.huizhen.storage.blob.BlobStoreTest.randomBytes;
import static org.huizhen.storage.blob.BlobStoreTest.sha256;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.Durability;
import org.huizhen.storage.HeldBlob;
import org.huizhen.storage.blob.FileSystemBlobStore.WriteMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A {@link WriteMode#DIRECT} store with a cache of recently stored blobs: what {@link
 * FileSystemBlobStore#held} gives is byte for byte what the file holds, for every size around
 * the block, slab and stage boundaries; what cannot be kept whole (too large, bytes after an
 * early sync, aborted) is not held; removal and eviction never expose other bytes.
 */
class FileSystemBlobStoreCacheTest {
    private static final int STAGE = FileSystemBlobStore.STAGE_BYTES;
    private static final int SLAB = BlobCache.SLAB_BYTES;
    /** 32 MiB: the largest entry is 4 MiB. */
    private static final long CAPACITY = 8L * BlobCache.CHUNK_BYTES;

    @TempDir
    Path root;
    private FileSystemBlobStore store;

    @BeforeEach
    void open() throws Exception {
        store = new FileSystemBlobStore(root, Durability.FSYNC, WriteMode.DIRECT, CAPACITY);
        // the cache goes with O_DIRECT writes: on a file system that refuses them there is none
        assumeThat(store.writeMode()).as("O_DIRECT on %s", Files.getFileStore(root).type()).isEqualTo(WriteMode.DIRECT);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] bytesOf(HeldBlob h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : h.buffers()) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        assertThat(out.size()).isEqualTo(h.size());
        return out.toByteArray();
    }

    private BlobId store(byte[] all) throws Exception {
        try (BlobWriter w = store.create()) {
            w.write(all, 0, all.length);
            return w.commit();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 511, 4095, 4096, 4097, SLAB - 1, SLAB, SLAB + 1, 526_000, STAGE - 1, STAGE, STAGE + 1,
            STAGE + SLAB, 2 * STAGE + 4097, 3 * STAGE + 123})
    void aHeldBlobIsExactlyTheStoredFile(int size) throws Exception {
        byte[] all = randomBytes(size, size);
        BlobId id;
        try (BlobWriter w = store.create()) {
            // uneven pieces, single and gathering writes, then sync before commit as STOW-RS does
            int at = 0;
            for (int step = 1; at < size; step = step * 5 % 70_001 + 1) {
                int n = Math.min(size - at, step);
                if (step % 2 == 0) {
                    w.write(all, at, n);
                } else {
                    int half = n / 2;
                    w.write(new ByteBuffer[] {ByteBuffer.wrap(all, at, half), ByteBuffer.wrap(all, at + half, n - half)});
                }
                at += n;
            }
            w.sync();
            id = w.commit();
        }
        assertThat(id).isEqualTo(sha256(all));
        assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
        assertThat(store.isHeld(id)).isTrue();
        try (HeldBlob h = store.held(id).orElseThrow()) {
            assertThat(h.size()).isEqualTo(size);
            assertThat(bytesOf(h)).isEqualTo(all);
        }
    }

    @Test
    void aBlobOverTheLargestEntryIsWrittenWholeButNotHeld() throws Exception {
        long max = store.cacheStats().orElseThrow().capacity() / 8;
        byte[] all = randomBytes(4, (int) max + 1);
        BlobId id = store(all);
        assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
        assertThat(store.held(id)).isEmpty();
        // a blob of the largest size is held
        byte[] fits = randomBytes(5, (int) max);
        BlobId fitsId = store(fits);
        try (HeldBlob h = store.held(fitsId).orElseThrow()) {
            assertThat(bytesOf(h)).isEqualTo(fits);
        }
    }

    @Test
    void bytesWrittenAfterAnEarlySyncAreInTheFileAndTheBlobIsNotHeld() throws Exception {
        byte[] all = randomBytes(6, STAGE + 70_001);
        BlobId id;
        try (BlobWriter w = store.create()) {
            w.write(all, 0, 5000);
            w.sync();
            w.write(all, 5000, all.length - 5000);
            id = w.commit();
        }
        assertThat(Files.readAllBytes(store.localPath(id).orElseThrow())).isEqualTo(all);
        assertThat(store.held(id)).isEmpty();
    }

    @Test
    void abortedWritesGiveTheirSlabsBack() throws Exception {
        for (int i = 0; i < 50; i++) {
            byte[] b = randomBytes(i, 526_000);
            try (BlobWriter w = store.create()) {
                w.write(b, 0, b.length);
            } // closed without commit
        }
        BlobCacheStats st = store.cacheStats().orElseThrow();
        assertThat(st.entries()).isZero();
        assertThat(st.arenaBytes()).as("50 aborted writes reused one chunk's slabs").isEqualTo(BlobCache.CHUNK_BYTES);
        try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
            assertThat(tmp.toList()).isEmpty();
        }
    }

    @Test
    void aRemovedBlobIsNoLongerHeld() throws Exception {
        byte[] all = randomBytes(8, 100_000);
        BlobId id = store(all);
        assertThat(store.isHeld(id)).isTrue();
        store.remove(id);
        assertThat(store.isHeld(id)).isFalse();
        assertThat(store.held(id)).isEmpty();
        assertThat(store.exists(id)).isFalse();
    }

    @Test
    void identicalContentStoredTwiceIsHeldOnce() throws Exception {
        byte[] all = randomBytes(9, 300_000);
        BlobId a = store(all);
        long held = store.cacheStats().orElseThrow().heldBytes();
        BlobId b = store(all);
        assertThat(b).isEqualTo(a);
        assertThat(store.cacheStats().orElseThrow().heldBytes()).isEqualTo(held);
        try (HeldBlob h = store.held(a).orElseThrow()) {
            assertThat(bytesOf(h)).isEqualTo(all);
        }
    }

    @Test
    void whatIsStoredLastIsHeldAndAPinnedBlobOutlivesItsEviction() throws Exception {
        byte[] first = randomBytes(10, 526_000);
        BlobId firstId = store(first);
        HeldBlob pinned = store.held(firstId).orElseThrow();
        List<BlobId> ids = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        for (int i = 0; i < 120; i++) { // 120 × 0.5 MB: about twice the capacity
            byte[] b = randomBytes(100 + i, 526_000);
            contents.add(b);
            ids.add(store(b));
        }
        assertThat(store.isHeld(firstId)).as("evicted").isFalse();
        assertThat(bytesOf(pinned)).as("the pinned bytes are unchanged").isEqualTo(first);
        pinned.release();
        assertThat(store.isHeld(ids.get(119))).isTrue();
        assertThat(store.isHeld(ids.get(0))).isFalse();
        int held = 0;
        for (int i = 0; i < ids.size(); i++) {
            try (HeldBlob h = store.held(ids.get(i)).orElse(null)) {
                if (h != null) {
                    held++;
                    assertThat(bytesOf(h)).isEqualTo(contents.get(i));
                }
            }
            assertThat(Files.readAllBytes(store.localPath(ids.get(i)).orElseThrow())).isEqualTo(contents.get(i));
        }
        BlobCacheStats st = store.cacheStats().orElseThrow();
        assertThat(st.arenaBytes()).isEqualTo(CAPACITY);
        // 17 slabs of 32 KiB per 526,000 bytes: the capacity holds 60 such blobs, minus slabs still free
        assertThat(held).isBetween(55, 60);
    }

    @Test
    void aClosedStoreHoldsNothing() throws Exception {
        BlobId id = store(randomBytes(12, 1000));
        store.close();
        assertThat(store.held(id)).isEmpty();
        assertThat(store.isHeld(id)).isFalse();
    }

    @Test
    void withoutACacheNothingIsHeld() throws Exception {
        try (FileSystemBlobStore plain = new FileSystemBlobStore(root.resolve("plain"), Durability.FSYNC, WriteMode.DIRECT)) {
            BlobId id;
            try (BlobWriter w = plain.create()) {
                w.write(randomBytes(13, 5000), 0, 5000);
                id = w.commit();
            }
            assertThat(plain.held(id)).isEmpty();
            assertThat(plain.cacheCapacity()).isZero();
        }
        try (FileSystemBlobStore buffered = new FileSystemBlobStore(root.resolve("buf"), Durability.FSYNC,
                WriteMode.BUFFERED, CAPACITY)) {
            assertThat(buffered.cacheCapacity()).as("the page cache does it").isZero();
        }
    }
}
