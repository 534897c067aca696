package org.huizhen.dicom.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A value left in its file instead of the heap: the reader's answer to "a 1 GB instance must
 * never have to be in the heap". The writer streams it back from the file in chunks.
 *
 * <p>{@code bigEndian} says whether the bytes in the file are in Big Endian order (read from
 * Explicit VR Big Endian); every other value of this module is Little Endian.
 *
 * <p>Immutable; thread-safe. The file must not change while the reference is in use.
 *
 * @param file   the file holding the value
 * @param offset byte offset of the value's first byte in the file
 * @param length value length in bytes
 */
public record BulkData(Path file, long offset, long length, boolean bigEndian) implements Value {

    public BulkData {
        Objects.requireNonNull(file, "file");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("HZ-1901 negative bulk data offset or length: " + offset + ", " + length);
        }
    }

    /** Opens a stream over exactly the referenced bytes (file order; see {@link #bigEndian}). */
    public InputStream openStream() throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(offset);
        InputStream in = Channels.newInputStream(ch);
        return new InputStream() {
            long left = length;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }
}
