package org.huizhen.storage.blob;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.BlobStore;
import org.huizhen.storage.BlobWriter;
import org.huizhen.storage.NoSuchBlobException;
import org.huizhen.storage.RecoveryReport;
import org.huizhen.storage.StorageException;

/**
 * Blob store in the heap, for tests and for an edge gateway's small transient spool. Same
 * contract as {@link FileSystemBlobStore} except durability (none) and {@link #localPath}
 * (always empty). A blob becomes visible only when its writer commits.
 *
 * <p>Threading: thread-safe (a concurrent map of immutable byte arrays).
 */
public final class InMemoryBlobStore implements BlobStore {

    private final ConcurrentMap<BlobId, byte[]> blobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    @Override
    public BlobWriter create() throws StorageException {
        checkOpen();
        return new MemoryWriter();
    }

    @Override
    public InputStream open(BlobId id) throws StorageException {
        return new ByteArrayInputStream(get(id));
    }

    @Override
    public InputStream openRange(BlobId id, long offset, long length) throws StorageException {
        byte[] data = get(id);
        Ranges.check(id, offset, length, data.length);
        return new ByteArrayInputStream(data, (int) offset, (int) length);
    }

    @Override
    public long size(BlobId id) throws StorageException {
        return get(id).length;
    }

    @Override
    public boolean exists(BlobId id) throws StorageException {
        checkOpen();
        return blobs.containsKey(id);
    }

    @Override
    public void remove(BlobId id) throws StorageException {
        checkOpen();
        blobs.remove(id);
    }

    @Override
    public Optional<Path> localPath(BlobId id) {
        return Optional.empty();
    }

    @Override
    public RecoveryReport recover() throws StorageException {
        checkOpen();
        return RecoveryReport.NOTHING; // an aborted in-memory write leaves nothing behind
    }

    @Override
    public void close() {
        closed = true;
    }

    private byte[] get(BlobId id) throws StorageException {
        checkOpen();
        byte[] data = blobs.get(id);
        if (data == null) {
            throw new NoSuchBlobException(id);
        }
        return data;
    }

    private void checkOpen() throws StorageException {
        if (closed) {
            throw new StorageException("HZ-2007 blob store closed");
        }
    }

    /** Buffers one blob; one thread at a time. */
    private final class MemoryWriter implements BlobWriter {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final MessageDigest digest = FileSystemBlobStore.sha256();
        private boolean finished;

        @Override
        public void write(ByteBuffer src) throws StorageException {
            checkWritable();
            byte[] chunk = new byte[src.remaining()];
            src.get(chunk);
            buffer.writeBytes(chunk);
            digest.update(chunk);
        }

        @Override
        public void write(byte[] b, int off, int len) throws StorageException {
            checkWritable();
            buffer.write(b, off, len);
            digest.update(b, off, len);
        }

        @Override
        public long size() {
            return buffer.size();
        }

        @Override
        public BlobId commit() throws StorageException {
            checkWritable();
            checkOpen();
            finished = true;
            BlobId id = BlobId.ofDigest(digest.digest());
            blobs.putIfAbsent(id, buffer.toByteArray());
            return id;
        }

        @Override
        public void close() {
            finished = true;
        }

        private void checkWritable() throws StorageException {
            if (finished) {
                throw new StorageException("HZ-2006 blob writer already committed or closed");
            }
        }
    }
}
