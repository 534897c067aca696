package org.huizhen.storage.index;

/**
 * Result of {@link MetadataIndex#store}.
 *
 * @param kind    what happened
 * @param version the instance's current version after the call (1 for a first store)
 */
public record StoreOutcome(Kind kind, int version) {

    public enum Kind {
        /** First time this SOP Instance UID is seen. */
        STORED,
        /** Same SOP Instance UID and same SHA-256 as the current version: nothing new was stored;
         *  the blob is the one already referenced, so the caller must not remove it. */
        DUPLICATE,
        /** Same SOP Instance UID, different content: it is now the current version; the previous one is kept in the history. */
        NEW_VERSION
    }
}
