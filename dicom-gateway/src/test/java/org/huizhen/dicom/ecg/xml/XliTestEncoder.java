package org.huizhen.dicom.ecg.xml;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The inverse of {@link XliDecoder}, for tests only: turns raw 16-bit channels into XLI chunks
 * (second-order prediction codes, high bytes then low bytes, LZW with 10-bit codes MSB first and
 * end code 1023, 8-byte header). Written from the format description, independently of the
 * decoder, so a round trip checks the decoder against a second reading of that description.
 */
final class XliTestEncoder {
    private XliTestEncoder() {
    }

    /** All channels, chunk after chunk. */
    static byte[] encode(int[]... channels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int[] s : channels) {
            int n = s.length;
            int[] code = new int[n];
            code[0] = s[0];
            code[1] = s[1];
            // sample[i] = 2·sample[i−1] − sample[i−2] − d, d = header value for i = 2, code[i−1] − 64 after
            int first = (short) (2 * s[1] - s[0] - s[2]);
            for (int j = 2; j < n - 1; j++) {
                code[j] = (short) (2 * s[j] - s[j - 1] - s[j + 1] + 64);
            }
            code[n - 1] = 64; // never used by the decoder
            byte[] split = new byte[2 * n];
            for (int j = 0; j < n; j++) {
                split[j] = (byte) (code[j] >> 8);
                split[n + j] = (byte) code[j];
            }
            byte[] lzw = lzw(split);
            out.write(lzw.length);
            out.write(lzw.length >> 8);
            out.write(lzw.length >> 16);
            out.write(lzw.length >> 24);
            out.write(1);
            out.write(0);
            out.write(first);
            out.write(first >> 8);
            out.writeBytes(lzw);
        }
        return out.toByteArray();
    }

    /** Textbook LZW compression with fixed 10-bit codes, table growing to 1022, then 1023 as end code. */
    static byte[] lzw(byte[] in) {
        Map<String, Integer> table = new HashMap<>();
        for (int c = 0; c < 256; c++) {
            table.put(String.valueOf((char) c), c);
        }
        int next = 256;
        Bits bits = new Bits();
        String w = "";
        for (byte b : in) {
            String wc = w + (char) (b & 0xFF);
            if (table.containsKey(wc)) {
                w = wc;
            } else {
                bits.put(table.get(w));
                if (next <= 1022) {
                    table.put(wc, next++);
                }
                w = String.valueOf((char) (b & 0xFF));
            }
        }
        if (!w.isEmpty()) {
            bits.put(table.get(w));
        }
        bits.put(1023);
        return bits.bytes();
    }

    /** Codes packed most significant bit first; the last byte padded with zero bits. */
    static final class Bits {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int acc;
        private int n;

        void put(int code) {
            for (int i = 9; i >= 0; i--) {
                acc = (acc << 1) | ((code >> i) & 1);
                if (++n == 8) {
                    out.write(acc);
                    acc = 0;
                    n = 0;
                }
            }
        }

        byte[] bytes() {
            if (n > 0) {
                out.write(acc << (8 - n));
                acc = 0;
                n = 0;
            }
            return out.toByteArray();
        }
    }
}
