package org.huizhen.dicom.ecg.scp;

import org.huizhen.dicom.ecg.EcgParseException;

/**
 * A bounds-checked little-endian view of one part of an SCP-ECG record (EN 1064:2005 5.2: all
 * multi-byte binary values are sent least significant byte first). Every read outside the view
 * is an HZ-7002 naming the part and the offset, never an {@link ArrayIndexOutOfBoundsException}.
 *
 * <p>Also holds the CRC-CCITT of EN 1064 5.3.1 (polynomial x^16 + x^12 + x^5 + 1, preset
 * 0xFFFF, no final XOR) and the XMODEM variant (preset 0) some devices write.
 *
 * <p>Not thread-safe by design (a view lives inside one parse); holds no mutable state besides
 * the array it does not own.
 */
final class ScpBytes {
    private final byte[] b;
    private final int off;
    private final int len;
    private final String what;

    /** A view of {@code b[off, off+len)} called {@code what} in messages ("SCP-ECG section 3"). */
    ScpBytes(byte[] b, int off, int len, String what) {
        this.b = b;
        this.off = off;
        this.len = len;
        this.what = what;
    }

    /** Bytes in the view. */
    int length() {
        return len;
    }

    /** Absolute offset of the view's first byte. */
    int offset() {
        return off;
    }

    /** Throws HZ-7002 unless {@code n} bytes from {@code pos} lie inside the view. */
    void require(int pos, long n, String item) throws EcgParseException {
        if (pos < 0 || n < 0 || pos + n > len) {
            throw new EcgParseException("HZ-7002 " + what + ": " + item + " needs bytes " + pos + ".." + (pos + n - 1)
                    + " but the section data has " + len + " bytes");
        }
    }

    int u8(int pos) throws EcgParseException {
        require(pos, 1, "a 1-byte field");
        return b[off + pos] & 0xFF;
    }

    int u16(int pos) throws EcgParseException {
        require(pos, 2, "a 2-byte field");
        return (b[off + pos] & 0xFF) | (b[off + pos + 1] & 0xFF) << 8;
    }

    int i16(int pos) throws EcgParseException {
        return (short) u16(pos);
    }

    long u32(int pos) throws EcgParseException {
        require(pos, 4, "a 4-byte field");
        return ((long) u16(pos)) | ((long) u16(pos + 2)) << 16;
    }

    /** CRC of every byte value, MSB-first polynomial 0x1021: one table step per byte instead of eight shifts. */
    private static final int[] CRC_TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int c = i << 8;
            for (int k = 0; k < 8; k++) {
                c = (c & 0x8000) != 0 ? (c << 1) ^ 0x1021 : c << 1;
            }
            CRC_TABLE[i] = c & 0xFFFF;
        }
    }

    /** CRC-CCITT (EN 1064 5.3.1) of {@code b[from, to)} with the given preset. */
    static int crc(byte[] b, int from, int to, int preset) {
        int crc = preset;
        for (int i = from; i < to; i++) {
            crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 8) ^ b[i]) & 0xFF]) & 0xFFFF;
        }
        return crc;
    }

    /** The CRC of EN 1064 5.3.1 (preset 0xFFFF). */
    static int crcCcitt(byte[] b, int from, int to) {
        return crc(b, from, to, 0xFFFF);
    }

    static int u16(byte[] b, int pos) {
        return (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int pos) {
        return u16(b, pos) | ((long) u16(b, pos + 2)) << 16;
    }
}
