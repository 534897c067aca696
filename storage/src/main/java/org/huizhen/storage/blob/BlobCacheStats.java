package org.huizhen.storage.blob;

/**
 * A snapshot of a blob store's cache of recently stored blobs ({@link FileSystemBlobStore#cacheStats()}).
 *
 * @param capacity     bytes the arena may grow to
 * @param arenaBytes   bytes allocated so far (grows up to the capacity as writes need it, then stays)
 * @param heldBytes    slab bytes of the cached blobs
 * @param entries      blobs cached
 * @param hits         reads served from the cache
 * @param misses       reads of blobs not (or no longer) cached
 * @param evictions    blobs evicted to make room
 * @param refusedSlabs times a writer found no slab (every one in use or pinned, or direct memory refused)
 * @param pinned       holds not yet released (memory being sent)
 */
public record BlobCacheStats(long capacity, long arenaBytes, long heldBytes, int entries, long hits, long misses,
                             long evictions, long refusedSlabs, long pinned) {
}
