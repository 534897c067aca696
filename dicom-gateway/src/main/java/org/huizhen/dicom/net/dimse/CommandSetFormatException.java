package org.huizhen.dicom.net.dimse;

/** A received command set that cannot be decoded (PS3.7 6.3.1); leads to an A-ABORT. */
public final class CommandSetFormatException extends Exception {
  public CommandSetFormatException(String message) {
    super(message);
  }
}
