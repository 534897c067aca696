package org.huizhen.dicom.ecg.xml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.huizhen.dicom.ecg.EcgParseException;

/**
 * Decodes Philips "XLI" compressed waveform data (the {@code parsedwaveforms} of Sierra ECG XML
 * with {@code compressmethod="XLI"} in v1.03 or {@code compression="XLI"} in v1.04) into one
 * array of raw 16-bit sample values per stored channel.
 *
 * <p>Philips never published the format; this follows the public reverse-engineered description
 * of sierra-ecg-tools (wiki "XLI compression in detail", C. Watford, 2011–2014), implemented here
 * from that description:
 * <ol>
 *   <li>The data is a sequence of chunks, one per channel. Each starts with an 8-byte
 *       little-endian header: int32 compressed size, int16 of unknown meaning (always 1 in the
 *       files seen), int16 first delta code.</li>
 *   <li>The compressed bytes are LZW with fixed 10-bit codes packed most significant bit first;
 *       codes 0–255 stand for themselves, new strings get codes from 256 up to 1022 (the table
 *       then stops growing), and code 1023 ends the chunk.</li>
 *   <li>The decompressed bytes hold 16-bit delta codes split in two halves: all high bytes first,
 *       then all low bytes (an odd count is padded with a zero byte).</li>
 *   <li>Samples are rebuilt by a second-order predictor: the first two codes are the first two
 *       samples; then sample[i] = 2·sample[i−1] − sample[i−2] − d, where d is the header's
 *       delta for i = 2 and (code[i−1] − 64) after that. Arithmetic is 16-bit two's complement.</li>
 * </ol>
 * The limb-lead residuals (III, aVR, aVL, aVF) are resolved by {@link PhilipsSierraXmlReader}, not
 * here: this class knows nothing of leads.
 *
 * <p>Limits: at most {@code maxChunks} chunks, {@code maxSamplesPerChunk} samples per chunk and
 * {@link #MAX_TOTAL_SAMPLES} in all (LZW can expand a few kilobytes into megabytes, so the output is
 * capped while decoding, not after). Every defect is an {@link EcgParseException} with HZ-7002.
 *
 * <p>Stateless; thread-safe.
 */
final class XliDecoder {
    /** Width of every LZW code word. */
    static final int CODE_BITS = 10;
    /** Highest code that names a string; the next one (1023) ends a chunk. */
    static final int MAX_CODE = (1 << CODE_BITS) - 2;
    /** Bias of the stored delta codes (a stored code of 64 means "no correction"). */
    static final int DELTA_BIAS = 64;
    /** Most samples all chunks together may decode to: 12 leads of about 11 minutes at 1000 Hz. */
    static final long MAX_TOTAL_SAMPLES = 8_000_000;
    private static final int HEADER_BYTES = 8;

    private XliDecoder() {
    }

    /**
     * Decodes all chunks.
     *
     * @param data the base64-decoded {@code parsedwaveforms} bytes
     * @param maxChunks most chunks accepted
     * @param maxSamplesPerChunk most samples one chunk may decode to
     * @return one array per chunk, in file order
     */
    static List<int[]> decode(byte[] data, int maxChunks, int maxSamplesPerChunk) throws EcgParseException {
        List<int[]> channels = new ArrayList<>();
        long total = 0;
        int off = 0;
        while (off < data.length) {
            if (data.length - off < HEADER_BYTES) {
                if (allZero(data, off)) {
                    break; // padding after the last chunk
                }
                throw new EcgParseException("HZ-7002 XLI data ends inside a chunk header at byte " + off);
            }
            int size = le32(data, off);
            int first = (short) le16(data, off + 6);
            off += HEADER_BYTES;
            if (size < 0 || size > data.length - off) {
                throw new EcgParseException("HZ-7002 XLI chunk " + (channels.size() + 1) + " declares " + size
                        + " compressed bytes but only " + (data.length - off) + " remain (truncated?)");
            }
            if (channels.size() == maxChunks) {
                throw new EcgParseException("HZ-7003 XLI data holds more than " + maxChunks + " channels");
            }
            // each chunk is capped on its own and all together by MAX_TOTAL_SAMPLES (a hostile 16 MiB file could
            // otherwise expand to gigabytes across 128 chunks)
            long budget = Math.min(maxSamplesPerChunk, MAX_TOTAL_SAMPLES - total);
            byte[] raw = lzw(data, off, size, (int) (2 * budget), channels.size() + 1);
            off += size;
            int[] samples = deltas(raw, first, channels.size() + 1);
            total += samples.length;
            channels.add(samples);
        }
        if (channels.isEmpty()) {
            throw new EcgParseException("HZ-7002 XLI data holds no channel");
        }
        return channels;
    }

