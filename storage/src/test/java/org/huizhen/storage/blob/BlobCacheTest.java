package org.huizhen.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.huizhen.storage.BlobId;
import org.huizhen.storage.HeldBlob;
import org.junit.jupiter.api.Test;

/**
 * {@link BlobCache}: the arena grows by chunks up to its capacity, then least recently used
 * entries are evicted for new slabs; memory that a holder pinned is never handed out again until
 * it is released, and a holder that forgets is caught by the cleaner.
 */
class BlobCacheTest {
    private static final int ALIGN = 4096;
    private static final int SLAB = BlobCache.slabBytes(ALIGN);
    private static final int SLABS_PER_CHUNK = BlobCache.CHUNK_BYTES / SLAB;

    /** A blob of {@code slabs} full slabs whose every byte is {@code mark}. */
    private static List<BlobCache.Slab> filled(BlobCache cache, int slabs, byte mark) {
        List<BlobCache.Slab> out = new ArrayList<>();
        for (int i = 0; i < slabs; i++) {
            BlobCache.Slab s = cache.take(ALIGN);
            assertThat(s).as("slab %d", i).isNotNull();
            assertThat(s.arena).isTrue();
            assertThat(s.buf.position()).isZero();
            while (s.buf.hasRemaining()) {
                s.buf.put(mark);
            }
            out.add(s);
        }
        return out;
    }

    private static BlobId id(int n) {
        byte[] d = new byte[32];
        d[0] = (byte) n;
        d[1] = (byte) (n >> 8);
        d[2] = (byte) (n >> 16);
        return BlobId.ofDigest(d);
    }

    /** Whether every byte of the held blob is {@code mark}. */
    private static boolean allAre(HeldBlob h, byte mark) {
        long n = 0;
        for (ByteBuffer b : h.buffers()) {
            while (b.hasRemaining()) {
                if (b.get() != mark) {
                    return false;
                }
                n++;
            }
        }
        return n == h.size();
    }

    @Test
    void theArenaGrowsByChunksUpToItsCapacityThenEvictsTheLeastRecentlyUsed() {
        try (BlobCache cache = new BlobCache(2L * BlobCache.CHUNK_BYTES)) {
            assertThat(cache.stats().arenaBytes()).isZero();
            int perBlob = SLABS_PER_CHUNK / 4;
            for (int i = 0; i < 8; i++) { // 8 blobs of a quarter chunk fill both chunks
                cache.put(id(i), filled(cache, perBlob, (byte) i), (long) perBlob * SLAB);
            }
            assertThat(cache.stats().arenaBytes()).isEqualTo(2L * BlobCache.CHUNK_BYTES);
            assertThat(cache.stats().entries()).isEqualTo(8);
            assertThat(cache.stats().heldBytes()).isEqualTo(2L * BlobCache.CHUNK_BYTES);
            // reading blob 0 makes blob 1 the least recently used
            cache.hold(id(0)).orElseThrow().release();
            cache.put(id(100), filled(cache, 1, (byte) 100), SLAB);
            assertThat(cache.stats().arenaBytes()).as("no growth past the capacity").isEqualTo(2L * BlobCache.CHUNK_BYTES);
            assertThat(cache.contains(id(1))).isFalse();
            assertThat(cache.contains(id(0))).isTrue();
            assertThat(cache.stats().evictions()).isEqualTo(1);
            try (HeldBlob h = cache.hold(id(0)).orElseThrow()) {
                assertThat(allAre(h, (byte) 0)).isTrue();
            }
            assertThat(cache.hold(id(1))).isEmpty();
            assertThat(cache.stats().misses()).isEqualTo(1);
        }
    }

    @Test
    void aPinnedEntryIsNeverOverwrittenEvenWhenEvicted() {
        try (BlobCache cache = new BlobCache(BlobCache.CHUNK_BYTES)) {
            cache.put(id(1), filled(cache, SLABS_PER_CHUNK / 2, (byte) 1), (long) SLABS_PER_CHUNK / 2 * SLAB);
            HeldBlob pinned = cache.hold(id(1)).orElseThrow();
            // take every other slab, then more: blob 1 is evicted for them but its slabs stay pinned
            List<BlobCache.Slab> taken = filled(cache, SLABS_PER_CHUNK / 2, (byte) 2);
            assertThat(cache.take(ALIGN)).as("every slab is in use or pinned").isNull();
            assertThat(cache.contains(id(1))).isFalse();
            assertThat(cache.stats().refusedSlabs()).isEqualTo(1);
            assertThat(allAre(pinned, (byte) 1)).as("pinned bytes unchanged").isTrue();
            assertThat(cache.stats().pinned()).isEqualTo(1);
            pinned.release();
            pinned.release(); // idempotent: the slabs come back once
            assertThat(cache.stats().pinned()).isZero();
            List<BlobCache.Slab> again = filled(cache, SLABS_PER_CHUNK / 2, (byte) 3);
            assertThat(cache.take(ALIGN)).isNull();
            taken.forEach(cache::give);
            again.forEach(cache::give);
        }
    }

