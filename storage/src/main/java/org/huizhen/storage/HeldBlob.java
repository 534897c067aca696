package org.huizhen.storage;

import java.nio.ByteBuffer;

/**
 * A blob's bytes held in memory the store owns (see {@link BlobStore#held(BlobId)}), pinned until
 * {@link #release()}: while a holder has not released it, the store never reuses that memory,
 * so a socket may send straight from {@link #buffers()}.
 *
 * <p>Threading: {@link #buffers()} and {@link #release()} may be called from any thread;
 * {@code release} is idempotent.
 */
public interface HeldBlob extends AutoCloseable {

    /** The blob's size in bytes (the sum of the buffers' remaining bytes). */
    long size();

    /**
     * The blob's bytes, in order: fresh read-only views (position 0) each call, so callers may
     * consume them. Valid until {@link #release()}; reading them afterwards may see other data.
     */
    ByteBuffer[] buffers();

    /** Unpins the memory. Idempotent. */
    void release();

    /** {@link #release()}. */
    @Override
    default void close() {
        release();
    }
}