    /**
     * LZW-decompresses {@code len} bytes at {@code off}. The dictionary is kept as prefix links
     * (code → previous code + last byte) so a string is written straight into the output, back to
     * front, without allocating per code.
     */
    static byte[] lzw(byte[] in, int off, int len, int maxOut, int chunk) throws EcgParseException {
        int[] prefix = new int[MAX_CODE + 1];
        byte[] last = new byte[MAX_CODE + 1];
        byte[] firstByte = new byte[MAX_CODE + 1];
        int[] length = new int[MAX_CODE + 1];
        for (int c = 0; c < 256; c++) {
            prefix[c] = -1;
            last[c] = (byte) c;
            firstByte[c] = (byte) c;
            length[c] = 1;
        }
        int next = 256;
        int prev = -1;
        byte[] out = new byte[Math.min(maxOut, Math.max(64, len * 4))];
        int n = 0;
        long acc = 0;
        int bits = 0;
        int pos = off;
        int end = off + len;
        while (true) {
            while (bits < CODE_BITS && pos < end) {
                acc = (acc << 8) | (in[pos++] & 0xFF);
                bits += 8;
            }
            if (bits < CODE_BITS) {
                break; // stream ended without the end code: the codes read so far stand
            }
            int code = (int) (acc >>> (bits - CODE_BITS)) & ((1 << CODE_BITS) - 1);
            bits -= CODE_BITS;
            acc &= (1L << bits) - 1;
            if (code > MAX_CODE) {
                break; // end-of-chunk code
            }
            if (code >= next) {
                // The only unknown code a valid stream may send is the one being defined right now
                // (the "KwKwK" case): previous string + its own first byte.
                if (code != next || prev < 0) {
                    throw new EcgParseException("HZ-7002 XLI chunk " + chunk + ": LZW code " + code
                            + " used before it was defined (corrupt data)");
                }
                define(prefix, last, firstByte, length, next++, prev, firstByte[prev]);
            } else if (prev >= 0 && next <= MAX_CODE) {
                define(prefix, last, firstByte, length, next++, prev, firstByte[code]);
            }
            int l = length[code];
            if (n + l > maxOut) {
                throw new EcgParseException("HZ-7002 XLI chunk " + chunk + " decompresses to more than " + maxOut
                        + " bytes (corrupt data or a recording longer than declared)");
            }
            if (n + l > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(maxOut, Math.max((long) out.length * 2, n + l)));
            }
            for (int c = code, i = n + l - 1; c >= 0; c = prefix[c], i--) {
                out[i] = last[c];
            }
            n += l;
            prev = code;
        }
        return Arrays.copyOf(out, n);
    }

    /** Defines {@code code} as the string of {@code prev} followed by byte {@code b}. */
    private static void define(int[] prefix, byte[] last, byte[] firstByte, int[] length, int code, int prev, byte b) {
        prefix[code] = prev;
        last[code] = b;
        firstByte[code] = firstByte[prev];
        length[code] = length[prev] + 1;
    }

    /** Re-interleaves the high-byte and low-byte halves and undoes the second-order prediction. */
    static int[] deltas(byte[] raw, int first, int chunk) throws EcgParseException {
        int n = (raw.length + 1) / 2; // an odd count is padded with a zero low byte
        if (n < 2) {
            throw new EcgParseException("HZ-7002 XLI chunk " + chunk + " holds " + n + " samples (at least 2 expected)");
        }
        int[] code = new int[n];
        for (int i = 0; i < n; i++) {
            int lo = n + i < raw.length ? raw[n + i] & 0xFF : 0;
            code[i] = (short) (((raw[i] & 0xFF) << 8) | lo);
        }
        int[] s = new int[n];
        s[0] = code[0];
        s[1] = code[1];
        int d = first;
        for (int i = 2; i < n; i++) {
            s[i] = (short) (2 * s[i - 1] - s[i - 2] - d);
            d = code[i] - DELTA_BIAS;
        }
        return s;
    }

    private static boolean allZero(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int le32(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8 | (b[o + 2] & 0xFF) << 16 | (b[o + 3] & 0xFF) << 24;
    }

    private static int le16(byte[] b, int o) {
        return (b[o] & 0xFF) | (b[o + 1] & 0xFF) << 8;
    }
}
