package org.huizhen.storage;

/**
 * The blob asked for is not in the store ({@code HZ-2002}). Callers serving data turn it
 * into "not found"; the index's {@code verifyBlobs} uses the same notion of absence.
 */
public class NoSuchBlobException extends StorageException {

    private final BlobId id;

    public NoSuchBlobException(BlobId id) {
        super("HZ-2002 blob not found: " + id.hex());
        this.id = id;
    }

    /** The id that was looked up. */
    public BlobId id() {
        return id;
    }
}
