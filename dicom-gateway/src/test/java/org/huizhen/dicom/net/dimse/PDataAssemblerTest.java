package org.huizhen.dicom.net.dimse;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.huizhen.dicom.net.pdu.AAbort;
import org.huizhen.dicom.net.pdu.PDataTf;
import org.huizhen.dicom.net.pdu.Pdv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link PDataAssembler}: commands gathered from fragments, data sets streamed, limits enforced. */
class PDataAssemblerTest {

  private static EmbeddedChannel channel(int maxCommand) {
    PDataAssembler a = new PDataAssembler(maxCommand);
    a.enable();
    return new EmbeddedChannel(a);
  }

  private static byte[] command() {
    ByteBuf b = CommandSetCodec.encode(ByteBufAllocator.DEFAULT, CommandSet.builder()
        .setString(CommandSet.AFFECTED_SOP_CLASS_UID, "1.2.840.10008.5.1.4.1.1.7")
        .setInt(CommandSet.COMMAND_FIELD, CommandSet.C_STORE_RQ).setInt(CommandSet.MESSAGE_ID, 3)
        .setInt(CommandSet.COMMAND_DATA_SET_TYPE, 0).setString(CommandSet.AFFECTED_SOP_INSTANCE_UID, "9.9")
        .build());
    byte[] bytes = ByteBufUtil.getBytes(b);
    b.release();
    return bytes;
  }

  @ParameterizedTest(name = "command in fragments of {0} bytes")
  @ValueSource(ints = {1, 2, 7, 16, 1000})
  void gathersCommandFromFragmentsAndStreamsData(int fragment) {
    EmbeddedChannel ch = channel(PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH);
    byte[] cmd = command();
    for (int off = 0; off < cmd.length; off += fragment) {
      int n = Math.min(fragment, cmd.length - off);
      ch.writeInbound(PDataTf.of(5, true, off + n == cmd.length, Unpooled.copiedBuffer(cmd, off, n)));
    }
    // one PDU with two data PDVs
    ch.writeInbound(new PDataTf(List.of(new Pdv(5, false, false, Unpooled.wrappedBuffer(new byte[] {1, 2})),
        new Pdv(5, false, true, Unpooled.wrappedBuffer(new byte[] {3})))));
    DimseCommand c = ch.readInbound();
    assertThat(c.contextId()).isEqualTo(5);
    assertThat(c.command().getString(CommandSet.AFFECTED_SOP_INSTANCE_UID)).contains("9.9");
    DataFragment f1 = ch.readInbound();
    DataFragment f2 = ch.readInbound();
    assertThat(ByteBufUtil.hexDump(f1.content())).isEqualTo("0102");
    assertThat(f1.last()).isFalse();
    assertThat(ByteBufUtil.hexDump(f2.content())).isEqualTo("03");
    assertThat(f2.last()).isTrue();
    f1.release();
    f2.release();
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void commandLongerThanLimitIsProtocolError() {
    EmbeddedChannel ch = channel(64);
    ch.writeInbound(PDataTf.of(1, true, false, Unpooled.wrappedBuffer(new byte[60])));
    ch.writeInbound(PDataTf.of(1, true, true, Unpooled.wrappedBuffer(new byte[10])));
    DimseProtocolError e = ch.readInbound();
    assertThat(e.abortReason()).isEqualTo(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE);
    assertThat(e.message()).contains("longer than 64");
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }

  @Test
  void commandWhileDataSetOpenIsProtocolError() {
    EmbeddedChannel ch = channel(PDataAssembler.DEFAULT_MAX_COMMAND_SET_LENGTH);
    ch.writeInbound(PDataTf.of(1, true, true, Unpooled.wrappedBuffer(command())));
    ch.writeInbound(PDataTf.of(1, false, false, Unpooled.wrappedBuffer(new byte[4])));
    ch.writeInbound(PDataTf.of(1, true, true, Unpooled.wrappedBuffer(command())));
    assertThat((Object) ch.readInbound()).isInstanceOf(DimseCommand.class);
    DataFragment f = ch.readInbound();
    f.release();
    assertThat((Object) ch.readInbound()).isInstanceOf(DimseProtocolError.class);
    assertThat(ch.finishAndReleaseAll()).isFalse();
  }
}
