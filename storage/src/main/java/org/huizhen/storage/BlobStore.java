package org.huizhen.storage;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Content-addressed store of immutable blobs (whole DICOM instances, ECG files, PDFs), kept as
 * small as Orthanc's storage area: create, read, read a range, remove. It knows nothing of DICOM.
 *
 * <p>Durability rule (DESIGN.md): write to a temp file, fsync, rename into place, fsync the
 * directory. A reader never sees a half-written blob.
 *
 * <p>Threading: implementations are thread-safe; writes of different blobs run concurrently.
 */
public interface BlobStore extends AutoCloseable {

    /** Starts a streaming write; the id is known only at {@link BlobWriter#commit()}. */
    BlobWriter create() throws StorageException;

    /** Reads the whole blob; {@link NoSuchBlobException} if absent. The caller closes the stream. */
    InputStream open(BlobId id) throws StorageException;

    /**
     * Reads {@code length} bytes starting at {@code offset}; HZ-2005 if the range does not lie
     * inside the blob. The caller closes the stream.
     */
    InputStream openRange(BlobId id, long offset, long length) throws StorageException;

    /** Size in bytes; {@link NoSuchBlobException} if absent. */
    long size(BlobId id) throws StorageException;

    boolean exists(BlobId id) throws StorageException;

    /** Removes the blob; removing an absent blob is not an error (cleanup paths call it freely). */
    void remove(BlobId id) throws StorageException;

    /** The file holding the blob for stores that are file-backed (zero-copy sends); empty otherwise or if absent. */
    Optional<Path> localPath(BlobId id);

    /**
     * The blob's bytes when this store holds them in memory of its own (a recently stored blob
     * kept by a store with a cache), pinned for the caller, who must {@link HeldBlob#release()}
     * them; empty when they are not held (read the file or {@link #open} instead). Never does I/O.
     */
    default java.util.Optional<HeldBlob> held(BlobId id) {
        return java.util.Optional.empty();
    }

    /** Whether {@link #held} would find the blob now (a hint: it may be evicted before that call). */
    default boolean isHeld(BlobId id) {
        return false;
    }

    /** Start-up: deletes temp data of interrupted writes (not of writes still open in this process). */
    RecoveryReport recover() throws StorageException;

    @Override
    void close();
}
