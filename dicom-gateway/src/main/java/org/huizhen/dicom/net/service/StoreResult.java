package org.huizhen.dicom.net.service;

import java.util.List;
import java.util.Optional;
import org.huizhen.dicom.net.dimse.Status;

/**
 * The outcome of storing one instance: the C-STORE-RSP status (PS3.4 B.2.3), an optional Error
 * Comment (0000,0902) and Offending Elements (0000,0901) as tags {@code 0xggggeeee}.
 */
public record StoreResult(int status, Optional<String> errorComment, List<Integer> offendingElements) {

  public StoreResult {
    offendingElements = List.copyOf(offendingElements);
  }

  public static StoreResult success() {
    return new StoreResult(Status.SUCCESS.code(), Optional.empty(), List.of());
  }

  public static StoreResult failure(Status status, String comment) {
    return new StoreResult(status.code(), Optional.of(comment), List.of());
  }
}
