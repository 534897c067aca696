package org.huizhen.dicom.net.dimse;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * A DIMSE command set: the group 0000 elements of PS3.7 Annex E, encoded Implicit VR Little
 * Endian (PS3.7 6.3.1). Values are typed by the VR that PS3.7 Table E.1-1 fixes per tag:
 * US as {@code Integer}, UL as {@code Long}, UI/AE/LO as {@code String}, AT as {@code int[]};
 * tags this class does not know keep their raw {@code byte[]} value.
 *
 * <p>Immutable; build one with {@link #builder()}. Encoding is {@link CommandSetCodec}.
 */
public final class CommandSet {
  public static final int AFFECTED_SOP_CLASS_UID = 0x0000_0002;
  public static final int REQUESTED_SOP_CLASS_UID = 0x0000_0003;
  public static final int COMMAND_FIELD = 0x0000_0100;
  public static final int MESSAGE_ID = 0x0000_0110;
  public static final int MESSAGE_ID_BEING_RESPONDED_TO = 0x0000_0120;
  public static final int MOVE_DESTINATION = 0x0000_0600;
  public static final int PRIORITY = 0x0000_0700;
  public static final int COMMAND_DATA_SET_TYPE = 0x0000_0800;
  public static final int STATUS = 0x0000_0900;
  public static final int OFFENDING_ELEMENT = 0x0000_0901;
  public static final int ERROR_COMMENT = 0x0000_0902;
  public static final int ERROR_ID = 0x0000_0903;
  public static final int AFFECTED_SOP_INSTANCE_UID = 0x0000_1000;
  public static final int REQUESTED_SOP_INSTANCE_UID = 0x0000_1001;
  public static final int EVENT_TYPE_ID = 0x0000_1002;
  public static final int ATTRIBUTE_IDENTIFIER_LIST = 0x0000_1005;
  public static final int ACTION_TYPE_ID = 0x0000_1008;
  public static final int NUMBER_OF_REMAINING_SUBOPERATIONS = 0x0000_1020;
  public static final int NUMBER_OF_COMPLETED_SUBOPERATIONS = 0x0000_1021;
  public static final int NUMBER_OF_FAILED_SUBOPERATIONS = 0x0000_1022;
  public static final int NUMBER_OF_WARNING_SUBOPERATIONS = 0x0000_1023;
  public static final int MOVE_ORIGINATOR_AE_TITLE = 0x0000_1030;
  public static final int MOVE_ORIGINATOR_MESSAGE_ID = 0x0000_1031;

  /** (0000,0800) value meaning "no data set follows" (PS3.7 E.1). */
  public static final int NO_DATA_SET = 0x0101;
  /** A value meaning "a data set follows"; any value other than 0x0101 does. */
  public static final int DATA_SET_PRESENT = 0x0000;

  /** PS3.7 E.1 command field values. */
  public static final int C_STORE_RQ = 0x0001;
  public static final int C_STORE_RSP = 0x8001;
  public static final int C_GET_RQ = 0x0010;
  public static final int C_GET_RSP = 0x8010;
  public static final int C_FIND_RQ = 0x0020;
  public static final int C_FIND_RSP = 0x8020;
  public static final int C_MOVE_RQ = 0x0021;
  public static final int C_MOVE_RSP = 0x8021;
  public static final int C_ECHO_RQ = 0x0030;
  public static final int C_ECHO_RSP = 0x8030;
  public static final int C_CANCEL_RQ = 0x0FFF;

  /** PS3.7 9.3.1.1 priority values. */
  public static final int PRIORITY_MEDIUM = 0x0000;
  public static final int PRIORITY_HIGH = 0x0001;
  public static final int PRIORITY_LOW = 0x0002;

  private final Map<Integer, Object> elements;

  private CommandSet(TreeMap<Integer, Object> elements) {
    this.elements = Collections.unmodifiableMap(elements);
  }

  public static Builder builder() {
    return new Builder(new TreeMap<>());
  }

  /** A builder starting from this command's elements. */
  public Builder toBuilder() {
    return new Builder(new TreeMap<>(elements));
  }

  /** All elements by tag, ascending; values as described in the class comment. */
  public Map<Integer, Object> elements() {
    return elements;
  }

  public boolean contains(int tag) {
    return elements.containsKey(tag);
  }

  public OptionalInt getInt(int tag) {
    return elements.get(tag) instanceof Integer i ? OptionalInt.of(i) : OptionalInt.empty();
  }

  public Optional<String> getString(int tag) {
    return elements.get(tag) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  public Optional<int[]> getTags(int tag) {
    return elements.get(tag) instanceof int[] a ? Optional.of(a.clone()) : Optional.empty();
  }

  /** (0000,0100); -1 when absent. */
  public int commandField() {
    return getInt(COMMAND_FIELD).orElse(-1);
  }

  public boolean isRequest() {
    return (commandField() & 0x8000) == 0;
  }

  /** True unless (0000,0800) is 0x0101 (PS3.7 E.1). Absent counts as "no data set". */
  public boolean hasDataSet() {
    return getInt(COMMAND_DATA_SET_TYPE).orElse(NO_DATA_SET) != NO_DATA_SET;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CommandSet{");
    elements.forEach((tag, v) -> sb.append(String.format("(0000,%04X)=", tag & 0xFFFF))
        .append(v instanceof int[] a ? java.util.Arrays.toString(a)
            : v instanceof byte[] b ? b.length + " bytes"
            : v instanceof Integer i ? String.format("0x%04X", i) : v)
        .append(' '));
    return sb.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof CommandSet c) || c.elements.size() != elements.size()) {
      return false;
    }
    for (var e : elements.entrySet()) {
      Object other = c.elements.get(e.getKey());
      Object v = e.getValue();
      boolean same = v instanceof int[] a ? other instanceof int[] b && java.util.Arrays.equals(a, b)
          : v instanceof byte[] a ? other instanceof byte[] b && java.util.Arrays.equals(a, b)
          : v.equals(other);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return elements.keySet().hashCode();
  }

  /** Collects elements; not thread-safe. */
  public static final class Builder {
    private final TreeMap<Integer, Object> elements;

    private Builder(TreeMap<Integer, Object> elements) {
      this.elements = elements;
    }

    /** Sets a US element. */
    public Builder setInt(int tag, int value) {
      if (CommandSetCodec.vrOf(tag) != CommandSetCodec.Vr.US) {
        throw new IllegalArgumentException(String.format("(0000,%04X) is not US", tag & 0xFFFF));
      }
      elements.put(tag, value & 0xFFFF);
      return this;
    }

    /** Sets a UI, AE or LO element. */
    public Builder setString(int tag, String value) {
      CommandSetCodec.Vr vr = CommandSetCodec.vrOf(tag);
      if (vr != CommandSetCodec.Vr.UI && vr != CommandSetCodec.Vr.AE && vr != CommandSetCodec.Vr.LO) {
        throw new IllegalArgumentException(String.format("(0000,%04X) is not a string", tag & 0xFFFF));
      }
      elements.put(tag, value);
      return this;
    }

    /** Sets an AT element (list of tags). */
    public Builder setTags(int tag, int... tags) {
      if (CommandSetCodec.vrOf(tag) != CommandSetCodec.Vr.AT) {
        throw new IllegalArgumentException(String.format("(0000,%04X) is not AT", tag & 0xFFFF));
      }
      elements.put(tag, tags.clone());
      return this;
    }

    /** Used by the decoder: a value already typed by {@link CommandSetCodec}. */
    Builder setRaw(int tag, Object value) {
      elements.put(tag, value);
      return this;
    }

    public Builder remove(int tag) {
      elements.remove(tag);
      return this;
    }

    public CommandSet build() {
      return new CommandSet(new TreeMap<>(elements));
    }
  }
}