    @Test
    void anInvalidatedEntryIsGoneButItsHoldersKeepTheirBytes() {
        try (BlobCache cache = new BlobCache(BlobCache.CHUNK_BYTES)) {
            cache.put(id(7), filled(cache, 3, (byte) 7), 3L * SLAB);
            HeldBlob h = cache.hold(id(7)).orElseThrow();
            cache.invalidate(id(7));
            assertThat(cache.hold(id(7))).isEmpty();
            // its slabs are not handed out while held: take all the others
            List<BlobCache.Slab> rest = filled(cache, SLABS_PER_CHUNK - 3, (byte) 6);
            assertThat(cache.take(ALIGN)).isNull();
            assertThat(allAre(h, (byte) 7)).isTrue();
            h.release();
            assertThat(cache.take(ALIGN)).as("released: free again").isNotNull();
            rest.forEach(cache::give);
        }
    }

    @Test
    void viewsEndWhereTheWriterStopped() {
        try (BlobCache cache = new BlobCache(BlobCache.CHUNK_BYTES)) {
            List<BlobCache.Slab> slabs = filled(cache, 1, (byte) 5);
            BlobCache.Slab last = cache.take(ALIGN);
            last.buf.put(new byte[] {5, 5, 5});
            slabs.add(last);
            cache.put(id(5), slabs, SLAB + 3);
            try (HeldBlob h = cache.hold(id(5)).orElseThrow()) {
                ByteBuffer[] views = h.buffers();
                assertThat(views).hasSize(2);
                assertThat(views[0].remaining()).isEqualTo(SLAB);
                assertThat(views[1].remaining()).isEqualTo(3);
                assertThat(views[0].isReadOnly()).isTrue();
                views[0].position(SLAB); // consuming one call's views leaves the next call's whole
                assertThat(h.buffers()[0].remaining()).isEqualTo(SLAB);
                assertThat(allAre(h, (byte) 5)).isTrue();
            }
        }
    }

    @Test
    void theSameBlobPutTwiceKeepsTheFirstAndGivesTheSecondsSlabsBack() {
        try (BlobCache cache = new BlobCache(BlobCache.CHUNK_BYTES)) {
            cache.put(id(9), filled(cache, 2, (byte) 9), 2L * SLAB);
            cache.put(id(9), filled(cache, 2, (byte) 8), 2L * SLAB);
            assertThat(cache.stats().entries()).isEqualTo(1);
            assertThat(cache.stats().heldBytes()).isEqualTo(2L * SLAB);
            try (HeldBlob h = cache.hold(id(9)).orElseThrow()) {
                assertThat(allAre(h, (byte) 9)).isTrue();
            }
            // all but the two kept slabs can be taken again
            List<BlobCache.Slab> rest = filled(cache, SLABS_PER_CHUNK - 2, (byte) 0);
            assertThat(cache.contains(id(9))).isTrue();
            rest.forEach(cache::give);
        }
    }

    @Test
    void aHolderThatNeverReleasesIsCaughtByTheCleaner() throws Exception {
        try (BlobCache cache = new BlobCache(BlobCache.CHUNK_BYTES)) {
            cache.put(id(3), filled(cache, SLABS_PER_CHUNK, (byte) 3), BlobCache.CHUNK_BYTES);
            forgetAHold(cache, id(3));
            cache.invalidate(id(3));
            // until the forgotten hold is collected, nothing is free
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            BlobCache.Slab s = null;
            while (s == null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(20);
                s = cache.take(ALIGN);
            }
            assertThat(s).as("the cleaner released the forgotten hold").isNotNull();
        }
    }

    private static void forgetAHold(BlobCache cache, BlobId id) {
        assertThat(cache.hold(id)).isPresent(); // dropped on the floor
    }

    @Test
    void underConcurrentWritersAndReadersNoHeldByteEverChanges() throws Exception {
        try (BlobCache cache = new BlobCache(2L * BlobCache.CHUNK_BYTES)) {
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> tasks = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                int writer = w;
                tasks.add(pool.submit(() -> {
                    for (int n = 0; !stop.get(); n++) {
                        int key = (writer << 16) | (n % 200);
                        int slabs = 1 + ThreadLocalRandom.current().nextInt(20);
                        List<BlobCache.Slab> got = new ArrayList<>();
                        for (int i = 0; i < slabs; i++) {
                            BlobCache.Slab s = cache.take(ALIGN);
                            if (s == null) {
                                break;
                            }
                            while (s.buf.hasRemaining()) {
                                s.buf.put((byte) key);
                            }
                            got.add(s);
                        }
                        if (got.size() < slabs) {
                            got.forEach(cache::give); // as a writer that stops keeping does
                        } else {
                            cache.put(id(key), got, (long) slabs * SLAB);
                        }
                    }
                }));
            }
            for (int r = 0; r < 3; r++) {
                tasks.add(pool.submit(() -> {
                    while (!stop.get()) {
                        int key = (ThreadLocalRandom.current().nextInt(3) << 16) | ThreadLocalRandom.current().nextInt(200);
                        Optional<HeldBlob> h = cache.hold(id(key));
                        if (h.isPresent()) {
                            try {
                                Thread.onSpinWait();
                                if (!allAre(h.get(), (byte) key)) {
                                    errors.add("blob " + key + " changed while held");
                                }
                            } finally {
                                h.get().release();
                            }
                        }
                    }
                }));
            }
            Thread.sleep(1500);
            stop.set(true);
            for (Future<?> t : tasks) {
                t.get(30, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(errors).isEmpty();
            BlobCacheStats st = cache.stats();
            assertThat(st.hits()).as("readers found blobs").isPositive();
            assertThat(st.evictions()).as("writers evicted").isPositive();
            assertThat(st.arenaBytes()).isEqualTo(2L * BlobCache.CHUNK_BYTES);
        }
    }
}
