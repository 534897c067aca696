package org.huizhen.dicom.net.dimse;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of a data set an SCU sends (e.g. the C-STORE data set), read piece by piece as the
 * connection can take them, so a large instance is never whole in the heap.
 *
 * <p>Threading: used on the association's event loop, one call at a time.
 */
public interface DataSetSource extends AutoCloseable {

  /** Total number of bytes this source yields. */
  long length();

  /**
   * Appends exactly {@code n} bytes (n &gt; 0, not beyond {@link #length()}) to {@code dst}.
   * Ownership: does not take ownership of {@code dst}.
   */
  void read(ByteBuf dst, int n) throws IOException;

  @Override
  void close() throws IOException;

  /** {@code length} bytes of a file from {@code offset}, read through a {@link FileChannel}. */
  static DataSetSource of(Path file, long offset, long length) {
    return new DataSetSource() {
      private FileChannel channel;
      private long position = offset;

      @Override
      public long length() {
        return length;
      }

      @Override
      public void read(ByteBuf dst, int n) throws IOException {
        if (channel == null) {
          channel = FileChannel.open(file, StandardOpenOption.READ);
        }
        int done = 0;
        while (done < n) {
          int r = dst.writeBytes(channel, position, n - done);
          if (r < 0) {
            throw new IOException(file + " ended at " + position + ", expected " + (offset + length));
          }
          position += r;
          done += r;
        }
      }

      @Override
      public void close() throws IOException {
        if (channel != null) {
          channel.close();
        }
      }
    };
  }

  /** A source over an array (small data sets, tests). */
  static DataSetSource of(byte[] bytes) {
    return new DataSetSource() {
      private int position;

      @Override
      public long length() {
        return bytes.length;
      }

      @Override
      public void read(ByteBuf dst, int n) {
        dst.writeBytes(bytes, position, n);
        position += n;
      }

      @Override
      public void close() {
      }
    };
  }
}
