package org.huizhen.storage.blob;

import org.huizhen.storage.BlobId;
import org.huizhen.storage.StorageException;

/** Range checks shared by the blob stores. Stateless. */
final class Ranges {

    private Ranges() {
    }

    /** Throws HZ-2005 unless {@code [offset, offset + length)} lies inside a blob of {@code size} bytes. */
    static void check(BlobId id, long offset, long length, long size) throws StorageException {
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new StorageException("HZ-2005 range offset=" + offset + " length=" + length
                    + " outside blob " + id + " of " + size + " bytes");
        }
    }
}
