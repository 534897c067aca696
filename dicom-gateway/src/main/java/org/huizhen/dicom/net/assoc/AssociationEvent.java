package org.huizhen.dicom.net.assoc;

import java.util.Optional;

/**
 * User events that {@link AssociationHandler} fires down the pipeline to the DIMSE layer:
 * exactly one {@link Established} (if negotiation succeeded), then exactly one {@link Ended}.
 */
public sealed interface AssociationEvent {

  /** The association entered STA6; DIMSE messages may flow. */
  record Established(Association association) implements AssociationEvent {}

  /**
   * The association is over.
   *
   * @param orderly true after an A-RELEASE exchange, false after an abort or a lost connection
   * @param cause why it was not orderly
   */
  record Ended(boolean orderly, Optional<Throwable> cause) implements AssociationEvent {}
}
