package org.huizhen.storage.blob;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.HeldBlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory of a {@link FileSystemBlobStore} in {@link FileSystemBlobStore.WriteMode#DIRECT} mode
 * that holds the bytes of recently stored blobs: an arena of block-aligned slabs of
 * {@link #SLAB_BYTES}, which direct writers stage their bytes in (the O_DIRECT writes go from
 * there to the device) and which, at commit, become the blob's cache entry instead of going back.
 * A WADO-RS answer for a study just stored then sends from this memory.
 *
 * <p>Why: a direct write keeps a new blob out of the page cache, so without this the first read
 * of a new study came from the disk, into page-cache pages allocated afresh. A tele-read study is
 * opened soon after it arrives (within its reading SLA), and the cache keeps what was stored last.
 * The arena's memory is allocated once, as it is first needed, and reused from then on, so
 * neither the write nor the read of a cached blob touches pages that are new to the process (on
 * a virtual machine whose host backs each new page at first touch, that is most of the cost of
 * a buffered write). Orthanc keeps stored files in memory too ({@code MaximumStorageCacheSize}).
 *
 * <p>Eviction: when a writer needs a slab and none is free and the arena is at its capacity,
 * the least recently used entries (stored or read) are evicted until one is. An evicted entry's
 * slabs are reused only once every {@link HeldBlob} of it is released (reference count), so
 * memory a socket is still sending is never overwritten. A holder that forgets to release is
 * caught by a {@link Cleaner} when it becomes unreachable (logged: that is a bug).
 *
 * <p>A blob over {@link #maxEntryBytes()} is not kept; nor is one written while no slab could
 * be had (every slab pinned): its writer uses the store's own staging buffers.
 *
 * <p>Threading: thread-safe; one monitor guards the free list and the entries (a few operations
 * per 32 KiB written or per instance read).
 */
final class BlobCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlobCache.class);
    private static final Cleaner CLEANER = Cleaner.create(r -> Thread.ofPlatform().daemon()
            .name("blob-cache-cleaner").unstarted(r));

    /** Slab size: small enough that a 0.5 MB CT slice wastes little of its last slab. */
    static final int SLAB_BYTES = 32 * 1024;
    /** The arena grows by chunks of this many bytes (one allocation, sliced into slabs). */
    static final int CHUNK_BYTES = 4 << 20;

    private final long capacity;
    private final long maxEntryBytes;
    /** Guarded by {@code this}. */
    private final ArrayDeque<Slab> free = new ArrayDeque<>();
    /** Least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<BlobId, Entry> entries = new LinkedHashMap<>(1024, 0.75f, true);
    /** Bytes allocated to the arena so far, and those whose allocation is under way; guarded by {@code this}. */
    private long arenaBytes;
    private long heldBytes;
    private long hits;
    private long misses;
    private long evictions;
    private long refusedSlabs;
    /** Holds not yet released. */
    private long pinned;
    private boolean closed;

    /**
     * @param capacity arena bytes at most (rounded down to whole chunks; under one chunk: nothing is cached)
     */
    BlobCache(long capacity) {
        this.capacity = capacity / CHUNK_BYTES * CHUNK_BYTES;
        this.maxEntryBytes = Math.min(this.capacity / 8, 64L << 20);
    }

    long capacity() {
        return capacity;
    }

    /** Blobs larger than this are not kept. */
    long maxEntryBytes() {
        return maxEntryBytes;
    }

    /** One piece of arena memory; {@code buf}'s position is how much of it a writer has filled. */
    static final class Slab {
        final ByteBuffer buf;
        /** Whether it belongs to the arena (else to the store's staging pool). */
        final boolean arena;

        Slab(ByteBuffer buf, boolean arena) {
            this.buf = buf;
            this.arena = arena;
        }
    }

    /** Slab size for O_DIRECT writes aligned to {@code align}: a whole number of blocks. */
    static int slabBytes(int align) {
        return Math.max(SLAB_BYTES, align);
    }

    /**
     * A free slab (position 0), growing the arena or evicting entries for it; null when every
     * slab is pinned (by writers, or by holders of evicted entries) or the cache is closed.
     */
    Slab take(int align) {
        boolean grow;
        synchronized (this) {
            if (closed) {
                return null;
            }
            Slab s = free.poll();
            if (s != null) {
                s.buf.clear();
                return s;
            }
            grow = arenaBytes + CHUNK_BYTES <= capacity;
            if (grow) {
                arenaBytes += CHUNK_BYTES; // reserved: concurrent writers do not overshoot
            } else {
                for (Iterator<Entry> it = entries.values().iterator(); it.hasNext() && free.isEmpty(); ) {
                    Entry e = it.next();
                    it.remove();
                    heldBytes -= e.slabBytes();
                    evictions++;
                    unref(e);
                }
                s = free.poll();
                if (s == null) {
                    refusedSlabs++;
                    return null;
                }
                s.buf.clear();
                return s;
            }
        }
        return grown(align);
    }

    /** Allocates one chunk (outside the monitor: zeroing 4 MiB takes a while) and returns its first slab. */
    private Slab grown(int align) {
        int slab = slabBytes(align);
        ByteBuffer chunk;
        try {
            chunk = ByteBuffer.allocateDirect(CHUNK_BYTES + align).alignedSlice(align);
        } catch (OutOfMemoryError e) {
            // the JVM's direct memory limit (-XX:MaxDirectMemorySize) is lower than the capacity
            synchronized (this) {
                arenaBytes -= CHUNK_BYTES;
                refusedSlabs++;
            }
            LOG.warn("HZ-2011 blob cache: cannot grow past {} bytes ({}); raise -XX:MaxDirectMemorySize or lower "
                    + "storage.blob-cache", arenaBytes, e.getMessage());
            return null;
        }
        List<Slab> slabs = new ArrayList<>(CHUNK_BYTES / slab);
        for (int at = 0; at + slab <= CHUNK_BYTES; at += slab) {
            slabs.add(new Slab(chunk.slice(at, slab), true));
        }
        synchronized (this) {
            if (!closed) {
                free.addAll(slabs.subList(1, slabs.size()));
            }
        }
        return slabs.get(0);
    }

    /** Gives back a slab taken with {@link #take} that holds nothing to keep. */
    void give(Slab s) {
        synchronized (this) {
            if (!closed) {
                free.push(s);
            }
        }
    }

    /**
     * Keeps a stored blob: {@code slabs} (all from this arena, positions = bytes filled, in
     * order) become its entry. If the blob is cached already (identical content stored again),
     * the slabs are given back instead.
     */
    void put(BlobId id, List<Slab> slabs, long size) {
        Entry e = new Entry(List.copyOf(slabs), size);
        synchronized (this) {
            if (closed || entries.containsKey(id)) {
                free.addAll(slabs);
                return;
            }
            entries.put(id, e);
            heldBytes += e.slabBytes();
        }
    }

    /** The blob's bytes, pinned, or empty (counted as a miss). */
    Optional<HeldBlob> hold(BlobId id) {
        Entry e;
        synchronized (this) {
            e = entries.get(id);
            if (e == null) {
                misses++;
                return Optional.empty();
            }
            e.refs++;
            hits++;
            pinned++;
        }
        return Optional.of(new Held(this, e));
    }

    boolean contains(BlobId id) {
        synchronized (this) {
            return entries.containsKey(id);
        }
    }

    /** Drops the blob's entry (it was removed from the store); its holders keep what they pinned. */
    void invalidate(BlobId id) {
        synchronized (this) {
            Entry e = entries.remove(id);
            if (e != null) {
                heldBytes -= e.slabBytes();
                unref(e);
            }
        }
    }

    /** Guarded by {@code this}: drops one reference; the last one gives the slabs back. */
    private void unref(Entry e) {
        if (--e.refs == 0 && !closed) {
            free.addAll(e.slabs);
        }
    }

    /** Counters: a snapshot. */
    synchronized BlobCacheStats stats() {
        return new BlobCacheStats(capacity, arenaBytes, heldBytes, entries.size(), hits, misses, evictions,
                refusedSlabs, pinned);
    }

    /** Drops every entry and the free list: the memory goes once no holder pins it. */
    @Override
    public synchronized void close() {
        closed = true;
        entries.clear();
        free.clear();
    }

    /** A cached blob. Guarded by the cache's monitor: {@code refs} (1 for the cache itself while cached). */
    private static final class Entry {
        final List<Slab> slabs;
        final long size;
        int refs = 1;

        Entry(List<Slab> slabs, long size) {
            this.slabs = slabs;
            this.size = size;
        }

        long slabBytes() {
            return (long) slabs.size() * (slabs.isEmpty() ? 0 : slabs.get(0).buf.capacity());
        }
    }

    /** One pin of an entry; released once, by its holder or (a leak) by the cleaner. */
    private static final class Held implements HeldBlob {
        private final Entry entry;
        private final Release release;
        private final Cleaner.Cleanable cleanable;

        Held(BlobCache cache, Entry entry) {
            this.entry = entry;
            this.release = new Release(cache, entry);
            this.cleanable = CLEANER.register(this, release);
        }

        @Override
        public long size() {
            return entry.size;
        }

        @Override
        public ByteBuffer[] buffers() {
            ByteBuffer[] out = new ByteBuffer[entry.slabs.size()];
            for (int i = 0; i < out.length; i++) {
                ByteBuffer b = entry.slabs.get(i).buf;
                out[i] = b.asReadOnlyBuffer().position(0).limit(b.position());
            }
            return out;
        }

        @Override
        public void release() {
            release.explicit = true;
            cleanable.clean();
        }
    }

    /** The cleaning action: must not refer to its {@link Held}. */
    private static final class Release implements Runnable {
        private final BlobCache cache;
        private final Entry entry;
        private final AtomicBoolean done = new AtomicBoolean();
        volatile boolean explicit;

        Release(BlobCache cache, Entry entry) {
            this.cache = cache;
            this.entry = entry;
        }

        @Override
        public void run() {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            if (!explicit) {
                LOG.warn("HZ-2012 a held blob was never released (a bug); its cache memory is reclaimed now");
            }
            synchronized (cache) {
                cache.pinned--;
                cache.unref(entry);
            }
        }
    }

    @Override
    public String toString() {
        return "BlobCache" + stats();
    }
}
