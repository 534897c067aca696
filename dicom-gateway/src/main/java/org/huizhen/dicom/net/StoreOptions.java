package org.huizhen.dicom.net;

import java.util.Optional;
import java.util.OptionalInt;
import org.huizhen.dicom.net.dimse.CommandSet;

/**
 * Optional C-STORE-RQ fields (PS3.7 9.1.1.1): Priority (0000,0700) and, for a store that is a
 * C-MOVE sub-operation, Move Originator AE Title (0000,1030) and Message ID (0000,1031).
 */
public record StoreOptions(int priority, Optional<String> moveOriginatorAe,
    OptionalInt moveOriginatorMessageId) {

  /** Medium priority, not a C-MOVE sub-operation. */
  public static final StoreOptions DEFAULT =
      new StoreOptions(CommandSet.PRIORITY_MEDIUM, Optional.empty(), OptionalInt.empty());

  public StoreOptions {
    if (priority < 0 || priority > 2) {
      throw new IllegalArgumentException("priority 0 (medium), 1 (high) or 2 (low): " + priority);
    }
  }

  /** A C-MOVE sub-operation on behalf of {@code ae}'s request {@code messageId}. */
  public static StoreOptions moveSubOperation(String ae, int messageId) {
    return new StoreOptions(CommandSet.PRIORITY_MEDIUM, Optional.of(ae), OptionalInt.of(messageId));
  }
}
