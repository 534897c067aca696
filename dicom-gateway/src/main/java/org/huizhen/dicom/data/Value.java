package org.huizhen.dicom.data;

import java.util.List;

/**
 * The value of a data element: bytes in the heap, a reference to bytes in a file, a sequence
 * of items, or encapsulated pixel data fragments (PS3.5 7.1, 7.5, A.4).
 *
 * <p>Binary values are kept in Little Endian byte order whatever the transfer syntax they
 * were read from; text values are kept as their encoded bytes (padding included) and decoded
 * on access with the data set's Specific Character Set.
 *
 * <p>All implementations are immutable and thread-safe (byte arrays are never handed out
 * without copying).
 */
public sealed interface Value permits Value.Bytes, Value.Sequence, BulkData, Fragments {

    /** Length of the encoded value in bytes, or -1 when only known after encoding (sequences, fragments). */
    long length();

    /** A value held in the heap. */
    final class Bytes implements Value {
        /** The empty value (length 0). */
        public static final Bytes EMPTY = new Bytes(new byte[0]);

        private final byte[] bytes;

        private Bytes(byte[] bytes) {
            this.bytes = bytes;
        }

        /** Wraps a copy of {@code bytes}. */
        public static Bytes of(byte[] bytes) {
            return bytes.length == 0 ? EMPTY : new Bytes(bytes.clone());
        }

        /** Wraps {@code bytes} without copying; the caller must not modify the array afterwards. */
        static Bytes wrap(byte[] bytes) {
            return bytes.length == 0 ? EMPTY : new Bytes(bytes);
        }

        /** A copy of the bytes. */
        public byte[] toByteArray() {
            return bytes.clone();
        }

        /** The bytes without copying; for codec code in this module that never modifies them. */
        public byte[] unsafeArray() {
            return bytes;
        }

        @Override
        public long length() {
            return bytes.length;
        }

        @Override
        public String toString() {
            return "Bytes[" + bytes.length + "]";
        }
    }

    /** The items of a sequence (VR SQ), in order. */
    record Sequence(List<DataSet> items) implements Value {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public long length() {
            return -1;
        }
    }
}
