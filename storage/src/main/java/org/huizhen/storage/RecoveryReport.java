package org.huizhen.storage;

/**
 * What {@link BlobStore#recover()} cleaned up at start-up: temp files left behind by writes
 * that were interrupted (crash, kill) before their commit.
 *
 * @param tempFilesDeleted number of temp files removed
 * @param bytesDeleted     their total size in bytes
 */
public record RecoveryReport(int tempFilesDeleted, long bytesDeleted) {

    /** Nothing to clean up. */
    public static final RecoveryReport NOTHING = new RecoveryReport(0, 0);
}
