package org.huizhen.dicom.ecg.scp;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small SCP-ECG writer for tests, written from EN 1064:2005 independently of the reader: it
 * assembles sections into a record (section 0 pointers with 1-based indices, section headers,
 * CRC-CCITT preset 0xFFFF over each section and over the record) and Huffman-encodes values
 * with the standard's default table. Tests use it to build records that exercise paths the
 * shared files do not (Huffman, differences, reference beat subtraction) and bad variants.
 *
 * <p>Not thread-safe; one instance builds one record.
 */
final class ScpTestEncoder {
    private final Map<Integer, byte[]> sections = new TreeMap<>();

    /** Sets section {@code id}'s data part (without its 16-byte header). */
    ScpTestEncoder section(int id, byte[] data) {
        sections.put(id, data);
        return this;
    }

    /** The whole record: CRC, length, section 0 and every section in id order. */
    byte[] build() {
        int n = 12;
        int s0Len = 16 + 10 * n;
        int[] offsets = new int[n];
        int[] lengths = new int[n];
        int pos = 6 + s0Len;
        for (int id = 1; id < n; id++) {
            byte[] d = sections.get(id);
            if (d != null) {
                offsets[id] = pos;
                lengths[id] = 16 + d.length;
                pos += lengths[id];
            }
        }
        byte[] rec = new byte[pos];
        put32(rec, 2, pos);
        // section 0
        byte[] s0 = new byte[10 * n];
        for (int id = 0; id < n; id++) {
            int o = 10 * id;
            put16(s0, o, id);
            put32(s0, o + 2, id == 0 ? s0Len : lengths[id]);
            put32(s0, o + 6, id == 0 ? 7 : (lengths[id] == 0 ? 0 : offsets[id] + 1)); // 1-based index
        }
        writeSection(rec, 6, 0, s0, true);
        for (int id = 1; id < n; id++) {
            if (sections.containsKey(id)) {
                writeSection(rec, offsets[id], id, sections.get(id), false);
            }
        }
        put16(rec, 0, crc(rec, 2, rec.length));
        return rec;
    }

    private static void writeSection(byte[] rec, int off, int id, byte[] data, boolean scpecgText) {
        put16(rec, off + 2, id);
        put32(rec, off + 4, 16 + data.length);
        rec[off + 8] = 20; // section version 2.0
        rec[off + 9] = 20; // protocol version 2.0
        if (scpecgText) {
            System.arraycopy("SCPECG".getBytes(), 0, rec, off + 10, 6);
        }
        System.arraycopy(data, 0, rec, off + 16, data.length);
        put16(rec, off, crc(rec, off + 2, off + 16 + data.length));
    }

    /** Recomputes the record CRC of a record changed after {@link #build()}. */
    static void fixRecordCrc(byte[] rec) {
        put16(rec, 0, crc(rec, 2, rec.length));
    }

    /** CRC-CCITT, polynomial 0x1021, preset 0xFFFF (EN 1064 5.3.1). */
    static int crc(byte[] b, int from, int to) {
        int c = 0xFFFF;
        for (int i = from; i < to; i++) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean in = ((b[i] >> bit) & 1) != 0;
                boolean top = (c & 0x8000) != 0;
                c = (c << 1) & 0xFFFF;
                if (in ^ top) {
                    c ^= 0x1021;
                }
            }
        }
        return c;
    }

    static void put16(byte[] b, int o, int v) {
        b[o] = (byte) v;
        b[o + 1] = (byte) (v >> 8);
    }

    static void put32(byte[] b, int o, long v) {
        put16(b, o, (int) v);
        put16(b, o + 2, (int) (v >> 16));
    }

    /** Little-endian byte builder for section contents. */
    static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes u8(int v) {
            out.write(v);
            return this;
        }

        Bytes u16(int v) {
            out.write(v);
            out.write(v >> 8);
            return this;
        }

        Bytes u32(long v) {
            u16((int) v);
            return u16((int) (v >> 16));
        }

        Bytes raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        /** Section 1 tag: tag byte, 2-byte length, value. */
        Bytes tag(int tag, byte[] value) {
            return u8(tag).u16(value.length).raw(value);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /**
     * Huffman-encodes values with the EN 1064 default table: 0 → "0"; ±k (k = 1..8) → k ones,
     * a zero, a sign bit (1 = negative); else "1111111110" + 8-bit or "1111111111" + 16-bit
     * two's complement. The last byte is padded with zero bits.
     */
    static byte[] huffmanDefault(int[] values) {
        BitWriter w = new BitWriter();
        for (int v : values) {
            int a = Math.abs(v);
            if (v == 0) {
                w.bits(0, 1);
            } else if (a <= 8) {
                w.bits((1 << a) - 1, a);
                w.bits(0, 1);
                w.bits(v < 0 ? 1 : 0, 1);
            } else if (v >= -128 && v <= 127) {
                w.bits(0b1111111110, 10);
                w.bits(v & 0xFF, 8);
            } else {
                if (v < -32768 || v > 32767) {
                    throw new IllegalArgumentException("value " + v + " does not fit 16 bits");
                }
                w.bits(0b1111111111, 10);
                w.bits(v & 0xFFFF, 16);
            }
        }
        return w.bytes();
    }

    /** MSB-first bit writer. */
    static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int cur;
        private int used;

        void bits(int value, int n) {
            for (int i = n - 1; i >= 0; i--) {
                cur = (cur << 1) | ((value >>> i) & 1);
                if (++used == 8) {
                    out.write(cur);
                    cur = 0;
                    used = 0;
                }
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(cur << (8 - used));
                cur = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }

    /** d[n] = x[n] − x[n−1] (first differences; d[0] = x[0]). */
    static int[] firstDifferences(int[] x) {
        int[] d = x.clone();
        for (int i = x.length - 1; i >= 1; i--) {
            d[i] = x[i] - x[i - 1];
        }
        return d;
    }

    /** d[n] = x[n] − 2x[n−1] + x[n−2] (second differences; d[0], d[1] are x[0], x[1]). */
    static int[] secondDifferences(int[] x) {
        int[] d = x.clone();
        for (int i = x.length - 1; i >= 2; i--) {
            d[i] = x[i] - 2 * x[i - 1] + x[i - 2];
        }
        return d;
    }
}
