package org.huizhen.dicom.net.dimse;

/**
 * A DIMSE status code (0000,0900) and its category, PS3.7 Annex C and the per-service tables
 * (PS3.4 B.2.3 for C-STORE).
 *
 * <p>Immutable; equal when the codes are equal.
 *
 * @param code 16-bit status value
 */
public record Status(int code) {

  /** PS3.7 C.1: what a status means to the requester. */
  public enum Category { SUCCESS, WARNING, FAILURE, CANCEL, PENDING }

  public static final Status SUCCESS = new Status(0x0000);
  /** PS3.4 B.2.3: coercion of data elements. */
  public static final Status WARNING_COERCION_OF_DATA_ELEMENTS = new Status(0xB000);
  /** PS3.4 B.2.3: data set does not match SOP class (warning form). */
  public static final Status WARNING_DATA_SET_DOES_NOT_MATCH_SOP_CLASS = new Status(0xB007);
  /** PS3.4 B.2.3: elements discarded. */
  public static final Status WARNING_ELEMENTS_DISCARDED = new Status(0xB006);
  /** PS3.4 B.2.3: refused, out of resources (0xA7xx). */
  public static final Status REFUSED_OUT_OF_RESOURCES = new Status(0xA700);
  /** PS3.4 B.2.3: error, data set does not match SOP class (0xA9xx). */
  public static final Status DATA_SET_DOES_NOT_MATCH_SOP_CLASS = new Status(0xA900);
  /** PS3.4 B.2.3: error, cannot understand (0xCxxx). */
  public static final Status CANNOT_UNDERSTAND = new Status(0xC000);
  /** PS3.7 C.5.4: refused, SOP class not supported. */
  public static final Status SOP_CLASS_NOT_SUPPORTED = new Status(0x0122);
  /** PS3.7 C.5.12: refused, not authorized. */
  public static final Status NOT_AUTHORIZED = new Status(0x0124);
  /** PS3.7 C.5.9: unrecognized operation (command field not supported). */
  public static final Status UNRECOGNIZED_OPERATION = new Status(0x0211);
  /** PS3.7 C.5.7: processing failure. */
  public static final Status PROCESSING_FAILURE = new Status(0x0110);
  /** PS3.7 C.5.8: duplicate SOP instance. */
  public static final Status DUPLICATE_SOP_INSTANCE = new Status(0x0111);
  /** PS3.7 C.5.18: mistyped argument. */
  public static final Status MISTYPED_ARGUMENT = new Status(0x0212);
  /** PS3.4 C.4.1.1.4, C.4.2.1.4: refused, out of resources (unable to calculate matches / perform sub-operations). */
  public static final Status OUT_OF_RESOURCES_UNABLE_TO_PERFORM_SUBOPERATIONS = new Status(0xA702);
  /** PS3.4 C.4.2.1.4: refused, Move Destination unknown. */
  public static final Status MOVE_DESTINATION_UNKNOWN = new Status(0xA801);
  /** PS3.4 C.4.1.1.4: error, identifier does not match SOP class. */
  public static final Status IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS = new Status(0xA900);
  /** PS3.4 C.4.2.1.4, C.4.3.1.4: warning, sub-operations complete, one or more failures or warnings. */
  public static final Status SUBOPERATIONS_COMPLETE_WITH_FAILURES = new Status(0xB000);
  public static final Status CANCEL = new Status(0xFE00);
  public static final Status PENDING = new Status(0xFF00);
  public static final Status PENDING_WITH_WARNINGS = new Status(0xFF01);

  public Status {
    if (code < 0 || code > 0xFFFF) {
      throw new IllegalArgumentException("status out of range: " + code);
    }
  }

  public static Status of(int code) {
    return new Status(code);
  }

  public Category category() {
    return categoryOf(code);
  }

  /** PS3.7 C.1 with the warning codes of PS3.7 C.4. */
  public static Category categoryOf(int code) {
    if (code == 0x0000) {
      return Category.SUCCESS;
    }
    if (code == 0xFF00 || code == 0xFF01) {
      return Category.PENDING;
    }
    if (code == 0xFE00) {
      return Category.CANCEL;
    }
    if (code == 0x0001 || code == 0x0107 || code == 0x0116 || (code & 0xF000) == 0xB000) {
      return Category.WARNING;
    }
    return Category.FAILURE;
  }

  public boolean isSuccess() {
    return code == 0;
  }

  public boolean isFailure() {
    return category() == Category.FAILURE;
  }

  @Override
  public String toString() {
    return String.format("%04X(%s)", code, category());
  }
}
