package org.huizhen.storage;

import java.nio.ByteBuffer;

/**
 * Streams one blob into a {@link BlobStore}. The SHA-256 is computed while writing, so the id
 * is known at {@link #commit()} without reading the data again. Nothing is visible to readers
 * until {@code commit()} returns; {@link #close()} without a commit aborts and leaves nothing.
 *
 * <p>Threading: one writer is used by one thread at a time; different writers run concurrently.
 */
public interface BlobWriter extends java.io.Closeable {

    /** Appends all remaining bytes of {@code src}; on return {@code src.remaining() == 0}. */
    void write(ByteBuffer src) throws StorageException;

    /**
     * Appends all remaining bytes of {@code srcs}, in order (one gathering write where the store
     * can); on return every buffer has nothing remaining.
     */
    default void write(ByteBuffer[] srcs) throws StorageException {
        for (ByteBuffer src : srcs) {
            write(src);
        }
    }

    /** Appends {@code len} bytes of {@code b} starting at {@code off}. */
    void write(byte[] b, int off, int len) throws StorageException;

    /** Bytes written so far. */
    long size();

    /**
     * Forces what was written so far to stable storage now (per the store's {@link Durability}),
     * so that {@link #commit()} has only what follows left to force. Nothing becomes visible.
     * For a writer that knows its data is complete before it may commit (a STOW-RS part, whose
     * request is committed only once its whole body has arrived), this overlaps the sync with
     * receiving the rest. The default does nothing: commit forces everything.
     */
    default void sync() throws StorageException {
    }

    /**
     * Makes the blob durable and visible: the data is forced to disk (per the store's
     * {@link Durability}), renamed into place and the directory forced. If identical content is
     * already stored, the temp data is dropped and the same id is returned.
     */
    BlobId commit() throws StorageException;

    /** Without a prior commit: aborts, deleting the temp data. After commit: no effect. Idempotent. */
    @Override
    void close();
}
