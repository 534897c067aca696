package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes and decodes a {@link CommandSet} as Implicit VR Little Endian group 0000
 * (PS3.7 6.3.1, Annex E). The VR of every element is fixed by PS3.7 Table E.1-1, so the codec
 * knows it from the tag alone.
 *
 * <p>Stateless and thread-safe.
 */
public final class CommandSetCodec {
  /** The VRs used in command sets. */
  public enum Vr { UL, US, UI, AE, LO, AT, UNKNOWN }

  private CommandSetCodec() {
  }

  /** PS3.7 Table E.1-1 (and E.2-1 for retired elements we tolerate as raw). */
  public static Vr vrOf(int tag) {
    return switch (tag) {
      case 0x0000_0000 -> Vr.UL;
      case CommandSet.AFFECTED_SOP_CLASS_UID, CommandSet.REQUESTED_SOP_CLASS_UID,
          CommandSet.AFFECTED_SOP_INSTANCE_UID, CommandSet.REQUESTED_SOP_INSTANCE_UID -> Vr.UI;
      case CommandSet.COMMAND_FIELD, CommandSet.MESSAGE_ID, CommandSet.MESSAGE_ID_BEING_RESPONDED_TO,
          CommandSet.PRIORITY, CommandSet.COMMAND_DATA_SET_TYPE, CommandSet.STATUS,
          CommandSet.ERROR_ID, CommandSet.EVENT_TYPE_ID, CommandSet.ACTION_TYPE_ID,
          CommandSet.NUMBER_OF_REMAINING_SUBOPERATIONS, CommandSet.NUMBER_OF_COMPLETED_SUBOPERATIONS,
          CommandSet.NUMBER_OF_FAILED_SUBOPERATIONS, CommandSet.NUMBER_OF_WARNING_SUBOPERATIONS,
          CommandSet.MOVE_ORIGINATOR_MESSAGE_ID -> Vr.US;
      case CommandSet.MOVE_DESTINATION, CommandSet.MOVE_ORIGINATOR_AE_TITLE -> Vr.AE;
      case CommandSet.ERROR_COMMENT -> Vr.LO;
      case CommandSet.OFFENDING_ELEMENT, CommandSet.ATTRIBUTE_IDENTIFIER_LIST -> Vr.AT;
      default -> Vr.UNKNOWN;
    };
  }

  /**
   * Encodes with a leading Command Group Length (0000,0000). Ownership: the caller owns the
   * returned buffer.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, CommandSet command) {
    ByteBuf b = alloc.buffer(256);
    b.writeIntLE(0x0000_0000).writeIntLE(4).writeIntLE(0);
    int start = b.writerIndex();
    for (Map.Entry<Integer, Object> e : command.elements().entrySet()) {
      int tag = e.getKey();
      if (tag == 0) {
        continue; // recomputed
      }
      b.writeShortLE(tag >>> 16).writeShortLE(tag & 0xFFFF);
      Object v = e.getValue();
      switch (vrOf(tag)) {
        case US -> b.writeIntLE(2).writeShortLE((Integer) v);
        case UL -> b.writeIntLE(4).writeIntLE(((Number) v).intValue());
        case UI -> writeString(b, (String) v, (byte) 0);
        case AE, LO -> writeString(b, (String) v, (byte) ' ');
        case AT -> {
          int[] tags = (int[]) v;
          b.writeIntLE(tags.length * 4);
          for (int t : tags) {
            b.writeShortLE(t >>> 16).writeShortLE(t & 0xFFFF);
          }
        }
        case UNKNOWN -> {
          byte[] raw = (byte[]) v;
          b.writeIntLE(raw.length).writeBytes(raw);
        }
      }
    }
    b.setIntLE(start - 4, b.writerIndex() - start);
    return b;
  }

  private static void writeString(ByteBuf b, String s, byte pad) {
    byte[] v = s.getBytes(StandardCharsets.US_ASCII);
    int padded = v.length + (v.length & 1);
    b.writeIntLE(padded).writeBytes(v);
    if (padded != v.length) {
      b.writeByte(pad);
    }
  }

  /**
   * Decodes a whole command set. Ownership: does not take ownership of {@code in}; reads it
   * from its reader index to its writer index.
   *
   * @throws CommandSetFormatException on a truncated element, a tag outside group 0000, tags
   *     out of order, a length that does not fit the VR, or a missing command field
   */
  public static CommandSet decode(ByteBuf in) throws CommandSetFormatException {
    CommandSet.Builder builder = CommandSet.builder();
    int previous = -1;
    while (in.isReadable()) {
      if (in.readableBytes() < 8) {
        throw new CommandSetFormatException("truncated element header");
      }
      int group = in.readUnsignedShortLE();
      int element = in.readUnsignedShortLE();
      long length = in.readUnsignedIntLE();
      if (group != 0) {
        throw new CommandSetFormatException(String.format("tag (%04X,%04X) outside group 0000", group, element));
      }
      if (element <= previous) {
        throw new CommandSetFormatException(String.format("tag (0000,%04X) out of order", element));
      }
      previous = element;
      if (length > in.readableBytes()) {
        throw new CommandSetFormatException(String.format("(0000,%04X) length %d exceeds command", element, length));
      }
      int n = (int) length;
      Object value = switch (vrOf(element)) {
        case US -> {
          if (n != 2) {
            throw new CommandSetFormatException(String.format("(0000,%04X) US of length %d", element, n));
          }
          yield in.readUnsignedShortLE();
        }
        case UL -> {
          if (n != 4) {
            throw new CommandSetFormatException(String.format("(0000,%04X) UL of length %d", element, n));
          }
          yield in.readUnsignedIntLE();
        }
        case UI, AE, LO -> in.readCharSequence(n, StandardCharsets.US_ASCII).toString()
            .replace("\0", "").strip();
        case AT -> {
          if (n % 4 != 0) {
            throw new CommandSetFormatException(String.format("(0000,%04X) AT of length %d", element, n));
          }
          int[] tags = new int[n / 4];
          for (int i = 0; i < tags.length; i++) {
            tags[i] = (in.readUnsignedShortLE() << 16) | in.readUnsignedShortLE();
          }
          yield tags;
        }
        case UNKNOWN -> {
          byte[] raw = new byte[n];
          in.readBytes(raw);
          yield raw;
        }
      };
      if (element != 0) {
        builder.setRaw(element, value);
      }
    }
    CommandSet c = builder.build();
    if (c.commandField() < 0) {
      throw new CommandSetFormatException("no Command Field (0000,0100)");
    }
    return c;
  }
}
