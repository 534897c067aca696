package org.huizhen.dicom.net.dimse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Implicit VR Little Endian command set codec of PS3.7 6.3.1 / Annex E, and {@link Status}. */
class CommandSetCodecTest {

  private static CommandSet storeRq() {
    return CommandSet.builder()
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.2")
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ)
        .setInt(CommandSet.MESSAGE_ID, 0x1234)
        .setInt(CommandSet.PRIORITY, CommandSet.PRIORITY_HIGH)
        .setInt(CommandSet.COMMAND_DATA_SET_TYPE, CommandSet.DATA_SET_PRESENT)
        .setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, "1.2.3")
        .setString(CommandSet.MOVE_ORIGINATOR_AE_TITLE, "PACS")
        .setInt(CommandSet.MOVE_ORIGINATOR_MESSAGE_ID, 9)
        .setTags(CommandSet.OFFENDING_ELEMENT, 0x00100010, 0x7FE00010)
        .setString(CommandSet.ERROR_COMMENT, "odd")
        .build();
  }

  @Test
  void roundTripsEveryValueType() throws Exception {
    ByteBuf b = CommandSetCodec.encode(ByteBufAllocator.DEFAULT, storeRq());
    try {
      assertThat(CommandSetCodec.decode(b)).isEqualTo(storeRq());
    } finally {
      b.release();
    }
  }

  @Test
  void encodesGroupLengthAndPadsToEvenLength() {
    CommandSet echo = CommandSet.builder().setString(CommandSet.AFFECTED_SOP_CLASS_UID, "1.2.840.10008.1.1")
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_ECHO_RQ).build();
    ByteBuf b = CommandSetCodec.encode(ByteBufAllocator.DEFAULT, echo);
    // (0000,0000) UL 4 = 28: (0000,0002) 8 + 18 ("1.2.840.10008.1.1" + NUL pad) and (0000,0100) 8 + 2 = 36
    assertThat(ByteBufUtil.hexDump(b)).isEqualTo("0000000004000000" + "24000000"
        + "0000020012000000" + ByteBufUtil.hexDump("1.2.840.10008.1.1".getBytes()) + "00"
        + "0000000102000000" + "3000");
    b.release();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "tag outside group 0000, 0800050002000000aaaa",
      "US with length 4, 0000000104000000aaaaaaaa",
      "length beyond end, 0000000220000000aaaa",
      "truncated header, 00000001020000",
      "no command field, 0000100002000000aaaa",
      "tags out of order, 00000001020000003000000002000200aaaa"})
  void rejectsMalformedCommandSets(String name, String hex) {
    ByteBuf b = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex));
    assertThatThrownBy(() -> CommandSetCodec.decode(b)).isInstanceOf(CommandSetFormatException.class);
  }

  @ParameterizedTest(name = "0x{0} is {1}")
  @CsvSource({
      "0000, SUCCESS", "B000, WARNING", "B007, WARNING", "B006, WARNING", "0001, WARNING",
      "A700, FAILURE", "A7FF, FAILURE", "A900, FAILURE", "A9FF, FAILURE", "C000, FAILURE",
      "CFFF, FAILURE", "0122, FAILURE", "0211, FAILURE", "FE00, CANCEL", "FF00, PENDING", "FF01, PENDING"})
  void statusKnowsItsCategory(String hex, Status.Category category) {
    // PS3.7 C.1 and PS3.4 B.2.3: the category follows from the code ranges
    assertThat(Status.of(Integer.parseInt(hex, 16)).category()).isEqualTo(category);
  }
}
