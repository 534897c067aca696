package org.huizhen.storage.index;

import java.time.Instant;

/**
 * A recorded replacement of an instance by different content (see {@link StoreOutcome.Kind#NEW_VERSION}).
 *
 * @param sopInstanceUid SOP Instance UID
 * @param occurredAt     receive time of the new version
 * @param oldVersion     version that was replaced
 * @param newVersion     version that replaced it
 * @param oldSha256      checksum of the replaced content
 * @param newSha256      checksum of the new content
 * @param origin         where the new version came from ({@code receivedAt} equals {@code occurredAt})
 */
public record VersionEvent(String sopInstanceUid, Instant occurredAt, int oldVersion, int newVersion,
                           String oldSha256, String newSha256, Origin origin) {
}
